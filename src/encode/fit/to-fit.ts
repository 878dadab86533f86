/**
 * FIT activity file writer: columns → a FIT file as a watch writes one. In file order: the 14-byte header,
 * `file_id` (type activity, the source's device), `device_info`, `user_profile` (body weight, when known),
 * a timer `start` event, the records, a timer `stop_all` and `start` around every pause (no record
 * between them), each `lap` right after its last record, a final `stop_all`, one `session` with its
 * totals recomputed from the series, one `activity` with `local_timestamp`, and the file CRC.
 *
 * The record loop is the hot path: its layout (only the fields of the series the run has) is defined
 * once, and each record is a fixed-size data message written straight from the columns into one reused
 * byte buffer, handed to the sink in chunks. Every size is known before the first byte (the record
 * count, the laps and the pauses are), so the header carries the data size without a second pass.
 *
 * Precision (what a reader gets back): times in whole seconds, positions in semicircles (2^31 per 180°,
 * 8.4e-8°), distance in centimetres, altitude in 0.2 m, speed in mm/s, heart rate, power and temperature
 * in whole units, cadence in 1/128 step per minute.
 *
 * Spec: https://developer.garmin.com/fit/protocol/ and https://developer.garmin.com/fit/file-types/activity/.
 */
import type { Activity } from '../../core/activity.js';
import type { Report } from '../../core/errors.js';
import { crc16 } from '../../fit/crc.js';
import type { Encoder, EncodeOptions } from '../encoder.js';
import { FitChunkWriter, MAX_MESSAGE } from './fit-chunk-writer.js';
import { DEVELOPMENT, fitIdentity } from './fit-identity.js';
import { type MessageLayout, blankMessage, writeDefinition, writeUint } from './fit-layout.js';
import {
  ACTIVITY, ACTIVITY_MANUAL, DEVICE_INFO, EVENT, EVENT_ACTIVITY, EVENT_TIMER, FILE_ACTIVITY, FILE_ID, type FitPlan, HEADER_SIZE,
  PROTOCOL_VERSION, TYPE_START, TYPE_STOP, TYPE_STOP_ALL, USER_PROFILE, fitSeconds, planFit,
} from './fit-plan.js';
import { type LossCounts, writeRecords } from './fit-records.js';
import { writeSession } from './fit-totals.js';

/**
 * The profile version of `@garmin/fitsdk` the field numbers come from, as its own encoder writes it
 * (major × 1000 + minor: 21.217). A test checks it against the SDK's `Profile.version`.
 */
export const PROFILE_VERSION = 21217;
/** Bytes of output handed out at a time by {@link FitEncoder.encode}. */
const CHUNK = 1 << 16;

/** The FIT encoder (the one the registry hands out). */
export class FitEncoder implements Encoder {
  readonly format = 'fit';
  readonly extension = 'fit';
  readonly mediaType = 'application/vnd.ant.fit';

  /**
   * Writes `activity` as a FIT file, in chunks of up to 64 KiB (one buffer, reused: copy a chunk to keep
   * it); a file that fits in one chunk is handed out whole, in a buffer of its size.
   */
  encode(activity: Activity, options: EncodeOptions, sink: (chunk: Uint8Array) => void): void {
    const plan = planFit(activity, options);
    const whole = plan.size <= CHUNK;
    writeFit(plan, new FitChunkWriter(new Uint8Array(whole ? plan.size : CHUNK), sink, whole));
  }
}

/** The FIT encoder the registry hands out. */
export const fitEncoder = new FitEncoder();

/**
 * Writes an activity as a FIT activity file, in a buffer of its exact size.
 *
 * @example
 * ```ts
 * const { activities } = convertSync(bytes);
 * writeFileSync('run.fit', toFit(activities[0].activity));
 * ```
 * @throws {ConvertError} `no-samples` for a run without samples; `unsupported` for times FIT cannot hold
 *   (before 1989-12-31, FIT's epoch).
 */
export function toFit(activity: Activity, options: EncodeOptions = {}): Uint8Array {
  const plan = planFit(activity, options);
  const out = new Uint8Array(plan.size);
  let got: Uint8Array | null = null;
  // The buffer holds the whole file, so the writer hands it out once, whole.
  writeFit(plan, new FitChunkWriter(out, (c) => (got = c), true));
  return got ?? out;
}

