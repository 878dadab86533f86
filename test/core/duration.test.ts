import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveDuration, totalPauseSeconds } from '../../src/core/duration.js';

describe('deriveDuration (spec §4)', () => {
  it('is flat across a pause and starts at the offset from the run start', () => {
    const t0 = 1_700_000_000_000;
    const time = Float64Array.from([t0 + 2000, t0 + 3000, t0 + 4500, t0 + 60_000, t0 + 61_000]);
    const d = deriveDuration(time, [3], t0);
    expect(Array.from(d)).toEqual([2, 3, 4.5, 4.5, 5.5]);
    expect(totalPauseSeconds(time, [3])).toBe(55.5);
  });

  it('duration[last] = clock[last] − Σ pause lengths, exactly, for any times and pauses', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 300 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 299 }), { maxLength: 10 }),
        fc.integer({ min: 0, max: 10_000 }),
        (steps, rawPauses, lead) => {
          const start = 1_600_000_000_000;
          const time = new Float64Array(steps.length);
          let t = start + lead;
          steps.forEach((s, i) => {
            t += i === 0 ? 0 : s;
            time[i] = t;
          });
          const pauses = rawPauses.filter((p) => p < steps.length).sort((a, b) => a - b);
          const d = deriveDuration(time, pauses, start);
          const n = steps.length;
          const clockLast = (time[n - 1] - start) / 1000;
          expect(d[n - 1]).toBe(Math.round((clockLast - totalPauseSeconds(time, pauses)) * 1000) / 1000);
          for (const p of pauses) expect(d[p]).toBe(d[p - 1]);
          for (let i = 1; i < n; i++) expect(d[i]).toBeGreaterThanOrEqual(d[i - 1]);
          expect(d[0]).toBe(lead / 1000);
        },
      ),
      { numRuns: 300 },
    );
  });
});
