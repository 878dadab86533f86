/** Golden tests: every TCX and GPX fixture converts exactly as its checked-in expected JSON says. */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, listFiles } from '../../helpers/paths.js';
import { goldenOutcome, goldenPath } from '../../helpers/golden.js';

const files = [...listFiles(FIXTURES, 'tcx', '.tcx'), ...listFiles(FIXTURES, 'gpx', '.gpx')];

describe('golden TCX/GPX fixtures', () => {
  it('has fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
  });
  for (const f of files) {
    it(basename(f), () => {
      const expectedPath = goldenPath(f);
      expect(existsSync(expectedPath), `${expectedPath} missing: run scripts/update-golden.ts`).toBe(true);
      const expected: unknown = JSON.parse(readFileSync(expectedPath, 'utf8'));
      expect(goldenOutcome(f)).toEqual(expected);
    });
  }
});
