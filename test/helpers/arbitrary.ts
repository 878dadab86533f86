/**
 * fast-check arbitraries for activities: any valid activity, pauses and laps included, with missing
 * samples, odd precisions and every optional field.
 */
import fc from 'fast-check';
import { type Activity, type Intensity, emptyMeta } from '../../src/core/activity.js';
import { ActivityBuilder } from '../../src/core/builder.js';
import { Report } from '../../src/core/errors.js';
import { type SeriesKey } from '../../src/core/series.js';
import { DEVICE_TYPES, HOW_FELT, TERRAINS, WEATHER_TYPES } from '../../src/activity-json/vocabulary.js';

const maybeNaN = (arb: fc.Arbitrary<number>): fc.Arbitrary<number> => fc.oneof({ weight: 9, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(NaN) });
const finite = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const decimals = (min: number, max: number, k: number): fc.Arbitrary<number> =>
  fc.integer({ min: Math.round(min * 10 ** k), max: Math.round(max * 10 ** k) }).map((r) => r / 10 ** k);

const seriesArb: Record<Exclude<SeriesKey, 'distance' | 'speed'>, fc.Arbitrary<number>> = {
  latitude: fc.oneof(decimals(-90, 90, 9), finite(-90, 90)),
  longitude: fc.oneof(decimals(-180, 180, 9), finite(-180, 180)),
  elevation: fc.oneof(decimals(-500, 9000, 1), finite(-500, 9000)),
  heartRate: fc.oneof(fc.integer({ min: 0, max: 230 }), finite(30, 230)),
  cadence: fc.oneof(fc.integer({ min: 0, max: 130 }).map((c) => c + (Math.floor(c * 7.3) % 128) / 128), fc.integer({ min: 0, max: 130 })),
  temperature: fc.integer({ min: -30, max: 50 }),
  power: fc.integer({ min: 0, max: 1500 }),
};

/** Arbitrary valid activities with up to `maxLength` samples. */
export function activityArb(maxLength = 200): fc.Arbitrary<Activity> {
  return fc
    .record({
      n: fc.integer({ min: 1, max: maxLength }),
      start: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2035, 0, 1) }),
      lead: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })),
      offset: fc.integer({ min: -48, max: 56 }).map((q) => q * 15),
      steps: fc.array(fc.oneof(fc.constant(1000), fc.integer({ min: 0, max: 10_000 })), { minLength: 1, maxLength }),
      pauseAt: fc.uniqueArray(fc.integer({ min: 1, max: maxLength }), { maxLength: 6 }),
      pauseLen: fc.integer({ min: 1, max: 600_000 }),
      present: fc.record({
        latlon: fc.boolean(),
        elevation: fc.boolean(),
        heartRate: fc.boolean(),
        cadence: fc.boolean(),
        temperature: fc.boolean(),
        power: fc.boolean(),
        distance: fc.boolean(),
      }),
      values: fc.array(
        fc.record({
          latitude: maybeNaN(seriesArb.latitude),
          longitude: maybeNaN(seriesArb.longitude),
          elevation: maybeNaN(seriesArb.elevation),
          heartRate: maybeNaN(seriesArb.heartRate),
          cadence: maybeNaN(seriesArb.cadence),
          temperature: maybeNaN(seriesArb.temperature),
          power: maybeNaN(seriesArb.power),
          step: fc.oneof(decimals(0, 0.02, 5), finite(0, 0.02)),
        }),
        { minLength: maxLength, maxLength },
      ),
      lapAt: fc.uniqueArray(fc.integer({ min: 0, max: maxLength - 1 }), { maxLength: 8 }),
      lapKinds: fc.array(fc.record({ byDistance: fc.boolean(), intensity: fc.constantFrom<Intensity>('active', 'rest', 'warmup', 'cooldown', 'interval') }), {
        minLength: 8,
        maxLength: 8,
      }),
      meta: fc.record({
        externalId: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
        notes: fc.option(fc.string({ maxLength: 40 }), { nil: null }),
        deviceType: fc.option(fc.constantFrom(...DEVICE_TYPES), { nil: null }),
        appVersion: fc.option(fc.constantFrom('1.0', '20.04', '3.2.1'), { nil: null }),
        terrain: fc.option(fc.constantFrom(...TERRAINS), { nil: null }),
        howFelt: fc.option(fc.constantFrom(...HOW_FELT), { nil: null }),
        weatherType: fc.option(fc.constantFrom(...WEATHER_TYPES), { nil: null }),
        bodyWeight: fc.option(decimals(30, 150, 1), { nil: null }),
        humidity: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
        windSpeed: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
      }),
    })
    .map((g) => {
      const b = new ActivityBuilder(4);
      let t = g.start + g.lead;
      let dist = 0;
      const pauses = new Set(g.pauseAt);
      for (let i = 0; i < g.n; i++) {
        if (i > 0) t += g.steps[i % g.steps.length];
        if (pauses.has(i)) {
          b.pause();
          t += g.pauseLen;
        }
        const k = b.add(t);
        const v = g.values[i];
        dist = Math.round((dist + v.step) * 1e5) / 1e5;
        b.set('distance', k, i === 0 ? 0 : dist);
        if (g.present.latlon || !g.present.distance) {
          b.set('latitude', k, v.latitude === v.latitude && v.longitude === v.longitude ? v.latitude : i === 0 ? 1 : NaN);
          b.set('longitude', k, v.latitude === v.latitude && v.longitude === v.longitude ? v.longitude : i === 0 ? 1 : NaN);
        }
        for (const key of ['elevation', 'heartRate', 'cadence', 'temperature', 'power'] as const) {
          if (g.present[key]) b.set(key, k, v[key]);
        }
      }
      for (const [j, at] of [...g.lapAt].sort((x, y) => x - y).entries()) {
        if (at < g.n) b.lap(g.lapKinds[j].byDistance ? 'distance' : 'manual', g.lapKinds[j].intensity, at);
      }
      const meta = { ...emptyMeta('json'), ...g.meta };
      const a = b.finish(meta, new Report(), { startTime: g.start, utcOffset: g.offset });
      return a;
    });
}
