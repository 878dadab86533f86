/**
 * Lap encoding (spec §5): each lap ends where the next begins; a lap triggered by distance is sent by
 * distance (metres), every other by duration (seconds, pauses excluded); the last lap ends at the end of
 * the run. Lap types come from the source's intensity.
 */
import type { LapType } from '../activity-json/vocabulary.js';
import { type Intensity, type Lap, LapTrigger, type SourceLap } from './activity.js';
import type { Report } from './errors.js';

/** Maps source intensities to Activity JSON lap types over a whole run: active laps are `interval` only when the run also has rest laps. */
export function lapTypes(intensities: readonly Intensity[]): LapType[] {
  const hasRest = intensities.some((x) => x === 'rest' || x === 'recovery');
  return intensities.map((x): LapType => {
    switch (x) {
      case 'rest':
      case 'recovery':
        return 'recovery';
      case 'warmup':
        return 'warmup';
      case 'cooldown':
        return 'cooldown';
      case 'interval':
        return 'interval';
      default:
        return hasRest ? 'interval' : 'general';
    }
  });
}

/**
 * Turns the laps a decoder found into laps as Activity JSON sends them, each keeping what the source said. Laps that end at or before the previous one (no
 * sample of their own) are merged into their neighbour and counted in the report as `empty-lap`; the
 * last lap is stretched to the end of the run.
 *
 * @param distance - km per sample, or null.
 */
export function lapsFromSource(
  source: readonly SourceLap[],
  duration: Float64Array,
  distance: Float64Array | null,
  report: Report,
  activity?: number,
): Lap[] {
  const n = duration.length;
  if (source.length === 0 || n === 0) return [];
  const kept: SourceLap[] = [];
  let lastEnd = -1;
  let dropped = 0;
  for (const lap of source) {
    const end = Math.min(lap.endIndex, n - 1);
    if (end <= lastEnd) {
      dropped++;
      // Its energy goes with its time, into the lap it is merged into.
      const into = kept[kept.length - 1];
      if (into !== undefined && lap.calories === lap.calories) into.calories = into.calories === into.calories ? into.calories + lap.calories : lap.calories;
      continue;
    }
    kept.push({ endIndex: end, trigger: lap.trigger, intensity: lap.intensity, startTime: lap.startTime, calories: lap.calories });
    lastEnd = end;
  }
  if (dropped > 0) {
    report.warn('empty-lap', 'laps with no sample of their own were merged into the previous lap', dropped, { activity });
  }
  kept[kept.length - 1].endIndex = n - 1;
  const types = lapTypes(kept.map((l) => l.intensity));
  const laps: Lap[] = [];
  let prevDist = -Infinity;
  let prevDur = -Infinity;
  for (let k = 0; k < kept.length; k++) {
    const src = kept[k];
    const byDistance = src.trigger === LapTrigger.Distance;
    const dist = byDistance && distance !== null ? lastValidAtOrBefore(distance, src.endIndex) : NaN;
    if (byDistance && dist === dist && dist * 1000 > prevDist) {
      prevDist = dist * 1000;
      laps.push(lapOf(src, types[k], 'distance', km2m(dist)));
      continue;
    }
    const dur = duration[src.endIndex];
    if (dur <= prevDur) {
      // A lap with no duration of its own (it lies wholly inside a pause): nothing to send for it.
      report.warn('empty-lap', 'laps with no sample of their own were merged into the previous lap', 1, { activity });
      continue;
    }
    prevDur = dur;
    laps.push(lapOf(src, types[k], 'duration', dur));
  }
  return laps;
}

/** A lap, its fields always in one order (object spreads here were 4 % of a corpus FIT conversion). */
function lapOf(src: SourceLap, type: LapType, by: Lap['by'], end: number): Lap {
  return { type, by, end, endIndex: src.endIndex, trigger: src.trigger, intensity: src.intensity, startTime: src.startTime, calories: src.calories };
}

/** km → m, rounded to the micrometre so that `0.4` km is written `400`, not `400.00000000000006`. */
export function km2m(km: number): number {
  return Math.round(km * 1e9) / 1e6;
}

/** The last non-NaN value at or before index `i`, or NaN. */
export function lastValidAtOrBefore(col: Float64Array, i: number): number {
  for (let j = i; j >= 0; j--) {
    const v = col[j];
    if (v === v) return v;
  }
  return NaN;
}
