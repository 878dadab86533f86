/**
 * GPX 1.0 / 1.1 → one activity.
 * Schema: https://www.topografix.com/GPX/1/1/ ; extensions read on their local name: Garmin
 * TrackPointExtension v1/v2 (`hr`, `cad`, `atemp`, `speed`), Cluetrust gpxdata (`hr`, `cadence`, `temp`,
 * `distance`, `speed`), Garmin GpxExtensions (`Temperature`), and the common power elements (`power`,
 * `PowerInWatts`, `watts`). Elements are matched on their local name (prefixes vary and are sometimes
 * undeclared, e.g. `gpxdata:` in mapstogpx exports).
 *
 * Every `<trk>` and `<trkseg>` of the file goes into one activity; a new segment or track after the
 * first is a pause (spec §4). A file with a single segment has no pause markers: the gap rule applies.
 * Waypoints and routes are not part of a recorded run: ignored, with a note. A file cut short keeps the
 * trackpoints completed before the cut (see {@link GpxHandler.finish}).
 */
import type { SaxesTagPlain } from 'saxes';
import { type Activity, emptyMeta } from '../../core/activity.js';
import { ConvertError, ErrorCode } from '../../core/errors.js';
import { sportOfGpx } from '../../gpx/vocabulary.js';
import type { DecodeContext } from '../decoder.js';
import { deviceTypeOf } from '../xml/device.js';
import { TextValues } from '../xml/numbers.js';
import { P, type SampleCounter, TrackCollector } from '../xml/track-collector.js';
import { type XmlHandler, type XmlPosition, textTable } from '../xml/xml-reader.js';

const GPX = 1;
const TRK = 2;
const TRKSEG = 3;
const TRKPT = 4;
const ELE = 5;
const TIME = 6;
const TYPE = 7;
const WPT = 8;
const RTE = 9;
const HR = 10;
const HEARTRATE = 11;
const CAD = 12;
const CADENCE = 13;
const ATEMP = 14;
const TEMP = 15;
const TEMPERATURE = 16;
const SPEED = 17;
const POWER = 18;
const POWER_IN_WATTS = 19;
const WATTS = 20;
const DISTANCE = 21;

const NAMES = [
  '',
  'gpx',
  'trk',
  'trkseg',
  'trkpt',
  'ele',
  'time',
  'type',
  'wpt',
  'rte',
  'hr',
  'heartrate',
  'cad',
  'cadence',
  'atemp',
  'temp',
  'Temperature',
  'speed',
  'power',
  'PowerInWatts',
  'watts',
  'distance',
] as const;

const WANT_TEXT = textTable(NAMES, [
  'ele', 'time', 'type', 'hr', 'heartrate', 'cad', 'cadence', 'atemp', 'temp', 'Temperature', 'speed', 'power',
  'PowerInWatts', 'watts', 'distance',
]);

/** Streams a GPX document into one activity. */
export class GpxHandler implements XmlHandler {
  readonly format = 'gpx' as const;
  readonly names = NAMES;
  readonly wantText = WANT_TEXT;
  private readonly ctx: DecodeContext;
  private readonly where: () => XmlPosition;
  private readonly values = new TextValues();
  private readonly counter: SampleCounter = { samples: 0 };
  private readonly w: TrackCollector;
  private creator: string | null = null;
  private type: string | null = null;
  private tracks = 0;
  private segments = 0;
  private waypoints = 0;
  private routes = 0;
  private overlaps = 0;
  private backwardsAtTrack = 0;
  private inTrk = false;
  private inTrkpt = false;
  private ignored = 0;

  constructor(ctx: DecodeContext, where: () => XmlPosition) {
    this.ctx = ctx;
    this.where = where;
    this.w = new TrackCollector(this.counter, ctx.options, 'gpx', where);
  }

  open(id: number, tag: SaxesTagPlain): void {
    switch (id) {
      case TRKPT: {
        if (!this.inTrk) return;
        this.inTrkpt = true;
        const w = this.w;
        w.resetPoint();
        const a = tag.attributes;
        w.point[P.latitude] = this.values.num(a.lat ?? '');
        w.point[P.longitude] = this.values.num(a.lon ?? '');
        return;
      }
      case TRKSEG:
        if (this.inTrk && this.segments++ > 0) this.w.pause();
        return;
      case TRK:
        // Every track of the file makes one activity: `limits.maxActivities` only bites below 1.
        if (this.tracks === 0 && this.ctx.options.limits.maxActivities < 1) {
          throw new ConvertError(ErrorCode.Limit, `more than limits.maxActivities (${this.ctx.options.limits.maxActivities}) activities in one file`, {
            format: 'gpx',
            ...this.where(),
          });
        }
        this.inTrk = true;
        if (this.tracks++ > 0) this.w.pause();
        this.backwardsAtTrack = this.w.backwards;
        return;
      case GPX:
        this.creator = tag.attributes.creator?.trim() || null;
        return;
      case WPT:
        this.waypoints++;
        this.ignored++;
        return;
      case RTE:
        this.routes++;
        this.ignored++;
        return;
      default:
    }
  }

