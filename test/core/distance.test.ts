import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carryLastDistance, fastestFiveKm, nullBackwardDistance } from '../../src/core/distance.js';

/** Length of a longest non-decreasing subsequence of the readings (NaN skipped), by O(n²) dynamic programming. */
function lndsLength(xs: number[]): number {
  const v = xs.filter((x) => x === x);
  const best = v.map(() => 1);
  for (let i = 0; i < v.length; i++) for (let j = 0; j < i; j++) if (v[j] <= v[i]) best[i] = Math.max(best[i], best[j] + 1);
  return Math.max(0, ...best);
}

const readings = fc.array(fc.oneof(fc.constant(NaN), fc.integer({ min: 0, max: 30 }).map((x) => x / 10)), { maxLength: 60 });

describe('distance never decreases (spec §3, v4)', () => {
  it('nulls exactly the fewest readings, keeps the rest as they were, and leaves a non-decreasing series', () => {
    fc.assert(
      fc.property(readings, (xs) => {
        const col = Float64Array.from(xs);
        const nulled = nullBackwardDistance(col);
        const before = xs.filter((x) => x === x).length;
        expect(nulled).toBe(before - lndsLength(xs));
        let prev = -Infinity;
        col.forEach((v, i) => {
          if (v !== v) return;
          expect(v).toBe(xs[i]);
          expect(v).toBeGreaterThanOrEqual(prev);
          prev = v;
        });
      }),
      { numRuns: 500 },
    );
  });

  it('drops the spike of a glitch, not the readings after it', () => {
    const col = Float64Array.from([0.15, 0.155, 0.352, 0.173, 0.18]);
    expect(nullBackwardDistance(col)).toBe(1);
    expect(Array.from(col)).toEqual([0.15, 0.155, NaN, 0.173, 0.18]);
  });

  it('a 1 m step back costs one reading; equal readings stay', () => {
    const col = Float64Array.from([1, 1.001, 1.002, 1.001, 1.003, 1.003]);
    expect(nullBackwardDistance(col)).toBe(1);
    expect(Array.from(col).filter((x) => x === x)).toEqual([1, 1.001, 1.001, 1.003, 1.003]);
  });
});

describe('the last distance recording is the summary (spec §3, v4)', () => {
  it('carries the last reading over trailing samples only, and counts them', () => {
    const col = Float64Array.from([NaN, 1, NaN, 2, NaN, NaN]);
    expect(carryLastDistance(col)).toBe(2);
    expect(Array.from(col)).toEqual([NaN, 1, NaN, 2, 2, 2]);
    expect(carryLastDistance(Float64Array.from([NaN, NaN]))).toBe(0);
    expect(carryLastDistance(Float64Array.from([1, 2]))).toBe(0);
  });
});

describe('fastest 5 km', () => {
  it('equals the brute-force minimum over every pair of samples 5 km or more apart', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 600 }), fc.boolean()), { maxLength: 80 }), (steps) => {
        const dist: number[] = [];
        const dur: number[] = [];
        let d = 0;
        let t = 0;
        for (const [dm, dt, missing] of steps) {
          d += dm / 1000;
          t += dt;
          dist.push(missing ? NaN : d);
          dur.push(t);
        }
        let best = Infinity;
        for (let j = 0; j < dist.length; j++) for (let i = 0; i < j; i++) if (dist[j] - dist[i] >= 5) best = Math.min(best, dur[j] - dur[i]);
        expect(fastestFiveKm(Float64Array.from(dist), Float64Array.from(dur))).toBe(best);
      }),
      { numRuns: 1000 },
    );
  });

  it('measures the window as distance[j] − distance[i] ≥ 5, rounding included (seed 330211616)', () => {
    // 6.648 − 1.648 rounds to exactly 5 while 6.648 − 5 rounds above 1.648.
    const steps = [1139, 509, 1913, 1241, 880, 966];
    let d = 0;
    const dist = Float64Array.from(steps, (m) => (d += m / 1000));
    const dur = Float64Array.from(steps, (_, i) => i + 1);
    expect(fastestFiveKm(dist, dur)).toBe(4);
  });
});
