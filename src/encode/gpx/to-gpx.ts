/**
 * GPX 1.1 writer: columns → one `<trk>` whose `<trkseg>`s are the stretches between pauses, written
 * straight from the typed arrays through the XML byte writer, in chunks (no object per sample, and the
 * run is never held twice).
 *
 * Schema: https://www.topografix.com/GPX/1/1/ ; per-point extensions: Garmin TrackPointExtension v2
 * (https://www8.garmin.com/xmlschemas/TrackPointExtensionv2.xsd: `atemp`, `hr`, `cad`, `speed`, in that
 * order) and Garmin PowerExtension v1 (`PowerInWatts`), as Garmin Connect writes them.
 *
 * GPX has no sample without a position (`trkpt` requires `lat` and `lon`), no distance and no laps. A run
 * with no position at all is refused; everything else GPX cannot hold is left out and counted in
 * `options.report` (see {@link GpxCounts}).
 */
import type { Activity } from '../../core/activity.js';
import { ConvertError, ErrorCode } from '../../core/errors.js';
import { type Encoder, type EncodeOptions, encodeToBytes } from '../encoder.js';
import { XmlWriter, markup } from '../xml/xml-writer.js';

/** GPX 1.1's namespace. */
export const GPX_NS = 'http://www.topografix.com/GPX/1/1';
/** Garmin TrackPointExtension v2's namespace (prefix `gpxtpx`, as Garmin writes it). */
export const TPX_V2_NS = 'http://www.garmin.com/xmlschemas/TrackPointExtension/v2';
/** Garmin PowerExtension v1's namespace (prefix `gpxpx`). */
export const POWER_NS = 'http://www.garmin.com/xmlschemas/PowerExtension/v1';

/**
 * Decimals written, the precision of a GPX written by runjson. Chosen so that what real sources hold
 * survives exactly: FIT positions are rounded to 1e-9° when read (every semicircle stays recoverable), FIT
 * altitude comes in 0.2 m steps and speed in mm/s, temperature in whole degrees.
 */
export const GPX_DECIMALS = { position: 9, elevation: 3, temperature: 2, speed: 3 } as const;

/**
 * `ele` is an `xsd:decimal`, which has no exponent form: the number writer falls back to one for values
 * this large, and no run is anywhere near them (the Dead Sea shore is −430 m, Everest 8849 m).
 */
const MAX_ABS_ELEVATION = 1e6;
/** Temperature and speed are `xsd:double`; past these bounds a value is a sensor fault, not a reading. */
const MAX_ABS_TEMPERATURE = 1000;
const MAX_SPEED = 1000;

/** What a GPX export left out or changed, counted for the report. */
export interface GpxCounts {
  /** Samples with no position: not written (a `trkpt` needs one). */
  noPosition: number;
  /** Distance values of the written samples: GPX has no place for them. */
  distance: number;
  /** Fields of the run GPX has no place for (externalId, howFelt, terrain, weather, body weight, songs…). */
  metaFields: number;
  /** Laps of the run, when it has more than one: GPX has none (0 otherwise). */
  laps: number;
  /** Heart rate, cadence and power values rounded to whole numbers (the schema's types). */
  rounded: number;
  /** Values outside what GPX holds (heart rate 0 or past 255, cadence past 254, …): not written. */
  outOfRange: number;
}

/**
 * The GPX encoder (the one the registry hands out). It holds no state between calls: each call has its
 * own writer (64 KiB, handed to the sink in chunks of that size).
 */
export class GpxEncoder implements Encoder {
  readonly format = 'gpx';
  readonly extension = 'gpx';
  readonly mediaType = 'application/gpx+xml';

