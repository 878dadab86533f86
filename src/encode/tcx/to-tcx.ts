/**
 * Columns → TCX (Garmin Training Center Database v2), written straight from the typed arrays through the
 * XML byte writer, in chunks. Schemas: https://www8.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd
 * and https://www8.garmin.com/xmlschemas/ActivityExtensionv2.xsd (copies in fixtures/schemas, which the
 * tests validate every output against).
 *
 * One `<Lap>` per lap of the run, a new `<Track>` after every pause inside a lap (how Garmin Training
 * Center, Garmin Connect and Smashrun, and runjson's own decoder, recognise a pause in TCX), and one
 * `<Trackpoint>` per sample, its elements in schema order. Every value left out (a series TCX has no
 * place for, a value outside the schema's range) is counted in `options.report`.
 */
import type { Activity } from '../../core/activity.js';
import { ConvertError, ErrorCode, type Report } from '../../core/errors.js';
import { tcxIntensity, tcxSport, tcxTrigger } from '../../tcx/vocabulary.js';
import { type Encoder, type EncodeOptions, encodeToBytes } from '../encoder.js';
import { XmlWriter, markup } from '../xml/xml-writer.js';
import { type TcxLap, tcxLaps } from './tcx-laps.js';

/** The series whose numbers are written in their shortest form, each with its own scale hint (XmlWriter.seriesNumber). */
const SLOT_LATITUDE = 0;
const SLOT_LONGITUDE = 1;
const SLOT_ELEVATION = 2;
const SLOT_DISTANCE = 3;
const SLOT_SPEED = 4;

const HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"' +
  ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"' +
  ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
  ' xsi:schemaLocation="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2' +
  ' http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd">\n<Activities>\n';

/** Counts of what could not be written, reported once at the end (never a warning per sample). */
interface LeftOut {
  heartRate: number;
  cadence: number;
  power: number;
  /** Samples with one coordinate only (the core keeps both or neither; counted should one slip through). */
  halfPosition: number;
  longitude180: number;
  pausesAtLapStart: number;
  emptyLaps: number;
  /** Heart rates, cadences and power values with a fraction, written rounded (TCX holds whole numbers). */
  rounded: number;
}

/** The TCX encoder (stateless: each call has a writer of its own, so calls may nest or overlap). */
export class TcxEncoder implements Encoder {
  readonly format = 'tcx';
  readonly extension = 'tcx';
  readonly mediaType = 'application/vnd.garmin.tcx+xml';

  /**
   * Writes `activity` as TCX to `sink`, in chunks of about 64 KiB.
   *
   * @throws {ConvertError} `no-samples` for an activity without samples (a TCX lap needs a trackpoint).
   */
  encode(activity: Activity, options: EncodeOptions, sink: (chunk: Uint8Array) => void): void {
    writeTcx(activity, options, sink);
  }
}

/** The TCX encoder (the one the registry hands out). */
export const tcxEncoder = new TcxEncoder();

/**
 * Writes an activity as a whole TCX file, in a buffer of its exact size.
 *
 * @example
 * ```ts
 * const { activities } = convertSync(fitBytes);
 * writeFileSync('run.tcx', toTcx(activities[0].activity));
 * ```
 * @throws {ConvertError} `no-samples` for an activity without samples.
 */
export function toTcx(activity: Activity, options: EncodeOptions = {}): Uint8Array {
  return encodeToBytes((sink) => writeTcx(activity, options, sink));
}

function writeTcx(a: Activity, options: EncodeOptions, sink: (chunk: Uint8Array) => void): void {
  const n = a.length;
  if (n === 0) throw new ConvertError(ErrorCode.NoSamples, 'an activity without samples cannot be written as TCX (a lap needs a trackpoint)');
  const w = new XmlWriter(sink);
  const sport = tcxSport(a.meta.sport);
  const left: LeftOut = { heartRate: 0, cadence: 0, power: 0, halfPosition: 0, longitude180: 0, pausesAtLapStart: 0, emptyLaps: 0, rounded: 0 };
  w.raw(HEADER);
  w.raw(`<Activity Sport="${sport}">\n<Id>`);
  w.time(a.startTime, true);
  w.raw('</Id>\n');
  const { laps, empty } = tcxLaps(a);
  left.emptyLaps = empty;
  let pause = 0;
  for (const lap of laps) {
    writeLapHead(w, lap, sport);
    w.raw('<Track>\n');
    // Pauses before this lap's first sample are behind us (a pause index is never 0).
    while (pause < a.pauses.length && a.pauses[pause] < lap.first) pause++;
    if (pause < a.pauses.length && a.pauses[pause] === lap.first) {
      left.pausesAtLapStart++;
      pause++;
    }
    pause = writeTrackpoints(w, a, lap, sport, pause, left);
    w.raw('</Track>\n');
    writeLapExtension(w, lap, sport);
    w.raw('</Lap>\n');
    w.flushIfFull();
  }
  if (a.meta.notes !== null) {
    w.raw('<Notes>');
    w.text(a.meta.notes);
    w.raw('</Notes>\n');
  }
  writeCreator(w, a);
  w.raw('</Activity>\n</Activities>\n</TrainingCenterDatabase>\n');
  w.flush();
  if (options.report !== undefined) report(options.report, a, left);
}

