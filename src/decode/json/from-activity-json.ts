/**
 * Activity JSON reader: our own output, and Smashrun's GET responses (with their read-only extra fields,
 * which are accepted and dropped) → the columnar core. Makes Activity JSON a first-class input.
 * Spec: `activity-json.md` (the format; §7 is what every conversion's output must pass).
 *
 * The bytes are first checked against the limits (`json-limits.ts`: `JSON.parse` itself cannot be
 * bounded), then parsed with `JSON.parse` (native, and the fastest way to a number array in JS); the arrays
 * are then copied once into typed-array columns. The rule: what is read must be written again valid. What
 * breaks a rule and can be corrected is — the value left out (`null`) and counted in the report; what
 * cannot (no start time, a ragged or broken timeline) is a `ConvertError` with code `invalid-activity`
 * and the JSON pointer of the place (`path`).
 */
import type { Activity } from '../../core/activity.js';
import { ConvertError, ErrorCode, type Report } from '../../core/errors.js';
import { emptyColumns, RECORDED_SERIES_KEYS } from '../../core/series.js';
import { parseLocalTime } from '../../activity-json/local-time.js';
import type { DecodeContext, PushDecoder } from '../decoder.js';
import { DEFAULT_LIMITS, type Limits } from '../limits.js';
import { jsonErrorOffset } from './json-error.js';
import { checkJsonLimits } from './json-limits.js';
import { lapsFromJson, pausesFromJson } from './laps-from-json.js';
import { metaFromJson } from './meta-from-json.js';
import { type ReadContext, type Tally, add, at, flush, invalid, overLimit, tally } from './read-context.js';

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
      const limits = ctx.options.limits;
      checkJsonLimits(bytes, limits);
      // The decoder drops a UTF-8 BOM: byte offsets of syntax errors count it back.
      const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
      return readDocument(new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes), ctx.report, limits, bom, bytes.length);
    },
  };
}

/**
 * Parses Activity JSON text (one object or an array of objects) into activities. The limits are checked on
 * the text's UTF-8 bytes (encoded once for that: the push decoder, which has the bytes, saves it).
 *
 * @param limits - caps on what the text may make runjson allocate (default {@link DEFAULT_LIMITS}).
 * @throws {ConvertError} `malformed` (with line and column), `limit-exceeded`, `invalid-activity` (with `path`).
 */
export function fromActivityJsonText(text: string, report: Report, limits: Limits = DEFAULT_LIMITS): Activity[] {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > limits.maxBytes) {
    throw new ConvertError(ErrorCode.Limit, `input larger than limits.maxBytes (${limits.maxBytes})`, { format: 'json', offset: limits.maxBytes });
  }
  checkJsonLimits(bytes, limits);
  return readDocument(text, report, limits, 0, bytes.length);
}

function readDocument(text: string, report: Report, limits: Limits, bom: number, inputBytes: number): Activity[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    const msg = (cause as Error).message;
    const at = jsonErrorOffset(text);
    const where = at < 0 ? {} : lineColumn(text, at, bom, inputBytes);
    throw new ConvertError(ErrorCode.Malformed, `not valid JSON: ${msg}`, { format: 'json', cause, ...where });
  }
  if (!Array.isArray(doc)) return [readActivity(doc, { report, limits, base: '', index: undefined, activity: undefined })];
  if (doc.length > limits.maxActivities) {
    throw new ConvertError(ErrorCode.Limit, `${doc.length} activities: more than limits.maxActivities (${limits.maxActivities})`, { format: 'json', path: '' });
  }
  const several = doc.length > 1;
  return doc.map((d, i) => readActivity(d, { report, limits, base: `/${i}`, index: i, activity: several ? i : undefined }));
}

/**
 * Line and column (UTF-16 units) of `pos` in `text`, and its byte offset in the UTF-8 input (`bom`: bytes
 * before the text). The offset is exact for valid UTF-8; each invalid byte before `pos` was decoded as
 * U+FFFD (three bytes re-encoded), so there it can only be bounded: it never lies past the input.
 */
