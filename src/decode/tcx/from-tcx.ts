/**
 * TCX (Garmin Training Center Database v2) → activities.
 * Schema: https://www8.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd (and ActivityExtension v2 for TPX).
 *
 * Elements are matched on their local name (`ns3:TPX`, `TPX`, undeclared prefixes). One activity per
 * `<Activity>` (several in one file → several results); a file with courses and no activity is refused
 * (`not-an-activity`). Pauses: a second `<Track>` inside a `<Lap>` (Garmin Training Center writes one
 * Track per recording segment); files with no such markers (Garmin Connect writes one Track per Lap)
 * get the gap rule over every sample; files with markers get it at lap boundaries only.
 *
 * Bounded: at most `limits.maxActivities` activities in a file and `limits.maxLaps` laps in an activity.
 * A file cut short keeps the trackpoints completed before the cut (see {@link TcxHandler.finish}).
 */
import type { SaxesTagPlain } from 'saxes';
import { type Activity, Intensity, LapTrigger, emptyMeta } from '../../core/activity.js';
import { intensityOfTcx, lapTriggerOfTcx, sportOfTcx } from '../../tcx/vocabulary.js';
import type { DecodeContext } from '../decoder.js';
import { ConvertError, ErrorCode } from '../../core/errors.js';
import { parseNumber, TextValues, timeInRange } from '../xml/numbers.js';
import { deviceTypeOf } from '../xml/device.js';
import { P, type SampleCounter, TrackCollector } from '../xml/track-collector.js';
import { type XmlHandler, type XmlPosition, textTable } from '../xml/xml-reader.js';

// Element ids: the index of the local name in NAMES.
const ACTIVITY = 1;
const ID = 2;
const NOTES = 3;
const LAP = 4;
const INTENSITY = 5;
const TRIGGER = 6;
const TRACK = 7;
const TRACKPOINT = 8;
const TIME = 9;
const LAT = 10;
const LON = 11;
const ALT = 12;
const DIST = 13;
const HR = 14;
const VALUE = 15;
const CADENCE = 16;
const RUN_CADENCE = 17;
const SPEED = 18;
const WATTS = 19;
const CREATOR = 20;
const NAME = 21;
const VERSION_MAJOR = 22;
const VERSION_MINOR = 23;
const COURSE = 24;
const TOTAL_TIME = 25;
const CALORIES = 26;

const NAMES = [
  '',
  'Activity',
  'Id',
  'Notes',
  'Lap',
  'Intensity',
  'TriggerMethod',
  'Track',
  'Trackpoint',
  'Time',
  'LatitudeDegrees',
  'LongitudeDegrees',
  'AltitudeMeters',
  'DistanceMeters',
  'HeartRateBpm',
  'Value',
  'Cadence',
  'RunCadence',
  'Speed',
  'Watts',
  'Creator',
  'Name',
  'VersionMajor',
  'VersionMinor',
  'Course',
  'TotalTimeSeconds',
  'Calories',
] as const;

const WANT_TEXT = textTable(NAMES, [
  'Id', 'Notes', 'Intensity', 'TriggerMethod', 'Time', 'LatitudeDegrees', 'LongitudeDegrees', 'AltitudeMeters',
  'DistanceMeters', 'TotalTimeSeconds', 'Calories', 'Value', 'Cadence', 'RunCadence', 'Speed', 'Watts', 'Name', 'VersionMajor', 'VersionMinor',
]);

/** Streams a TCX document into activities. */
export class TcxHandler implements XmlHandler {
  readonly format = 'tcx' as const;
  readonly names = NAMES;
  readonly wantText = WANT_TEXT;
  private readonly ctx: DecodeContext;
  private readonly where: () => XmlPosition;
  private readonly values = new TextValues();
  private readonly counter: SampleCounter = { samples: 0 };
  private readonly activities: Activity[] = [];
  private courses = 0;
  /** `<Activity>` elements opened (for `limits.maxActivities`). */
  private activitiesOpened = 0;

  // The activity being read.
  private w: TrackCollector | null = null;
  private sport = 'other';
  private notes: string | null = null;
  private creatorName: string | null = null;
  private versionMajor = '';
  private versionMinor = '';
  private startTime: number | undefined = undefined;
  private lapCount = 0;
  private lapFirst = 0;
  private lapStart = NaN;
  private lapTotal = NaN;
  private lapCalories = NaN;
  private tracksInLap = 0;
  private markers = false;
  private lapTrigger: LapTrigger = LapTrigger.Unknown;
  private lapIntensity: Intensity = Intensity.Active;
  private emptyLaps = 0;