function writeLapHead(w: XmlWriter, lap: TcxLap, sport: string): void {
  w.raw('<Lap StartTime="');
  w.time(lap.startTime, true);
  w.raw('">\n<TotalTimeSeconds>');
  w.fixed(lap.totalTime, 3);
  w.raw('</TotalTimeSeconds>\n<DistanceMeters>');
  w.fixed(lap.distance, 3);
  w.raw('</DistanceMeters>\n');
  if (lap.maxSpeed >= 0) {
    w.raw('<MaximumSpeed>');
    w.number(lap.maxSpeed);
    w.raw('</MaximumSpeed>\n');
  }
  // Required by the schema (an unsigned short): the source's, or 0 when it gave none, as Garmin's own
  // exports write when a device did not count them.
  const kcal = Math.round(lap.calories);
  w.raw('<Calories>');
  w.int(kcal >= 0 && kcal <= 65535 ? kcal : 0);
  w.raw('</Calories>\n');
  if (lap.heartRateAverage >= 1 && lap.heartRateAverage <= 255) {
    w.raw('<AverageHeartRateBpm><Value>');
    w.int(lap.heartRateAverage);
    w.raw('</Value></AverageHeartRateBpm>\n');
  }
  if (lap.heartRateMax >= 1 && lap.heartRateMax <= 255) {
    w.raw('<MaximumHeartRateBpm><Value>');
    w.int(lap.heartRateMax);
    w.raw('</Value></MaximumHeartRateBpm>\n');
  }
  w.raw(`<Intensity>${tcxIntensity(lap.intensity)}</Intensity>\n`);
  if (sport === 'Biking' && lap.cadenceAverage >= 0 && lap.cadenceAverage <= 254) {
    w.raw('<Cadence>');
    w.int(lap.cadenceAverage);
    w.raw('</Cadence>\n');
  }
  w.raw(`<TriggerMethod>${tcxTrigger(lap.trigger)}</TriggerMethod>\n`);
}

/** `LX`: average speed over the timer time, cadence and power figures (each only when it has a value). */
function writeLapExtension(w: XmlWriter, lap: TcxLap, sport: string): void {
  const avgSpeed = lap.totalTime > 0 && lap.distance > 0 ? lap.distance / lap.totalTime : NaN;
  const biking = sport === 'Biking';
  const cadAvg = !biking && lap.cadenceAverage >= 0 && lap.cadenceAverage <= 254;
  const cadMax = lap.cadenceMax >= 0 && lap.cadenceMax <= 254;
  const powAvg = lap.powerAverage >= 0 && lap.powerAverage <= 65535;
  const powMax = lap.powerMax >= 0 && lap.powerMax <= 65535;
  if (!(avgSpeed === avgSpeed || cadAvg || cadMax || powAvg || powMax)) return;
  w.raw('<Extensions><ns3:LX>');
  if (avgSpeed === avgSpeed) {
    w.raw('<ns3:AvgSpeed>');
    w.fixed(avgSpeed, 3);
    w.raw('</ns3:AvgSpeed>');
  }
  if (biking && cadMax) {
    w.raw('<ns3:MaxBikeCadence>');
    w.int(lap.cadenceMax);
    w.raw('</ns3:MaxBikeCadence>');
  }
  if (cadAvg) {
    w.raw('<ns3:AvgRunCadence>');
    w.int(lap.cadenceAverage);
    w.raw('</ns3:AvgRunCadence>');
  }
  if (!biking && cadMax) {
    w.raw('<ns3:MaxRunCadence>');
    w.int(lap.cadenceMax);
    w.raw('</ns3:MaxRunCadence>');
  }
  if (powAvg) {
    w.raw('<ns3:AvgWatts>');
    w.int(lap.powerAverage);
    w.raw('</ns3:AvgWatts>');
  }
  if (powMax) {
    w.raw('<ns3:MaxWatts>');
    w.int(lap.powerMax);
    w.raw('</ns3:MaxWatts>');
  }
  w.raw('</ns3:LX></Extensions>\n');
}