function lineColumn(text: string, pos: number, bom: number, inputBytes: number): { line: number; column: number; offset: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: pos - last, offset: Math.min(inputBytes, bom + new TextEncoder().encode(text.slice(0, pos)).length) };
}

type Doc = Record<string, unknown>;

/**
 * The years a run may start and end in, as written and in UTC: a date outside them is garbage (a year 0 or
 * 9999 in a date field), and the converter refuses such a start in UTC too.
 */
const FIRST_YEAR = 1970;
const LAST_YEAR = 2099;
/** The widest UTC offset accepted, minutes: ±18:00, the range of ISO 8601 offsets in common libraries (in use: −12:00…+14:00). */
const MAX_OFFSET = 18 * 60;

/**
 * Reads one Activity JSON object (already parsed) into an activity.
 *
 * @param index - position in an array of activities: paths start with `/index`, messages name it.
 * @param limits - caps (`maxSamples`, `maxLaps`); default {@link DEFAULT_LIMITS}.
 * @throws {ConvertError} `invalid-activity` with the JSON pointer of the offending value, `limit-exceeded`.
 */
export function fromActivityJson(doc: unknown, report: Report, index?: number, limits: Limits = DEFAULT_LIMITS): Activity {
  return readActivity(doc, { report, limits, base: index === undefined ? '' : `/${index}`, index, activity: index });
}