  close(id: number, text: string): void {
    const w = this.w;
    if (this.inTrkpt) {
      switch (id) {
        case TIME:
          w.time = this.values.time(text);
          return;
        case ELE:
          w.point[P.elevation] = this.values.num(text);
          return;
        case HR:
        case HEARTRATE:
          w.point[P.heartRate] = this.values.num(text);
          return;
        case CAD:
        case CADENCE:
          w.point[P.cadence] = this.values.num(text);
          return;
        case ATEMP:
        case TEMP:
        case TEMPERATURE:
          w.point[P.temperature] = this.values.num(text);
          return;
        case SPEED:
          w.point[P.speed] = this.values.num(text);
          return;
        case POWER:
        case POWER_IN_WATTS:
        case WATTS:
          w.point[P.power] = this.values.num(text);
          return;
        case DISTANCE:
          w.point[P.distance] = this.values.km(text);
          return;
        case TRKPT:
          this.inTrkpt = false;
          // A trkpt inside a wpt/rte cannot happen; one outside a trk was never opened.
          w.commit();
          return;
        default:
          return;
      }
    }
    switch (id) {
      case TYPE:
        if (this.inTrk && this.type === null && this.ignored === 0) this.type = text;
        return;
      case TRK:
        this.inTrk = false;
        if (this.tracks > 1 && w.backwards > this.backwardsAtTrack) this.overlaps++;
        return;
      case WPT:
      case RTE:
        this.ignored--;
        return;
      default:
    }
  }

  /**
   * The activity read. When the input was cut (`cut`: where it ended), the trackpoint being read is
   * dropped and the cut is a `truncated` warning; with no trackpoint read at all, an error.
   */
  finish(cut: XmlPosition | null): Activity[] {
    const { report, options } = this.ctx;
    // Routes and waypoints cut short are still no track (not-an-activity, below).
    if (cut !== null && !(this.tracks === 0 && (this.routes > 0 || this.waypoints > 0))) {
      // The trackpoint being read never closed, so it was never committed.
      this.inTrkpt = false;
      if (this.w.builder.length === 0) {
        throw new ConvertError(ErrorCode.Truncated, 'the GPX input ends early, and no trackpoint was read', { format: 'gpx', ...cut });
      }
      report.warn('truncated', 'the GPX input ends early: every trackpoint completed before the cut is kept', 1, cut, ErrorCode.Truncated);
    }
    if (this.tracks === 0 && (this.routes > 0 || this.waypoints > 0)) {
      // A verdict on the whole file, which no one place holds: no position (FIT's says none either).
      throw new ConvertError(ErrorCode.NotAnActivity, 'the GPX file holds routes or waypoints but no track', { format: 'gpx' });
    }
    if (this.waypoints > 0) report.note('waypoints-ignored', 'waypoints are not part of the run: ignored', this.waypoints);
    if (this.routes > 0) report.note('routes-ignored', 'routes are not part of the run: ignored', this.routes);
    if (this.overlaps > 0) report.warn('tracks-overlap', 'tracks overlap in time: their earlier points were left out', this.overlaps);
    this.values.report(report);
    let sport = this.type === null ? null : sportOfGpx(this.type);
    if (sport === null) {
      sport = 'running';
      report.note(
        'sport-assumed',
        this.type === null ? 'the GPX file does not say what sport it is: taken as a run' : `GPX type '${this.type.trim()}' not recognised: taken as a run`,
      );
    }
    const meta = emptyMeta('gpx', sport);
    meta.sportAssumed = this.type === null || sportOfGpx(this.type) === null;
    meta.device = this.creator;
    meta.appVersion = this.creator;
    meta.deviceType = deviceTypeOf(this.creator);
    if (this.tracks === 0) return [];
    const markers = this.tracks > 1 || this.segments > 1;
    return [this.w.finish(meta, options, report, markers ? 'none' : 'all', undefined, undefined)];
  }
}
