/**
 * Regenerates the golden Activity JSON of the project's own TCX and GPX fixtures
 * (fixtures/expected/<format>__<name>.json). Run it only when a change of output is intended, and review
 * the diff: `npx tsc -p tsconfig.json && node dist-bench/scripts/update-golden.js`.
 */
import { writeFileSync } from 'node:fs';
import { goldenOutcome, goldenPath } from '../test/helpers/golden.js';
import { join } from 'node:path';
import { listFiles } from '../test/helpers/paths.js';

// Run from the repository root (the compiled script lives in dist-bench/, so its own path does not say).
const FIXTURES = join(process.cwd(), 'fixtures');

const files = [...listFiles(FIXTURES, 'tcx', '.tcx'), ...listFiles(FIXTURES, 'gpx', '.gpx')];
for (const f of files) {
  const out = goldenPath(f);
  writeFileSync(out, `${JSON.stringify(goldenOutcome(f), null, 1)}\n`);
  console.log(out);
}
