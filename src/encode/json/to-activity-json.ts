/**
 * Activity JSON writer: columns → Smashrun's JSON activity object (spec §2–§5), written straight from the
 * typed arrays into one byte buffer (see `byte-writer.ts` for why bytes). No row objects, no plain arrays
 * of the series: each number goes from its column into the output once.
 */
import type { Activity } from '../../core/activity.js';
import { RECORDED_SERIES_KEYS, type RecordedSeriesKey } from '../../core/series.js';
import { type Summary, summarize } from '../../core/summary.js';
import type { Encoder, EncodeOptions } from '../encoder.js';
import { ByteWriter } from './byte-writer.js';
import { formatLocalTime } from '../../activity-json/local-time.js';

/** Options of {@link toActivityJson}: those of every encoder (power only when asked, a summary already computed). */
export type ToActivityJsonOptions = EncodeOptions;

/** The recording keys an activity's Activity JSON carries, in output order. */
export function recordingKeys(a: Activity, includePower = false): string[] {
  const keys: string[] = [];
  if (a.hasClock) keys.push('clock');
  keys.push('duration');
  for (const key of RECORDED_SERIES_KEYS) {
    if (key === 'power' && !includePower) continue;
    if (a.series[key] !== null) keys.push(key);
  }
  return keys;
}

/**
 * The Activity JSON encoder. It keeps one writer from call to call (writing is synchronous, so calls
 * cannot overlap) and copies bytes out at exactly their size: before, each result was a view into a fresh
 * buffer sized for the worst case, ~1.6× the output, which a caller holding many results (a batch without
 * an output folder) kept alive. Time: neutral (corpus FIT → JSON best 58.8–59.5 ms before, 58.8–62.4 ms
 * after; full garbage collections 77 → 65 over the same run — V8 runs them on ArrayBuffer memory growth).
 * A writer grown past 16 MiB is not kept.
 */
export class ActivityJsonEncoder implements Encoder {
  readonly format = 'json';
  readonly extension = 'json';
  readonly mediaType = 'application/json';
  private scratch: ByteWriter | null = null;

  encode(activity: Activity, options: EncodeOptions, sink: (chunk: Uint8Array) => void): void {
    this.withBytes(activity, options, sink);
  }

  /** Activity JSON text. */
  text(activity: Activity, options: ToActivityJsonOptions = {}): string {
    try {
      return writeActivityJson(this.writer(activity, options), activity, options).text();
    } finally {
      this.release();
    }
  }

  /** Activity JSON bytes, in a buffer of their exact size. */
  bytes(activity: Activity, options: ToActivityJsonOptions = {}): Uint8Array {
    return this.withBytes(activity, options, (b) => b.slice());
  }

  /** Hands `use` a view of the Activity JSON bytes, valid only during the call (the writer's own buffer). */
  withBytes<T>(activity: Activity, options: ToActivityJsonOptions, use: (bytes: Uint8Array) => T): T {
    try {
      return use(writeActivityJson(this.writer(activity, options), activity, options).bytes());
    } finally {
      this.release();
    }
  }

  private writer(a: Activity, options: ToActivityJsonOptions): ByteWriter {
    const capacity = 1024 + a.length * (recordingKeys(a, options.includePower).length) * 12;
    if (this.scratch === null || this.scratch.buf.length < capacity) this.scratch = new ByteWriter(capacity);
    this.scratch.pos = 0;
    return this.scratch;
  }

  private release(): void {
    if (this.scratch !== null && this.scratch.buf.length > SCRATCH_KEEP) this.scratch = null;
  }
}

const SCRATCH_KEEP = 16 << 20;

/** The Activity JSON encoder (the one the registry hands out). */
export const activityJsonEncoder = new ActivityJsonEncoder();

/**
 * Writes an activity as Activity JSON text.
 *
 * @example
 * ```ts
 * const text = toActivityJson(activity);
 * ```
 */
export function toActivityJson(a: Activity, options: ToActivityJsonOptions = {}): string {
  return activityJsonEncoder.text(a, options);
}

