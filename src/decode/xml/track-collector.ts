/**
 * One activity being read from TCX or GPX: a trackpoint's values are gathered in a small array indexed by
 * the series table while its element is open, and appended into the ActivityBuilder's columns when it
 * closes (never an object per sample). Time order is enforced here, pauses are tracked, and at the end the
 * cadence and gap rules run; the gap rule's pauses go to the builder before it finishes, so duration and
 * laps are derived once, from every pause.
 */
import type { Activity, ActivityMeta } from '../../core/activity.js';
import { ActivityBuilder } from '../../core/builder.js';
import { ConvertError, ErrorCode, type Report, type SourceFormat } from '../../core/errors.js';
import { SERIES_INDEX, SERIES_KEYS } from '../../core/series.js';
import type { DecodeOptions } from '../decoder.js';
import { timeInRange } from './numbers.js';
import { DEFAULT_PAUSE_GAP_S, type PauseWindow, cadenceLegs, gapPauses } from './track-rules.js';
import type { XmlPosition } from './xml-reader.js';

/** Samples appended across every activity of one input (for `limits.maxSamples`). */
export interface SampleCounter {
  samples: number;
}

/** How the gap rule applies to an activity. */
export type GapMode = 'all' | 'candidates' | 'none';

/** Index of each series in {@link TrackCollector.point}. */
export const P = SERIES_INDEX;
const SERIES_COUNT = SERIES_KEYS.length;

/** Collects one activity's trackpoints into an {@link ActivityBuilder}. */
export class TrackCollector {
  /** Time of the trackpoint being read (ms since the epoch; NaN = not given). */
  time = NaN;
  /** Values of the trackpoint being read, by series index ({@link P}; NaN = not given). */
  readonly point = new Float64Array(SERIES_COUNT);
  /** A second cadence source (TCX RunCadence wins over Cadence). */
  runCad = NaN;

  readonly builder: ActivityBuilder;
  /** Index of the first sample after each explicit pause (the source's own markers). */
  readonly explicit: number[] = [];
  /** Indexes where the gap rule may put a pause when the mode is `candidates`. */
  readonly candidates: number[] = [];
  /** Laps with the pause time they hold (see {@link PauseWindow}). */
  readonly windows: PauseWindow[] = [];
  noTime = 0;
  /** Trackpoint times (and TCX lap start times) outside 1970–2099, left out. */
  timeOutOfRange = 0;
  backwards = 0;
  repeated = 0;
  badPosition = 0;
  /** Values that were ±Infinity, left out. */
  notFinite = 0;
  private lastTime = -Infinity;
  private pending = false;
  private readonly counter: SampleCounter;
  private readonly maxSamples: number;
  private readonly format: SourceFormat;
  private readonly where: () => XmlPosition;

  /**
   * @param format - the format being read, and `where` the reader's position in it: for errors.
   */
  constructor(counter: SampleCounter, options: DecodeOptions, format: SourceFormat, where: () => XmlPosition) {
    this.builder = new ActivityBuilder(1024);
    this.counter = counter;
    this.maxSamples = options.limits.maxSamples;
    this.format = format;
    this.where = where;
  }

  /** Clears the trackpoint's values (call when a trackpoint opens). */
  resetPoint(): void {
    this.time = NaN;
    this.point.fill(NaN);
    this.runCad = NaN;
  }

  /** Marks an explicit pause: the next sample kept is the first after it. */
  pause(): void {
    this.pending = true;
    this.builder.pause();
  }

  /** Marks the next sample as a place where the gap rule may find a pause (a TCX lap boundary). */
  candidate(): void {
    this.candidates.push(this.builder.length);
  }