  /**
   * Counts what GPX cannot hold and reports it before a byte is written (so that `strict` refuses the
   * run before the sink gets anything), then writes. With no report to count into, only writes.
   */
  encode(activity: Activity, options: EncodeOptions, sink: (chunk: Uint8Array) => void): void {
    const report = options.report;
    if (report !== undefined) {
      const counts = countGpx(activity);
      report.warn('samples-without-position', 'samples without a position cannot be GPX trackpoints: left out', counts.noPosition);
      report.warn('not-carried', 'distance values: GPX has no place for them (a reader computes distance from the positions)', counts.distance);
      report.warn('not-carried', 'fields of the run GPX has no place for (externalId, howFelt, terrain, weather, body weight, songs…)', counts.metaFields);
      report.warn('laps-not-carried', 'laps: GPX cannot hold them, the run is written as one track', counts.laps);
      report.warn('rounded-to-format', 'heart rate, cadence and power values rounded to whole numbers, as GPX holds them', counts.rounded);
      report.warn('out-of-format-range', 'values outside what GPX holds (heart rate 1–255, cadence 0–254, power 0–65535; elevation, temperature or speed no sensor reads): left out', counts.outOfRange);
    }
    writeGpx(activity, sink);
  }
}

/** The GPX encoder. */
export const gpxEncoder = new GpxEncoder();

/**
 * Writes an activity as GPX 1.1, UTF-8 bytes in a buffer of their exact size.
 *
 * @throws {ConvertError} `unsupported` for a run with no position at all (a treadmill run): GPX cannot
 *   hold a sample without one.
 * @example
 * ```ts
 * const bytes = toGpx(activity, { report });
 * ```
 */
export function toGpx(activity: Activity, options: EncodeOptions = {}): Uint8Array {
  return encodeToBytes((sink) => gpxEncoder.encode(activity, options, sink));
}

/**
 * How many of the run's own fields GPX has no element for. The notes go into the track's `<desc>`, the
 * device into `creator`, the sport into `<type>`; these have no place.
 */
function metaNotCarried(a: Activity): number {
  const m = a.meta;
  const fields = [m.externalId, m.bodyWeight, m.howFelt, m.terrain, m.weatherType, m.humidity, m.windSpeed, m.songs, m.heartRateRecovery];
  let k = 0;
  for (const f of fields) if (f !== null) k++;
  return k;
}

/** Index of the first sample with a position, or −1. */
function firstPosition(lat: Float64Array | null, lon: Float64Array | null, n: number): number {
  if (lat === null || lon === null) return -1;
  for (let i = 0; i < n; i++) if (lat[i] === lat[i] && lon[i] === lon[i]) return i;
  return -1;
}

/** The heart rate GPX holds of `v` (BeatsPerMinute_t: whole, 1–255; a 0 is a strap that lost contact), or NaN. */
function gpxHeartRate(v: number): number {
  const r = Math.round(v);
  return r >= 1 && r <= 255 ? r : NaN;
}

/** The cadence GPX holds of `v` (RevolutionsPerMinute_t: whole, 0–254; 255 is FIT's "invalid"), or NaN. */
function gpxCadence(v: number): number {
  const r = Math.round(v);
  return r >= 0 && r <= 254 ? r : NaN;
}

/** The power GPX holds of `v` (whole watts, 0–65535, as FIT and Garmin's PowerExtension carry it), or NaN. */
function gpxPower(v: number): number {
  const r = Math.round(v);
  return r >= 0 && r <= 65535 ? r : NaN;
}

/** The run refused: no sample has a position. */
function noPositionError(): ConvertError {
  return new ConvertError(
    ErrorCode.Unsupported,
    'GPX cannot hold this run: none of its samples has a position (a treadmill or indoor run); write it as TCX, FIT or Activity JSON',
  );
}

/**
 * What a GPX of `a` leaves out or changes, counted the way {@link writeGpx} decides it (the same value
 * helpers), in a pass of its own so that the report is complete before anything is written.
 *
 * @throws {ConvertError} `unsupported` when no sample has a position.
 */
