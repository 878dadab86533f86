/**
 * Deterministic generators of realistic activities, for benchmarks and tests. Values have the precision
 * the real decoders give them (FIT-like: distance in 1 cm steps, positions rounded to 1e-9°, elevation in
 * 0.2 m steps, fractional cadence in 1/128), so the writer is measured on what it really writes.
 */
import { ActivityBuilder } from '../../src/core/builder.js';
import { type Activity, emptyMeta } from '../../src/core/activity.js';
import { Report } from '../../src/core/errors.js';

/** A small, fast, seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A run of `n` samples at ~1 Hz with every series, a pause every ~`pauseEvery` samples and a lap every
 * 1000 samples.
 */
export function generateRun(n: number, seed = 1, pauseEvery = 2000): Activity {
  const r = rng(seed);
  const b = new ActivityBuilder(n);
  let t = Date.UTC(2024, 4, 12, 6, 30, 0);
  let distCm = 0;
  let lat = 47.6062;
  let lon = -122.3321;
  let ele = 56;
  for (let i = 0; i < n; i++) {
    if (i > 0 && r() < 1 / pauseEvery) {
      b.pause();
      t += 5000 + Math.floor(r() * 120_000);
    }
    t += r() < 0.97 ? 1000 : 2000;
    const k = b.add(t);
    const speed = 2.6 + r() * 1.2; // m/s
    distCm += Math.round(speed * 100);
    lat += (r() - 0.3) * 2e-5;
    lon += (r() - 0.3) * 2e-5;
    ele += (r() - 0.5) * 0.6;
    b.set('distance', k, distCm / 100000);
    b.set('latitude', k, Math.round(lat * 1e9) / 1e9);
    b.set('longitude', k, Math.round(lon * 1e9) / 1e9);
    b.set('elevation', k, (Math.round((ele + 500) * 5) - 2500) / 5);
    b.set('heartRate', k, r() < 0.002 ? NaN : 120 + Math.floor(r() * 60));
    b.set('cadence', k, 80 + Math.floor(r() * 10) + Math.floor(r() * 128) / 128);
    b.set('temperature', k, 18 + Math.floor(r() * 4));
    b.set('power', k, 200 + Math.floor(r() * 150));
    if (i > 0 && i % 1000 === 999) b.lap('manual', 'active');
  }
  b.lap('manual', 'active');
  const meta = emptyMeta('fit');
  meta.externalId = `gen-${seed}-${n}`;
  meta.deviceType = 'Other';
  meta.appVersion = '1.0';
  return b.finish(meta, new Report(), { utcOffset: -420 });
}