/** The markup of the per-sample loop, packed once (XmlWriter.markup). */
const TP = {
  nextTrack: markup('</Track>\n<Track>\n'),
  trackpointTime: markup('<Trackpoint><Time>'),
  timeEnd: markup('</Time>'),
  latitude: markup('<Position><LatitudeDegrees>'),
  longitude: markup('</LatitudeDegrees><LongitudeDegrees>'),
  positionEnd: markup('</LongitudeDegrees></Position>'),
  altitude: markup('<AltitudeMeters>'),
  altitudeEnd: markup('</AltitudeMeters>'),
  distance: markup('<DistanceMeters>'),
  distanceEnd: markup('</DistanceMeters>'),
  heartRate: markup('<HeartRateBpm><Value>'),
  heartRateEnd: markup('</Value></HeartRateBpm>'),
  cadence: markup('<Cadence>'),
  cadenceEnd: markup('</Cadence>'),
  tpx: markup('<Extensions><ns3:TPX>'),
  speed: markup('<ns3:Speed>'),
  speedEnd: markup('</ns3:Speed>'),
  runCadence: markup('<ns3:RunCadence>'),
  runCadenceEnd: markup('</ns3:RunCadence>'),
  watts: markup('<ns3:Watts>'),
  wattsEnd: markup('</ns3:Watts>'),
  tpxEnd: markup('</ns3:TPX></Extensions>'),
  trackpointEnd: markup('</Trackpoint>\n'),
};

/**
 * The trackpoints of one lap, a new `<Track>` after each pause inside it. Returns the index in
 * `a.pauses` of the first pause after the lap.
 */
function writeTrackpoints(w: XmlWriter, a: Activity, lap: TcxLap, sport: string, pause: number, left: LeftOut): number {
  const { time, pauses } = a;
  const { latitude: lat, longitude: lon, elevation: ele, distance: dist, heartRate: hr, cadence: cad, speed, power } = a.series;
  // Cadence is one leg in runjson's core (spec §3), which is what TCX's RunCadence means; a ride's
  // cadence (rpm) goes to the Trackpoint's own Cadence, as TCX wants it for Biking.
  const runCad = sport === 'Biking' ? null : cad;
  const bikeCad = sport === 'Biking' ? cad : null;
  const pos = lat !== null && lon !== null;
  let nextPause = pause < pauses.length ? pauses[pause] : -1;
  for (let i = lap.first; i <= lap.last; i++) {
    if (i === nextPause) {
      w.markup(TP.nextTrack);
      nextPause = ++pause < pauses.length ? pauses[pause] : -1;
    }
    w.markup(TP.trackpointTime);
    w.time(time[i], true);
    w.markup(TP.timeEnd);
    if (pos) {
      const y = lat[i];
      let x = lon[i];
      if (y === y && x === x) {
        // TCX's longitude range is −180 ≤ x < 180: 180° is the same meridian as −180°.
        if (x === 180) {
          x = -180;
          left.longitude180++;
        }
        w.markup(TP.latitude);
        w.seriesNumber(y, SLOT_LATITUDE);
        w.markup(TP.longitude);
        w.seriesNumber(x, SLOT_LONGITUDE);
        w.markup(TP.positionEnd);
      } else if (y === y || x === x) {
        left.halfPosition++;
      }
    }
    if (ele !== null) {
      const v = ele[i];
      if (v === v) {
        w.markup(TP.altitude);
        w.seriesNumber(v, SLOT_ELEVATION);
        w.markup(TP.altitudeEnd);
      }
    }
    if (dist !== null) {
      const v = dist[i];
      if (v === v) {
        // km → m to the millimetre: a distance of the core (cm from FIT, mm at most from the other
        // sources) is written as its own decimal shifted by three places, which the decoder reads back
        // as exactly the same double (one correctly rounded division, decode/xml/numbers.ts).
        w.markup(TP.distance);
        w.seriesNumber(Math.round(v * 1e6) / 1e3, SLOT_DISTANCE);
        w.markup(TP.distanceEnd);
      }
    }
    if (hr !== null) {
      const v = hr[i];
      if (v === v) {
        const r = Math.round(v);
        if (r >= 1 && r <= 255) {
          if (r !== v) left.rounded++;
          w.markup(TP.heartRate);
          w.number(r);
          w.markup(TP.heartRateEnd);
        } else {
          left.heartRate++;
        }
      }
    }
    if (bikeCad !== null) {
      const v = bikeCad[i];
      if (v === v) {
        const r = Math.round(v);
        if (r >= 0 && r <= 254) {
          if (r !== v) left.rounded++;
          w.markup(TP.cadence);
          w.number(r);
          w.markup(TP.cadenceEnd);
        } else {
          left.cadence++;
        }
      }
    }
    const s = speed === null ? NaN : speed[i];
    const cv = runCad === null ? NaN : runCad[i];
    let c = Math.round(cv);
    if (c === c) {
      if (!(c >= 0 && c <= 254)) {
        left.cadence++;
        c = NaN;
      } else if (c !== cv) {
        left.rounded++;
      }
    }
    const pv = power === null ? NaN : power[i];
    let p = Math.round(pv);
    if (p === p) {
      if (!(p >= 0 && p <= 65535)) {
        left.power++;
        p = NaN;
      } else if (p !== pv) {
        left.rounded++;
      }
    }
    if (s === s || c === c || p === p) {
      w.markup(TP.tpx);
      if (s === s) {
        w.markup(TP.speed);
        w.seriesNumber(s, SLOT_SPEED);
        w.markup(TP.speedEnd);
      }
      if (c === c) {
        w.markup(TP.runCadence);
        w.number(c);
        w.markup(TP.runCadenceEnd);
      }
      if (p === p) {
        w.markup(TP.watts);
        w.number(p);
        w.markup(TP.wattsEnd);
      }
      w.markup(TP.tpxEnd);
    }
    w.markup(TP.trackpointEnd);
    w.flushIfFull();
  }
  return pause;
}

