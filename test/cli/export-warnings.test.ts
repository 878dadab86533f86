/**
 * What a target format cannot hold reaches the user: `runjson convert --to gpx` of a run with samples
 * without a position prints the warning on one file to stdout, puts it in a batch's report, and refuses
 * the file with `--strict`; `toBytes(to, { report })` counts it in the library.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertSync, Report } from '../../src/index.js';
import { requireBuild, runBuilt } from '../helpers/built.js';
import { runCli } from '../helpers/cli-io.js';
import { makeActivity } from '../helpers/make-activity.js';

const dir = mkdtempSync(join(tmpdir(), 'runjson-export-warnings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run whose samples 10–14 have no position. */
function runWithGap(): string {
  const doc = makeActivity({ samples: 120 });
  const values = doc.recordingValues as (number | null)[][];
  for (let i = 10; i < 15; i++) {
    values[3][i] = null;
    values[4][i] = null;
  }
  const path = join(dir, 'gap.json');
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

describe('warnings of the target format', () => {
  const input = runWithGap();

  it('toBytes counts them in the report it is given', () => {
    const run = convertSync(readFileSync(input)).activities[0];
    const report = new Report();
    const gpx = new TextDecoder().decode(run.toBytes('gpx', { report }));
    expect((gpx.match(/<trkpt /g) ?? []).length).toBe(115);
    expect(report.warnings).toContainEqual(expect.objectContaining({ code: 'samples-without-position', count: 5 }));
  });

  it('one file to stdout: printed on stderr', async () => {
    const r = await runCli(['convert', input, '--to', 'gpx']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: samples-without-position x5/);
  });

  it('a batch: in the report; with --strict the file is refused and nothing is written', async () => {
    const out = join(dir, 'out');
    const report = join(dir, 'report.json');
    // A batch converts on worker threads, which run the built code.
    requireBuild();
    const r = await runBuilt(['convert', input, '-o', out, '--to', 'gpx', '-j', '1', '--report', report]);
    expect(r.code).toBe(0);
    const files = (JSON.parse(readFileSync(report, 'utf8')) as { files: { warnings: { code: string; count: number }[] }[] }).files;
    expect(files[0].warnings).toContainEqual(expect.objectContaining({ code: 'samples-without-position', count: 5 }));

    const strictOut = join(dir, 'strict');
    const s = await runBuilt(['convert', input, '-o', strictOut, '--to', 'gpx', '-j', '1', '--strict']);
    expect(s.code).toBe(1);
    expect(() => readFileSync(join(strictOut, 'gap.gpx'))).toThrow();
  });
});