export function countGpx(a: Activity): GpxCounts {
  const n = a.length;
  const s = a.series;
  const lat = s.latitude;
  const lon = s.longitude;
  if (firstPosition(lat, lon, n) < 0 || lat === null || lon === null) throw noPositionError();
  const counts: GpxCounts = { noPosition: 0, distance: 0, metaFields: metaNotCarried(a), laps: a.laps.length > 1 ? a.laps.length : 0, rounded: 0, outOfRange: 0 };
  const kept = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (lat[i] === lat[i] && lon[i] === lon[i]) kept[i] = 1;
    else counts.noPosition++;
  }
  const count = (col: Float64Array | null, holds: (v: number) => number, rounds: boolean): void => {
    if (col === null) return;
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (kept[i] === 0 || v !== v) continue;
      const w = holds(v);
      if (w !== w) counts.outOfRange++;
      else if (rounds && w !== v) counts.rounded++;
    }
  };
  const dist = s.distance;
  if (dist !== null) for (let i = 0; i < n; i++) if (kept[i] === 1 && dist[i] === dist[i]) counts.distance++;
  count(s.elevation, (v) => (v > -MAX_ABS_ELEVATION && v < MAX_ABS_ELEVATION ? v : NaN), false);
  count(s.temperature, (v) => (v > -MAX_ABS_TEMPERATURE && v < MAX_ABS_TEMPERATURE ? v : NaN), false);
  count(s.speed, (v) => (v >= 0 && v < MAX_SPEED ? v : NaN), false);
  count(s.heartRate, gpxHeartRate, true);
  count(s.cadence, gpxCadence, true);
  count(s.power, gpxPower, true);
  return counts;
}

/** The markup of the per-sample loop, packed once (XmlWriter.markup). */
const PT = {
  segmentEnd: markup('</trkseg>\n'),
  segment: markup('<trkseg>\n'),
  trkpt: markup('<trkpt lat="'),
  lon: markup('" lon="'),
  trkptOpenEnd: markup('">'),
  ele: markup('<ele>'),
  eleEnd: markup('</ele>'),
  time: markup('<time>'),
  timeEnd: markup('</time>'),
  extensions: markup('<extensions>'),
  tpx: markup('<gpxtpx:TrackPointExtension>'),
  atemp: markup('<gpxtpx:atemp>'),
  atempEnd: markup('</gpxtpx:atemp>'),
  hr: markup('<gpxtpx:hr>'),
  hrEnd: markup('</gpxtpx:hr>'),
  cad: markup('<gpxtpx:cad>'),
  cadEnd: markup('</gpxtpx:cad>'),
  speed: markup('<gpxtpx:speed>'),
  speedEnd: markup('</gpxtpx:speed>'),
  tpxEnd: markup('</gpxtpx:TrackPointExtension>'),
  power: markup('<gpxpx:PowerInWatts>'),
  powerEnd: markup('</gpxpx:PowerInWatts>'),
  extensionsEnd: markup('</extensions>'),
  trkptEnd: markup('</trkpt>\n'),
};

/**
 * Writes the document to `sink`, in chunks of about `chunkBytes`. What it leaves out or rounds is what
 * {@link countGpx} counts.
 *
 * @throws {ConvertError} `unsupported` when no sample has a position (checked before anything is written).
 */
