/**
 * Compiled read plans (plan-compiler.ts) against the interpreter they replace: every FIT fixture and
 * corpus file decodes to the same messages, activities, Activity JSON and warnings either way.
 */
import { basename } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { convertSync } from '../../../src/index.js';
import { ConvertError } from '../../../src/core/errors.js';
import { FitReader } from '../../../src/decode/fit/fit-reader.js';
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

  it('with compilation off, the interpreter reads every message, even of definitions cached with it on', () => {
    // Definitions are cached per thread with their compiled functions: the comparison below is only
    // worth something if switching compilation off really sends every data message to the interpreter.
    const bytes = readBytes(listFiles(FIXTURES, 'fit', '.fit')[0]);
    const decode = vi.spyOn(FitReader.prototype as unknown as { decode: () => void }, 'decode');
    try {
      setPlanCompilation(true);
      const records = readFitMessages(bytes).rec.n;
      const compiledCalls = decode.mock.calls.length;
      expect(records).toBeGreaterThan(100);
      expect(compiledCalls).toBeLessThan(records); // the records went through compiled plans
      decode.mockClear();
      setPlanCompilation(false);
      readFitMessages(bytes);
      expect(decode.mock.calls.length).toBeGreaterThanOrEqual(records);
    } finally {
      decode.mockRestore();
      setPlanCompilation(true);
    }
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
