/** The gap rule, the cadence rule, sports and device types, on the project's own fixtures. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertSync } from '../../../src/index.js';
import { Report } from '../../../src/core/errors.js';
import { sportOfGpx as gpxSport } from '../../../src/gpx/vocabulary.js';
import { sportOfTcx as tcxSport } from '../../../src/tcx/vocabulary.js';
import { deviceTypeOf } from '../../../src/decode/xml/device.js';
import { type CadenceInput, cadenceLegs, gapPauses } from '../../../src/decode/xml/track-rules.js';
import { FIXTURES, readBytes } from '../../helpers/paths.js';

const fixture = (p: string): Uint8Array => readBytes(join(FIXTURES, p));

/** A cadence column at 1 Hz with nothing that says the speed. */
function cadenceInput(cadence: Float64Array): CadenceInput {
  const time = Float64Array.from({ length: cadence.length }, (_, i) => i * 1000);
  return { cadence, length: cadence.length, time, speed: null, distance: null, latitude: null, longitude: null };
}

/** Samples every second for 0…59 s and 150…209 s (a 91 s gap), distance in km. */
function track(distanceAcrossGapM: number): { time: Float64Array; distance: Float64Array } {
  const time = new Float64Array(120);
  const distance = new Float64Array(120);
  for (let i = 0; i < 120; i++) {
    time[i] = (i < 60 ? i : i + 90) * 1000;
    distance[i] = (i * 3 + (i >= 60 ? distanceAcrossGapM : 0)) / 1000;
  }
  return { time, distance };
}

describe('gap rule', () => {
  const base = { length: 120, explicit: [], latitude: null, longitude: null, candidates: null };
  it('a long gap with the runner stopped is a pause; one covering running distance is not', () => {
    const stopped = track(0);
    expect(gapPauses({ ...base, ...stopped, pauseGap: 30 }).pauses).toEqual([60]);
    const tunnel = track(270); // 3 m/s across the gap (GPS lost, still running)
    expect(gapPauses({ ...base, ...tunnel, pauseGap: 30 }).pauses).toEqual([]);
  });
  it('threshold: max(pauseGap, 10 × median interval); pauseGap 0 turns it off', () => {
    const stopped = track(0);
    expect(gapPauses({ ...base, ...stopped, pauseGap: 100 }).pauses).toEqual([]);
    expect(gapPauses({ ...base, ...stopped, pauseGap: 0 }).pauses).toEqual([]);
    const r = gapPauses({ ...base, ...stopped, pauseGap: 5 });
    expect(r.thresholdS).toBe(10); // 10 × 1 s median
    expect(r.pauses).toEqual([60]);
  });
  it('a lap budget caps the pauses: no pause time in the lap → none found', () => {
    const stopped = track(0);
    expect(gapPauses({ ...base, ...stopped, pauseGap: 30, windows: [{ first: 0, last: 119, budgetS: 1 }] }).pauses).toEqual([]);
    expect(gapPauses({ ...base, ...stopped, pauseGap: 30, windows: [{ first: 0, last: 119, budgetS: 90 }] }).pauses).toEqual([60]);
  });
  it('on a fixture: options.pauseGap 0 keeps the stop as running time', () => {
    const on = convertSync(fixture('gpx/synthetic-strava-stop.gpx')).activities[0];
    const off = convertSync(fixture('gpx/synthetic-strava-stop.gpx'), { pauseGap: 0 }).activities[0];
    expect(Array.from(on.activity.pauses)).toEqual([120]);
    expect(off.activity.pauses.length).toBe(0);
    expect(off.summary.duration - on.summary.duration).toBe(90);
  });
  it('Garmin Connect style TCX: the stop the lap timer excludes is a pause, the one it includes is not', () => {
    const r = convertSync(fixture('tcx/connect-one-track-per-lap.tcx'));
    const a = r.activities[0];
    expect(Array.from(a.activity.pauses)).toEqual([190]);
    expect(a.activity.laps.map((l) => l.end)).toEqual([267, 386]);
    expect(r.warnings.find((w) => w.code === 'pauses-detected')?.count).toBe(1);
  });
});

