/**
 * The command on the project's real fixture files. (These tests once waited, skipped, for the FIT
 * decoder; FIT converts now, so they always run: were FIT to stop converting, they fail rather than skip.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSync } from '../../src/index.js';
import { validate } from '../../src/activity-json/validate.js';
import { FIXTURES, ROOT, readBytes } from '../helpers/paths.js';
import { cacheEnv, MAIN, requireBuild, runBuilt } from '../helpers/built.js';

const FENIX = join(FIXTURES, 'fit', 'fenix2-run.fit');

let tmp: string;
beforeAll(() => {
  requireBuild();
  tmp = mkdtempSync(join(tmpdir(), 'runjson-fixtures-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fixtures/fit/fenix2-run.fit', () => {
  it('runjson convert writes its Activity JSON to stdout, as the library does', async () => {
    // The README's first command, from the project root.
    const r = await runBuilt(['convert', 'fixtures/fit/fenix2-run.fit'], { cwd: ROOT });
    expect(r.code).toBe(0);
    const expected = convertSync(readBytes(FENIX)).activities.map((a) => a.toJson());
    expect(r.stdout).toBe((expected.length === 1 ? expected[0] : `[${expected.join(',')}]`) + '\n');
    const doc = JSON.parse(r.stdout);
    for (const d of Array.isArray(doc) ? doc : [doc]) expect(validate(d)).toEqual([]);
  });

  it('runjson convert - reads it from a pipe', async () => {
    const viaPipe = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [MAIN, 'convert', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
      child.stdin.end(gzipSync(readFileSync(FENIX)));
    });
    const direct = await runBuilt(['convert', FENIX]);
    expect(viaPipe).toBe(direct.stdout);
  });

  it('converts as .fit.gz in a batch, and inspect shows its splits', async () => {
    const gz = join(tmp, 'fenix.fit.gz');
    writeFileSync(gz, gzipSync(readFileSync(FENIX)));
    const r = await runBuilt(['convert', gz, '-o', join(tmp, 'out'), '--report', join(tmp, 'r.json')], { env: cacheEnv(join(tmp, 'cache')) });
    expect(r.code).toBe(0);
    const expected = convertSync(readBytes(FENIX)).activities.map((a) => a.toJson());
    const report = JSON.parse(readFileSync(join(tmp, 'r.json'), 'utf8'));
    expect(report.files[0]).toMatchObject({ status: 'converted', format: 'fit', activities: expected.length });
    expect(report.files[0].outputs.map((o: string) => readFileSync(o, 'utf8'))).toEqual(expected);
    const inspect = await runBuilt(['inspect', FENIX]);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/^\s+km\s+length/m);
  });
});