  // Where we are.
  private inLap = false;
  private inTrackpoint = false;
  private inHr = false;
  private inCreator = false;

  constructor(ctx: DecodeContext, where: () => XmlPosition) {
    this.ctx = ctx;
    this.where = where;
  }

  open(id: number, tag: SaxesTagPlain): void {
    switch (id) {
      case TRACKPOINT:
        if (this.w !== null && this.inLap) {
          this.inTrackpoint = true;
          this.w.resetPoint();
        }
        return;
      case HR:
        this.inHr = this.inTrackpoint;
        return;
      case ACTIVITY:
        this.startActivity(tag.attributes.Sport);
        return;
      case LAP:
        if (this.w === null) return;
        this.inLap = true;
        this.lapFirst = this.w.builder.length;
        this.tracksInLap = 0;
        this.lapTrigger = LapTrigger.Unknown;
        this.lapIntensity = Intensity.Active;
        this.lapTotal = NaN;
        this.lapCalories = NaN;
        this.lapStart = this.values.times.parse(tag.attributes.StartTime ?? '');
        if (this.lapStart === this.lapStart && !timeInRange(this.lapStart)) {
          // A garbage date (year 0000, 9999): the lap start is not known.
          this.w.timeOutOfRange++;
          this.lapStart = NaN;
        }
        if (this.lapCount >= this.ctx.options.limits.maxLaps) {
          this.limit(`more than limits.maxLaps (${this.ctx.options.limits.maxLaps}) laps in one activity`);
        }
        if (this.lapCount++ === 0) {
          if (this.lapStart === this.lapStart) this.startTime = this.lapStart;
        } else {
          this.w.candidate();
        }
        return;
      case TRACK:
        if (this.w !== null && this.inLap && ++this.tracksInLap > 1) {
          this.markers = true;
          this.w.pause();
        }
        return;
      case CREATOR:
        this.inCreator = this.w !== null;
        return;
      case COURSE:
        this.courses++;
        return;
      default:
    }
  }

  close(id: number, text: string): void {
    const w = this.w;
    if (w === null) return;
    if (this.inTrackpoint) {
      switch (id) {
        case TIME:
          w.time = this.values.time(text);
          return;
        case LAT:
          w.point[P.latitude] = this.values.num(text);
          return;
        case LON:
          w.point[P.longitude] = this.values.num(text);
          return;
        case ALT:
          w.point[P.elevation] = this.values.num(text);
          return;
        case DIST:
          w.point[P.distance] = this.values.km(text);
          return;
        case VALUE:
          if (this.inHr) w.point[P.heartRate] = this.values.num(text);
          return;
        case HR:
          this.inHr = false;
          return;
        case CADENCE:
          w.point[P.cadence] = this.values.num(text);
          return;
        case RUN_CADENCE:
          w.runCad = this.values.num(text);
          return;
        case SPEED:
          w.point[P.speed] = this.values.num(text);
          return;
        case WATTS:
          w.point[P.power] = this.values.num(text);
          return;
        case TRACKPOINT:
          this.inTrackpoint = false;
          w.commit();
          return;
        default:
          return;
      }
    }
    switch (id) {
      case INTENSITY:
        if (this.inLap) this.lapIntensity = intensityOfTcx(text);
        return;
      case TRIGGER:
        if (this.inLap) this.lapTrigger = lapTriggerOfTcx(text);
        return;
      case TOTAL_TIME:
        if (this.inLap) this.lapTotal = parseNumber(text);
        return;
      case CALORIES:
        // The lap's own (a Trackpoint has none); the schema's unsigned short.
        if (this.inLap && !this.inTrackpoint) {
          const kcal = parseNumber(text);
          this.lapCalories = kcal >= 0 && kcal <= 65535 ? kcal : NaN;
        }
        return;
      case LAP:
        if (!this.inLap) return;
        this.inLap = false;
        if (w.builder.length > this.lapFirst) {
          w.builder.lap(this.lapTrigger, this.lapIntensity, w.builder.length - 1, this.lapStart, this.lapCalories);
          this.addWindow(w);
        } else {
          this.emptyLaps++;
        }
        return;
      case NOTES:
        if (!this.inLap) this.notes = text;
        return;
      case NAME:
        if (this.inCreator) this.creatorName = text.trim();
        return;
      case VERSION_MAJOR:
        if (this.inCreator) this.versionMajor = text.trim();
        return;
      case VERSION_MINOR:
        if (this.inCreator) this.versionMinor = text.trim();
        return;
      case CREATOR:
        this.inCreator = false;
        return;
      case ACTIVITY:
        this.endActivity();
        return;
      default:
    }
  }

