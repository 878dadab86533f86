/**
 * Activity JSON reader: our own output, and Smashrun's GET responses (with their read-only extra fields,
 * which are accepted and dropped) → the columnar core. Makes Activity JSON a first-class input.
 *
 * The text is parsed with `JSON.parse` (native, and the fastest way to a number array in JS); the arrays
 * are then copied once into typed-array columns. Structural problems (a missing or ragged series, no
 * start time) are `ConvertError`s with code `invalid-activity`; values that break a rule but can be kept
 * are counted in the report.
 */
import { type Activity, type ActivityMeta, type GivenSummary, Intensity, type Lap, LapTrigger, emptyMeta } from '../../core/activity.js';
import { ConvertError, ErrorCode, type Report } from '../../core/errors.js';
import { emptyColumns, RECORDED_SERIES_KEYS } from '../../core/series.js';
import type { DecodeContext, PushDecoder } from '../decoder.js';
import { jsonErrorOffset } from './json-error.js';
import { DEVICE_TYPES, HOW_FELT, LAP_TYPES, type LapType, TERRAINS, WEATHER_TYPES } from '../../activity-json/vocabulary.js';
import { parseLocalTime } from '../../activity-json/local-time.js';

/** Creates a push decoder for Activity JSON (one object, or an array of them). */
export function createJsonDecoder(ctx: DecodeContext): PushDecoder {
  const chunks: Uint8Array[] = [];
  let total = 0;
  return {
    push(chunk) {
      chunks.push(chunk.slice());
      total += chunk.length;
    },
    finish() {
      const bytes = new Uint8Array(total);
      let o = 0;
      for (const c of chunks) {
        bytes.set(c, o);
        o += c.length;
      }
      chunks.length = 0;
      return fromActivityJsonText(new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes), ctx.report);
    },
  };
}

/** Parses Activity JSON text (one object or an array of objects) into activities. */
export function fromActivityJsonText(text: string, report: Report): Activity[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    const msg = (cause as Error).message;
    const at = jsonErrorOffset(text);
    const where = at < 0 ? {} : lineColumn(text, at);
    throw new ConvertError(ErrorCode.Malformed, `not valid JSON: ${msg}`, { format: 'json', cause, ...where });
  }
  const docs = Array.isArray(doc) ? doc : [doc];
  return docs.map((d, i) => fromActivityJson(d, report, docs.length > 1 ? i : undefined));
}

function lineColumn(text: string, pos: number): { line: number; column: number; offset: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: pos - last, offset: pos };
}

type Doc = Record<string, unknown>;

function invalid(message: string, index?: number): ConvertError {
  return new ConvertError(ErrorCode.Invalid, index === undefined ? message : `activity ${index}: ${message}`, { format: 'json' });
}

/**
 * Reads one Activity JSON object (already parsed) into an activity.
 *
 * @param index - position in an array of activities, for messages.
 */
