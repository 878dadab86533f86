/**
 * The command line in-process (no worker threads: one file to stdout converts in this thread): convert to
 * stdout, validate, inspect, help and usage errors, exit codes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSync } from '../../src/index.js';
import { validate } from '../../src/activity-json/validate.js';
import { makeActivity, makeActivityJson } from '../helpers/make-activity.js';
import { runCli } from '../helpers/cli-io.js';

let dir: string;
const p = (name: string): string => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runjson-cli-'));
  writeFileSync(p('run.json'), makeActivityJson({ seed: 7 }));
  writeFileSync(p('run.json.gz'), gzipSync(makeActivityJson({ seed: 8 })));
  writeFileSync(p('two.json'), `[${makeActivityJson({ seed: 9 })},${makeActivityJson({ seed: 10 })}]`);
  writeFileSync(p('ride.json'), makeActivityJson({ seed: 11, activityType: 'cycling' }));
  writeFileSync(p('truncated.json'), makeActivityJson({ seed: 12 }).slice(0, 500));
  const broken = makeActivity({ seed: 13 });
  broken.distance = 99; // summary distance ≠ last recording
  (broken.recordingValues as number[][])[3][5] = 123; // latitude out of range
  writeFileSync(p('broken.json'), JSON.stringify(broken));
  writeFileSync(p('garbage.fit'), 'not a running file at all');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runjson convert FILE (stdout)', () => {
  it('writes the activity object, byte-identical to the library output', async () => {
    const r = await runCli(['convert', p('run.json')]);
    expect(r.code).toBe(0);
    const expected = convertSync(readFileSync(p('run.json'))).activities[0].toJson();
    expect(r.stdout).toBe(expected + '\n');
    expect(validate(JSON.parse(r.stdout))).toEqual([]);
  });

  it('decompresses .gz (sniffed from the content)', async () => {
    const r = await runCli(['convert', p('run.json.gz')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).externalId).toBe('gen-8');
  });

  it('writes a JSON array when the file holds several activities', async () => {
    const r = await runCli(['convert', p('two.json')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { externalId: string }[];
    expect(Array.isArray(doc)).toBe(true);
    expect(doc.map((d) => d.externalId)).toEqual(['gen-9', 'gen-10']);
    for (const d of doc) expect(validate(d)).toEqual([]);
  });

  it('passes converter options through (--external-id, --notes, --terrain)', async () => {
    const r = await runCli(['convert', p('run.json'), '--external-id', 'abc', '--notes', 'easy', '--terrain', 'trail']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.externalId).toBe('abc');
    expect(doc.notes).toBe('easy');
    expect(doc.terrain).toBe('trail');
  });

  it('skips a file that is not a run with exit 0 and says why on stderr; --sports all converts it', async () => {
    const r = await runCli(['convert', p('ride.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/skipped: .*cycling/);
    const all = await runCli(['convert', p('ride.json'), '--sports', 'all']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).externalId).toBe('gen-11');
  });

  it('fails with exit 1 and the error code for a broken file', async () => {
    const t = await runCli(['convert', p('truncated.json')]);
    expect(t.code).toBe(1);
    expect(t.stdout).toBe('');
    expect(t.stderr).toContain('truncated.json: malformed:');
    const g = await runCli(['convert', p('garbage.fit')]);
    expect(g.code).toBe(1);
    expect(g.stderr).toContain('unknown-format');
    const missing = await runCli(['convert', p('nope.fit')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('read-error');
  });

  it("'-' converts standard input (in chunks, gzip too), as from the file", async () => {
    const gz = readFileSync(p('run.json.gz'));
    const chunks = [gz.subarray(0, 10), gz.subarray(10, 500), gz.subarray(500)];
    const r = await runCli(['convert', '-'], false, chunks);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await runCli(['convert', p('run.json.gz')])).stdout);
    const bad = await runCli(['convert', '-'], false, [new TextEncoder().encode('{"startDateTimeLocal": ')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('-: malformed');
    expect((await runCli(['convert', '-', '-o', 'x'])).code).toBe(2);
  });

  it('a report that cannot be written is an error (exit 1), the conversion still happens', async () => {
    const r = await runCli(['convert', p('run.json'), '--report', dir]); // a folder: cannot be replaced by a file
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not write the report/);
    expect(JSON.parse(r.stdout).externalId).toBe('gen-7');
  });

  it('writes a report for one file too', async () => {
    const r = await runCli(['convert', p('run.json'), '--report', p('one-report.json')]);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(p('one-report.json'), 'utf8'));
    expect(report.totals).toMatchObject({ files: 1, converted: 1, activities: 1, failed: 0 });
    expect(report.files[0]).toMatchObject({ status: 'converted', format: 'json', activities: 1, error: null });
    expect(report.options).toEqual({}); // `to` only when not json
    const t = report.files[0].timings;
    expect(t.workMs).toBeGreaterThanOrEqual(t.convertMs);
    expect(t.totalMs).toBeCloseTo(t.waitMs + t.workMs, 6);
  });
});

describe('usage errors (exit 2)', () => {
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /Usage/],
    ['unknown command', ['frobnicate'], /unknown command/],
    ['unknown flag', ['convert', 'x.json', '--frob'], /--frob/],
    ['no input', ['convert'], /no input/],
    ['several inputs without -o', ['convert', 'a.json', 'b.json'], /-o OUTDIR/],
    ['a folder without -o', ['convert', '.'], /folder/],
    ['--resume without -o', ['convert', 'a.json', '--resume'], /--resume needs -o/],
    ['bad --jobs', ['convert', 'a', '-o', 'out', '--jobs', 'two'], /--jobs/],
    ['--jobs 0', ['convert', 'a', '-o', 'out', '--jobs', '0'], /--jobs/],
    ['bad --sports', ['convert', 'a.json', '--sports', 'cycling'], /--sports/],
    ['unknown --to, the formats listed', ['convert', 'a.json', '--to', 'kml'], /--to: expected one of json, gpx, tcx, fit, svg, got 'kml'/],
    ['bad --timeout', ['convert', 'a', '-o', 'out', '--timeout', '-1'], /--timeout/],
    ['--external-id for a folder', ['convert', '.', '-o', 'out', '--external-id', 'x'], /--external-id names one run/],
    ['--external-id for several files', ['convert', 'a.json', 'b.json', '-o', 'out', '--external-id', 'x'], /--external-id names one run/],
    ['bad --time-zone', ['convert', 'a.json', '--time-zone', 'Mars/Base'], /--time-zone/],
    ['bad --humidity', ['convert', 'a.json', '--humidity', '120'], /--humidity/],
    ['bad --splits', ['inspect', 'a.json', '--splits', 'furlong'], /--splits/],
    ['inspect with two files', ['inspect', 'a.json', 'b.json'], /exactly one/],
    ['validate with no file', ['validate'], /no file/],
  ];
  for (const [name, argv, message] of cases) {
    it(name, async () => {
      const r = await runCli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }
});

describe('--help', () => {
  for (const argv of [['--help'], ['help'], ['convert', '--help'], ['validate', '-h'], ['inspect', '--help'], ['help', 'convert']]) {
    it(argv.join(' '), async () => {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage:/);
      expect(r.stdout).toMatch(/Exit codes/);
    });
  }
  it('convert --help lists every converter flag', async () => {
    const r = await runCli(['convert', '--help']);
    for (const flag of ['--out-dir', '--to', '--jobs', '--resume', '--report', '--strict', '--time-zone', '--pause-gap', '--sports', '--include-power', '--cadence']) {
      expect(r.stdout).toContain(flag);
    }
  });
  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });
});

describe('runjson validate', () => {
  it('exit 0 and no problem lines for valid files (object, array, gzip)', async () => {
    const r = await runCli(['validate', p('run.json'), p('two.json'), p('run.json.gz')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('3 files valid');
  });

  it('prints file, path, code and message for each problem, and exits 1', async () => {
    const r = await runCli(['validate', p('run.json'), p('broken.json')]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(lines.every((l) => l.length === 4 && l[0] === p('broken.json'))).toBe(true);
    const codes = lines.map((l) => l[2]);
    expect(codes).toContain('summary-distance');
    expect(codes).toContain('latitude-range');
    expect(lines.find((l) => l[2] === 'latitude-range')?.[1]).toBe('/recordingValues/3/5');
  });

  it('--json prints the problems as JSON; arrays prefix the element index; non-JSON files are problems', async () => {
    writeFileSync(p('arr-broken.json'), `[${makeActivityJson({ seed: 1 })},${readFileSync(p('broken.json'), 'utf8')}]`);
    const r = await runCli(['validate', '--json', p('arr-broken.json'), p('garbage.fit')]);
    expect(r.code).toBe(1);
    const problems = JSON.parse(r.stdout) as { file: string; path: string; code: string }[];
    expect(problems.some((x) => x.file === p('arr-broken.json') && x.path === '/1/recordingValues/3/5')).toBe(true);
    expect(problems.some((x) => x.file === p('garbage.fit') && x.code === 'not-json')).toBe(true);
  });
});

describe('runjson validate FOLDER', () => {
  it('checks the .json and .json.gz files below a folder', async () => {
    const d = p('vfolder');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'a.json'), makeActivityJson({ seed: 31 }));
    writeFileSync(join(d, 'sub', 'b.json.gz'), gzipSync(makeActivityJson({ seed: 32 })));
    writeFileSync(join(d, 'sub', 'ignored.fit'), 'not checked');
    const ok = await runCli(['validate', d]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('2 files valid');
    writeFileSync(join(d, 'sub', 'c.json'), readFileSync(p('broken.json')));
    const bad = await runCli(['validate', d]);
    expect(bad.code).toBe(1);
    expect(bad.stdout.split('\n').filter(Boolean).every((l) => l.startsWith(join(d, 'sub', 'c.json') + '\t'))).toBe(true);
    expect(bad.stderr).toMatch(/in 1 file \(of 3\)/);
  });
});

describe('runjson inspect', () => {
  it('prints the start, distance, pauses, laps, HR, cadence and the km splits', async () => {
    const r = await runCli(['inspect', p('run.json')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse((await runCli(['convert', p('run.json')])).stdout);
    expect(r.stdout).toContain(doc.startDateTimeLocal);
    expect(r.stdout).toContain(`${doc.distance.toFixed(3)} km`);
    expect(r.stdout).toMatch(/pauses\s+1, 0:30 in all/);
    expect(r.stdout).toMatch(/laps\s+2 \(general x2, by duration\)/);
    expect(r.stdout).toContain(`avg ${doc.heartRateAverage}, min ${doc.heartRateMin}, max ${doc.heartRateMax} bpm`);
    expect(r.stdout).toContain(`avg ${doc.cadenceAverage}`);
    // One row per split: ⌈distance⌉ rows for km.
    const rows = r.stdout.split('\n').filter((l) => /^\s+\d+\s+\d+\.\d\d\s/.test(l));
    expect(rows.length).toBe(Math.ceil(doc.distance));
    expect(r.stdout).toContain('warnings: none');
    // The laps table: one row per lap, their times and distances add up to the run's.
    const laps = r.stdout.split('\n').filter((l) => /^\s+\d+\s+general\s+duration/.test(l));
    expect(laps.length).toBe(doc.laps.length);
    const km = laps.reduce((sum, l) => sum + Number(l.trim().split(/\s+/).pop()), 0);
    expect(Math.abs(km - doc.distance)).toBeLessThan(0.011);
  });

  it('--splits mile gives mile rows; several activities are each shown', async () => {
    const r = await runCli(['inspect', p('two.json'), '--splits', 'mile']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Activity 1 of 2');
    expect(r.stdout).toContain('Activity 2 of 2');
    expect(r.stdout).toMatch(/^\s+mile\s+length/m);
  });

  it('exit 1 on a broken file, exit 0 (skipped) on a ride', async () => {
    expect((await runCli(['inspect', p('truncated.json')])).code).toBe(1);
    const ride = await runCli(['inspect', p('ride.json')]);
    expect(ride.code).toBe(0);
    expect(ride.stdout).toContain('skipped');
  });
});
