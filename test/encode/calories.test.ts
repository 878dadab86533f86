/**
 * Lap energy, carried as the source gave it: FIT `lap.total_calories` and TCX `Lap/Calories` are kept on
 * each lap of the columns and written back by the TCX and FIT encoders (FIT's session gets the laps' sum
 * when every lap has one); a lap merged into the one before brings its energy along. Checked against
 * `@garmin/fitsdk` reading the source and runjson's FIT, and against the TCX files' own elements.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertSync, toTcx } from '../../src/index.js';
import { ActivityBuilder } from '../../src/core/builder.js';
import { emptyMeta } from '../../src/core/activity.js';
import { Report } from '../../src/core/errors.js';
import { FIXTURES } from '../helpers/paths.js';
import { readWithSdk } from '../helpers/fit-sdk.js';

/** The Calories of each Lap of a TCX document, in order. */
function tcxCalories(xml: string): number[] {
  return [...xml.matchAll(/<Lap\b[\s\S]*?<Calories>(\d+)<\/Calories>/g)].map((m) => Number(m[1]));
}

describe('lap calories', () => {
  const fits = readdirSync(join(FIXTURES, 'fit')).filter((f) => f.endsWith('.fit'));

  it('come from FIT laps as the SDK reads them, and go back out to TCX and FIT', () => {
    let checked = 0;
    for (const f of fits) {
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'fit', f)));
      let result;
      try {
        result = convertSync(bytes);
      } catch {
        continue; // files runjson refuses (not an activity, corrupt) are others' tests
      }
      if (result.activities.length !== 1) continue;
      const sdkLaps = readWithSdk(bytes).messages.filter((m) => m.name === 'lap');
      const run = result.activities[0];
      if (sdkLaps.length === 0 || sdkLaps.length !== run.activity.laps.length) continue;
      const want = sdkLaps.map((l) => (typeof l.fields.totalCalories === 'number' ? l.fields.totalCalories : NaN));
      if (!want.some((c) => c === c)) continue;
      checked++;
      expect(run.activity.laps.map((l) => l.calories), f).toEqual(want);
      // TCX: each lap's own, 0 where the source gave none.
      expect(tcxCalories(new TextDecoder().decode(toTcx(run.activity))), f).toEqual(want.map((c) => (c === c ? c : 0)));
      // FIT: each lap's own, read back by the SDK; the session has the sum when every lap had one.
      const back = readWithSdk(run.toBytes('fit')).messages;
      const laps = back.filter((m) => m.name === 'lap').map((m) => (typeof m.fields.totalCalories === 'number' ? m.fields.totalCalories : NaN));
      expect(laps, f).toEqual(want);
      const session = back.find((m) => m.name === 'session')?.fields.totalCalories;
      expect(session, f).toBe(want.every((c) => c === c) ? want.reduce((s, c) => s + c, 0) : undefined);
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it('come from TCX laps and go back out as they were', () => {
    for (const f of ['connect-one-track-per-lap.tcx', 'training-center-segments.tcx']) {
      const text = readFileSync(join(FIXTURES, 'tcx', f), 'utf8');
      const source = tcxCalories(text);
      const run = convertSync(text).activities[0];
      expect(run.activity.laps.map((l) => l.calories), f).toEqual(source);
      expect(source.some((c) => c > 0), f).toBe(true);
      expect(tcxCalories(new TextDecoder().decode(toTcx(run.activity))), f).toEqual(source);
    }
  });

  it('of a lap with no sample of its own go into the lap it is merged into', () => {
    const b = new ActivityBuilder();
    for (let i = 0; i < 6; i++) b.set('distance', b.add(Date.UTC(2024, 4, 1, 7, 0, i)), i * 0.003);
    b.lap('manual', 'active', 2, NaN, 30);
    b.lap('manual', 'active', 2, NaN, 5); // ends where the one before ends: merged into it
    b.lap('manual', 'active', 5, NaN, 40);
    const a = b.finish(emptyMeta('fit'), new Report());
    expect(a.laps.map((l) => l.calories)).toEqual([35, 40]);
  });
});