/**
 * `Creator` as a `Device_t` when the source named its device: the schema requires a unit id and a
 * product id, which runjson's core does not keep, so both are 0 (a reader takes 0 as unknown); the
 * version is the app version's first two numbers.
 */
function writeCreator(w: XmlWriter, a: Activity): void {
  const name = a.meta.device;
  if (name === null || name.trim() === '') return;
  const version = /^(\d{1,5})(?:\.(\d{1,5}))?/.exec(a.meta.appVersion ?? '');
  const major = version === null ? 0 : Math.min(65535, Number(version[1]));
  const minor = version === null || version[2] === undefined ? 0 : Math.min(65535, Number(version[2]));
  w.raw('<Creator xsi:type="Device_t"><Name>');
  w.text(name.trim());
  w.raw(`</Name><UnitId>0</UnitId><ProductID>0</ProductID><Version><VersionMajor>${major}</VersionMajor><VersionMinor>${minor}</VersionMinor></Version></Creator>\n`);
}

/** Counts in `report` every value the file could not hold (see the README's warning codes). */
function report(r: Report, a: Activity, left: LeftOut): void {
  const temperature = a.series.temperature;
  if (temperature !== null) {
    let count = 0;
    for (let i = 0; i < a.length; i++) if (temperature[i] === temperature[i]) count++;
    r.warn('not-carried', 'TCX has no place for temperature: its values were left out', count);
  }
  const m = a.meta;
  const fields = [m.externalId, m.terrain, m.howFelt, m.weatherType, m.bodyWeight, m.humidity, m.windSpeed, m.songs, m.heartRateRecovery];
  let dropped = 0;
  for (const f of fields) if (f !== null) dropped++;
  if (m.device === null && (m.deviceType !== null || m.appVersion !== null)) dropped++;
  // A sport TCX has no word for is written `Other` (the schema allows Running, Biking and Other only).
  if (tcxSport(m.sport) === 'Other' && m.sport !== 'other') dropped++;
  r.warn('not-carried', 'TCX has no place for Activity JSON fields such as externalId, howFelt, terrain or weather (or the sport’s own name): left out', dropped);
  r.warn('out-of-format-range', 'heart rates outside 1–255 bpm (0 is a drop-out) cannot be written in TCX: left out', left.heartRate);
  r.warn('out-of-format-range', 'cadences outside 0–254 cannot be written in TCX: left out', left.cadence);
  r.warn('out-of-format-range', 'power outside 0–65535 W cannot be written in TCX: left out', left.power);
  r.warn('out-of-format-range', 'positions with one coordinate only cannot be written in TCX: left out', left.halfPosition);
  r.warn('rounded-to-format', 'heart rate, cadence and power with a fraction written rounded (TCX holds whole numbers)', left.rounded);
  r.warn('empty-lap', 'laps with no sample of their own were merged into the previous lap', left.emptyLaps);
  r.warn('longitude-wrapped', 'longitude 180° written as −180°, the same meridian (TCX allows −180 ≤ longitude < 180)', left.longitude180);
  r.note(
    'pause-at-lap-start',
    'pauses at a lap boundary: TCX marks them only by the lap’s elapsed time beyond its timer time (no new Track)',
    left.pausesAtLapStart,
  );
}
