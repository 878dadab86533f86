/**
 * The figures of each TCX `<Lap>`, computed from the columns before the lap's trackpoints are written
 * (the schema puts them first). A lap holds the samples after the previous lap's last one up to its own
 * last one; a run with no laps is one lap, since TCX requires at least one.
 */
import { type Activity, Intensity, type LapTrigger, LapTrigger as Trigger } from '../../core/activity.js';
import { lastValidAtOrBefore } from '../../core/laps.js';
import { seriesStats } from '../../core/summary.js';

/** One lap as TCX writes it. */
export interface TcxLap {
  /** Index of the lap's first and last sample. */
  first: number;
  last: number;
  /**
   * `StartTime` (ms since the epoch): the run's start for the first lap, else the instant of the
   * previous lap's last sample. The interval up to the lap's first sample belongs to the lap (spec §6:
   * a sample stands for the interval before it), so a pause at the boundary lies inside the lap's
   * elapsed time and outside its `TotalTimeSeconds`, which is how TCX says a lap holds a pause.
   */
  startTime: number;
  /** Timer seconds, pauses excluded: the lap's share of the duration series. */
  totalTime: number;
  /** Metres covered in the lap (0 when the run has no distance). */
  distance: number;
  /** m/s, NaN when the run has no speed series or the lap no value. */
  maxSpeed: number;
  /** Rounded averages and maxima over the lap's samples (NaN where there is no value). */
  heartRateAverage: number;
  heartRateMax: number;
  cadenceAverage: number;
  cadenceMax: number;
  powerAverage: number;
  powerMax: number;
  trigger: LapTrigger;
  intensity: Intensity;
  /** The source's energy for the lap (kcal), NaN when it gave none. */
  calories: number;
}

/**
 * The laps of `a` as TCX writes them, in order, covering every sample, and the number of laps left out
 * because they hold no sample of their own (a lap ending where the one before it ends: an Activity JSON
 * whose lap ends fall between two samples at the same instant) — their samples are in the lap before.
 */
export function tcxLaps(a: Activity): { laps: TcxLap[]; empty: number } {
  const n = a.length;
  const source = a.laps.length > 0 ? a.laps : [{ endIndex: n - 1, trigger: Trigger.SessionEnd, intensity: Intensity.Active, calories: NaN }];
  const { duration, time } = a;
  const { distance, speed, heartRate, cadence, power } = a.series;
  const laps: TcxLap[] = [];
  let first = 0;
  let distanceBefore = 0;
  let empty = 0;
  for (let k = 0; k < source.length; k++) {
    const lap = source[k];
    // The last lap ends at the last sample, whatever it said (the core guarantees it; a defensive clamp).
    const last = k === source.length - 1 ? n - 1 : Math.min(lap.endIndex, n - 1);
    if (last < first) {
      empty++;
      // Its energy goes into the lap that holds its samples.
      const into = laps[laps.length - 1];
      if (into !== undefined && lap.calories === lap.calories) into.calories = into.calories === into.calories ? into.calories + lap.calories : lap.calories;
      continue;
    }
    const endDistance = distance === null ? NaN : lastValidAtOrBefore(distance, last);
    const lapDistance = endDistance === endDistance ? Math.max(0, (endDistance - distanceBefore) * 1000) : 0;
    if (endDistance === endDistance) distanceBefore = endDistance;
    const hr = heartRate === null ? null : seriesStats(heartRate, duration, true, first, last + 1);
    const cad = cadence === null ? null : seriesStats(cadence, duration, true, first, last + 1);
    const pow = power === null ? null : seriesStats(power, duration, false, first, last + 1);
    laps.push({
      first,
      last,
      startTime: first === 0 ? a.startTime : time[first - 1],
      totalTime: duration[last] - (first === 0 ? 0 : duration[first - 1]),
      distance: lapDistance,
      maxSpeed: speed === null ? NaN : seriesStats(speed, duration, false, first, last + 1).max,
      heartRateAverage: hr === null ? NaN : Math.round(hr.average),
      heartRateMax: hr === null ? NaN : Math.round(hr.max),
      cadenceAverage: cad === null ? NaN : Math.round(cad.average),
      cadenceMax: cad === null ? NaN : Math.round(cad.max),
      powerAverage: pow === null ? NaN : Math.round(pow.average),
      powerMax: pow === null ? NaN : Math.round(pow.max),
      trigger: lap.trigger,
      intensity: lap.intensity,
      calories: lap.calories,
    });
    first = last + 1;
  }
  return { laps, empty };
}
