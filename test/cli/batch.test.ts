/**
 * The real command on a temporary folder built from `fixtures/` and generated files: nested folders, .gz,
 * corrupt files, a file that is not a run, names that collide, a file with two activities. Every output is
 * compared byte for byte with what the library gives for the same input, and checked with `validate`; the
 * report and the exit code are checked too. Fixture files in formats that do not convert yet (FIT, TCX, GPX
 * before their decoders land) are expected to fail with the code the library gives — so they are checked
 * for real automatically once they convert.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSync } from '../../src/index.js';
import { ConvertError } from '../../src/core/errors.js';
import { validate } from '../../src/activity-json/validate.js';
import { CORPUS, FIXTURES, HAS_CORPUS } from '../helpers/paths.js';
import { makeActivityJson } from '../helpers/make-activity.js';
import { cacheEnv, requireBuild, runBuilt } from '../helpers/built.js';
import { journalPathFor, realPathOf } from '../../src/batch/journal-path.js';

interface Expected {
  status: 'converted' | 'skipped' | 'failed';
  code?: string;
  json: string[];
}

let root: string;
let input: string;
/** The commands' environment: their cache folder (resume journals) below the test's root. */
const env = (): NodeJS.ProcessEnv => cacheEnv(join(root, 'cache'));
const expected = new Map<string, Expected>(); // by path relative to `input`

/** What the library says about a file (the oracle for the command's output). */
function oracle(bytes: Uint8Array): Expected {
  try {
    return { status: 'converted', json: convertSync(bytes).activities.map((a) => a.toJson()) };
  } catch (e) {
    if (!(e instanceof ConvertError)) throw e;
    return { status: e.code === 'not-running' ? 'skipped' : 'failed', code: e.code, json: [] };
  }
}