export function fromActivityJson(doc: unknown, report: Report, index?: number): Activity {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw invalid('an activity must be a JSON object', index);
  const d = doc as Doc;
  const where = index === undefined ? undefined : { activity: index };

  const start = typeof d.startDateTimeLocal === 'string' ? parseLocalTime(d.startDateTimeLocal) : null;
  if (start === null) throw invalid('startDateTimeLocal is missing or not an ISO 8601 date-time', index);
  if (start.offset === null) {
    // The wall time is what the runner saw; with no offset we keep it as written and call it UTC.
    report.warn('time-zone-unknown', 'startDateTimeLocal has no UTC offset: the wall time is kept and marked +00:00', 1, where);
  }

  const keys = d.recordingKeys;
  const values = d.recordingValues;
  if (!Array.isArray(keys) || !Array.isArray(values)) throw invalid('recordingKeys and recordingValues must be arrays', index);
  if (keys.length !== values.length) throw invalid('recordingKeys and recordingValues differ in length', index);
  const cols = new Map<string, unknown[]>();
  let n = -1;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const arr = values[k];
    if (typeof key !== 'string' || !Array.isArray(arr)) throw invalid(`recording ${k} is not a named array`, index);
    if (cols.has(key)) throw invalid(`recording key '${key}' appears twice`, index);
    if (n === -1) n = arr.length;
    else if (arr.length !== n) throw invalid(`recording '${key}' has ${arr.length} values, '${keys[0]}' has ${n}`, index);
    cols.set(key, arr);
  }
  const durationArr = cols.get('duration');
  if (durationArr === undefined) throw invalid("recordingKeys must include 'duration'", index);
  n = Math.max(n, 0);

  const nonFinite = { count: 0 };
  const duration = toColumn(durationArr, n, nonFinite);
  const clockArr = cols.get('clock');
  const clock = clockArr === undefined ? null : toColumn(clockArr, n, nonFinite);
  const time = new Float64Array(n);
  let subMs = 0;
  const base = clock ?? duration;
  for (let i = 0; i < n; i++) {
    const s = base[i];
    if (s !== s) throw invalid(`${clock ? 'clock' : 'duration'}[${i}] is null`, index);
    const ms = Math.round(s * 1000);
    if (Math.abs(ms - s * 1000) > 1e-6 * Math.max(1, Math.abs(s))) subMs++;
    time[i] = start.epochMs + ms;
  }
  if (subMs > 0) report.warn('time-precision', 'clock values finer than a millisecond were rounded to the millisecond', subMs, where);
  for (let i = 0; i < n; i++) if (duration[i] !== duration[i]) throw invalid(`duration[${i}] is null`, index);

  const series = emptyColumns();
  for (const key of RECORDED_SERIES_KEYS) {
    const arr = cols.get(key);
    if (arr === undefined) continue;
    const col = toColumn(arr, n, nonFinite);
    if (hasValue(col)) series[key] = col;
  }
  for (const key of cols.keys()) {
    if (key !== 'clock' && key !== 'duration' && !(RECORDED_SERIES_KEYS as readonly string[]).includes(key)) {
      report.warn('unknown-series', `recording '${key}' is not an Activity JSON series: left out`, n, where);
    }
  }
  if (nonFinite.count > 0) report.warn('not-a-number', 'non-numeric recording values read as missing (null)', nonFinite.count, where);

  const pauses = readPauses(d.pauseIndexes, n, report, where);
  const laps = readLaps(d.laps, duration, series.distance, report, where);
  const meta = readMeta(d, report, where);
  for (const key of ['heartRate', 'cadence', 'temperature'] as const) {
    if (series[key] !== null) continue;
    const given = readGiven(d, key);
    Object.assign(meta.given, given);
  }
  return {
    length: n,
    startTime: start.epochMs,
    utcOffset: start.offset ?? 0,
    time,
    duration,
    hasClock: clock !== null,
    series,
    pauses,
    laps,
    meta,
  };
}

function toColumn(arr: unknown[], n: number, nonFinite: { count: number }): Float64Array {
  const col = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (typeof v === 'number') col[i] = v;
    else {
      col[i] = NaN;
      if (v !== null) nonFinite.count++;
    }
  }
  return col;
}

function hasValue(col: Float64Array): boolean {
  for (let i = 0; i < col.length; i++) if (col[i] === col[i]) return true;
  return false;
}

function readPauses(raw: unknown, n: number, report: Report, where: { activity: number } | undefined): Uint32Array {
  if (raw === undefined || raw === null) return new Uint32Array(0);
  if (!Array.isArray(raw)) throw invalid('pauseIndexes must be an array');
  const out: number[] = [];
  let bad = 0;
  for (const p of raw) {
    if (typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= n - 1 && (out.length === 0 || p > out[out.length - 1])) out.push(p);
    else bad++;
  }
  if (bad > 0) report.warn('bad-pause-index', 'pause indexes out of range or out of order were left out', bad, where);
  return Uint32Array.from(out);
}

/**
 * Laps as sent (kept in their encoded form, so that writing them again gives the same bytes), each with
 * what the document implies of its source: the last sample inside it, distance laps triggered by distance,
 * and an intensity that maps back to the same lap type.
 */