describe('cadence legs', () => {
  it('auto halves a two-legged run, one-leg keeps it, two-leg halves a one-leg file', () => {
    const two = fixture('tcx/undeclared-prefix-two-leg-cadence.tcx');
    const auto = convertSync(two);
    expect(auto.activities[0].summary.cadenceAverage).toBe(85);
    expect(auto.warnings.find((w) => w.code === 'cadence-halved')?.count).toBe(41);
    expect(convertSync(two, { cadence: 'one-leg' }).activities[0].summary.cadenceAverage).toBe(169);
    const one = fixture('tcx/leading-whitespace.tcx');
    expect(convertSync(one).activities[0].summary.cadenceAverage).toBe(85);
    expect(convertSync(one, { cadence: 'two-leg' }).activities[0].summary.cadenceAverage).toBe(43);
  });
  it('median over moving samples: at or below 110 kept, above 110 halved (spec v4)', () => {
    for (const [values, halved] of [
      [[0, 110, 110, 150, NaN], false],
      [[0, 111, 112, 90, NaN], true],
      [[134, 134, 132, 136, 0], true],
    ] as const) {
      const col = Float64Array.from(values);
      const report = new Report();
      cadenceLegs(cadenceInput(col), 'auto', report, undefined);
      expect(Array.from(col), String(values)).toEqual(values.map((v) => (halved ? v / 2 : v)));
      const present = values.filter((v) => v === v).length;
      expect(report.warnings.map((w) => [w.code, w.count])).toEqual(halved ? [['cadence-halved', present]] : []);
    }
  });
  it('samples where the runner stands (cadence 0, or under 0.5 m/s) are left out of the median', () => {
    // 30 s standing on the belt, shuffling (cadence 40 at 0.2 m/s), then 20 s jogging at 134 two-legged.
    const n = 50;
    const col = new Float64Array(n);
    const speed = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      col[i] = i < 30 ? (i % 3 === 0 ? 0 : 40) : 134;
      speed[i] = i < 30 ? 0.2 : 2.3;
    }
    const report = new Report();
    cadenceLegs({ ...cadenceInput(col), speed }, 'auto', report, undefined);
    expect(col[40]).toBe(67);
    expect(report.warnings[0]?.code).toBe('cadence-halved');
  });
  it('speed settles a doubt: above 110 at a sprint is one leg (two-legged steps would be over 2.5 m), at a jog two-legged', () => {
    const sprint = (metresPerSecond: number, from: 'speed' | 'distance' | 'positions'): number => {
      const n = 20;
      const col = new Float64Array(n).fill(125);
      const input = cadenceInput(col);
      if (from === 'speed') input.speed = new Float64Array(n).fill(metresPerSecond);
      if (from === 'distance') input.distance = Float64Array.from({ length: n }, (_, i) => (i * metresPerSecond) / 1000);
      if (from === 'positions') {
        // Due north along a meridian at the equator: 1° of latitude ≈ 110 574 m.
        input.latitude = Float64Array.from({ length: n }, (_, i) => (i * metresPerSecond) / 110_574);
        input.longitude = new Float64Array(n);
      }
      cadenceLegs(input, 'auto', new Report(), undefined);
      return col[5];
    };
    for (const from of ['speed', 'distance', 'positions'] as const) {
      expect(sprint(8, from), from).toBe(125); // 250 steps a minute at 8 m/s: a sprinter's
      expect(sprint(3, from), from).toBe(62.5); // 125 steps a minute at 3 m/s: 1.44 m steps, a jog
    }
  });
  it('a slow treadmill run with two-legged cadence (crafted fixture): halved to one leg', () => {
    const r = convertSync(fixture('tcx/crafted-treadmill-two-leg-cadence.tcx'));
    expect(r.activities[0].summary.cadenceAverage).toBe(67);
    expect(r.warnings.find((w) => w.code === 'cadence-halved')?.count).toBe(40);
    expect(convertSync(fixture('tcx/crafted-treadmill-two-leg-cadence.tcx'), { cadence: 'one-leg' }).activities[0].summary.cadenceAverage).toBe(134);
  });
});

