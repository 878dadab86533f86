/**
 * What the FIT writer decides before the first byte: the messages it writes and their layouts (each
 * defined once, on its own local message number), the record layout of one run (only the fields of the
 * series it has), which pauses can be written, and the exact size of the file — the record count, the
 * laps and the written pauses fix every message's size, so the header carries the data size up front.
 */
import type { Activity, Lap } from '../../core/activity.js';
import { ConvertError, ErrorCode, type Report } from '../../core/errors.js';
import { type Summary, summarize } from '../../core/summary.js';
import { FIT_EPOCH_S, enumValue } from '../../fit/profile.js';
import type { EncodeOptions } from '../encoder.js';
import { type MessageLayout, layout } from './fit-layout.js';

/** Bytes of the file header (with its CRC). */
export const HEADER_SIZE = 14;
/** FIT protocol 2.0 (what current Garmin devices write). */
export const PROTOCOL_VERSION = 0x20;

/** The profile's values of the events, event types and file and activity types the writer uses. */
export const EVENT_TIMER = enumValue('event', 'timer');
export const EVENT_LAP = enumValue('event', 'lap');
export const EVENT_SESSION = enumValue('event', 'session');
export const EVENT_ACTIVITY = enumValue('event', 'activity');
export const TYPE_START = enumValue('eventType', 'start');
export const TYPE_STOP = enumValue('eventType', 'stop');
export const TYPE_STOP_ALL = enumValue('eventType', 'stopAll');
export const FILE_ACTIVITY = enumValue('file', 'activity');
export const ACTIVITY_MANUAL = enumValue('activity', 'manual');

/** Semicircles per degree. */
export const SEMICIRCLES = 2 ** 31 / 180;
/** Largest FIT timestamp: 0xFFFFFFFF is the invalid value. */
const MAX_FIT_SECONDS = 0xfffffffe;

// Local message numbers: one per message kind, each defined once.
export const FILE_ID = layout('fileId', 0, ['type', 'manufacturer', 'product', 'serialNumber', 'timeCreated']);
export const DEVICE_INFO = layout('deviceInfo', 1, ['timestamp', 'deviceIndex', 'manufacturer', 'product', 'serialNumber', 'softwareVersion']);
export const USER_PROFILE = layout('userProfile', 2, ['weight']);
export const EVENT = layout('event', 3, ['timestamp', 'event', 'eventType']);
export const LAP = layout('lap', 5, [
  'timestamp', 'startTime', 'totalElapsedTime', 'totalTimerTime', 'totalDistance', 'messageIndex', 'avgHeartRate', 'maxHeartRate',
  'avgCadence', 'maxCadence', 'avgPower', 'maxPower', 'totalCalories', 'event', 'eventType', 'intensity', 'lapTrigger', 'sport', 'subSport',
]);
export const SESSION = layout('session', 6, [
  'timestamp', 'startTime', 'totalElapsedTime', 'totalTimerTime', 'totalDistance', 'enhancedAvgSpeed', 'firstLapIndex', 'numLaps',
  'avgHeartRate', 'maxHeartRate', 'avgCadence', 'maxCadence', 'avgPower', 'maxPower', 'totalCalories', 'event', 'eventType', 'sport', 'subSport',
]);
export const ACTIVITY = layout('activity', 7, ['timestamp', 'totalTimerTime', 'numSessions', 'type', 'event', 'eventType', 'localTimestamp']);
const RECORD_LOCAL = 4;

/** The record fields of each series, in the order they are laid out when the run has the series. */
const RECORD_FIELDS = {
  position: ['positionLat', 'positionLong'],
  distance: ['distance'],
  elevation: ['enhancedAltitude'],
  speed: ['enhancedSpeed'],
  heartRate: ['heartRate'],
  cadence: ['cadence', 'fractionalCadence'],
  power: ['power'],
  temperature: ['temperature'],
} as const;

/** Everything decided before the first byte: the record layout, the sizes, the pauses written. */
export interface FitPlan {
  a: Activity;
  summary: Summary;
  report: Report | undefined;
  record: MessageLayout;
  /** Whether each pause is written (false: it falls inside one FIT second, and readers could not see it). */
  pauseWritten: Uint8Array;
  size: number;
  /** Laps as written: the core's, or one lap over the whole run when it has none. */
  laps: readonly Pick<Lap, 'endIndex' | 'trigger' | 'intensity' | 'startTime' | 'calories'>[];
}

/** FIT seconds of an instant (ms since the Unix epoch), rounded to the nearest second. */
export function fitSeconds(ms: number): number {
  return Math.round(ms / 1000) - FIT_EPOCH_S;
}

export function planFit(a: Activity, options: EncodeOptions): FitPlan {
  const n = a.length;
  if (n === 0) throw new ConvertError(ErrorCode.NoSamples, 'a run without samples cannot be written as FIT', { format: 'fit' });
  const first = fitSeconds(Math.min(a.startTime, a.time[0]));
  const last = fitSeconds(a.time[n - 1]);
  if (!(first >= 0) || !(last <= MAX_FIT_SECONDS)) {
    throw new ConvertError(ErrorCode.Unsupported, 'FIT holds times from 1989-12-31 to 2126 only (its epoch and 32-bit seconds)', { format: 'fit' });
  }
  const s = a.series;
  const fields: string[] = ['timestamp'];
  if (s.latitude !== null && s.longitude !== null) fields.push(...RECORD_FIELDS.position);
  if (s.distance !== null) fields.push(...RECORD_FIELDS.distance);
  if (s.elevation !== null) fields.push(...RECORD_FIELDS.elevation);
  if (s.speed !== null) fields.push(...RECORD_FIELDS.speed);
  if (s.heartRate !== null) fields.push(...RECORD_FIELDS.heartRate);
  if (s.cadence !== null) fields.push(...RECORD_FIELDS.cadence);
  if (s.power !== null) fields.push(...RECORD_FIELDS.power);
  if (s.temperature !== null) fields.push(...RECORD_FIELDS.temperature);
  const record = layout('record', RECORD_LOCAL, fields);

  const pauseWritten = new Uint8Array(a.pauses.length);
  let writtenPauses = 0;
  for (let p = 0; p < a.pauses.length; p++) {
    const at = a.pauses[p];
    if (fitSeconds(a.time[at]) > fitSeconds(a.time[at - 1])) {
      pauseWritten[p] = 1;
      writtenPauses++;
    }
  }
  const laps = a.laps.length > 0 ? a.laps : [{ endIndex: n - 1, trigger: 'session-end' as const, intensity: 'active' as const, startTime: NaN, calories: NaN }];
  const hasWeight = a.meta.bodyWeight !== null;
  const size =
    HEADER_SIZE +
    FILE_ID.definitionSize + FILE_ID.size +
    DEVICE_INFO.definitionSize + DEVICE_INFO.size +
    (hasWeight ? USER_PROFILE.definitionSize + USER_PROFILE.size : 0) +
    EVENT.definitionSize + (2 + 2 * writtenPauses) * EVENT.size +
    record.definitionSize + n * record.size +
    LAP.definitionSize + laps.length * LAP.size +
    SESSION.definitionSize + SESSION.size +
    ACTIVITY.definitionSize + ACTIVITY.size +
    2;
  return { a, summary: options.summary ?? summarize(a), report: options.report, record, pauseWritten, size, laps };
}
