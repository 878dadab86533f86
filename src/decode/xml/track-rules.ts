/**
 * Rules shared by the TCX and GPX decoders for sources that do not say everything: the pause gap rule
 * (sources with no pause markers) and the cadence legs rule. Both are documented in the README
 * ("TCX and GPX") and configurable through options; the cadence rule follows spec v4 §3.
 */
import type { Report } from '../../core/errors.js';
import { geodesicDistance } from '../../core/geodesic.js';

/** Default `pauseGap`, seconds. */
export const DEFAULT_PAUSE_GAP_S = 30;
/** A gap is a pause only if it is this many times the file's median sampling interval. */
export const GAP_INTERVALS = 10;
/** Below this average speed over a gap (a slow walk, 1 m/s = 3.6 km/h), the runner was stopped. */
export const WALK_SPEED_M_S = 1;
/**
 * A running cadence whose median over moving samples is above this is two-legged (`cadence: 'auto'`,
 * spec v4 §3): one leg above 110 is over 220 steps a minute (see {@link cadenceLegs}).
 */
export const TWO_LEG_CADENCE = 110;
/** Below this speed (m/s) a sample is not moving: left out of the cadence median. */
export const MOVING_SPEED_M_S = 0.5;
/**
 * Longest step of a runner, metres: elite sprinters reach about 2.5 m at top speed (a few tall ones a
 * little more), distance runners stay under 2 m. A cadence read as two-legged that needs longer steps
 * at the speed recorded cannot be two-legged.
 */
export const MAX_STEP_M = 2.5;

/** Inputs of {@link gapPauses}. */
export interface GapInput {
  /** ms since the epoch per sample (valid up to `length`). */
  time: Float64Array;
  length: number;
  /** Indexes that already are the first sample after a pause (explicit markers), increasing. */
  explicit: readonly number[];
  /** Cumulative distance in km, or null. */
  distance: Float64Array | null;
  latitude: Float64Array | null;
  longitude: Float64Array | null;
  /** `options.pauseGap` in seconds (0 turns the rule off). */
  pauseGap: number;
  /** Only these indexes may become pauses (e.g. lap boundaries); null = every sample. */
  candidates: readonly number[] | null;
  /**
   * Laps that say how much pause they hold (TCX: elapsed time of the lap minus its TotalTimeSeconds):
   * inside each window, qualifying gaps become pauses longest first only while their total stays within
   * the budget (plus two sampling intervals and 1 s of slack). Samples outside every window follow the
   * plain rule. Null = no budgets.
   */
  windows?: readonly PauseWindow[] | null;
}

/** A run of samples (a lap) and the pause time its source says it holds. */
export interface PauseWindow {
  /** First sample index that may be a pause (the lap's first sample: the gap before it counts). */
  first: number;
  /** Last sample index of the window. */
  last: number;
  /** Seconds of pause the source says the window holds (Infinity when it does not say). */
  budgetS: number;
}

/** What the gap rule found. */
export interface GapResult {
  /** Indexes of the first sample after each detected pause, increasing. */
  pauses: number[];
  /** The threshold used, in seconds (0 when the rule did not run). */
  thresholdS: number;
}

/**
 * The pause gap rule: a gap between two consecutive samples is a pause when it is longer than
 * `max(pauseGap, 10 × the median sampling interval)` AND the distance covered across it is less than a
 * slow walk (1 m/s) would cover in that time (distance from the distance series, else geodesic between
 * the two positions; a gap with neither is a pause). Gaps that already are explicit pauses are skipped,
 * and so are zero-length intervals when computing the median.
 */
