/**
 * Growable column builders: decoders append one value per sample into each typed-array column. Columns
 * start at an estimated capacity, double when full, and are trimmed once at `finish()`. A series column
 * is allocated the first time a value arrives for it, filled with NaN (missing) for earlier samples.
 */
import type { Activity, ActivityMeta, Intensity, LapTrigger, SourceLap } from './activity.js';
import { deriveDuration } from './duration.js';
import type { Report } from './errors.js';
import { lapsFromSource } from './laps.js';
import { type Columns, type SeriesKey, SERIES_INDEX, SERIES_KEYS, emptyColumns } from './series.js';

/** Builds one {@link Activity} sample by sample. */
export class ActivityBuilder {
  /** Number of samples appended so far. */
  length = 0;
  /** Absolute time of each sample (ms since the epoch); capacity-sized, valid up to `length`. */
  time: Float64Array;
  /** Series columns, capacity-sized; re-read after {@link add}, which may reallocate them. */
  readonly series: Columns = emptyColumns();
  /** The same columns by their index in the series table (`SERIES_INDEX`), for decoders that loop over it. */
  private readonly cols: (Float64Array | null)[] = SERIES_KEYS.map(() => null);
  private capacity: number;
  private readonly pauseList: number[] = [];
  private pausePending = false;
  private readonly sourceLaps: SourceLap[] = [];

  /** @param estimate - expected number of samples (capacity grows by doubling past it). */
  constructor(estimate = 1024) {
    this.capacity = Math.max(1, estimate | 0);
    this.time = new Float64Array(this.capacity);
  }

  /** Appends a sample at `timeMs` (ms since the epoch) and returns its index. */
  add(timeMs: number): number {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.time[i] = timeMs;
    if (this.pausePending) {
      this.pausePending = false;
      if (i > 0) this.pauseList.push(i);
    }
    return i;
  }

  /** Sets the value of series `key` for sample `i` (allocating the column on first use). */
  set(key: SeriesKey, i: number, value: number): void {
    this.setAt(SERIES_INDEX[key], i, value);
  }

  /** Sets the value of the series at index `k` of the series table for sample `i`. */
  setAt(k: number, i: number, value: number): void {
    const col = this.cols[k] ?? this.allocate(k);
    col[i] = value;
  }

  /** Returns the column of `key`, allocating it (NaN-filled) if absent. Invalidated by the next {@link add}. */
  column(key: SeriesKey): Float64Array {
    const k = SERIES_INDEX[key];
    return this.cols[k] ?? this.allocate(k);
  }

  /**
   * Takes `values` (one per sample, `length` of them, the builder at full capacity) as the column of
   * `key` without copying: for decoders that already hold the column (FIT pass 1).
   */
  adopt(key: SeriesKey, values: Float64Array): void {
    if (values.length !== this.length || this.length !== this.capacity) {
      throw new RangeError(`adopt: ${values.length} values for ${this.length} samples (capacity ${this.capacity})`);
    }
    this.series[key] = values;
    this.cols[SERIES_INDEX[key]] = values;
  }

  /** Marks a pause: the next sample appended is the first after it. Repeated marks before a sample count once; a mark before the first sample is ignored. */
  pause(): void {
    this.pausePending = true;
  }

  /** Whether a pause is marked and waiting for its first sample. */
  get pausePendingFlag(): boolean {
    return this.pausePending;
  }

  /**
   * Ends a lap at the last appended sample (or at `endIndex`).
   *
   * @param startTime - when the source says the lap started (ms since the epoch); NaN when it does not.
   * @param calories - the source's energy for the lap (kcal); NaN when it gives none.
   */
  lap(trigger: LapTrigger, intensity: Intensity, endIndex = this.length - 1, startTime = NaN, calories = NaN): void {
    if (endIndex < 0) return;
    this.sourceLaps.push({ endIndex, trigger, intensity, startTime, calories });
  }

  /** Laps recorded so far. */
  get laps(): readonly SourceLap[] {
    return this.sourceLaps;
  }

  /**
   * Trims the columns, derives the duration series and the laps, and returns the activity. The builder
   * hands its arrays over (uncopied when sized exactly): do not add to it afterwards.
   *
   * @param opts.startTime - the run's start (ms since the epoch); defaults to the first sample, and is
   *   clamped so that it is never after it.
   * @param opts.pauses - pauses found after the samples were appended (a decoder's gap rule): index of the
   *   first sample after each, in any order; merged with those marked by {@link pause}.
   * @param opts.activity - the activity's index in the input, for warnings.
   */
  finish(
    meta: ActivityMeta,
    report: Report,
    opts: { startTime?: number; utcOffset?: number | null; activity?: number; pauses?: readonly number[] } = {},
  ): Activity {
    const n = this.length;
    // Views, not copies: a copy would hold the grown array and its trimmed copy at once (measured on a
    // 100 MB generated GPX: peak RSS 5.1× the output with copies). A builder sized exactly hands its
    // arrays over as they are.
    const trim = (a: Float64Array): Float64Array => (a.length === n ? a : a.subarray(0, n));
    const time = trim(this.time);
    const series = emptyColumns();
    for (const key of SERIES_KEYS) {
      const col = this.series[key];
      if (col !== null && hasValue(col, n)) series[key] = trim(col);
    }
    let startTime = opts.startTime ?? (n > 0 ? time[0] : 0);
    if (n > 0 && !(startTime <= time[0])) startTime = time[0];
    const pauses = Uint32Array.from(mergePauses(this.pauseList, opts.pauses));
    const duration = deriveDuration(time, pauses, startTime);
    const laps = lapsFromSource(this.sourceLaps, duration, series.distance, report, opts.activity);
    return {
      length: n,
      startTime,
      utcOffset: opts.utcOffset ?? null,
      time,
      duration,
      hasClock: true,
      series,
      pauses,
      laps,
      meta,
    };
  }

  private allocate(k: number): Float64Array {
    const col = new Float64Array(this.capacity).fill(NaN);
    this.cols[k] = col;
    this.series[SERIES_KEYS[k]] = col;
    return col;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const time = new Float64Array(cap);
    time.set(this.time);
    this.time = time;
    for (let k = 0; k < SERIES_KEYS.length; k++) {
      const old = this.cols[k];
      if (old === null) continue;
      const col = new Float64Array(cap);
      col.set(old);
      col.fill(NaN, this.capacity);
      this.cols[k] = col;
      this.series[SERIES_KEYS[k]] = col;
    }
    this.capacity = cap;
  }
}

/** The marked pauses and the extra ones, sorted, each once (both lists hold indexes in 1…n−1). */
function mergePauses(marked: readonly number[], extra: readonly number[] | undefined): readonly number[] {
  if (extra === undefined || extra.length === 0) return marked;
  return Array.from(new Set([...marked, ...extra])).sort((x, y) => x - y);
}

function hasValue(col: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (col[i] === col[i]) return true;
  return false;
}
