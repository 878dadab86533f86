import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../src/core/activity.js';
import { seriesStats, summarize } from '../../src/core/summary.js';
import { activityArb } from '../helpers/arbitrary.js';

/** The naive reference of spec §6, written independently: per-sample weights, then the sums. */
function naive(values: Float64Array, duration: Float64Array, dropZeros: boolean): { avg: number; min: number; max: number } | null {
  const kept: { v: number; w: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v) || (dropZeros && v === 0)) continue;
    kept.push({ v, w: i === 0 ? duration[0] : duration[i] - duration[i - 1] });
  }
  if (kept.length === 0) return null;
  const totalW = kept.reduce((s, k) => s + k.w, 0);
  const avg = totalW > 0 ? kept.reduce((s, k) => s + k.v * k.w, 0) / totalW : kept.reduce((s, k) => s + k.v, 0) / kept.length;
  return { avg, min: Math.min(...kept.map((k) => k.v)), max: Math.max(...kept.map((k) => k.v)) };
}

describe('summary (spec §6)', () => {
  it('weights each value by the duration since the previous sample, zero across a pause', () => {
    const duration = Float64Array.from([0, 1, 2, 2, 12]);
    const hr = Float64Array.from([100, 100, 100, 200, 160]);
    // weights 0,1,1,0,10 → (100+100+1600)/12 = 150
    expect(seriesStats(hr, duration, true).average).toBe(150);
  });

  it('leaves heart-rate and cadence zeros (drop-outs) out of average, min and max', () => {
    const duration = Float64Array.from([0, 1, 2, 3]);
    const s = seriesStats(Float64Array.from([0, 120, 0, 140]), duration, true);
    expect(s).toMatchObject({ min: 120, max: 140, count: 2, average: 130 });
    expect(seriesStats(Float64Array.from([0, 10, 0, 20]), duration, false).min).toBe(0);
  });

  it('matches the naive reference on any activity', () => {
    fc.assert(
      fc.property(activityArb(150), (a: Activity) => {
        const s = summarize(a);
        const n = a.length;
        expect(s.duration).toBe(a.duration[n - 1]);
        const checks = [
          ['heartRate', true, s.heartRateAverage, s.heartRateMin, s.heartRateMax],
          ['cadence', true, s.cadenceAverage, s.cadenceMin, s.cadenceMax],
        ] as const;
        for (const [key, drop, avg, min, max] of checks) {
          const col = a.series[key];
          const ref = col === null ? null : naive(col, a.duration, drop);
          if (ref === null) {
            expect(avg).toBeNull();
            continue;
          }
          expect(Math.abs((avg as number) - ref.avg)).toBeLessThanOrEqual(0.5 + 1e-9);
          expect(min).toBe(Math.round(ref.min));
          expect(max).toBe(Math.round(ref.max));
        }
        if (a.series.distance !== null) {
          const d = Array.from(a.series.distance).filter((v) => !Number.isNaN(v));
          expect(s.distance).toBe(d[d.length - 1]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
