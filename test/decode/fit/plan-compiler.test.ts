/**
 * Compiled read plans (plan-compiler.ts) against the interpreter they replace: every FIT fixture and
 * corpus file decodes to the same messages, activities, Activity JSON and warnings either way.
 */
import { basename } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertSync } from '../../../src/convert.js';
import { ConvertError } from '../../../src/core/errors.js';
import { readFitMessages } from '../../../src/decode/fit/index.js';
import { compiledPlans, planCompilation, setPlanCompilation } from '../../../src/decode/fit/plan-compiler.js';
import { CORPUS, FIXTURES, HAS_CORPUS, listFiles, readBytes } from '../../helpers/paths.js';

afterAll(() => setPlanCompilation(true));

/** Everything a conversion gives, as comparable data (or the error it throws). */
function outcome(bytes: Uint8Array): unknown {
  try {
    const r = convertSync(bytes, { sports: 'all' });
    const m = readFitMessages(bytes);
    const rec = m.rec;
    const cols = [rec.time, rec.latitude, rec.longitude, rec.distance, rec.elevation, rec.heartRate, rec.cadence, rec.temperature, rec.power, rec.speed];
    return {
      json: r.activities.map((a) => a.toJson()),
      warnings: r.warnings,
      records: cols.map((c) => Array.from(c.subarray(0, rec.n))),
      sessions: m.sessions,
      laps: m.laps,
      timer: m.timer,
      fileId: m.fileId,
      device: m.device,
    };
  } catch (e) {
    if (e instanceof ConvertError) return { error: e.code, message: e.message, offset: e.offset };
    throw e;
  }
}

function same(path: string): void {
  const bytes = readBytes(path);
  setPlanCompilation(true);
  const compiled = outcome(bytes);
  setPlanCompilation(false);
  const interpreted = outcome(bytes);
  setPlanCompilation(true);
  expect(compiled).toEqual(interpreted);
}

describe('compiled read plans', () => {
  it('are used: decoding a fixture compiles its plans', () => {
    setPlanCompilation(true);
    expect(planCompilation()).toBe(true);
    const before = compiledPlans();
    readFitMessages(readBytes(listFiles(FIXTURES, 'fit', '.fit')[0]));
    expect(compiledPlans()).toBeGreaterThan(0);
    expect(compiledPlans()).toBeGreaterThanOrEqual(before);
  });

  for (const path of listFiles(FIXTURES, 'fit', '.fit')) {
    it(`decode fixtures/${basename(path)} exactly as the interpreter does`, () => same(path));
  }
  describe.runIf(HAS_CORPUS)('corpus', () => {
    for (const path of listFiles(CORPUS, 'fit', '.fit')) {
      it(`decode corpus/${basename(path)} exactly as the interpreter does`, () => same(path));
    }
  });
});