/** Writes an activity as Activity JSON, UTF-8 bytes (what an uploader sends), in a buffer of its exact size. */
export function toActivityJsonBytes(a: Activity, options: ToActivityJsonOptions = {}): Uint8Array {
  return activityJsonEncoder.bytes(a, options);
}

/**
 * Writes an activity as Activity JSON and hands `use` a view of the bytes, valid only during the call
 * (the writer's own buffer, reused by the next call): for a caller that writes the bytes straight to a
 * file, the copy {@link toActivityJsonBytes} makes is saved.
 */
export function withActivityJsonBytes<T>(a: Activity, options: ToActivityJsonOptions, use: (bytes: Uint8Array) => T): T {
  return activityJsonEncoder.withBytes(a, options, use);
}

function writeActivityJson(w: ByteWriter, a: Activity, options: ToActivityJsonOptions): ByteWriter {
  const m = a.meta;
  const sum = options.summary ?? summarize(a);
  const keys = recordingKeys(a, options.includePower);
  let first = true;
  const key = (k: string): void => {
    w.ascii(first ? '{"' + k + '":' : ',"' + k + '":');
    first = false;
  };
  const str = (k: string, v: string | null): void => {
    if (v === null) return;
    key(k);
    w.string(v);
  };
  const num = (k: string, v: number | null | undefined): void => {
    if (v === null || v === undefined || !Number.isFinite(v)) return;
    key(k);
    w.number(v);
  };

  str('externalId', m.externalId);
  str('startDateTimeLocal', formatLocalTime(a.startTime, a.utcOffset ?? 0));
  num('distance', sum.distance);
  num('duration', sum.duration);
  // `running` for every run; another sport only when the caller asked for other sports (sports: 'all'):
  // the source's own word for it, never `running` for a ride (spec §2, v4).
  str('activityType', m.sport);
  str('notes', m.notes);
  const given = m.given;
  num('cadenceAverage', sum.cadenceAverage ?? given.cadenceAverage);
  num('cadenceMin', sum.cadenceMin ?? given.cadenceMin);
  num('cadenceMax', sum.cadenceMax ?? given.cadenceMax);
  num('heartRateAverage', sum.heartRateAverage ?? given.heartRateAverage);
  num('heartRateMin', sum.heartRateMin ?? given.heartRateMin);
  num('heartRateMax', sum.heartRateMax ?? given.heartRateMax);
  num('temperature', sum.temperature ?? given.temperature);
  num('bodyWeight', m.bodyWeight);
  str('howFelt', m.howFelt);
  str('terrain', m.terrain);
  str('weatherType', m.weatherType);
  num('humidity', m.humidity);
  num('windSpeed', m.windSpeed);
  str('deviceType', m.deviceType);
  str('appVersion', m.appVersion);

  key('recordingKeys');
  w.ascii('["' + keys.join('","') + '"]');
  key('recordingValues');
  w.ascii('[');
  const n = a.length;
  for (let k = 0; k < keys.length; k++) {
    if (k > 0) w.ascii(',');
    const name = keys[k];
    if (name === 'clock') w.seconds(a.time, n, a.startTime);
    else if (name === 'duration') w.column(a.duration, n);
    else w.column(a.series[name as RecordedSeriesKey] as Float64Array, n);
  }
  w.ascii(']');
  key('pauseIndexes');
  w.ascii('[' + Array.prototype.join.call(a.pauses, ',') + ']');
  key('laps');
  w.ascii('[');
  for (let i = 0; i < a.laps.length; i++) {
    const lap = a.laps[i];
    w.ascii((i > 0 ? ',' : '') + '{"lapType":"' + lap.type + (lap.by === 'distance' ? '","endDistance":' : '","endDuration":'));
    w.number(lap.end);
    w.ascii('}');
  }
  w.ascii(']');
  if (m.songs !== null) {
    key('songs');
    w.utf8(JSON.stringify(m.songs));
  }
  if (m.heartRateRecovery !== null) {
    key('heartRateRecovery');
    w.utf8(JSON.stringify(m.heartRateRecovery));
  }
  w.ascii('}');
  return w;
}