describe('sports, device types, metadata', () => {
  it('maps TCX Sport and GPX type', () => {
    expect(tcxSport('Running')).toBe('running');
    expect(tcxSport('Biking')).toBe('cycling');
    expect(tcxSport('Other')).toBe('other');
    expect(gpxSport('9')).toBe('running');
    expect(gpxSport('1')).toBe('cycling');
    expect(gpxSport('16')).toBe('swimming');
    expect(gpxSport('Running')).toBe('running');
    expect(gpxSport('trail_running')).toBe('running');
    expect(gpxSport('Ride')).toBe('cycling');
    expect(gpxSport('hiking')).toBe('hiking');
    expect(gpxSport('Sport')).toBeNull();
    expect(gpxSport('999')).toBeNull();
  });
  it('maps creators to device types', () => {
    expect(deviceTypeOf('Forerunner 945')).toBe('Other');
    expect(deviceTypeOf('Polar V800')).toBe('Other');
    expect(deviceTypeOf('StravaGPX Android')).toBe('Google');
    expect(deviceTypeOf('StravaGPX iPhone')).toBe('Apple');
    expect(deviceTypeOf('StravaGPX')).toBeNull();
    expect(deviceTypeOf(null)).toBeNull();
  });
  it('refuses non-running sports by default and converts them with sports: all', () => {
    expect(() => convertSync(fixture('gpx/synthetic-ride.gpx'))).toThrow(expect.objectContaining({ code: 'not-running' }));
    expect(convertSync(fixture('gpx/synthetic-ride.gpx'), { sports: 'all' }).activities[0].activity.meta.sport).toBe('cycling');
    const multi = convertSync(fixture('tcx/multi-activity.tcx'), { sports: 'all' });
    expect(multi.activities.map((a) => a.activity.meta.sport)).toEqual(['running', 'cycling']);
  });
  it('a course is not an activity', () => {
    expect(() => convertSync(fixture('tcx/course.tcx'))).toThrow(expect.objectContaining({ code: 'not-an-activity' }));
  });
  it('TCX metadata: notes, version, device, laps by distance and rest, start time, pauses from Tracks', () => {
    const a = convertSync(fixture('tcx/training-center-segments.tcx')).activities[0];
    const o = a.toObject() as unknown as Record<string, unknown>;
    expect(o.notes).toBe('Easy run & strides');
    expect(o.appVersion).toBe('2.50');
    expect(o.deviceType).toBe('Other');
    expect(o.startDateTimeLocal).toBe('2021-05-02T09:30:00.000+02:00');
    expect(o.laps).toEqual([{ lapType: 'interval', endDistance: 327 }, { lapType: 'recovery', endDuration: 138 }]);
    expect(o.pauseIndexes).toEqual([60]);
  });
  it('empty values are missing (null), never 0; points with no time are counted', () => {
    const r = convertSync(fixture('tcx/undeclared-prefix-two-leg-cadence.tcx'));
    const o = r.activities[0].toObject() as unknown as { recordingKeys: string[]; recordingValues: (number | null)[][] };
    const hr = o.recordingValues[o.recordingKeys.indexOf('heartRate')];
    expect(hr[5]).toBeNull();
    expect(hr.filter((v) => v === 0)).toEqual([]);
    expect(r.warnings.find((w) => w.code === 'no-time')?.count).toBe(1);
    expect(r.warnings.find((w) => w.code === 'time-backwards')?.count).toBe(1);
    expect(r.warnings.find((w) => w.code === 'time-repeated')?.count).toBe(1);
  });
});
