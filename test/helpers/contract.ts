/**
 * The contract every decoder meets, as a reusable test suite: deterministic output, only `ConvertError`
 * escapes (never a crash), and any split of the input into chunks gives the same output.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ConvertError } from '../../src/core/errors.js';
import { convertSync } from '../../src/index.js';
import type { ConvertOptions } from '../../src/convert/options.js';
import { ConvertSession } from '../../src/index.js';

type Outcome = { ok: true; json: string[]; warnings: string } | { ok: false; code: string };

/** Converts `bytes` in the given chunks; returns the Activity JSON texts or the error code. */
export function outcome(bytes: Uint8Array, cuts: number[] = [], options: ConvertOptions = {}): Outcome {
  try {
    const session = new ConvertSession(options);
    let prev = 0;
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      session.push(bytes.subarray(prev, cut));
      prev = cut;
    }
    session.push(bytes.subarray(prev));
    const r = session.finish();
    return { ok: true, json: r.activities.map((a) => a.toJson()), warnings: JSON.stringify(r.warnings) };
  } catch (e) {
    if (!(e instanceof ConvertError)) throw e;
    return { ok: false, code: e.code };
  }
}

/**
 * Registers the contract tests for one named input.
 *
 * @param runs - fast-check runs for the chunk-split property (keep it small for large files).
 */
export function decoderContract(name: string, load: () => Uint8Array, options: ConvertOptions = {}, runs = 20): void {
  it(`${name}: deterministic, only ConvertError escapes`, () => {
    const bytes = load();
    const a = outcome(bytes, [], options);
    const b = outcome(bytes, [], options);
    expect(b).toEqual(a);
    try {
      convertSync(bytes, options);
    } catch (e) {
      expect(e).toBeInstanceOf(ConvertError);
    }
  });

  it(`${name}: any chunking gives identical output`, () => {
    const bytes = load();
    const whole = outcome(bytes, [], options);
    const n = bytes.length;
    if (n < 2) return;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: 12 }), (cuts) => {
        expect(outcome(bytes, cuts, options)).toEqual(whole);
      }),
      { numRuns: runs },
    );
    // Byte-at-a-time for the first kilobyte (headers split everywhere).
    const small = Array.from({ length: Math.min(n - 1, 1024) }, (_, i) => i + 1);
    expect(outcome(bytes, small, options)).toEqual(whole);
  });
}