function writeFit(plan: FitPlan, w: FitChunkWriter): void {
  const { a, report } = plan;
  const n = a.length;
  const start = fitSeconds(a.startTime);
  const id = fitIdentity(a.meta);

  // Header: size, protocol, profile, data size (everything between header and CRC), ".FIT", header CRC.
  const buf0 = w.buf;
  buf0[0] = HEADER_SIZE;
  buf0[1] = PROTOCOL_VERSION;
  writeUint(buf0, 2, 2, PROFILE_VERSION);
  writeUint(buf0, 4, 4, plan.size - HEADER_SIZE - 2);
  buf0[8] = 0x2e;
  buf0[9] = 0x46;
  buf0[10] = 0x49;
  buf0[11] = 0x54;
  writeUint(buf0, 12, 2, crc16(0, buf0, 0, 12));
  w.pos = HEADER_SIZE;

  const message = (l: MessageLayout): number => {
    w.room(MAX_MESSAGE);
    const at = w.pos;
    blankMessage(w.buf, at, l);
    w.pos += l.size;
    return at;
  };
  const define = (l: MessageLayout): void => {
    w.room(MAX_MESSAGE);
    w.pos = writeDefinition(w.buf, w.pos, l);
  };
  const put = (at: number, l: MessageLayout, field: string, v: number): void => {
    const f = l.fields.find((x) => x.name === field);
    if (f === undefined || v !== v) return;
    writeUint(w.buf, at + f.at, f.type.size, v);
  };

  define(FILE_ID);
  let at = message(FILE_ID);
  put(at, FILE_ID, 'type', FILE_ACTIVITY);
  put(at, FILE_ID, 'manufacturer', id.manufacturer);
  put(at, FILE_ID, 'product', id.product);
  put(at, FILE_ID, 'serialNumber', id.serialNumber);
  put(at, FILE_ID, 'timeCreated', id.timeCreated === id.timeCreated ? id.timeCreated : start);

  define(DEVICE_INFO);
  at = message(DEVICE_INFO);
  put(at, DEVICE_INFO, 'timestamp', start);
  put(at, DEVICE_INFO, 'deviceIndex', 0); // the creator
  put(at, DEVICE_INFO, 'manufacturer', id.manufacturer);
  put(at, DEVICE_INFO, 'product', id.product);
  put(at, DEVICE_INFO, 'serialNumber', id.serialNumber);
  put(at, DEVICE_INFO, 'softwareVersion', id.softwareVersion);

  const weight = a.meta.bodyWeight;
  if (weight !== null) {
    define(USER_PROFILE);
    at = message(USER_PROFILE);
    const raw = Math.round(weight * 10);
    if (raw >= 0 && raw < 0xffff) put(at, USER_PROFILE, 'weight', raw);
  }

  define(EVENT);
  const timer = (t: number, type: number): void => {
    const e = message(EVENT);
    put(e, EVENT, 'timestamp', t);
    put(e, EVENT, 'event', EVENT_TIMER);
    put(e, EVENT, 'eventType', type);
  };
  timer(start, TYPE_START);

  const counts = writeRecords(plan, w, timer);

  const last = fitSeconds(a.time[n - 1]);
  timer(last, TYPE_STOP_ALL);
  writeSession(plan, w, message, put, start, last);

  define(ACTIVITY);
  at = message(ACTIVITY);
  put(at, ACTIVITY, 'timestamp', last);
  put(at, ACTIVITY, 'totalTimerTime', Math.round(a.duration[n - 1] * 1000));
  put(at, ACTIVITY, 'numSessions', 1);
  put(at, ACTIVITY, 'type', ACTIVITY_MANUAL);
  put(at, ACTIVITY, 'event', EVENT_ACTIVITY);
  put(at, ACTIVITY, 'eventType', TYPE_STOP);
  // Left invalid when the offset is unknown: 0 would claim the run was in UTC.
  if (a.utcOffset !== null) put(at, ACTIVITY, 'localTimestamp', last + a.utcOffset * 60);
  w.finish();

  if (report !== undefined) reportLosses(plan, report, counts);
}

/** Counts, in the report, everything the file does not carry as the core held it. */
function reportLosses(plan: FitPlan, report: Report, c: LossCounts): void {
  const { a, pauseWritten } = plan;
  report.warn('rounded-to-format', 'FIT times are whole seconds (heart rate, power and temperature whole numbers): finer values were rounded', c.rounded);
  report.warn(
    'samples-same-time',
    'samples in the same second as the one before: FIT readers merge them into one sample',
    c.sameSecond,
  );
  let lost = 0;
  for (let p = 0; p < pauseWritten.length; p++) if (pauseWritten[p] === 0) lost++;
  report.warn('pause-too-short', 'pauses within one FIT second (its time step) were not written: readers see no pause there', lost);
  report.warn('out-of-format-range', 'values outside what their FIT field holds (or a position with one coordinate) were left out', c.outOfRange);
  const m = a.meta;
  let notCarried = [m.notes, m.howFelt, m.weatherType, m.humidity, m.windSpeed, m.songs, m.heartRateRecovery].filter((v) => v !== null).length;
  // The external id, device type and software version go out only as FIT device fields: an id that is
  // not a FIT serial, a device type of a run written as `development`, a version that is not a number.
  const id = fitIdentity(m);
  if (m.externalId !== null && id.serialNumber !== id.serialNumber) notCarried++;
  if (m.deviceType !== null && id.manufacturer === DEVELOPMENT) notCarried++;
  if (m.appVersion !== null && id.softwareVersion !== id.softwareVersion) notCarried++;
  // Terrain goes out as the sub-sport; beach and snowpack have none.
  if (m.subSport === null && (m.terrain === 'beach' || m.terrain === 'snowpack')) notCarried++;
  report.warn(
    'not-carried',
    'run details FIT has no place for (notes, how it felt, weather, humidity, wind, songs, heart-rate recovery; an external id, device type or version not of a FIT device; beach or snow terrain) were left out',
    notCarried,
  );
}
