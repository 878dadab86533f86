/**
 * The distance series as Activity JSON needs it (spec §3, v4): cumulative, so it never decreases, and its
 * last recording is the summary distance.
 *
 * - **Never decreasing.** A reading below an earlier one is a device glitch (seen: 0.155 → 0.352 → 0.173 km;
 *   a 1 m step back). The fewest readings are set to null so that the rest is non-decreasing: the
 *   complement of a longest non-decreasing subsequence, found in O(n log n) (patience sorting with
 *   predecessor links). In the example the spike 0.352 goes, not the two readings after it.
 * - **The last recording is the summary.** Samples after the last reading (a sensor that stopped, an empty
 *   last record) carry it forward: the runner is not known to have moved, and Smashrun requires the last
 *   recording to equal the summary distance. Gaps inside the run stay null.
 */

/**
 * Sets to NaN the fewest readings of `dist[0, n)` that make the rest non-decreasing (NaN readings are
 * missing and take no part); returns how many it set. Among equally few, it keeps the readings that a
 * left-to-right patience sort keeps (the earliest run of small values loses to a longer later run).
 */
export function nullBackwardDistance(dist: Float64Array, n: number = dist.length): number {
  // Quick pass: most series are already non-decreasing.
  let prev = -Infinity;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const v = dist[i];
    if (v !== v) continue;
    if (v < prev) {
      sorted = false;
      break;
    }
    prev = v;
  }
  if (sorted) return 0;

  // tails[k]: index of the smallest last value of a non-decreasing subsequence of length k + 1.
  const tails = new Int32Array(n);
  const back = new Int32Array(n).fill(-1);
  let len = 0;
  for (let i = 0; i < n; i++) {
    const v = dist[i];
    if (v !== v) continue;
    // First tail whose value is greater than v (upper bound: equal values extend the subsequence).
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (dist[tails[mid]] <= v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) back[i] = tails[lo - 1];
    tails[lo] = i;
    if (lo === len) len++;
  }
  const keep = new Uint8Array(n);
  for (let i = len > 0 ? tails[len - 1] : -1; i >= 0; i = back[i]) keep[i] = 1;
  let nulled = 0;
  for (let i = 0; i < n; i++) {
    if (dist[i] === dist[i] && keep[i] === 0) {
      dist[i] = NaN;
      nulled++;
    }
  }
  return nulled;
}

/** Carries the last distance reading of `dist[0, n)` over the samples after it; returns how many it filled. */
export function carryLastDistance(dist: Float64Array, n: number = dist.length): number {
  let last = n - 1;
  while (last >= 0 && dist[last] !== dist[last]) last--;
  if (last < 0 || last === n - 1) return 0;
  dist.fill(dist[last], last + 1, n);
  return n - 1 - last;
}

/** The 5000 m world record (12:35, Joshua Cheptegei, 2020), in seconds. */
export const WORLD_RECORD_5000_S = 12 * 60 + 35;

/**
 * The shortest moving time (s, on the duration timeline) over which 5 km of the distance series were
 * covered, or Infinity when the run is shorter than 5 km. One pass with two pointers over the samples
 * with a distance: for each end sample, the latest start sample still 5 km or more behind it.
 */
export function fastestFiveKm(dist: Float64Array | null, duration: Float64Array, n: number = duration.length): number {
  if (dist === null) return Infinity;
  let best = Infinity;
  let i = 0;
  let start = -1; // the latest sample whose distance is at least 5 km behind the current one
  for (let j = 0; j < n; j++) {
    const d = dist[j];
    if (d !== d) continue;
    while (i < j) {
      const di = dist[i];
      if (di === di) {
        // `d - di < 5`, not `di > d - 5`: the two round differently, and the window is defined by the first.
        if (d - di < 5) break;
        start = i;
      }
      i++;
    }
    if (start >= 0) {
      const t = duration[j] - duration[start];
      if (t < best) best = t;
    }
  }
  return best;
}
