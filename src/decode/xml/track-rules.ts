/**
 * Rules shared by the TCX and GPX decoders for sources that do not say everything: the pause gap rule
 * (sources with no pause markers) and the cadence legs rule. Both are documented in the README
 * ("TCX and GPX") and configurable through options.
 */
import type { Report } from '../../core/errors.js';
import { geodesicDistance } from '../../core/geodesic.js';

/** Default `pauseGap`, seconds. */
export const DEFAULT_PAUSE_GAP_S = 30;
/** A gap is a pause only if it is this many times the file's median sampling interval. */
export const GAP_INTERVALS = 10;
/** Below this average speed over a gap (a slow walk, 1 m/s = 3.6 km/h), the runner was stopped. */
export const WALK_SPEED_M_S = 1;
/** A running cadence whose median (of non-zero values) is above this is two-legged (`cadence: 'auto'`). */
export const TWO_LEG_CADENCE = 140;

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

/**
 * The cadence legs rule, applied to running activities: Activity JSON cadence is one leg. `one-leg`
 * keeps the values; `two-leg` halves them; `auto` halves them when the median of the non-zero values is
 * above 140 (nobody runs at 140+ strides of one leg a minute, while 160–190 steps of both legs is usual).
 * Halved values are counted as a `cadence-halved` warning.
 */
export function cadenceLegs(
  col: Float64Array | null,
  length: number,
  mode: 'auto' | 'one-leg' | 'two-leg',
  report: Report,
  where: { activity?: number } | undefined,
): void {
  if (col === null || mode === 'one-leg') return;
  let halve = mode === 'two-leg';
  if (!halve) {
    const values = new Float64Array(length);
    let k = 0;
    for (let i = 0; i < length; i++) {
      const v = col[i];
      if (v === v && v !== 0) values[k++] = v;
    }
    if (k === 0) return;
    const s = values.subarray(0, k).sort();
    const median = k % 2 === 1 ? s[(k - 1) / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
    halve = median > TWO_LEG_CADENCE;
  }
  if (!halve) return;
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
    mode === 'two-leg' ? 'cadence halved to one leg (cadence: two-leg)' : `running cadence is two-legged (median above ${TWO_LEG_CADENCE}): halved to one leg`,
    count,
    where,
  );
}
