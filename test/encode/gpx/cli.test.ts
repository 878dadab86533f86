/**
 * GPX through the batch and the commands: a folder converted with `to: 'gpx'` (in-process; the workers of
 * `runjson convert -o` run the built registry) and `runjson pull --to gpx` against the sandbox.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFiles, type FileResult } from '../../../src/batch/index.js';
import { toGpx } from '../../../src/encode/gpx/to-gpx.js';
import { convertSync } from '../../../src/index.js';
import { PullWorld, readJson } from '../../cli/pull-harness.js';
import { FIXTURES } from '../../helpers/paths.js';
import { readBack, withPosition } from './gpx-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runjson-gpx-cli-'));
const world = new PullWorld();
beforeAll(async () => {
  mkdirSync(join(dir, 'in'));
  copyFileSync(join(FIXTURES, 'fit', 'fenix2-run.fit'), join(dir, 'in', 'run.fit'));
  copyFileSync(join(FIXTURES, 'tcx', 'crafted-treadmill-two-leg-cadence.tcx'), join(dir, 'in', 'treadmill.tcx'));
  await world.start();
}, 30_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await world.stop();
});

describe('a folder converted to GPX', () => {
  it('names each output .gpx, writes toGpx of the run, and fails a treadmill run with the reason', async () => {
    const out = join(dir, 'out');
    const results: FileResult[] = [];
    for await (const r of convertFiles(join(dir, 'in'), { outDir: out, to: 'gpx', concurrency: 0, journalDir: join(dir, 'journal') })) results.push(r);
    results.sort((a, b) => a.index - b.index);
    expect(results.map((r) => [r.relative, r.status])).toEqual([
      ['run.fit', 'converted'],
      ['treadmill.tcx', 'failed'],
    ]);
    const failed = results[1];
    expect(failed.status === 'failed' ? failed.error.code : null).toBe('unsupported');
    expect(readdirSync(out)).toEqual(['run.gpx']);
    const [c] = convertSync(readFileSync(join(dir, 'in', 'run.fit'))).activities;
    expect(readFileSync(join(out, 'run.gpx')).equals(Buffer.from(toGpx(c.activity)))).toBe(true);
  });
});

describe('runjson pull --to gpx', () => {
  it('writes each pulled run as GPX, which reads back with the run’s points and pauses', async () => {
    const [c] = convertSync(readFileSync(join(FIXTURES, 'fit', 'fenix2-run.fit'))).activities;
    const bytes = c.toBytes('json');
    await world.client.uploadJson(bytes);
    const stored = readJson(bytes);
    world.clock.advance(60_000);
    const to = world.dir('pulled');
    const r = await world.cli(['pull', '-o', to, '--to', 'gpx']);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(to).filter((f) => f.endsWith('.gpx'));
    expect(files).toHaveLength(1);
    const b = readBack(readFileSync(join(to, files[0])));
    expect(b.length).toBe(withPosition(stored).length);
    expect(b.pauses.length).toBe(stored.pauses.length);
  });
});
