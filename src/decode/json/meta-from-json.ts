/**
 * The fields of an Activity JSON activity that are not samples (spec §2): ids, enums, numbers the caller
 * gave, and the pass-through lists (`songs`, `heartRateRecovery`). Everything kept here is written again
 * as it is by the Activity JSON writer, so everything kept must be valid there: a value that is not is
 * left out and counted, never passed through.
 *
 * The pass-through lists are rebuilt, not copied: an entry is kept only when it is a flat object of the
 * documented fields with values of the documented types, so nothing nested (a `songs` entry 5000 levels
 * deep once overflowed the stack when written) reaches the writer.
 */
import { type ActivityMeta, type GivenSummary, emptyMeta } from '../../core/activity.js';
import type { HeartRateRecovery, Song } from '../../activity-json/types.js';
import { DEVICE_TYPES, HOW_FELT, TERRAINS, WEATHER_TYPES } from '../../activity-json/vocabulary.js';
import { type ReadContext, type Tally, add, at, flush, tally } from './read-context.js';

type Doc = Record<string, unknown>;

/**
 * Reads the metadata of one activity. `has` says which series have values: their summary fields are
 * recomputed by runjson, so the document's own are read only for the series it does not carry.
 */
export function metaFromJson(d: Doc, ctx: ReadContext, has: { heartRate: boolean; cadence: boolean; temperature: boolean }): ActivityMeta {
  const unknown = tally();
  const nonFinite = tally();
  const type = typeof d.activityType === 'string' ? d.activityType.toLowerCase() : 'running';
  const meta = emptyMeta('json', type);
  // A document that does not name its activity type is taken as a run, as the format implies; the
  // plausibility rule may still refuse it (spec §2, v4).
  meta.sportAssumed = typeof d.activityType !== 'string';
  meta.externalId = text(d, 'externalId', ctx, unknown, true);
  meta.notes = text(d, 'notes', ctx, unknown, false);
  meta.appVersion = text(d, 'appVersion', ctx, unknown, true);
  meta.deviceType = pick(d, 'deviceType', DEVICE_TYPES, ctx, false);
  meta.howFelt = pick(d, 'howFelt', HOW_FELT, ctx, true);
  meta.terrain = pick(d, 'terrain', TERRAINS, ctx, true);
  meta.weatherType = pick(d, 'weatherType', WEATHER_TYPES, ctx, true);
  meta.bodyWeight = number(d, 'bodyWeight', ctx, unknown, nonFinite, false);
  const humidity = number(d, 'humidity', ctx, unknown, nonFinite, true);
  if (humidity !== null && (humidity < 0 || humidity > 100)) add(unknown, at(ctx, 'humidity'));
  else meta.humidity = humidity;
  meta.windSpeed = number(d, 'windSpeed', ctx, unknown, nonFinite, true);
  meta.songs = songs(d.songs, ctx);
  meta.heartRateRecovery = heartRateRecovery(d.heartRateRecovery, ctx);
  if (d.isTreadmill === 1 || d.isTreadmill === true) meta.terrain ??= 'treadmill';
  // Summary values stand only for series the activity does not carry; with a series, runjson recomputes them.
  const given: GivenSummary = {};
  for (const key of ['heartRate', 'cadence'] as const) {
    if (has[key]) continue;
    for (const suffix of ['Average', 'Min', 'Max'] as const) {
      const name = (key + suffix) as keyof GivenSummary;
      const v = number(d, name, ctx, unknown, nonFinite, true);
      if (v !== null) given[name] = v;
    }
  }
  if (!has.temperature) {
    const t = number(d, 'temperature', ctx, unknown, nonFinite, true);
    if (t !== null) given.temperature = t;
  }
  meta.given = given;
  flush(ctx, unknown, 'unknown-value', 'values of the wrong type or outside their range were left out');
  flush(ctx, nonFinite, 'not-finite', 'numbers that are not finite were left out');
  return meta;
}

/** A string field (ids may also be numbers, written back as strings). */
function text(d: Doc, name: string, ctx: ReadContext, unknown: Tally, numberToo: boolean): string | null {
  const v = d[name];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (numberToo && typeof v === 'number' && Number.isFinite(v)) return String(v);
  add(unknown, at(ctx, name));
  return null;
}