function readActivity(doc: unknown, ctx: ReadContext): Activity {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw invalid(ctx, 'an activity must be a JSON object', ctx.base);
  const d = doc as Doc;

  const start = typeof d.startDateTimeLocal === 'string' ? parseLocalTime(d.startDateTimeLocal) : null;
  if (start === null) throw invalid(ctx, 'startDateTimeLocal is missing or not an ISO 8601 date-time', at(ctx, 'startDateTimeLocal'));
  if (start.offset !== null && Math.abs(start.offset) > MAX_OFFSET) {
    throw invalid(ctx, `startDateTimeLocal has UTC offset ${start.offset} min: no time zone is more than 18 h from UTC`, at(ctx, 'startDateTimeLocal'));
  }
  const offsetMs = (start.offset ?? 0) * 60_000;
  // Both the wall time (the year as written) and the instant (what the time-zone arithmetic works on).
  const firstMs = Math.max(Date.UTC(FIRST_YEAR, 0, 1), Date.UTC(FIRST_YEAR, 0, 1) - offsetMs);
  const endMs = Math.min(Date.UTC(LAST_YEAR + 1, 0, 1), Date.UTC(LAST_YEAR + 1, 0, 1) - offsetMs);
  if (!(start.epochMs >= firstMs && start.epochMs < endMs)) {
    const year = new Date(start.epochMs + offsetMs).getUTCFullYear();
    throw invalid(ctx, `startDateTimeLocal ${d.startDateTimeLocal as string} (year ${year}, ${new Date(start.epochMs).toISOString()} in UTC): a run starts in ${FIRST_YEAR}–${LAST_YEAR}`, at(ctx, 'startDateTimeLocal'));
  }
  if (start.offset === null) {
    // The wall time is what the runner saw; with no offset we keep it as written and call it UTC.
    const where: { activity?: number; path: string } = { path: at(ctx, 'startDateTimeLocal') };
    if (ctx.activity !== undefined) where.activity = ctx.activity;
    ctx.report.warn('time-zone-unknown', 'startDateTimeLocal has no UTC offset: the wall time is kept and marked +00:00', 1, where);
  }

  const keys = d.recordingKeys;
  const values = d.recordingValues;
  if (!Array.isArray(keys)) throw invalid(ctx, 'recordingKeys must be an array', at(ctx, 'recordingKeys'));
  if (!Array.isArray(values)) throw invalid(ctx, 'recordingValues must be an array', at(ctx, 'recordingValues'));
  if (keys.length !== values.length) {
    throw invalid(ctx, `recordingKeys has ${keys.length} names, recordingValues ${values.length} arrays`, at(ctx, 'recordingValues'));
  }
  const cols = new Map<string, number>(); // key → its index in recordingValues
  let n = -1;
  for (let k = 0; k < keys.length; k++) {
    const key: unknown = keys[k];
    const arr: unknown = values[k];
    if (typeof key !== 'string') throw invalid(ctx, `recording key ${k} is not a string`, at(ctx, 'recordingKeys', k));
    if (!Array.isArray(arr)) throw invalid(ctx, `recording '${shown(key)}' is not an array`, at(ctx, 'recordingValues', k));
    if (cols.has(key)) throw invalid(ctx, `recording key '${shown(key)}' appears twice`, at(ctx, 'recordingKeys', k));
    if (arr.length > ctx.limits.maxSamples) {
      throw overLimit(ctx, `recording '${shown(key)}' has ${arr.length} values: more than limits.maxSamples (${ctx.limits.maxSamples})`, at(ctx, 'recordingValues', k));
    }
    if (n === -1) n = arr.length;
    else if (arr.length !== n) throw invalid(ctx, `recording '${shown(key)}' has ${arr.length} values, '${shown(keys[0] as string)}' has ${n}`, at(ctx, 'recordingValues', k));
    cols.set(key, k);
  }
  const durationAt = cols.get('duration');
  if (durationAt === undefined) throw invalid(ctx, "recordingKeys must include 'duration'", at(ctx, 'recordingKeys'));
  n = Math.max(n, 0);

  const duration = timeline(values[durationAt] as unknown[], 'duration', durationAt, ctx);
  const clockAt = cols.get('clock');
  const clock = clockAt === undefined ? null : timeline(values[clockAt] as unknown[], 'clock', clockAt, ctx);
  const base = clock ?? duration;
  const baseAt = clockAt ?? durationAt;
  // Every sample must lie in those years too (times are non-decreasing and at or after the start, so the
  // first sample past them is the first out).
  const time = new Float64Array(n);
  let subMs = 0;
  for (let i = 0; i < n; i++) {
    const s = base[i];
    const ms = Math.round(s * 1000);
    if (Math.abs(ms - s * 1000) > 1e-6 * Math.max(1, Math.abs(s))) subMs++;
    const t = start.epochMs + ms;
    if (!(t < endMs)) {
      throw invalid(ctx, `${clock ? 'clock' : 'duration'} ${s} s puts recording ${i} after ${LAST_YEAR}`, at(ctx, 'recordingValues', baseAt, i));
    }
    time[i] = t;
  }
  if (subMs > 0) {
    const where = ctx.activity === undefined ? undefined : { activity: ctx.activity };
    ctx.report.warn('time-precision', 'clock values finer than a millisecond were rounded to the millisecond', subMs, where);
  }

  const series = emptyColumns();
  const notNumber = tally();
  const nonFinite = tally();
  for (const key of RECORDED_SERIES_KEYS) {
    const k = cols.get(key);
    if (k === undefined) continue;
    series[key] = column(values[k] as unknown[], n, k, ctx, notNumber, nonFinite);
  }
  flush(ctx, notNumber, 'not-a-number', 'non-numeric recording values read as missing (null)');
  flush(ctx, nonFinite, 'not-finite', 'recording values that are not finite numbers read as missing (null)');
  positions(series, n, cols, ctx);
  for (const key of RECORDED_SERIES_KEYS) {
    const col = series[key];
    if (col !== null && !hasValue(col)) series[key] = null;
  }
  for (const [key, k] of cols) {
    if (key !== 'clock' && key !== 'duration' && !(RECORDED_SERIES_KEYS as readonly string[]).includes(key)) {
      const where: { activity?: number; path: string } = { path: at(ctx, 'recordingKeys', k) };
      if (ctx.activity !== undefined) where.activity = ctx.activity;
      ctx.report.warn('unknown-series', `recording '${shown(key)}' is not an Activity JSON series: left out`, n, where);
    }
  }

  const pauses = pausesFromJson(d.pauseIndexes, duration, ctx);
  const laps = lapsFromJson(d.laps, duration, series, ctx);
  const meta = metaFromJson(d, ctx, { heartRate: series.heartRate !== null, cadence: series.cadence !== null, temperature: series.temperature !== null });
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

/**
 * `clock` or `duration`: the run's timeline, which nothing can stand in for. A value that is missing, not a
 * finite number, negative (before the start the document names) or smaller than the one before is refused,
 * with its path: no single rule tells a glitch from a file whose times are wrong, and a guess would move
 * every sample after it.
 */
function timeline(arr: unknown[], name: string, k: number, ctx: ReadContext): Float64Array {
  const n = arr.length;
  const col = new Float64Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw invalid(ctx, `${name}[${i}] is ${v === null ? 'null' : typeof v === 'number' ? String(v) : 'not a number'}: the ${name} series needs a number at every recording`, at(ctx, 'recordingValues', k, i));
    }
    if (v < prev) {
      throw invalid(ctx, i === 0 ? `${name}[0] is negative (${v})` : `${name} decreases at recording ${i} (${prev} → ${v})`, at(ctx, 'recordingValues', k, i));
    }
    col[i] = v;
    prev = v;
  }
  return col;
}

