/**
 * Summary recomputation (spec §6). The value at sample i stands for the interval
 * (duration[i−1], duration[i]]: its weight is `duration[i] − duration[i−1]` (zero across a pause), and the
 * first sample weighs `duration[0]`. Averages are weighted by that; min and max are over samples with a
 * value; heart-rate and cadence readings of 0 are drop-outs, left out of all three.
 */
import type { Activity } from './activity.js';

/** Statistics of one series. */
export interface SeriesStats {
  /** Duration-weighted average (plain mean when every weight is zero); NaN when no sample has a value. */
  average: number;
  min: number;
  max: number;
  /** Number of samples that counted. */
  count: number;
}

/**
 * Duration-weighted statistics of `values` over samples `from`…`to−1`.
 *
 * @param dropZeros - leave readings of 0 out (heart rate and cadence drop-outs).
 */
export function seriesStats(
  values: Float64Array,
  duration: Float64Array,
  dropZeros: boolean,
  from = 0,
  to: number = values.length,
): SeriesStats {
  let sumW = 0;
  let sumWV = 0;
  let sum = 0;
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v !== v || (dropZeros && v === 0)) continue;
    const w = i === 0 ? duration[0] : duration[i] - duration[i - 1];
    sumW += w;
    sumWV += w * v;
    sum += v;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return { average: NaN, min: NaN, max: NaN, count: 0 };
  return { average: sumW > 0 ? sumWV / sumW : sum / count, min, max, count };
}

/** The summary fields of Activity JSON that are computed from the series. `null` where there is no series. */
export interface Summary {
  /** km: the last distance recorded (the last sample with a distance). */
  distance: number | null;
  /** Seconds, pauses excluded: the last duration. */
  duration: number;
  heartRateAverage: number | null;
  heartRateMin: number | null;
  heartRateMax: number | null;
  cadenceAverage: number | null;
  cadenceMin: number | null;
  cadenceMax: number | null;
  /** °C, rounded duration-weighted average. */
  temperature: number | null;
}

/** Recomputes the summary of an activity from its series (spec §6), rounding as Activity JSON wants (integers). */
export function summarize(a: Activity): Summary {
  const n = a.length;
  const hr = stats(a.series.heartRate, a.duration, true);
  const cad = stats(a.series.cadence, a.duration, true);
  const temp = stats(a.series.temperature, a.duration, false);
  return {
    distance: a.series.distance === null ? null : lastValid(a.series.distance, n),
    duration: n > 0 ? a.duration[n - 1] : 0,
    heartRateAverage: hr === null ? null : Math.round(hr.average),
    heartRateMin: hr === null ? null : Math.round(hr.min),
    heartRateMax: hr === null ? null : Math.round(hr.max),
    cadenceAverage: cad === null ? null : Math.round(cad.average),
    cadenceMin: cad === null ? null : Math.round(cad.min),
    cadenceMax: cad === null ? null : Math.round(cad.max),
    temperature: temp === null ? null : Math.round(temp.average),
  };
}

function stats(col: Float64Array | null, duration: Float64Array, dropZeros: boolean): SeriesStats | null {
  if (col === null) return null;
  const s = seriesStats(col, duration, dropZeros);
  return s.count === 0 ? null : s;
}

function lastValid(col: Float64Array, n: number): number | null {
  for (let i = n - 1; i >= 0; i--) if (col[i] === col[i]) return col[i];
  return null;
}
