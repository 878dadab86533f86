/**
 * Every counterexample the fuzzer kept (`fixtures/fuzz/`) satisfies the property (`scripts/fuzz/property.ts`):
 * converted to valid Activity JSON, or refused with a well-formed `ConvertError`; within the deadline and
 * the memory bound. Each runs in the fuzzer's own worker thread, with `{}`, `{ sports: 'all' }` and the
 * options its sidecar names. These are permanent cases: a file fails here until the bug it shows is fixed.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvertOptions } from '../../src/convert/options.js';
import { listCounterexamples, parseSidecar } from '../../scripts/fuzz/counterexamples.js';
import type { Checker } from '../../scripts/fuzz/pool.js';
import { type BundledWorker, FUZZ_PATHS, bundleCheckWorker, checkerFor } from '../helpers/fuzz-worker.js';

const cases = listCounterexamples(FUZZ_PATHS.counterexamples);
let worker: BundledWorker;
let checker: Checker;

beforeAll(async () => {
  worker = await bundleCheckWorker();
  checker = checkerFor(worker);
});
afterAll(async () => {
  await checker?.close();
  worker?.dispose();
});

describe('fuzz counterexamples (fixtures/fuzz)', () => {
  it('each has a sidecar of one line naming its failure, options and seed', () => {
    for (const c of cases) {
      expect(c.sidecar, basename(c.path)).not.toBeNull();
      const lines = c.sidecar!.trimEnd().split('\n');
      expect(lines, basename(c.path)).toHaveLength(1);
      expect(lines[0]).toMatch(/^[a-z-]+: .+ \| options \{.*\} \| seed \d+, input \d+ .* \| class .+$/);
    }
  });

  for (const c of cases) {
    it(`${basename(c.path)} satisfies the property`, async () => {
      const { options: extra } = parseSidecar(c.sidecar ?? '');
      const sets: ConvertOptions[] = [{}, { sports: 'all' }];
      if (!sets.some((s) => JSON.stringify(s) === JSON.stringify(extra))) sets.push(extra);
      const b = readFileSync(c.path);
      // A fresh thread for each file: memory runjson keeps between conversions must not come from another file.
      await checker.close();
      const r = await checker.check(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), sets);
      const why = r.failure === null ? '' : `${r.failure.kind}: ${r.failure.detail} (options ${JSON.stringify(r.failure.options)})`;
      expect(r.failure, why).toBeNull();
    }, 60_000);
  }
});
