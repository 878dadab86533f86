/**
 * Pauses and laps of an Activity JSON activity (spec §4, §5), checked against the samples already read, so
 * that what is kept is valid when written again (spec §7): pause indexes in 1…n−1, increasing, with the
 * duration flat across each; lap ends increasing and within the run.
 */
import { Intensity, type Lap, LapTrigger } from '../../core/activity.js';
import { distanceFromPositions } from '../../core/geodesic.js';
import type { Columns } from '../../core/series.js';
import { LAP_TYPES, type LapType } from '../../activity-json/vocabulary.js';
import { type ReadContext, add, at, flush, invalid, overLimit, tally } from './read-context.js';

/**
 * Pause indexes. One that is not an integer in 1…n−1 greater than the one before, or across which the
 * duration moves (`duration[p] ≠ duration[p−1]`: the series say the runner was moving, and the series are
 * the data), is left out and counted (`bad-pause-index`).
 */
export function pausesFromJson(raw: unknown, duration: Float64Array, ctx: ReadContext): Uint32Array {
  if (raw === undefined || raw === null) return new Uint32Array(0);
  if (!Array.isArray(raw)) throw invalid(ctx, 'pauseIndexes must be an array', at(ctx, 'pauseIndexes'));
  const n = duration.length;
  const out: number[] = [];
  const bad = tally();
  for (let k = 0; k < raw.length; k++) {
    const p: unknown = raw[k];
    const ok =
      typeof p === 'number' &&
      Number.isInteger(p) &&
      p >= 1 &&
      p <= n - 1 &&
      (out.length === 0 || p > out[out.length - 1]) &&
      duration[p] === duration[p - 1];
    if (ok) out.push(p);
    else add(bad, () => at(ctx, 'pauseIndexes', k));
  }
  flush(ctx, bad, 'bad-pause-index', 'pause indexes out of range, out of order or where the duration moves were left out');
  return Uint32Array.from(out);
}

/**
 * Laps as sent (kept in their encoded form, so that writing them again gives the same bytes), each with
 * what the document implies of its source: the last sample inside it, distance laps triggered by distance,
 * and an intensity that maps back to the same lap type.
 *
 * Left out and counted: laps without a known type and a numeric end (`bad-lap`); laps that end before 0,
 * beyond the run (the last duration; the last distance, in metres) or not after the previous lap of their
 * kind (`lap-out-of-range`). An end that is not finite (`1e999`) is no end (`not-finite`). Laps of the two
 * kinds are not compared with each other, as in spec §7: on a flat stretch (a pause, a stop) a duration
 * and a distance lap may end at the same sample in either order, and either order is the runner's.
 */
