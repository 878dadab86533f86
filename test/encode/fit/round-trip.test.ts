/**
 * Activity → FIT → runjson's FIT decoder gives the same activity within what FIT carries: times in whole
 * seconds, positions in semicircles, distance in centimetres, altitude in 0.2 m, heart rate, power and
 * temperature in whole units, cadence in 1/128. Generated activities have pauses, laps by distance and by
 * duration, missing values and every series; a second property feeds the shared arbitrary (sub-second
 * times, samples in one second, pauses shorter than a second) and checks that every loss is counted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Activity, type Intensity, emptyMeta } from '../../../src/core/activity.js';
import { ActivityBuilder } from '../../../src/core/builder.js';
import { Report } from '../../../src/core/errors.js';
import { decodeFit } from '../../../src/decode/fit/index.js';
import { toFit } from '../../../src/encode/fit/to-fit.js';
import { activityArb } from '../../helpers/arbitrary.js';

const SEMICIRCLE_DEG = 180 / 2 ** 31;

const maybe = (arb: fc.Arbitrary<number>): fc.Arbitrary<number> => fc.oneof({ weight: 8, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(NaN) });
const real = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/** Activities whose times are whole seconds (what FIT carries), every series, pauses and laps. */
function wholeSecondArb(maxLength = 150): fc.Arbitrary<Activity> {
  return fc
    .record({
      n: fc.integer({ min: 1, max: maxLength }),
      start: fc.integer({ min: Date.UTC(1995, 0, 1) / 1000, max: Date.UTC(2090, 0, 1) / 1000 }),
      lead: fc.integer({ min: 0, max: 30 }),
      offset: fc.option(fc.integer({ min: -48, max: 56 }).map((q) => q * 15), { nil: null }),
      steps: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: maxLength, maxLength }),
      pauseAt: fc.uniqueArray(fc.integer({ min: 1, max: maxLength - 1 }), { maxLength: 6 }),
      pauseLen: fc.integer({ min: 1, max: 3600 }),
      present: fc.record({ position: fc.boolean(), distance: fc.boolean(), elevation: fc.boolean(), heartRate: fc.boolean(), cadence: fc.boolean(), power: fc.boolean(), temperature: fc.boolean(), speed: fc.boolean() }),
      values: fc.array(
        fc.record({
          lat: maybe(real(-90, 90)),
          lon: maybe(real(-180, 180)),
          step: maybe(real(0, 0.02)),
          elevation: maybe(real(-499, 8848)),
          heartRate: maybe(fc.integer({ min: 0, max: 254 })),
          cadence: maybe(fc.integer({ min: 0, max: 254 * 128 - 1 }).map((c) => c / 128)),
          power: maybe(fc.integer({ min: 0, max: 3000 })),
          temperature: maybe(fc.integer({ min: -40, max: 60 })),
          speed: maybe(real(0, 15)),
        }),
        { minLength: maxLength, maxLength },
      ),
      lapAt: fc.uniqueArray(fc.integer({ min: 0, max: maxLength - 1 }), { maxLength: 8 }),
      lapKinds: fc.array(fc.record({ byDistance: fc.boolean(), intensity: fc.constantFrom<Intensity>('active', 'rest', 'warmup', 'cooldown', 'interval') }), { minLength: 8, maxLength: 8 }),
    })
    .map((g) => {
      const b = new ActivityBuilder(g.n);
      let t = (g.start + g.lead) * 1000;
      let dist = 0;
      const pauses = new Set(g.pauseAt);
      for (let i = 0; i < g.n; i++) {
        if (i > 0) t += g.steps[i] * 1000;
        if (pauses.has(i)) {
          b.pause();
          t += g.pauseLen * 1000;
        }
        const k = b.add(t);
        const v = g.values[i];
        if (g.present.position && v.lat === v.lat && v.lon === v.lon) {
          b.set('latitude', k, v.lat);
          b.set('longitude', k, v.lon);
        }
        if (g.present.distance) {
          if (v.step === v.step) dist += v.step;
          b.set('distance', k, i === 0 ? 0 : v.step === v.step ? dist : NaN);
        }
        if (g.present.elevation) b.set('elevation', k, v.elevation);
        if (g.present.heartRate) b.set('heartRate', k, v.heartRate);
        if (g.present.cadence) b.set('cadence', k, v.cadence);
        if (g.present.power) b.set('power', k, v.power);
        if (g.present.temperature) b.set('temperature', k, v.temperature);
        if (g.present.speed) b.set('speed', k, v.speed);
      }
      for (const [j, at] of [...g.lapAt].sort((x, y) => x - y).entries()) {
        if (at < g.n) b.lap(g.lapKinds[j].byDistance ? 'distance' : 'manual', g.lapKinds[j].intensity, at);
      }
      return b.finish(emptyMeta('json'), new Report(), { startTime: g.start * 1000, utcOffset: g.offset });
    });
}

function readBack(bytes: Uint8Array): { a: Activity; report: Report } {
  const report = new Report();
  const list = decodeFit(bytes, {}, report);
  expect(list.length).toBe(1);
  return { a: list[0], report };
}