  /**
   * The activities read. When the input was cut (`cut`: where it ended), the trackpoint being read is
   * dropped, the lap and activity being read end at their last complete trackpoint (an activity with
   * none is dropped), and the cut is a `truncated` warning; with no trackpoint read at all, an error.
   */
  finish(cut: XmlPosition | null): Activity[] {
    const { report } = this.ctx;
    // A course cut short is still a course (not-an-activity, below).
    if (cut !== null && !(this.activitiesOpened === 0 && this.courses > 0)) {
      if (this.counter.samples === 0) {
        throw new ConvertError(ErrorCode.Truncated, 'the TCX input ends early, and no trackpoint was read', { format: 'tcx', ...cut });
      }
      // First, so that `strict` fails on the cut rather than on what the cut left unfinished.
      report.warn('truncated', 'the TCX input ends early: every trackpoint completed before the cut is kept', 1, cut, ErrorCode.Truncated);
      const w = this.w;
      if (w !== null) {
        this.inTrackpoint = false;
        if (this.inLap) this.close(LAP, '');
        if (w.builder.length > 0) this.endActivity();
        else this.w = null;
      }
    }
    if (this.activities.length === 0 && this.courses > 0) {
      // A verdict on the whole file, which no one place holds: no position (FIT's says none either).
      throw new ConvertError(ErrorCode.NotAnActivity, 'the TCX file holds a course, not an activity', { format: 'tcx' });
    }
    if (this.courses > 0) report.note('courses-ignored', 'courses in the TCX file were ignored', this.courses);
    this.values.report(report);
    return this.activities;
  }

  /**
   * The pause time a lap holds by its own account: its elapsed time (StartTime to its last trackpoint)
   * minus its TotalTimeSeconds (timer time). The gap rule may not put more pause than that in the lap.
   */
  private addWindow(w: TrackCollector): void {
    const b = w.builder;
    const last = b.length - 1;
    const start = this.lapStart === this.lapStart ? Math.min(this.lapStart, b.time[this.lapFirst]) : b.time[this.lapFirst];
    const budget = this.lapTotal === this.lapTotal ? (b.time[last] - start) / 1000 - this.lapTotal : Infinity;
    w.windows.push({ first: this.lapFirst, last, budgetS: budget });
  }

  private startActivity(sport: string | undefined): void {
    if (this.w !== null) this.endActivity();
    const max = this.ctx.options.limits.maxActivities;
    if (this.activitiesOpened++ >= max) this.limit(`more than limits.maxActivities (${max}) activities in one file`);
    this.w = new TrackCollector(this.counter, this.ctx.options, 'tcx', this.where);
    this.sport = sportOfTcx(sport);
    this.notes = null;
    this.creatorName = null;
    this.versionMajor = '';
    this.versionMinor = '';
    this.startTime = undefined;
    this.lapCount = 0;
    this.markers = false;
    this.emptyLaps = 0;
    this.inLap = false;
    this.inTrackpoint = false;
    this.inCreator = false;
  }

  private endActivity(): void {
    const w = this.w;
    if (w === null) return;
    this.w = null;
    const { report, options } = this.ctx;
    const index = this.activities.length;
    const meta = emptyMeta('tcx', this.sport);
    meta.notes = this.notes;
    meta.device = this.creatorName;
    meta.deviceType = deviceTypeOf(this.creatorName);
    if (this.versionMajor !== '') meta.appVersion = this.versionMinor !== '' ? `${this.versionMajor}.${this.versionMinor}` : this.versionMajor;
    report.warn('empty-lap', 'laps with no trackpoint of their own were merged into the previous lap', this.emptyLaps, { activity: index });
    const gapMode = this.markers ? 'candidates' : 'all';
    this.activities.push(w.finish(meta, options, report, gapMode, this.startTime, index));
  }

  private limit(message: string): never {
    throw new ConvertError(ErrorCode.Limit, message, { format: 'tcx', ...this.where() });
  }
}
