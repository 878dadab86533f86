/**
 * The `duration` series (spec §4): seconds since the start of the run with pauses excluded. The pause
 * length is `clock[p] − clock[p−1]`, so the series is flat across a pause; the first sample sits at its
 * offset from the start (`clock[0] = duration[0]`, normally 0).
 */

/**
 * Derives the duration series from absolute sample times and pause indexes.
 *
 * Arithmetic is done in integer milliseconds (times are whole ms) and divided once, so every value is the
 * correctly rounded decimal and the last value is exact.
 *
 * @param time - ms since the epoch of each sample, non-decreasing.
 * @param pauses - index of the first sample after each pause, increasing, in 1…n−1.
 * @param startTime - ms since the epoch at which the run started (≤ `time[0]`).
 * @param length - number of samples to use (defaults to `time.length`).
 */
export function deriveDuration(
  time: Float64Array,
  pauses: ArrayLike<number>,
  startTime: number,
  length: number = time.length,
): Float64Array {
  const out = new Float64Array(length);
  if (length === 0) return out;
  let ms = time[0] - startTime;
  out[0] = ms / 1000;
  let p = 0;
  let nextPause = pauses.length > 0 ? pauses[0] : -1;
  for (let i = 1; i < length; i++) {
    if (i === nextPause) {
      p++;
      nextPause = p < pauses.length ? pauses[p] : -1;
    } else {
      ms += time[i] - time[i - 1];
    }
    out[i] = ms / 1000;
  }
  return out;
}

/** Sum of the pause lengths in seconds: `clock[last] − duration[last]`. */
export function totalPauseSeconds(time: Float64Array, pauses: ArrayLike<number>): number {
  let ms = 0;
  for (let k = 0; k < pauses.length; k++) ms += time[pauses[k]] - time[pauses[k] - 1];
  return ms / 1000;
}
