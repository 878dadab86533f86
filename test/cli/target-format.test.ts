/**
 * A second target format, as the encoder registry will have them (tcx, gpx, fit): the command and the
 * batch take it from the registry with no change of their own. The registry is mocked with a small text
 * encoder, `lines` (extension `txt`), that hands its output in two chunks. In-process only (the batch with
 * `concurrency: 0`, the command to stdout): worker threads run the built registry, which does not have it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Encoder } from '../../src/encode/encoder.js';
import type { TargetFormat } from '../../src/encode/registry.js';
import { convertFiles, type FileResult } from '../../src/batch/index.js';
import { convertSync } from '../../src/index.js';
import { makeActivityJson } from '../helpers/make-activity.js';
import { runCli } from '../helpers/cli-io.js';

vi.mock('../../src/encode/registry.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/encode/registry.js')>();
  const lines: Encoder = {
    format: 'lines',
    extension: 'txt',
    mediaType: 'text/plain',
    encode(activity, _options, sink) {
      // Two chunks, each appended to the output file. (Each in a buffer of its own: with one reused
      // buffer, ConvertedActivity.toBytes() — the stdout path and `data` — keeps the first chunk as a
      // view and loses it; reported, outside the batch and the command.)
      for (const text of [`start ${activity.startTime}\n`, `samples ${activity.length}\n`]) sink(new TextEncoder().encode(text));
    },
  };
  const formats = [...real.TARGET_FORMATS, 'lines'];
  return {
    ...real,
    TARGET_FORMATS: formats,
    isTargetFormat: (name: string) => formats.includes(name),
    encoderFor: (format: string) => (format === 'lines' ? lines : real.encoderFor(format)),
  };
});

const LINES = 'lines' as TargetFormat;
let dir: string;
const p = (name: string): string => join(dir, 'in', name);
const linesOf = (path: string): string[] => convertSync(readFileSync(path)).activities.map((a) => new TextDecoder().decode(a.toBytes(LINES)));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runjson-to-'));
  mkdirSync(join(dir, 'in'));
  writeFileSync(p('run.json'), makeActivityJson({ seed: 1 }));
  writeFileSync(p('two.json'), `[${makeActivityJson({ seed: 2 })},${makeActivityJson({ seed: 3 })}]`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runjson convert --to (a format from the registry)', () => {
  it('one activity to stdout, exactly as encoded (no newline added: only JSON text gets one)', async () => {
    const r = await runCli(['convert', p('run.json'), '--to', 'lines']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(linesOf(p('run.json'))[0]);
    expect(r.stdout).toMatch(/^start \d+\nsamples \d+\n$/);
  });

  it('a file of several activities to stdout is a usage error asking for -o (only JSON has the array)', async () => {
    const r = await runCli(['convert', p('two.json'), '--to', 'lines']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/holds 2 activities: --to lines writes one file per activity; give -o OUTDIR/);
  });

  it('an unknown format is a usage error listing the formats', async () => {
    const r = await runCli(['convert', p('run.json'), '--to', 'kml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--to: expected one of json, gpx, tcx, fit, svg, lines, got 'kml'/);
  });

  it('the report echoes --to; help lists the formats', async () => {
    const report = join(dir, 'report.json');
    const r = await runCli(['convert', p('run.json'), '--to', 'lines', '--report', report]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(report, 'utf8')).options).toEqual({ to: 'lines' });
    expect((await runCli(['convert', '--help'])).stdout).toMatch(/--to FORMAT\s+Target format: json, gpx, tcx, fit, svg, lines/);
  });
});

describe('convertFiles({ to })', () => {
  const collect = async (it: AsyncIterable<FileResult>): Promise<FileResult[]> => {
    const out: FileResult[] = [];
    for await (const r of it) out.push(r);
    return out.sort((a, b) => a.index - b.index);
  };

  it('names outputs with the encoder\'s extension, writes every chunk, and resume finds them', async () => {
    const out = join(dir, 'out');
    const journalDir = join(dir, 'journals');
    const results = await collect(convertFiles(join(dir, 'in'), { outDir: out, to: LINES, concurrency: 0, journalDir }));
    expect(results.map((r) => [r.relative, r.status, r.outputs.map((o) => o.slice(out.length + 1))])).toEqual([
      ['run.json', 'converted', ['run.txt']],
      ['two.json', 'converted', ['two-1.txt', 'two-2.txt']],
    ]);
    expect(readdirSync(out).sort()).toEqual(['run.txt', 'two-1.txt', 'two-2.txt']);
    expect(readFileSync(join(out, 'two-2.txt'), 'utf8')).toBe(linesOf(p('two.json'))[1]);
    const again = await collect(convertFiles(join(dir, 'in'), { outDir: out, to: LINES, concurrency: 0, resume: true, journalDir }));
    expect(again.map((r) => r.status)).toEqual(['up-to-date', 'up-to-date']);
    // Resume looks for the outputs of the format asked: Activity JSON is not there yet.
    const json = await collect(convertFiles(join(dir, 'in'), { outDir: out, concurrency: 0, resume: true, journalDir }));
    expect(json.map((r) => r.status)).toEqual(['converted', 'converted']);
  });

  it('without outDir, `data` holds each activity\'s bytes in the format', async () => {
    const [r] = await collect(convertFiles(p('two.json'), { to: LINES, concurrency: 0 }));
    expect(r.data.map((d) => new TextDecoder().decode(d))).toEqual(linesOf(p('two.json')));
  });

  it('a format runjson does not write fails before anything starts', async () => {
    await expect(collect(convertFiles(join(dir, 'in'), { to: 'kml' as TargetFormat, concurrency: 0 }))).rejects.toMatchObject({ code: 'unsupported' });
  });
});
