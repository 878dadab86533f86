/**
 * The last check before an activity is emitted (`convert/gate.ts`), and what `sports: 'all'` writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkActivity } from '../../src/convert/gate.js';
import { type Activity, ActivityBuilder, convertSync, emptyMeta, Report, validate } from '../../src/index.js';
import { FIXTURES } from '../helpers/paths.js';

const T = Date.UTC(2024, 4, 12, 6, 30);

function activity(n = 10): Activity {
  const b = new ActivityBuilder(n);
  for (let i = 0; i < n; i++) {
    b.add(T + i * 1000);
    b.set('distance', i, i / 100);
  }
  b.lap('manual', 'active', 4);
  b.lap('manual', 'active', n - 1);
  const a = b.finish(emptyMeta('fit'), new Report());
  a.utcOffset = 120;
  return a;
}

function code(f: () => void): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('the gate before emitting', () => {
  it('passes a sound activity untouched', () => {
    const a = activity();
    const r = new Report();
    checkActivity(a, r, 'fit', undefined);
    expect(r.warnings).toEqual([]);
    expect(a.laps).toHaveLength(2);
  });

  it('refuses what cannot be made right, with invalid-activity and the format', () => {
    const cases: [string, (a: Activity) => void][] = [
      ['a start in 1960', (a) => void (a.startTime = Date.UTC(1960, 0, 1))],
      ['a start in 9999', (a) => void ((a.startTime = Date.UTC(9999, 0, 1)), a.time.fill(Date.UTC(9999, 0, 1)))],
      ['a clock going back', (a) => void (a.time[5] = a.time[3])],
      ['duration going back', (a) => void (a.duration[6] = 1)],
      ['a NaN time', (a) => void (a.time[9] = NaN)],
      ['a pause outside the run', (a) => void (a.pauses = Uint32Array.from([10]))],
      ['duration moving across a pause', (a) => void (a.pauses = Uint32Array.from([3]))],
      ['an offset no zone has', (a) => void (a.utcOffset = 24 * 60)],
      ['neither distance nor positions', (a) => void (a.series.distance = null)],
    ];
    for (const [what, spoil] of cases) {
      const a = activity();
      spoil(a);
      let caught: unknown;
      try {
        checkActivity(a, new Report(), 'tcx', undefined);
      } catch (e) {
        caught = e;
      }
      expect(caught, what).toMatchObject({ code: 'invalid-activity', format: 'tcx' });
    }
  });

  it('leaves out, counted, laps beyond the run or out of order', () => {
    const a = activity();
    a.laps = [
      { ...a.laps[0], end: 3 },
      { ...a.laps[0], end: 2 },
      { ...a.laps[1], end: 99 },
      { ...a.laps[1], by: 'distance', end: 50 },
      { ...a.laps[1], by: 'distance', end: 5000 },
    ];
    const r = new Report();
    checkActivity(a, r, 'json', { activity: 1 });
    expect(a.laps.map((l) => [l.by, l.end])).toEqual([
      ['duration', 3],
      ['distance', 50],
    ]);
    expect(r.warnings).toMatchObject([{ code: 'lap-out-of-range', count: 3, activity: 1 }]);
  });
});

describe("sports: 'all'", () => {
  it("writes the source's own sport, never running for a ride; validate() then says only that Smashrun takes runs", () => {
    const ride = new Uint8Array(readFileSync(join(FIXTURES, 'gpx', 'synthetic-ride.gpx')));
    expect(code(() => convertSync(ride))).toBe('not-running');
    const doc = convertSync(ride, { sports: 'all' }).activities[0].toObject();
    expect(doc.activityType).toBe('cycling');
    expect(validate(doc).map((p) => p.code)).toEqual(['activity-type']);
  });
});

describe('ConvertSession and the caller’s buffer', () => {
  it('keeps no reference to a chunk once push() returns: a caller reusing its read buffer gets the same result', async () => {
    const { ConvertSession } = await import('../../src/index.js');
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'fit', 'fenix2-run.fit')));
    const expected = convertSync(bytes).activities[0].toJson();
    for (const size of [5, 11, 700, 4096]) {
      const session = new ConvertSession();
      const buf = new Uint8Array(size);
      for (let p = 0; p < bytes.length; p += size) {
        const n = Math.min(size, bytes.length - p);
        buf.set(bytes.subarray(p, p + n));
        session.push(buf.subarray(0, n));
        buf.fill(0xa5); // the caller scribbles over its buffer before the next read
      }
      expect(session.finish().activities[0].toJson(), `chunks of ${size}`).toBe(expected);
    }
  });
});
