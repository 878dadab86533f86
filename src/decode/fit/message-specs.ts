/**
 * What the FIT decoder reads of each message: field number → slot in a small `Float64Array` the reader
 * fills per message (slot 0 is always the `timestamp`, field 253), so the semantic layer reads
 * `vals[R.heartRate]` and never looks a field up by name. Field numbers come from the profile
 * (`src/fit/profile.ts`).
 */
import type { SeriesKey } from '../../core/series.js';
import { messageNamed, profileField } from '../../fit/profile.js';

/** How the reader stores a field. */
export const FieldKind = {
  /** A number (the first element of an array), invalid sentinel → NaN. */
  Number: 1,
  /** A UTF-8 string, kept in the string slots. */
  String: 2,
  /** Three bytes read as one little-endian 24-bit integer (record.compressed_speed_distance). */
  Bytes3: 3,
  /**
   * Every element of an array field (hr.filtered_bpm, hr.event_timestamp…): the reader puts them in the
   * slot's array buffer and the element count in the slot (invalid elements → NaN, except for the `byte`
   * base type, whose bytes are kept as they are; an array of nothing but invalid elements is absent, NaN).
   */
  Array: 4,
} as const;
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

/** What the reader decodes of one global message. */
export interface MessageSpec {
  /** Global message number. */
  readonly global: number;
  /** Field number → slot, −1 when the field is skipped. */
  readonly slotOf: Int16Array;
  /** Field number → {@link FieldKind} (0 when skipped). */
  readonly kindOf: Uint8Array;
  /** Number of slots (timestamp included). */
  readonly slots: number;
  /** Whether the semantic layer wants the message (false: only its timestamp is tracked). */
  readonly wanted: boolean;
}

/** Slot numbers of a message's fields, by name. */
type Slots<T extends readonly string[]> = { readonly [K in T[number]]: number };

function slotsOf<const T extends readonly string[]>(fields: T): Slots<T> {
  const out: Record<string, number> = {};
  fields.forEach((f, i) => (out[f] = i));
  return out as Slots<T>;
}

const specs: (MessageSpec | undefined)[] = [];

function define<const T extends readonly ['timestamp', ...string[]]>(
  message: string,
  fields: T,
  strings: readonly string[] = [],
  bytes3: readonly string[] = [],
  arrays: readonly string[] = [],
): Slots<T> {
  const m = messageNamed(message);
  const slotOf = new Int16Array(256).fill(-1);
  const kindOf = new Uint8Array(256);
  fields.forEach((name, slot) => {
    const num = name === 'timestamp' ? 253 : profileField(message, name).num;
    slotOf[num] = slot;
    kindOf[num] = strings.includes(name)
      ? FieldKind.String
      : bytes3.includes(name)
        ? FieldKind.Bytes3
        : arrays.includes(name)
          ? FieldKind.Array
          : FieldKind.Number;
  });
  specs[m.num] = { global: m.num, slotOf, kindOf, slots: fields.length, wanted: true };
  return slotsOf(fields);
}

// Slot tables, one per wanted message (the order is the slot number; `timestamp` first).
export const FileIdSlots = define('fileId', ['timestamp', 'type', 'manufacturer', 'product', 'serialNumber', 'timeCreated', 'productName'], ['productName']);
export const UserProfileSlots = define('userProfile', ['timestamp', 'weight']);
export const SportSlots = define('sport', ['timestamp', 'sport', 'subSport']);
export const SessionSlots = define('session', [
  'timestamp', 'startTime', 'sport', 'subSport', 'totalElapsedTime', 'totalTimerTime', 'totalDistance', 'avgHeartRate', 'maxHeartRate', 'numLaps',
]);
export const LapSlots = define('lap', ['timestamp', 'startTime', 'lapTrigger', 'intensity', 'totalElapsedTime', 'sport', 'subSport', 'totalCalories']);
/**
 * Series read from one record field each, as the profile scales it (`raw / scale − offset`): adding such a
 * series (stride length, vertical oscillation…) is one line here beside its line in `core/series.ts`. The
 * record fields that need more (positions, distance and speed with their compressed and enhanced forms,
 * altitude, fractional cadence) are converted one by one in `fit-messages.ts`.
 */
export const PLAIN_RECORD_SERIES = [
  ['heartRate', 'heartRate'],
  ['temperature', 'temperature'],
  ['power', 'power'],
] as const satisfies readonly (readonly [SeriesKey, string])[];

export const RecordSlots = define(
  'record',
  [
    'timestamp', 'positionLat', 'positionLong', 'distance', 'altitude', 'enhancedAltitude', 'cadence', 'fractionalCadence',
    'speed', 'enhancedSpeed', 'compressedSpeedDistance', ...PLAIN_RECORD_SERIES.map(([, field]) => field),
  ],
  [],
  ['compressedSpeedDistance'],
);

/** For each of {@link PLAIN_RECORD_SERIES}: its slot, and what is subtracted from and divided into the raw value. */
export const PlainRecordFields = PLAIN_RECORD_SERIES.map(([series, field]) => {
  const { scale, offset } = profileField('record', field);
  return { series, slot: (RecordSlots as Record<string, number>)[field], div: scale, sub: offset * scale };
});

export const EventSlots = define('event', ['timestamp', 'event', 'eventType']);
export const DeviceInfoSlots = define('deviceInfo', ['timestamp', 'deviceIndex', 'manufacturer', 'product', 'softwareVersion', 'productName'], ['productName']);
export const ActivitySlots = define('activity', ['timestamp', 'localTimestamp', 'numSessions']);
export const FileCreatorSlots = define('fileCreator', ['timestamp', 'softwareVersion']);
export const FieldDescriptionSlots = define('fieldDescription', ['timestamp', 'developerDataIndex']);
// hr: heart rate stored by a strap (HRM-Tri / HRM-Swim / HRM-Pro) and sent to the watch later (hr-merge.ts).
const HR_ARRAYS = ['filteredBpm', 'eventTimestamp', 'eventTimestamp12'] as const;
export const HrSlots = define('hr', ['timestamp', 'fractionalTimestamp', 'time256', ...HR_ARRAYS], [], [], HR_ARRAYS);

/** Most slots any spec has (the size of the reader's value buffer). */
export const MAX_SLOTS = specs.reduce((m, s) => Math.max(m, s?.slots ?? 0), 1);

/** Messages runjson does not read: only a timestamp (field 253) is tracked, for compressed-timestamp headers. */
const OTHER: MessageSpec = (() => {
  const slotOf = new Int16Array(256).fill(-1);
  const kindOf = new Uint8Array(256);
  slotOf[253] = 0;
  kindOf[253] = FieldKind.Number;
  return { global: -1, slotOf, kindOf, slots: 1, wanted: false };
})();

/** The spec of global message `global` (a timestamp-only spec for messages runjson does not read). */
export function specOf(global: number): MessageSpec {
  return specs[global] ?? OTHER;
}

/** Scale and offset of the record fields runjson converts (from the profile). */
export const RecordScale = {
  distance: profileField('record', 'distance'),
  altitude: profileField('record', 'altitude'),
  enhancedAltitude: profileField('record', 'enhancedAltitude'),
  speed: profileField('record', 'speed'),
  enhancedSpeed: profileField('record', 'enhancedSpeed'),
  fractionalCadence: profileField('record', 'fractionalCadence'),
} as const;