  /**
   * Appends the trackpoint. A point with no time cannot be placed on the clock, nor one whose time is
   * outside 1970–2099 (a garbage date: see `timeInRange`), and one earlier than the previous point would
   * make the clock go backwards: all are left out and counted. A point at the same time as the previous
   * one is kept (and counted).
   *
   * Values are stored only when finite (±Infinity is left out and counted: `not-finite`), and a position
   * only when it has both coordinates, within −90…90 and −180…180 (else both are left out and counted:
   * `position-out-of-range`; a coordinate that was not finite is counted as that alone).
   *
   * Why not sort points that go back in time? Measured on the corpus (Sports Tracker GPX, 5080 of 7785
   * points earlier than the one before): the positions are in path order and only the times jitter, so
   * sorting by time zigzags the track (36.6 km for a 12.3 km run); keeping the file order and leaving
   * out the points that would turn the clock back keeps the path.
   */
  commit(): void {
    const t = this.time;
    if (t !== t) {
      this.noTime++;
      return;
    }
    if (!timeInRange(t)) {
      this.timeOutOfRange++;
      return;
    }
    if (t < this.lastTime) {
      this.backwards++;
      return;
    }
    if (t === this.lastTime) this.repeated++;
    this.lastTime = t;
    if (++this.counter.samples > this.maxSamples) {
      throw new ConvertError(ErrorCode.Limit, `more than limits.maxSamples (${this.maxSamples}) samples`, {
        format: this.format,
        ...this.where(),
      });
    }
    const b = this.builder;
    const i = b.add(t);
    if (this.pending) {
      this.pending = false;
      if (i > 0) this.explicit.push(i);
    }
    const p = this.point;
    if (this.runCad === this.runCad) p[P.cadence] = this.runCad;
    const lat = p[P.latitude];
    const lon = p[P.longitude];
    if ((lat === lat || lon === lon) && !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
      // One coordinate only, or out of range: no position. A coordinate that is ±Infinity stays for the
      // loop below to count as not finite (once, not also as a bad position); the other goes with it.
      const latInf = lat === Infinity || lat === -Infinity;
      const lonInf = lon === Infinity || lon === -Infinity;
      if (!latInf && !lonInf) this.badPosition++;
      p[P.latitude] = latInf ? lat : NaN;
      p[P.longitude] = lonInf ? lon : NaN;
    }
    for (let k = 0; k < SERIES_COUNT; k++) {
      const v = p[k];
      if (v - v === 0) b.setAt(k, i, v);
      else if (v === v) this.notFinite++;
    }
  }

  /**
   * Applies the cadence rule (runs only) and the gap rule, and returns the activity.
   *
   * @param index - the activity's index in the file, for warnings.
   */
  finish(
    meta: ActivityMeta,
    options: DecodeOptions,
    report: Report,
    gapMode: GapMode,
    startTime: number | undefined,
    index: number | undefined,
  ): Activity {
    const b = this.builder;
    const where = index === undefined ? undefined : { activity: index };
    report.warn('no-time', 'trackpoints with no time cannot be placed on the clock: left out', this.noTime, where);
    report.warn('time-backwards', 'trackpoints earlier than the previous one would make the clock go backwards: left out', this.backwards, where);
    report.warn('time-repeated', 'trackpoints at the same time as the previous one (kept)', this.repeated, where);
    report.warn('time-out-of-range', 'times before 1970 or after 2099 cannot be a run’s: left out', this.timeOutOfRange, where);
    report.warn('position-out-of-range', 'positions outside −90…90 / −180…180 or with one coordinate missing: left out', this.badPosition, where);
    report.warn('not-finite', 'values that are not finite numbers: left out', this.notFinite, where);
    if (meta.sport === 'running') {
      const s = b.series;
      cadenceLegs(
        { cadence: s.cadence, length: b.length, time: b.time, speed: s.speed, distance: s.distance, latitude: s.latitude, longitude: s.longitude },
        options.cadence,
        report,
        where,
      );
    }

    const gap =
      gapMode === 'none'
        ? { pauses: [], thresholdS: 0 }
        : gapPauses({
            time: b.time,
            length: b.length,
            explicit: this.explicit,
            distance: b.series.distance,
            latitude: b.series.latitude,
            longitude: b.series.longitude,
            pauseGap: options.pauseGap ?? DEFAULT_PAUSE_GAP_S,
            candidates: gapMode === 'candidates' ? this.candidates : null,
            windows: gapMode === 'all' ? this.windows : null,
          });
    if (gap.pauses.length > 0) {
      report.note(
        'pauses-detected',
        `pauses found by the gap rule (gap over ${gap.thresholdS} s with less than a slow walk's distance covered)`,
        gap.pauses.length,
        where,
      );
    }
    return b.finish(meta, report, { startTime, activity: index, pauses: gap.pauses });
  }
}
