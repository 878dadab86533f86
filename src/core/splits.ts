/**
 * Splits per km and per mile (spec §6): elapsed time, pace and duration-weighted average heart rate of
 * each complete split and of the final partial one. The moment a boundary is crossed is interpolated
 * linearly between the two samples around it — arithmetic for the summary, not resampling of the data.
 */
import type { Activity } from './activity.js';

/** Split length units. */
export const SPLIT_UNITS = { km: 1, mile: 1.609344 } as const;
/** A split unit name. */
export type SplitUnit = keyof typeof SPLIT_UNITS;

/** One split. */
export interface Split {
  /** 1-based split number. */
  index: number;
  /** Length of the split in the chosen unit: 1 for a complete split, less for the final partial one. */
  length: number;
  /** Seconds (pauses excluded) from the start of the run to the end of the split. */
  elapsed: number;
  /** Seconds (pauses excluded) spent in this split. */
  time: number;
  /** Seconds per unit. */
  pace: number;
  /** Duration-weighted average heart rate over the split (drop-out zeros excluded), or null. */
  heartRateAverage: number | null;
}

/**
 * Computes the splits of an activity. Needs a distance series; returns `[]` without one.
 *
 * @example
 * ```ts
 * const perKm = splits(activity, 'km');
 * console.log(perKm.map((s) => s.pace));
 * ```
 */
export function splits(a: Activity, unit: SplitUnit = 'km'): Split[] {
  const dist = a.series.distance;
  if (dist === null || a.length === 0) return [];
  const unitKm = SPLIT_UNITS[unit];
  const dur = a.duration;
  const hr = a.series.heartRate;
  const out: Split[] = [];

  // The run starts at distance 0, duration 0; each split runs from the previous boundary crossing.
  let prevD = 0; // km at the last sample that had a distance
  let prevT = 0; // duration at that sample
  let splitStartT = 0;
  let splitStartD = 0;
  let boundary = unitKm;
  let hrSumW = 0;
  let hrSumWV = 0;

  const closeSplit = (endT: number, endD: number): void => {
    const length = (endD - splitStartD) / unitKm;
    const time = endT - splitStartT;
    out.push({
      index: out.length + 1,
      length,
      elapsed: endT,
      time,
      pace: length > 0 ? time / length : NaN,
      heartRateAverage: hrSumW > 0 ? hrSumWV / hrSumW : null,
    });
    splitStartT = endT;
    splitStartD = endD;
    hrSumW = 0;
    hrSumWV = 0;
  };

  for (let i = 0; i < a.length; i++) {
    const t = dur[i];
    const d = dist[i];
    const h = hr === null ? NaN : hr[i];
    const hasH = h === h && h !== 0;
    // This sample's heart rate stands for (hrStart, t] on the duration timeline.
    const hrStart = i === 0 ? 0 : dur[i - 1];
    if (d === d && d > prevD) {
      // Cross every boundary within (prevD, d], interpolating its time on the segment.
      while (d >= boundary) {
        const tb = prevT + ((t - prevT) * (boundary - prevD)) / (d - prevD);
        if (hasH) addHr(tb - Math.max(hrStart, splitStartT), h);
        closeSplit(tb, boundary);
        boundary += unitKm;
      }
      prevD = d;
      prevT = t;
    } else if (d === d) {
      prevT = t;
    }
    if (hasH) addHr(t - Math.max(hrStart, splitStartT), h);
  }
  if (prevD > splitStartD) closeSplit(dur[a.length - 1], prevD);
  return out;

  function addHr(w: number, v: number): void {
    if (w > 0) {
      hrSumW += w;
      hrSumWV += w * v;
    }
  }
}