function close(got: Float64Array | null, want: Float64Array | null, tolerance: number, label: string): void {
  if (want === null) {
    expect(got, label).toBeNull();
    return;
  }
  let any = false;
  for (let i = 0; i < want.length; i++) if (want[i] === want[i]) any = true;
  if (!any) return;
  expect(got, label).not.toBeNull();
  const g = got as Float64Array;
  for (let i = 0; i < want.length; i++) {
    if (want[i] !== want[i]) expect(g[i], `${label}[${i}]`).toBeNaN();
    else expect(Math.abs(g[i] - want[i]), `${label}[${i}]: ${g[i]} vs ${want[i]}`).toBeLessThanOrEqual(tolerance);
  }
}

/** Longitudes compared on the circle: +180° is written as −180°, the same meridian. */
function closeLongitude(got: Float64Array | null, want: Float64Array | null, tolerance: number): void {
  if (want === null || got === null) return close(got, want, tolerance, 'longitude');
  const wrapped = Float64Array.from(got, (v, i) => (v === v && want[i] === want[i] && Math.abs(v - want[i]) > 180 ? v + 360 : v));
  close(wrapped, want, tolerance, 'longitude');
}

describe('FIT round trip (property)', () => {
  it('whole-second activities come back within FIT precision, pauses and laps as they were', () => {
    fc.assert(
      fc.property(wholeSecondArb(), (a) => {
        const report = new Report();
        const { a: b, report: readReport } = readBack(toFit(a, { report }));
        // Nothing was lost, so nothing is counted; the reader reads it without a warning.
        expect(report.warnings.filter((w) => w.code !== 'rounded-to-format')).toEqual([]);
        expect(readReport.warnings.filter((w) => w.code !== 'altitude-placeholder')).toEqual([]);
        expect(b.length).toBe(a.length);
        expect(b.startTime).toBe(a.startTime);
        expect(Array.from(b.time)).toEqual(Array.from(a.time));
        expect(Array.from(b.duration)).toEqual(Array.from(a.duration));
        expect(Array.from(b.pauses)).toEqual(Array.from(a.pauses));
        expect(b.meta.sourceOffset).toBe(a.utcOffset);
        // Laps end where they ended, with their trigger and intensity (a run without laps gets one over the
        // whole run: FIT activities have at least one). Whether a lap goes by distance or duration is derived
        // from the distance, which FIT keeps to the centimetre only, so it is not compared.
        expect(b.laps.map((l) => [l.endIndex, l.trigger, l.intensity, l.type])).toEqual(
          a.laps.length === 0 ? [[a.length - 1, 'session-end', 'active', 'general']] : a.laps.map((l) => [l.endIndex, l.trigger, l.intensity, l.type]),
        );
        // Positions: one semicircle, plus the reader's rounding to 1e-9°.
        close(b.series.latitude, a.series.latitude, SEMICIRCLE_DEG / 2 + 1e-9, 'latitude');
        closeLongitude(b.series.longitude, a.series.longitude, SEMICIRCLE_DEG / 2 + 1e-9);
        close(b.series.distance, a.series.distance, 0.5e-5 + 1e-12, 'distance');
        close(b.series.elevation, a.series.elevation, 0.1 + 1e-9, 'elevation');
        close(b.series.speed, a.series.speed, 0.0005 + 1e-12, 'speed');
        close(b.series.heartRate, a.series.heartRate, 0, 'heartRate');
        close(b.series.cadence, a.series.cadence, 0, 'cadence');
        close(b.series.power, a.series.power, 0, 'power');
        close(b.series.temperature, a.series.temperature, 0, 'temperature');
      }),
      { numRuns: 100 },
    );
  });

  it('any activity: what FIT cannot carry (sub-second times, samples in one second, short pauses) is counted, the rest comes back', () => {
    fc.assert(
      fc.property(activityArb(80), (a) => {
        const report = new Report();
        const bytes = toFit(a, { report });
        const count = (code: string): number => report.warnings.find((w) => w.code === code)?.count ?? 0;
        const { a: b, report: readReport } = readBack(bytes);
        // Each sample sharing a second with the one before is merged by the reader: one sample fewer each.
        const same = count('samples-same-time');
        expect(b.length).toBe(a.length - same);
        const merged = readReport.warnings.find((w) => w.code === 'records-merged')?.count ?? 0;
        expect(merged).toBe(same);
        // Each pause is written unless it falls inside one second, and then it is counted (a written pause
        // has its two samples in different seconds, so no merge can take it away).
        expect(b.pauses.length).toBe(a.pauses.length - count('pause-too-short'));
        let fractional = 0;
        for (let i = 0; i < a.length; i++) if (a.time[i] % 1000 !== 0) fractional++;
        expect(count('rounded-to-format')).toBeGreaterThanOrEqual(fractional);
        for (let i = 0; i < b.length; i++) expect(b.time[i] % 1000).toBe(0);
        // The clock still spans the run, each time within half a second of where it was.
        expect(Math.abs(b.time[b.length - 1] - a.time[a.length - 1])).toBeLessThanOrEqual(500);
        expect(Math.abs(b.startTime - a.startTime)).toBeLessThanOrEqual(500);
      }),
      { numRuns: 150 },
    );
  });
});