function readLaps(
  raw: unknown,
  duration: Float64Array,
  distance: Float64Array | null,
  report: Report,
  where: { activity: number } | undefined,
): Lap[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('laps must be an array');
  const laps: Lap[] = [];
  let bad = 0;
  for (const l of raw) {
    const lap = l as Doc;
    const type = lapType(lap?.lapType);
    const dur = lap?.endDuration;
    const dist = lap?.endDistance;
    // Docs: if both are sent, duration wins.
    if (type !== null && typeof dur === 'number' && Number.isFinite(dur)) {
      laps.push({ type, by: 'duration', end: dur, endIndex: lastAtOrBelow(duration, dur), trigger: LapTrigger.Unknown, intensity: INTENSITY_OF[type], startTime: NaN });
    } else if (type !== null && typeof dist === 'number' && Number.isFinite(dist)) {
      const endIndex = distance === null ? duration.length - 1 : lastAtOrBelow(distance, dist / 1000);
      laps.push({ type, by: 'distance', end: dist, endIndex, trigger: LapTrigger.Distance, intensity: INTENSITY_OF[type], startTime: NaN });
    } else bad++;
  }
  if (bad > 0) report.warn('bad-lap', 'laps without a known lapType and a numeric end were left out', bad, where);
  return laps;
}

/** The intensity each lap type comes from (so that `lapTypes` gives the type back). */
const INTENSITY_OF: Readonly<Record<LapType, Intensity>> = {
  general: Intensity.Active,
  interval: Intensity.Interval,
  recovery: Intensity.Recovery,
  warmup: Intensity.Warmup,
  cooldown: Intensity.Cooldown,
};

/** Index of the last sample whose value is at most `v` (values with gaps allowed), at least 0. */
function lastAtOrBelow(col: Float64Array, v: number): number {
  let last = 0;
  for (let i = 0; i < col.length; i++) {
    const x = col[i];
    if (x === x && x > v) break;
    last = i;
  }
  return last;
}

function lapType(v: unknown): LapType | null {
  if (typeof v !== 'string') return null;
  const t = v.toLowerCase();
  if (t === 'work') return 'interval';
  return (LAP_TYPES as readonly string[]).includes(t) ? (t as LapType) : null;
}

function readMeta(d: Doc, report: Report, where: { activity: number } | undefined): ActivityMeta {
  const type = typeof d.activityType === 'string' ? d.activityType.toLowerCase() : 'running';
  const meta = emptyMeta('json', type);
  meta.externalId = typeof d.externalId === 'string' || typeof d.externalId === 'number' ? String(d.externalId) : null;
  meta.notes = typeof d.notes === 'string' ? d.notes : null;
  meta.appVersion = typeof d.appVersion === 'string' || typeof d.appVersion === 'number' ? String(d.appVersion) : null;
  meta.deviceType = pick(d.deviceType, DEVICE_TYPES, 'deviceType', report, where, false);
  meta.howFelt = pick(d.howFelt, HOW_FELT, 'howFelt', report, where, true);
  meta.terrain = pick(d.terrain, TERRAINS, 'terrain', report, where, true);
  meta.weatherType = pick(d.weatherType, WEATHER_TYPES, 'weatherType', report, where, true);
  meta.bodyWeight = finite(d.bodyWeight);
  meta.humidity = finite(d.humidity);
  meta.windSpeed = finite(d.windSpeed);
  if (Array.isArray(d.songs)) meta.songs = d.songs as ActivityMeta['songs'];
  if (Array.isArray(d.heartRateRecovery)) {
    meta.heartRateRecovery = (d.heartRateRecovery as Doc[])
      .filter((r) => r !== null && typeof r === 'object' && typeof r.duration === 'number' && typeof r.heartRate === 'number')
      .map((r) => ({ duration: r.duration as number, heartRate: r.heartRate as number }));
  }
  if (d.isTreadmill === 1 || d.isTreadmill === true) meta.terrain ??= 'treadmill';
  return meta;
}

function readGiven(d: Doc, key: 'heartRate' | 'cadence' | 'temperature'): GivenSummary {
  if (key === 'temperature') {
    const t = finite(d.temperature);
    return t === null ? {} : { temperature: t };
  }
  const out: GivenSummary = {};
  for (const suffix of ['Average', 'Min', 'Max'] as const) {
    const v = finite(d[key + suffix]);
    if (v !== null) out[(key + suffix) as keyof GivenSummary] = v;
  }
  return out;
}

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function pick<T extends string>(
  v: unknown,
  allowed: readonly T[],
  name: string,
  report: Report,
  where: { activity: number } | undefined,
  lower: boolean,
): T | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    const hit = allowed.find((a) => (lower ? a === v.toLowerCase() : a.toLowerCase() === v.toLowerCase()));
    if (hit !== undefined) return hit;
  }
  report.warn('unknown-value', `${name} '${String(v)}' is not one of ${allowed.join(', ')}: left out`, 1, where);
  return null;
}