export function lapsFromJson(raw: unknown, duration: Float64Array, series: Columns, ctx: ReadContext): Lap[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid(ctx, 'laps must be an array', at(ctx, 'laps'));
  if (raw.length > ctx.limits.maxLaps) throw overLimit(ctx, `${raw.length} laps: more than limits.maxLaps (${ctx.limits.maxLaps})`, at(ctx, 'laps'));
  const n = duration.length;
  const lastDuration = n > 0 ? duration[n - 1] : NaN;
  let distance: Float64Array | null | undefined; // worked out at the first distance lap
  let lastMetres = NaN;
  const laps: Lap[] = [];
  const bad = tally();
  const outside = tally();
  const nonFinite = tally();
  let prevDur = -Infinity;
  let prevDist = -Infinity;
  // Where the previous kept lap of each kind stopped its search: ends increase, so each search goes on from
  // there, and all the laps cost one pass over each series (not one per lap).
  let durFrom = 0;
  let distFrom = 0;
  for (let k = 0; k < raw.length; k++) {
    const lap = raw[k] as Record<string, unknown> | null;
    const isObject = lap !== null && typeof lap === 'object' && !Array.isArray(lap);
    const type = isObject ? lapType(lap.lapType) : null;
    const dur = isObject ? end(lap.endDuration, () => add(nonFinite, at(ctx, 'laps', k, 'endDuration'))) : NaN;
    const dist = isObject ? end(lap.endDistance, () => add(nonFinite, at(ctx, 'laps', k, 'endDistance'))) : NaN;
    if (type === null || (dur !== dur && dist !== dist)) {
      add(bad, () => at(ctx, 'laps', k));
      continue;
    }
    // Docs: if both are sent, duration wins.
    if (dur === dur) {
      const stop = dur >= 0 && dur <= lastDuration && dur > prevDur ? firstAbove(duration, dur, durFrom) : -1;
      const endIndex = Math.max(stop - 1, 0);
      if (stop < 0) {
        add(outside, () => at(ctx, 'laps', k, 'endDuration'));
        continue;
      }
      durFrom = stop;
      laps.push({ type, by: 'duration', end: dur, endIndex, trigger: LapTrigger.Unknown, intensity: INTENSITY_OF[type], startTime: NaN, calories: NaN });
      prevDur = dur;
    } else {
      if (distance === undefined) {
        distance = runDistance(series, n);
        lastMetres = distance === null ? NaN : lastValue(distance) * 1000;
      }
      // The same slack as validate(): metres are km × 1000, which is not always exact in binary. The search
      // too: 19.63 m / 1000 is 0.019629999999999998, below a sample's 0.01963 km, and that sample — the one
      // the lap end names — would fall outside the lap. A micrometre of slack keeps it in.
      const stop = distance !== null && dist >= 0 && dist <= lastMetres + 1e-6 && dist > prevDist ? firstAbove(distance, dist / 1000 + 1e-9, distFrom) : -1;
      const endIndex = Math.max(stop - 1, 0);
      if (stop < 0) {
        add(outside, () => at(ctx, 'laps', k, 'endDistance'));
        continue;
      }
      distFrom = stop;
      laps.push({ type, by: 'distance', end: dist, endIndex, trigger: LapTrigger.Distance, intensity: INTENSITY_OF[type], startTime: NaN, calories: NaN });
      prevDist = dist;
    }
  }
  flush(ctx, nonFinite, 'not-finite', 'lap ends that are not finite numbers were read as missing');
  flush(ctx, bad, 'bad-lap', 'laps without a known lapType and a numeric end were left out');
  flush(ctx, outside, 'lap-out-of-range', 'laps ending beyond the run or not after the lap before them were left out');
  return laps;
}

/** A lap end: the number, or NaN when absent or not a number (`onInfinite` is told of ±Infinity). */
function end(v: unknown, onInfinite: () => void): number {
  if (typeof v !== 'number') return NaN;
  if (!Number.isFinite(v)) {
    onInfinite();
    return NaN;
  }
  return v;
}

/**
 * The distance the run will be written with: its own series, or — when it has none — the one runjson
 * computes from its positions (the same function, on the same columns, as the converter).
 */
function runDistance(series: Columns, n: number): Float64Array | null {
  if (series.distance !== null) return series.distance;
  if (series.latitude === null || series.longitude === null) return null;
  return distanceFromPositions(series.latitude, series.longitude, n);
}

/** The intensity each lap type comes from (so that `lapTypes` gives the type back). */
const INTENSITY_OF: Readonly<Record<LapType, Intensity>> = {
  general: Intensity.Active,
  interval: Intensity.Interval,
  recovery: Intensity.Recovery,
  warmup: Intensity.Warmup,
  cooldown: Intensity.Cooldown,
};

/**
 * Index of the first sample from `from` on whose value is above `v` (gaps skipped), or the length: the lap
 * ending at `v` ends at the sample before it.
 */
function firstAbove(col: Float64Array, v: number, from: number): number {
  let i = from;
  while (i < col.length) {
    const x = col[i];
    if (x === x && x > v) break;
    i++;
  }
  return i;
}

function lastValue(col: Float64Array): number {
  for (let i = col.length - 1; i >= 0; i--) if (col[i] === col[i]) return col[i];
  return NaN;
}

function lapType(v: unknown): LapType | null {
  if (typeof v !== 'string') return null;
  const t = v.toLowerCase();
  if (t === 'work') return 'interval';
  return (LAP_TYPES as readonly string[]).includes(t) ? (t as LapType) : null;
}