/**
 * A numeric field. `integer`: the spec says integer (summaries, humidity, wind speed): rounded, as runjson
 * rounds the summaries it computes itself.
 */
function number(d: Doc, name: string, ctx: ReadContext, unknown: Tally, nonFinite: Tally, integer: boolean): number | null {
  const v = d[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number') {
    add(unknown, at(ctx, name));
    return null;
  }
  if (!Number.isFinite(v)) {
    add(nonFinite, at(ctx, name));
    return null;
  }
  return integer ? Math.round(v) : v;
}

function pick<T extends string>(d: Doc, name: string, allowed: readonly T[], ctx: ReadContext, lower: boolean): T | null {
  const v = d[name];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    const hit = allowed.find((a) => (lower ? a === v.toLowerCase() : a.toLowerCase() === v.toLowerCase()));
    if (hit !== undefined) return hit;
  }
  const where: { activity?: number; path: string } = { path: at(ctx, name) };
  if (ctx.activity !== undefined) where.activity = ctx.activity;
  const shown = typeof v === 'string' ? v.slice(0, 40) : typeof v;
  ctx.report.warn('unknown-value', `${name} '${shown}' is not one of ${allowed.join(', ')}: left out`, 1, where);
  return null;
}

const SONG_TEXT = new Set(['album', 'artist', 'song']);
const SONG_NUMBERS = new Set(['BPM', 'startClock', 'endClock']);

/** `songs`: flat objects of `album`, `artist`, `song` (strings) and `BPM`, `startClock`, `endClock` (finite numbers). */
function songs(raw: unknown, ctx: ReadContext): Song[] | null {
  if (raw === undefined || raw === null) return null;
  const bad = tally();
  if (!Array.isArray(raw)) {
    add(bad, at(ctx, 'songs'));
    flush(ctx, bad, 'bad-pass-through', 'songs is not an array: left out');
    return null;
  }
  const out: Song[] = [];
  for (let k = 0; k < raw.length; k++) {
    const s = song(raw[k]);
    if (s === null) add(bad, () => at(ctx, 'songs', k));
    else out.push(s);
  }
  flush(ctx, bad, 'bad-pass-through', 'songs entries that are not flat objects of album, artist, song, BPM, startClock, endClock were left out');
  return out;
}

function song(v: unknown): Song | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const out: Record<string, string | number> = {};
  for (const [key, x] of Object.entries(v as Doc)) {
    if (x === null) continue; // null is absent
    if (SONG_TEXT.has(key)) {
      if (typeof x !== 'string') return null;
      out[key] = x;
    } else if (SONG_NUMBERS.has(key)) {
      if (typeof x !== 'number' || !Number.isFinite(x)) return null;
      out[key] = x;
    } else return null;
  }
  return out as Song;
}

/** `heartRateRecovery`: flat `{duration, heartRate}` objects, both finite numbers. */
function heartRateRecovery(raw: unknown, ctx: ReadContext): HeartRateRecovery[] | null {
  if (raw === undefined || raw === null) return null;
  const bad = tally();
  if (!Array.isArray(raw)) {
    add(bad, at(ctx, 'heartRateRecovery'));
    flush(ctx, bad, 'bad-pass-through', 'heartRateRecovery is not an array: left out');
    return null;
  }
  const out: HeartRateRecovery[] = [];
  for (let k = 0; k < raw.length; k++) {
    const r = raw[k] as Doc | null;
    const ok =
      r !== null &&
      typeof r === 'object' &&
      !Array.isArray(r) &&
      Object.keys(r).every((key) => key === 'duration' || key === 'heartRate') &&
      typeof r.duration === 'number' &&
      Number.isFinite(r.duration) &&
      typeof r.heartRate === 'number' &&
      Number.isFinite(r.heartRate);
    if (ok) out.push({ duration: r.duration as number, heartRate: r.heartRate as number });
    else add(bad, () => at(ctx, 'heartRateRecovery', k));
  }
  flush(ctx, bad, 'bad-pass-through', 'heartRateRecovery entries that are not flat {duration, heartRate} objects of finite numbers were left out');
  return out;
}
