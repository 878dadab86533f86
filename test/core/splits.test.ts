import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Activity, emptyMeta } from '../../src/core/activity.js';
import { ActivityBuilder } from '../../src/core/builder.js';
import { Report } from '../../src/core/errors.js';
import { SPLIT_UNITS, splits } from '../../src/core/splits.js';
import { activityArb } from '../helpers/arbitrary.js';
import { generateRun } from '../helpers/generate.js';

function run(points: [number, number, number?][]): Activity {
  const b = new ActivityBuilder();
  const t0 = Date.UTC(2024, 0, 1);
  for (const [s, km, hr] of points) {
    const i = b.add(t0 + s * 1000);
    b.set('distance', i, km);
    if (hr !== undefined) b.set('heartRate', i, hr);
  }
  return b.finish(emptyMeta('json'), new Report());
}

describe('splits (spec §6)', () => {
  it('interpolates the boundary time between the two samples around it', () => {
    const a = run([
      [0, 0, 100],
      [200, 0.8, 100],
      [400, 1.2, 200],
      [500, 1.5, 200],
    ]);
    const s = splits(a, 'km');
    expect(s).toHaveLength(2);
    // 1 km is crossed halfway between 200 s (0.8 km) and 400 s (1.2 km): at 300 s.
    expect(s[0]).toMatchObject({ index: 1, length: 1, elapsed: 300, time: 300, pace: 300 });
    // HR: 200 s at 100, then 100 s of the 200-bpm interval inside split 1.
    expect(s[0].heartRateAverage).toBeCloseTo((200 * 100 + 100 * 200) / 300, 9);
    expect(s[1].length).toBeCloseTo(0.5, 12);
    expect(s[1]).toMatchObject({ index: 2, elapsed: 500, time: 200, heartRateAverage: 200 });
    expect(s[1].pace).toBeCloseTo(400, 9);
  });

  it('crosses several boundaries in one interval', () => {
    const s = splits(run([[0, 0], [1000, 3.5]]), 'km');
    expect(s.map((x) => x.elapsed)).toEqual([1000 / 3.5, 2000 / 3.5, 3000 / 3.5, 1000]);
  });

  it('split times add up to the duration and lengths to the distance, per km and per mile', () => {
    fc.assert(
      fc.property(activityArb(150), fc.constantFrom('km', 'mile' as const), (a, unit) => {
        const s = splits(a, unit);
        const dist = a.series.distance!;
        const last = Array.from(dist).filter((v) => !Number.isNaN(v)).pop() ?? 0;
        if (last <= 0) {
          expect(s).toEqual([]);
          return;
        }
        const total = s.reduce((x, y) => x + y.time, 0);
        expect(Math.abs(total - a.duration[a.length - 1])).toBeLessThan(1e-6);
        const len = s.reduce((x, y) => x + y.length, 0) * SPLIT_UNITS[unit];
        expect(Math.abs(len - last)).toBeLessThan(1e-9);
        expect(s.length).toBe(Math.ceil(last / SPLIT_UNITS[unit] - 1e-12));
        s.slice(0, -1).forEach((x) => expect(x.length).toBeCloseTo(1, 12));
      }),
      { numRuns: 300 },
    );
  });

  it('a realistic run gives plausible paces', () => {
    const s = splits(generateRun(5000, 3), 'km');
    expect(s.length).toBeGreaterThan(10);
    for (const x of s.slice(0, -1)) {
      expect(x.pace).toBeGreaterThan(250);
      expect(x.pace).toBeLessThan(400);
      expect(x.heartRateAverage).toBeGreaterThan(120);
    }
  });
});