export function gapPauses(g: GapInput): GapResult {
  const { time, length: n, explicit, distance, latitude, longitude } = g;
  if (!(g.pauseGap > 0) || n < 2) return { pauses: [], thresholdS: 0 };
  const isExplicit = new Uint8Array(n);
  for (const p of explicit) if (p < n) isExplicit[p] = 1;
  const dts = new Float64Array(n - 1);
  let k = 0;
  for (let i = 1; i < n; i++) {
    const dt = time[i] - time[i - 1];
    if (isExplicit[i] === 0 && dt > 0) dts[k++] = dt;
  }
  if (k === 0) return { pauses: [], thresholdS: 0 };
  const sorted = dts.subarray(0, k).sort();
  const median = k % 2 === 1 ? sorted[(k - 1) / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
  const threshold = Math.max(g.pauseGap * 1000, GAP_INTERVALS * median);
  const qualifies = (i: number): boolean => {
    if (i < 1 || i >= n || isExplicit[i] === 1) return false;
    const dt = time[i] - time[i - 1];
    if (!(dt > threshold)) return false;
    const covered = coveredMetres(i, distance, latitude, longitude);
    return !(covered >= (WALK_SPEED_M_S * dt) / 1000);
  };
  let pauses: number[] = [];
  const windows = g.windows ?? null;
  if (windows !== null && windows.length > 0) {
    const inWindow = new Uint8Array(n);
    const slackMs = 2 * median + 1000;
    for (const win of windows) {
      const found: number[] = [];
      for (let i = Math.max(1, win.first); i <= win.last && i < n; i++) {
        inWindow[i] = 1;
        if (qualifies(i)) found.push(i);
      }
      if (!(win.budgetS > 0)) continue;
      found.sort((x, y) => time[y] - time[y - 1] - (time[x] - time[x - 1]) || x - y);
      let left = win.budgetS * 1000 + slackMs;
      for (const i of found) {
        const dt = time[i] - time[i - 1];
        if (dt <= left) {
          pauses.push(i);
          left -= dt;
        }
      }
    }
    for (let i = 1; i < n; i++) if (inWindow[i] === 0 && qualifies(i)) pauses.push(i);
    pauses = pauses.sort((x, y) => x - y);
  } else if (g.candidates === null) {
    for (let i = 1; i < n; i++) if (qualifies(i)) pauses.push(i);
  } else {
    for (const i of g.candidates) if (qualifies(i)) pauses.push(i);
  }
  return { pauses, thresholdS: threshold / 1000 };
}

/** Metres covered between samples i−1 and i; NaN when unknown. */
function coveredMetres(i: number, distance: Float64Array | null, lat: Float64Array | null, lon: Float64Array | null): number {
  if (distance !== null) {
    const cur = distance[i];
    let j = i - 1;
    while (j >= 0 && distance[j] !== distance[j]) j--;
    if (cur === cur && j >= 0) return (cur - distance[j]) * 1000;
  }
  if (lat !== null && lon !== null) {
    const a = lat[i - 1];
    const b = lon[i - 1];
    const c = lat[i];
    const d = lon[i];
    if (a === a && b === b && c === c && d === d) return geodesicDistance(a, b, c, d);
  }
  return NaN;
}

/** What {@link cadenceLegs} reads: the cadence column and what says how fast the runner went. */
export interface CadenceInput {
  /** Cadence per sample (steps/min as the source has it), or null. Halved in place. */
  cadence: Float64Array | null;
  length: number;
  /** ms since the epoch per sample. */
  time: Float64Array;
  /** Speed in m/s, or null. */
  speed: Float64Array | null;
  /** Cumulative distance in km, or null. */
  distance: Float64Array | null;
  latitude: Float64Array | null;
  longitude: Float64Array | null;
}

/**
 * The cadence legs rule, applied to running activities: Activity JSON cadence is one leg. `one-leg`
 * keeps the values; `two-leg` halves them; `auto` decides from the median cadence over moving samples
 * (spec v4 §3):
 *
 * - **Moving samples**: cadence above 0 and, where the speed of the sample is known, at least 0.5 m/s.
 *   The speed is the source's speed series, else distance over time since the sample before, else the
 *   geodesic between the two positions over that time; a sample with none of them counts as moving.
 *   Samples where the runner stands (cadence 0, or under 0.5 m/s: a red light, a watch left running)
 *   would pull the median down.
 * - **Median above 110 → two-legged, halved** (`cadence-halved`, counted). One leg above 110 is over
 *   220 steps a minute, beyond distance running (160–190 is usual; an elite 5000 m is run at about
 *   200), while a two-legged 110–140 is a slow treadmill jog: the old threshold, 140, kept such a run
 *   at 134 "one-leg" steps a minute.
 * - **Unless speed says sprinting.** A true one-leg cadence above 110 does happen: sprinters take
 *   4–4.7 steps a second, 120–140 per leg. So where the speed of at least half the moving samples is
 *   known, the median speed settles it: if reading the cadence as two-legged would need steps longer
 *   than 2.5 m ({@link MAX_STEP_M}: median speed × 60 / median cadence), no runner takes such steps and
 *   the values are one leg's — kept. At a jog that never happens (110 two-legged steps a minute at
 *   3 m/s are 1.6 m steps): a median above 110 at jogging speed is always halved. Without speed the
 *   spec's rule stands alone.
 */
export function cadenceLegs(
  input: CadenceInput,
  mode: 'auto' | 'one-leg' | 'two-leg',
  report: Report,
  where: { activity?: number } | undefined,
): void {
  const col = input.cadence;
  const length = input.length;
  if (col === null || mode === 'one-leg') return;
  let halve = mode === 'two-leg';
  if (!halve) {
    const cad = new Float64Array(length);
    const speeds = new Float64Array(length);
    let k = 0;
    let ks = 0;
    for (let i = 0; i < length; i++) {
      const c = col[i];
      if (!(c > 0)) continue;
      const v = sampleSpeed(input, i);
      if (v < MOVING_SPEED_M_S) continue;
      cad[k++] = c;
      if (v === v) speeds[ks++] = v;
    }
    if (k === 0) return;
    const medianCad = median(cad.subarray(0, k));
    if (!(medianCad > TWO_LEG_CADENCE)) return;
    const stepM = ks * 2 >= k ? (median(speeds.subarray(0, ks)) * 60) / medianCad : NaN;
    if (stepM > MAX_STEP_M) return;
    halve = true;
  }
  let count = 0;
  for (let i = 0; i < length; i++) {
    const v = col[i];
    if (v === v) {
      col[i] = v / 2;
      count++;
    }
  }
  report.warn(
    'cadence-halved',
    mode === 'two-leg'
      ? 'cadence halved to one leg (cadence: two-leg)'
      : `running cadence is two-legged (median over moving samples above ${TWO_LEG_CADENCE}): halved to one leg`,
    count,
    where,
  );
}

/** Speed of sample i in m/s (see {@link cadenceLegs}), NaN when unknown. */
function sampleSpeed(g: CadenceInput, i: number): number {
  const s = g.speed === null ? NaN : g.speed[i];
  if (s === s || i === 0) return s;
  const dt = g.time[i] - g.time[i - 1];
  if (!(dt > 0)) return NaN;
  const d = g.distance;
  if (d !== null) {
    const dd = d[i] - d[i - 1];
    if (dd === dd) return (dd * 1e6) / dt;
  }
  const lat = g.latitude;
  const lon = g.longitude;
  if (lat !== null && lon !== null) {
    const a = lat[i - 1];
    const b = lon[i - 1];
    const c = lat[i];
    const e = lon[i];
    if (a === a && b === b && c === c && e === e) return (geodesicDistance(a, b, c, e) * 1000) / dt;
  }
  return NaN;
}

/** Median of a non-empty array (sorted in place). */
function median(a: Float64Array): number {
  const s = a.sort();
  const k = s.length;
  return k % 2 === 1 ? s[(k - 1) / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
}