export function writeGpx(a: Activity, sink: (chunk: Uint8Array) => void, chunkBytes = 1 << 16): void {
  const n = a.length;
  const s = a.series;
  const lat = s.latitude;
  const lon = s.longitude;
  if (firstPosition(lat, lon, n) < 0 || lat === null || lon === null) throw noPositionError();
  const w = new XmlWriter(sink, chunkBytes);
  const m = a.meta;
  // The device as creator when the source names it, as the device's own export would: Strava and Garmin
  // Connect read the creator to recognise the device (Strava trusts a barometric altimeter's elevation).
  w.raw('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="');
  w.text(m.device !== null && m.device.trim() !== '' ? m.device.trim() : 'runjson');
  w.raw(
    `" xmlns="${GPX_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:gpxtpx="${TPX_V2_NS}" xmlns:gpxpx="${POWER_NS}"` +
      ` xsi:schemaLocation="${GPX_NS} http://www.topografix.com/GPX/1/1/gpx.xsd ${TPX_V2_NS} http://www.garmin.com/xmlschemas/TrackPointExtensionv2.xsd">\n`,
  );
  w.raw('<metadata><time>');
  w.time(a.startTime, true);
  w.raw('</time></metadata>\n<trk>');
  if (m.notes !== null && m.notes !== '') {
    w.raw('<desc>');
    w.text(m.notes);
    w.raw('</desc>');
  }
  w.raw('<type>');
  w.text(m.sport);
  w.raw('</type>\n');

  const time = a.time;
  const ele = s.elevation;
  const hr = s.heartRate;
  const cad = s.cadence;
  const temp = s.temperature;
  const speed = s.speed;
  const power = s.power;
  const pauses = a.pauses;
  let nextPause = pauses.length > 0 ? pauses[0] : -1;
  let p = 0;
  let open = false;
  for (let i = 0; i < n; i++) {
    if (i === nextPause) {
      p++;
      nextPause = p < pauses.length ? pauses[p] : -1;
      // A segment opens at the first point written after the pause, so a stretch with no position
      // leaves no empty segment (and the pause stays before the next point written).
      if (open) {
        w.markup(PT.segmentEnd);
        open = false;
      }
    }
    const la = lat[i];
    const lo = lon[i];
    if (la !== la || lo !== lo) continue;
    if (!open) {
      w.markup(PT.segment);
      open = true;
    }
    w.markup(PT.trkpt);
    w.fixed(la, GPX_DECIMALS.position);
    w.markup(PT.lon);
    w.fixed(lo, GPX_DECIMALS.position);
    w.markup(PT.trkptOpenEnd);
    if (ele !== null) {
      const v = ele[i];
      if (v > -MAX_ABS_ELEVATION && v < MAX_ABS_ELEVATION) {
        w.markup(PT.ele);
        w.fixed(v, GPX_DECIMALS.elevation);
        w.markup(PT.eleEnd);
      }
    }
    w.markup(PT.time);
    w.time(time[i], true);
    w.markup(PT.timeEnd);

    // The extension values first (NaN: none), so that a point with none gets no <extensions>.
    let at = temp === null ? NaN : temp[i];
    if (!(at > -MAX_ABS_TEMPERATURE && at < MAX_ABS_TEMPERATURE)) at = NaN;
    const h = hr === null ? NaN : gpxHeartRate(hr[i]);
    const c = cad === null ? NaN : gpxCadence(cad[i]);
    let sp = speed === null ? NaN : speed[i];
    if (!(sp >= 0 && sp < MAX_SPEED)) sp = NaN;
    const pw = power === null ? NaN : gpxPower(power[i]);
    const tpx = at === at || h === h || c === c || sp === sp;
    if (tpx || pw === pw) {
      w.markup(PT.extensions);
      if (tpx) {
        // TrackPointExtension_t is a sequence: atemp, (wtemp, depth,) hr, cad, speed.
        w.markup(PT.tpx);
        if (at === at) {
          w.markup(PT.atemp);
          w.fixed(at, GPX_DECIMALS.temperature);
          w.markup(PT.atempEnd);
        }
        if (h === h) {
          w.markup(PT.hr);
          w.number(h);
          w.markup(PT.hrEnd);
        }
        if (c === c) {
          w.markup(PT.cad);
          w.number(c);
          w.markup(PT.cadEnd);
        }
        if (sp === sp) {
          w.markup(PT.speed);
          w.fixed(sp, GPX_DECIMALS.speed);
          w.markup(PT.speedEnd);
        }
        w.markup(PT.tpxEnd);
      }
      if (pw === pw) {
        w.markup(PT.power);
        w.number(pw);
        w.markup(PT.powerEnd);
      }
      w.markup(PT.extensionsEnd);
    }
    w.markup(PT.trkptEnd);
    w.flushIfFull();
  }
  if (open) w.markup(PT.segmentEnd);
  w.raw('</trk>\n</gpx>\n');
  w.flush();
}
