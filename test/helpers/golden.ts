/**
 * The golden outcome of converting one fixture with default options: the Activity JSON objects and the
 * warnings, or the error code and position. Written by `scripts/update-golden.ts`, checked by
 * `golden.test.ts`.
 */
import { basename, dirname, join } from 'node:path';
import { convertSync } from '../../src/index.js';
import { ConvertError } from '../../src/core/errors.js';
import { readBytes } from './paths.js';

/** What a fixture converts to (JSON-safe). */
export type GoldenOutcome =
  | { activities: unknown[]; warnings: unknown[] }
  | { error: { code: string; line: number | null; column: number | null } };

export function goldenOutcome(path: string): GoldenOutcome {
  try {
    const r = convertSync(readBytes(path));
    return { activities: r.activities.map((a) => a.toObject()), warnings: JSON.parse(JSON.stringify(r.warnings)) as unknown[] };
  } catch (e) {
    if (!(e instanceof ConvertError)) throw e;
    return { error: { code: e.code, line: e.line ?? null, column: e.column ?? null } };
  }
}

/** fixtures/tcx/x.tcx → fixtures/expected/tcx__x.json */
export function goldenPath(fixture: string): string {
  const root = dirname(dirname(fixture));
  return join(root, 'expected', `${basename(dirname(fixture))}__${basename(fixture).replace(/\.[^.]+$/, '')}.json`);
}