/** A series: numbers as they are; `null` missing; anything else (a string, ±Infinity) missing and counted. */
function column(arr: unknown[], n: number, k: number, ctx: ReadContext, notNumber: Tally, nonFinite: Tally): Float64Array {
  const col = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (typeof v === 'number' && v - v === 0) col[i] = v; // finite (Infinity − Infinity is NaN)
    else {
      col[i] = NaN;
      if (typeof v === 'number') add(nonFinite, () => at(ctx, 'recordingValues', k, i));
      else if (v !== null) add(notNumber, () => at(ctx, 'recordingValues', k, i));
    }
  }
  return col;
}

/**
 * A position is a latitude in −90…90 and a longitude in −180…180, both present: a sample with one of them
 * out of range, or only one of them, keeps neither (`position-out-of-range`).
 */
function positions(series: ReturnType<typeof emptyColumns>, n: number, cols: Map<string, number>, ctx: ReadContext): void {
  const lat = series.latitude;
  const lon = series.longitude;
  if (lat === null && lon === null) return;
  const bad = tally();
  for (let i = 0; i < n; i++) {
    const la = lat === null ? NaN : lat[i];
    const lo = lon === null ? NaN : lon[i];
    if (la !== la && lo !== lo) continue;
    if (la >= -90 && la <= 90 && lo >= -180 && lo <= 180) continue;
    add(bad, () => {
      // Point at the coordinate at fault: the longitude when the latitude is fine, or the one series there is.
      const latAt = cols.get('latitude');
      const lonAt = cols.get('longitude');
      const k = la >= -90 && la <= 90 ? (lonAt ?? latAt) : (latAt ?? lonAt);
      return at(ctx, 'recordingValues', k as number, i);
    });
    if (lat !== null) lat[i] = NaN;
    if (lon !== null) lon[i] = NaN;
  }
  flush(ctx, bad, 'position-out-of-range', 'positions out of range, or with only one of latitude and longitude, were left out');
}

/** A name from the document, cut for a message (it may be as long as limits.maxStringLength). */
function shown(name: string): string {
  return name.length > 40 ? name.slice(0, 40) + '…' : name;
}

function hasValue(col: Float64Array): boolean {
  for (let i = 0; i < col.length; i++) if (col[i] === col[i]) return true;
  return false;
}
