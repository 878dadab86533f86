/**
 * One activity being read from TCX or GPX: a trackpoint's values are gathered in scalar fields while its
 * element is open and appended into the ActivityBuilder's columns when it closes (never an object per
 * sample). Time order is enforced here, pauses are tracked, and at the end the cadence and gap rules
 * run before the columns are trimmed into an Activity.
 */
import type { Activity, ActivityMeta, Intensity } from '../../core/activity.js';
import { ActivityBuilder } from '../../core/builder.js';
import { deriveDuration } from '../../core/duration.js';
import { ConvertError, ErrorCode, Report } from '../../core/errors.js';
import { lapsFromSource } from '../../core/laps.js';
import type { ResolvedOptions } from '../../convert/options.js';
import { DEFAULT_PAUSE_GAP_S, type PauseWindow, cadenceLegs, gapPauses } from './track-rules.js';

/** Samples appended across every activity of one input (for `limits.maxSamples`). */
export interface SampleCounter {
  samples: number;
}

/** How the gap rule applies to an activity. */
export type GapMode = 'all' | 'candidates' | 'none';

/** Builds one activity from trackpoints. */
export class TrackWriter {
  // The trackpoint being read (NaN = not given).
  time = NaN;
  lat = NaN;
  lon = NaN;
  ele = NaN;
  /** km */
  dist = NaN;
  hr = NaN;
  cad = NaN;
  /** A second cadence source (TCX RunCadence wins over Cadence). */
  runCad = NaN;
  temp = NaN;
  power = NaN;
  speed = NaN;

  readonly builder: ActivityBuilder;
  /** Index of the first sample after each explicit pause (the source's own markers). */
  readonly explicit: number[] = [];
  /** Indexes where the gap rule may put a pause when the mode is `candidates`. */
  readonly candidates: number[] = [];
  /** Laps with the pause time they hold (see {@link PauseWindow}). */
  readonly windows: PauseWindow[] = [];
  noTime = 0;
  backwards = 0;
  repeated = 0;
  badPosition = 0;
  private lastTime = -Infinity;
  private pending = false;
  private readonly counter: SampleCounter;
  private readonly maxSamples: number;

  constructor(counter: SampleCounter, options: ResolvedOptions) {
    this.builder = new ActivityBuilder(1024);
    this.counter = counter;
    this.maxSamples = options.limits.maxSamples;
  }

  /** Clears the trackpoint fields (call when a trackpoint opens). */
  resetPoint(): void {
    this.time = NaN;
    this.lat = NaN;
    this.lon = NaN;
    this.ele = NaN;
    this.dist = NaN;
    this.hr = NaN;
    this.cad = NaN;
    this.runCad = NaN;
    this.temp = NaN;
    this.power = NaN;
    this.speed = NaN;
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
   * Appends the trackpoint. A point with no time cannot be placed on the clock and one earlier than the
   * previous point would make the clock go backwards: both are left out and counted. A point at the same
   * time as the previous one is kept (and counted).
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
    if (t < this.lastTime) {
      this.backwards++;
      return;
    }
    if (t === this.lastTime) this.repeated++;
    this.lastTime = t;
    if (++this.counter.samples > this.maxSamples) {
      throw new ConvertError(ErrorCode.Limit, `more than limits.maxSamples (${this.maxSamples}) samples`);
    }
    const b = this.builder;
    const i = b.add(t);
    if (this.pending) {
      this.pending = false;
      if (i > 0) this.explicit.push(i);
    }
    let lat = this.lat;
    let lon = this.lon;
    if (lat === lat || lon === lon) {
      if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
        this.badPosition++;
        lat = NaN;
        lon = NaN;
      } else {
        b.set('latitude', i, lat);
        b.set('longitude', i, lon);
      }
    }
    if (this.ele === this.ele) b.set('elevation', i, this.ele);
    if (this.dist === this.dist) b.set('distance', i, this.dist);
    if (this.hr === this.hr) b.set('heartRate', i, this.hr);
    const cad = this.runCad === this.runCad ? this.runCad : this.cad;
    if (cad === cad) b.set('cadence', i, cad);
    if (this.temp === this.temp) b.set('temperature', i, this.temp);
    if (this.power === this.power) b.set('power', i, this.power);
    if (this.speed === this.speed) b.set('speed', i, this.speed);
  }

  /** Ends a lap at the last sample kept. */
  lap(byDistance: boolean, intensity: Intensity): void {
    this.builder.lap(byDistance, intensity);
  }

  /**
   * Applies the cadence rule (runs only) and the gap rule, and returns the activity.
   *
   * @param index - the activity's index in the file, for warnings.
   */
  finish(
    meta: ActivityMeta,
    options: ResolvedOptions,
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
    report.warn('position-out-of-range', 'positions outside −90…90 / −180…180 left out', this.badPosition, where);
    if (meta.sport === 'running') cadenceLegs(b.series.cadence, b.length, options.cadence, report, where);

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
    const opts = { startTime, activity: index };
    if (gap.pauses.length === 0) return b.finish(meta, report, opts);

    report.note(
      'pauses-detected',
      `pauses found by the gap rule (gap over ${gap.thresholdS} s with less than a slow walk's distance covered)`,
      gap.pauses.length,
      where,
    );
    // The builder knows only the explicit pauses: finish with a scratch report, then redo duration and
    // laps with every pause (so lap warnings are counted once, in the real report).
    const a = b.finish(meta, new Report(false), opts);
    const all = Array.from(new Set([...this.explicit, ...gap.pauses])).sort((x, y) => x - y);
    a.pauses = Uint32Array.from(all);
    a.duration = deriveDuration(a.time, a.pauses, a.startTime);
    a.laps = lapsFromSource(b.laps, a.duration, a.series.distance, report, index);
    return a;
  }
}