function put(rel: string, data: string | Uint8Array, picked = true): void {
  const path = join(input, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  if (picked) expected.set(rel, oracle(typeof data === 'string' ? new TextEncoder().encode(data) : data));
}

/** Every file below `dir`, hidden ones included (an OUTDIR holds its outputs and nothing else: the resume journal is in the cache folder). */
function filesBelow(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

beforeAll(() => {
  requireBuild();
  root = mkdtempSync(join(tmpdir(), 'runjson-batch-'));
  input = join(root, 'in');
  put('run-a.json', makeActivityJson({ seed: 1 }));
  put('sub/run-b.json.gz', gzipSync(makeActivityJson({ seed: 2 })));
  put('sub/deep/er/run-c.json', makeActivityJson({ seed: 3 }));
  put('sub/ride.json', makeActivityJson({ seed: 4, activityType: 'cycling' }));
  put('sub/corrupt.json', makeActivityJson({ seed: 5 }).slice(0, 300));
  put('sub/corrupt.json.gz', gzipSync(makeActivityJson({ seed: 6 })).subarray(0, 200));
  put('sub/noise.gpx', 'this is not XML at all');
  put('sub/empty.fit', '');
  // Collisions: dup.json, dup.tcx (JSON content: the format is sniffed, not taken from the name) and dup.json.gz.
  put('dup/dup.json', makeActivityJson({ seed: 7 }));
  put('dup/dup.json.gz', gzipSync(makeActivityJson({ seed: 8 })));
  put('dup/dup.tcx', makeActivityJson({ seed: 9 }));
  // multi-1.json sorts before multi.json, so it keeps its name and multi.json's outputs (which could be
  // multi-1.json, multi-2.json) take the full file name.
  put('dup/multi.json', `[${makeActivityJson({ seed: 10 })},${makeActivityJson({ seed: 11 })}]`);
  put('dup/multi-1.json', makeActivityJson({ seed: 12 }));
  // Not picked up by the folder walk.
  put('sub/.hidden.json', makeActivityJson({ seed: 13 }), false);
  put('sub/readme.txt', 'notes', false);
  // From the real fixtures: a gzipped FIT beside the same FIT (names collide), a truncated and a
  // damaged copy, a TCX with a misleading extension (sniffed, not trusted).
  const fenix = readFileSync(join(FIXTURES, 'fit', 'fenix2-run.fit'));
  put('real/2015/fenix2-run.fit', fenix);
  put('real/2015/fenix2-run.fit.gz', gzipSync(fenix));
  put('real/broken/fenix2-truncated.fit', fenix.subarray(0, 5000));
  const damaged = Buffer.from(fenix);
  damaged.fill(0xff, 2000, 2600);
  put('real/broken/fenix2-damaged.fit', damaged);
  put('real/2021/ride-or-run.gpx', readFileSync(join(FIXTURES, 'tcx', 'multi-activity.tcx')));
  // Every fixture of the project, whatever converts today.
  for (const rel of filesBelow(FIXTURES)) {
    if (!/\.(fit|tcx|gpx|json)(\.gz)?$/i.test(rel)) continue;
    const bytes = readFileSync(join(FIXTURES, rel));
    put(`fixtures/${rel}`, bytes);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Where the command must write each converted input (the naming rules of the README). */
const OUTPUT_NAMES: Record<string, string[]> = {
  'run-a.json': ['run-a.json'],
  'sub/run-b.json.gz': ['sub/run-b.json'],
  'sub/deep/er/run-c.json': ['sub/deep/er/run-c.json'],
  'dup/dup.json': ['dup/dup.json'],
  'dup/dup.json.gz': ['dup/dup.json.gz.json'],
  'dup/dup.tcx': ['dup/dup.tcx.json'],
  'dup/multi-1.json': ['dup/multi-1.json'],
  'real/2015/fenix2-run.fit.gz': ['real/2015/fenix2-run.fit.gz.json'],
  'dup/multi.json': ['dup/multi.json-1.json', 'dup/multi.json-2.json'],
};

function outputsFor(rel: string, count: number): string[] {
  if (OUTPUT_NAMES[rel] !== undefined) return OUTPUT_NAMES[rel];
  const stem = rel.replace(/\.gz$/i, '').replace(/\.(fit|tcx|gpx|json)$/i, '');
  return count === 1 ? [`${stem}.json`] : Array.from({ length: count }, (_, i) => `${stem}-${i + 1}.json`);
}

describe('runjson convert FOLDER -o OUTDIR', () => {
  let out: string;
  let run: Awaited<ReturnType<typeof runBuilt>>;
  let report: {
    totals: Record<string, unknown> & { failures: Record<string, number> };
    files: { input: string; relative: string; status: string; activities: number; outputs: string[]; error: { code: string } | null; bytes: number; timings: Record<string, number>; warnings: unknown[] }[];
    jobs: number;
    interrupted: boolean;
    options: Record<string, unknown>;
  };

  beforeAll(async () => {
    out = join(root, 'out');
    run = await runBuilt(['convert', input, '-o', out, '--jobs', '2', '--report', join(root, 'report.json')], { env: env() });
    report = JSON.parse(readFileSync(join(root, 'report.json'), 'utf8'));
  });

  it('exits 1 because some files failed', () => {
    expect(run.code).toBe(1);
  });

  it('writes exactly the expected outputs, each byte-identical to the library and valid', () => {
    const want = new Map<string, string>();
    for (const [rel, e] of expected) {
      if (e.status !== 'converted') continue;
      const names = outputsFor(rel, e.json.length);
      expect(names.length).toBe(e.json.length);
      names.forEach((n, i) => want.set(n, e.json[i]));
    }
    expect(filesBelow(out)).toEqual([...want.keys()].sort());
    for (const [name, json] of want) {
      const text = readFileSync(join(out, name), 'utf8');
      expect(text, name).toBe(json);
      expect(validate(JSON.parse(text)), name).toEqual([]);
    }
  });

  it('keeps its resume journal in the cache folder, the output folder\'s path on its first line', () => {
    const journals = join(root, 'cache', 'runjson', 'journals');
    const journal = journalPathFor(realPathOf(out), journals);
    expect(readdirSync(journals)).toContain(journal.slice(journals.length + 1));
    const [header, ...lines] = readFileSync(journal, 'utf8').trim().split('\n');
    expect(JSON.parse(header)).toEqual({ outDir: realPathOf(out) });
    expect(lines.length).toBe(report.totals.converted);
  });

  it('runjson validate OUTDIR finds every output valid', async () => {
    const v = await runBuilt(['validate', out], { env: env() });
    expect(v.code).toBe(0);
    expect(v.stdout).toBe('');
    expect(v.stderr).toContain(`${filesBelow(out).length} files valid`);
  });

  it('reports every file with its status, activity count, error code, outputs and timings', () => {
    expect(report.files.length).toBe(expected.size);
    expect(report.jobs).toBe(2);
    expect(report.interrupted).toBe(false);
    for (const f of report.files) {
      const e = expected.get(f.relative.startsWith('fixtures/') ? f.relative : relative(input, f.input).split('\\').join('/'));
      expect(e, f.input).toBeDefined();
      expect(f.status, f.input).toBe(e!.status);
      expect(f.activities, f.input).toBe(e!.json.length);
      expect(f.error?.code, f.input).toBe(e!.code);
      expect(f.outputs.length).toBe(e!.status === 'converted' ? e!.json.length : 0);
      const t = f.timings;
      expect(Object.keys(t)).toEqual(['readMs', 'convertMs', 'writeMs', 'workMs', 'waitMs', 'totalMs']);
      for (const k of Object.keys(t)) expect(t[k]).toBeGreaterThanOrEqual(0);
      // Rounded to the microsecond each: the parts may exceed the whole by that much.
      expect(t.workMs).toBeGreaterThanOrEqual(t.convertMs);
      expect(t.workMs + 0.002).toBeGreaterThanOrEqual(t.readMs + t.convertMs + t.writeMs);
      expect(t.totalMs).toBeGreaterThanOrEqual(t.workMs);
      expect(t.totalMs).toBeCloseTo(t.waitMs + t.workMs, 6);
      expect(Array.isArray(f.warnings)).toBe(true);
    }
    const count = (s: string): number => [...expected.values()].filter((e) => e.status === s).length;
    expect(report.totals).toMatchObject({ files: expected.size, converted: count('converted'), skipped: count('skipped'), failed: count('failed') });
    expect(report.totals.failures.malformed).toBeGreaterThanOrEqual(2);
    expect(report.totals.failures['unknown-format']).toBeGreaterThanOrEqual(1);
    expect(report.totals.failures['empty-input']).toBe(1);
    // Activity JSON, the default: the report's options do not name a format.
    expect(report.options).toEqual({});
  });

  it('prints no MaxListenersExceededWarning (one abort listener per batch, not per queued file)', () => {
    // 2 workers keep up to 48 files queued; the warning came at the 11th listener on the CLI's signal.
    expect(expected.size).toBeGreaterThan(11);
    expect(run.stderr).not.toMatch(/MaxListenersExceededWarning|memory leak/);
  });

  it('prints one plain line per file (not a terminal) and a closing summary', () => {
    expect(run.stderr).toMatch(/^converted\s+\S*run-a\.json -> /m);
    expect(run.stderr).toMatch(/^skipped\s+\S*ride\.json: not-running:/m);
    expect(run.stderr).toMatch(/^failed\s+\S*corrupt\.json: malformed:/m);
    expect(run.stderr).toMatch(/converted\s+\d+ \(\d+ activities\)/);
    const skipped = [...expected.values()].filter((e) => e.status === 'skipped').length;
    expect(run.stderr).toMatch(new RegExp(`skipped\\s+${skipped} not running`));
    expect(run.stderr).toMatch(/failed\s+\d+ \(.*malformed \d+/);
    expect(run.stderr).not.toContain('\r');
  });

  it('--resume converts nothing again and exits with the failures still counted', async () => {
    const again = await runBuilt(['convert', input, '-o', out, '--resume', '--quiet', '--report', join(root, 'report2.json')], { env: env() });
    expect(again.code).toBe(1);
    const r2 = JSON.parse(readFileSync(join(root, 'report2.json'), 'utf8'));
    expect(r2.totals.upToDate).toBe(report.totals.converted);
    expect(r2.totals.converted).toBe(0);
    // --quiet: failures and the summary only.
    expect(again.stderr).not.toMatch(/^up-to-date/m);
    expect(again.stderr).toMatch(/^failed/m);
  });

  it('the output folder inside the input folder is not converted again', async () => {
    const inner = join(input, 'json-out');
    const first = await runBuilt(['convert', join(input, 'sub', 'deep'), '-o', inner, '-q'], { env: env() });
    expect(first.code).toBe(0);
    const twice = await runBuilt(['convert', input, '-o', inner, '-q', '--report', join(root, 'report3.json')], { env: env() });
    const r3 = JSON.parse(readFileSync(join(root, 'report3.json'), 'utf8'));
    expect(r3.files.some((f: { input: string }) => f.input.includes('json-out'))).toBe(false);
    expect(twice.code).toBe(1);
    rmSync(inner, { recursive: true });
  });
});

describe('exit codes of a batch', () => {
  it('0 when every file converted or was skipped as not a run', async () => {
    const dir = join(root, 'clean');
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a', 'one.json'), makeActivityJson({ seed: 21 }));
    writeFileSync(join(dir, 'two.json.gz'), gzipSync(makeActivityJson({ seed: 22 })));
    writeFileSync(join(dir, 'ride.json'), makeActivityJson({ seed: 23, activityType: 'cycling' }));
    const r = await runBuilt(['convert', dir, '-o', join(root, 'clean-out'), '-j', '1'], { env: env() });
    expect(r.code).toBe(0);
    expect(filesBelow(join(root, 'clean-out'))).toEqual(['a/one.json', 'two.json']);
  });

  it('several files and folders into one OUTDIR; a missing input is a failed file', async () => {
    const dir = join(root, 'mixed');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(input, 'run-a.json'), join(dir, 'x.json'));
    const r = await runBuilt(['convert', join(dir, 'x.json'), join(input, 'sub', 'deep'), join(root, 'missing.fit'), '-o', join(root, 'mixed-out')], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.fit: read-error: ENOENT/);
    expect(filesBelow(join(root, 'mixed-out'))).toEqual(['er/run-c.json', 'x.json']);
  });

  it('--strict turns the damaged copies\' warnings into failures', async () => {
    const broken = join(input, 'real', 'broken');
    const relaxed = await runBuilt(['convert', broken, '-o', join(root, 'relaxed-out'), '-q', '--report', join(root, 'relaxed.json')], { env: env() });
    const strict = await runBuilt(['convert', broken, '-o', join(root, 'strict-out'), '-q', '--strict', '--report', join(root, 'strict.json')], { env: env() });
    const rr = JSON.parse(readFileSync(join(root, 'relaxed.json'), 'utf8'));
    const rs = JSON.parse(readFileSync(join(root, 'strict.json'), 'utf8'));
    // Whatever the relaxed run converted with warnings fails with --strict; nothing is written for it.
    const warned = rr.files.filter((f: { status: string; warnings: unknown[] }) => f.status === 'converted' && f.warnings.length > 0);
    expect(warned.length).toBeGreaterThan(0);
    for (const f of warned) {
      const g = rs.files.find((x: { input: string }) => x.input === f.input);
      expect(g.status).toBe('failed');
      expect(g.outputs).toEqual([]);
    }
    expect(rs.options).toEqual({ strict: true });
    expect(strict.code).toBe(1);
    expect(relaxed.code).toBe(rr.totals.failed > 0 ? 1 : 0);
  });

  it('a cache folder that cannot be written does not fail the batch: it is said once, and --resume works by modification times', async () => {
    const dir = join(root, 'no-cache');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `r${i}.json`), makeActivityJson({ seed: 30 + i }));
    const blocked = join(root, 'cache-is-a-file');
    writeFileSync(blocked, 'a file where the cache folder should be');
    const out = join(root, 'no-cache-out');
    const r = await runBuilt(['convert', dir, '-o', out, '-j', '2', '-q'], { env: cacheEnv(blocked) });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/cannot write the resume journal/g)?.length).toBe(1);
    expect(filesBelow(out)).toEqual(['r0.json', 'r1.json', 'r2.json', 'r3.json']);
    const again = await runBuilt(['convert', dir, '-o', out, '--resume', '-q', '--report', join(root, 'no-cache.json')], { env: cacheEnv(blocked) });
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'no-cache.json'), 'utf8')).totals.upToDate).toBe(4);
  });

  it('2 on a usage error, before touching anything', async () => {
    const r = await runBuilt(['convert', input, '--jobs', 'lots', '-o', join(root, 'never')], { env: env() });
    expect(r.code).toBe(2);
    expect(() => readdirSync(join(root, 'never'))).toThrow();
  });
});

describe.skipIf(!HAS_CORPUS)('the shared corpus through the command', () => {
  it('every corpus file: the status and the bytes the library gives', async () => {
    const out = join(root, 'corpus-out');
    const r = await runBuilt(['convert', CORPUS, '-o', out, '-q', '--report', join(root, 'corpus.json')], { env: env() });
    const report = JSON.parse(readFileSync(join(root, 'corpus.json'), 'utf8'));
    expect(report.files.length).toBeGreaterThan(50);
    let converted = 0;
    for (const f of report.files as { input: string; status: string; outputs: string[]; error: { code: string } | null }[]) {
      const e = oracle(readFileSync(f.input));
      expect(f.status, f.input).toBe(e.status);
      expect(f.error?.code, f.input).toBe(e.code);
      expect(f.outputs.map((o) => readFileSync(o, 'utf8')), f.input).toEqual(e.json);
      if (f.status === 'converted') converted++;
    }
    expect(converted).toBeGreaterThan(10);
    expect(r.code).toBe(report.totals.failed > 0 ? 1 : 0);
  });
});
