/**
 * Every running file of the fixtures and the corpus, FIT, TCX and GPX: X → FIT → Activity JSON agrees
 * with X → Activity JSON (summary, samples, pauses, lap ends), within what FIT carries and what the
 * encoder counted; the FIT passes `@garmin/fitsdk`'s integrity check; a FIT run written twice gives the
 * same bytes. GPSBabel, a reader we did not write, reads our FIT back with the same points.
 * Each file is converted once; the corpus part is skipped without the corpus.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvertedActivity } from '../../../src/convert/result.js';
import { Report } from '../../../src/core/errors.js';
import { toFit } from '../../../src/encode/fit/to-fit.js';
import { convertSync } from '../../../src/index.js';
import { readWithSdk } from '../../helpers/fit-sdk.js';
import { CORPUS, FIXTURES, HAS_CORPUS, listFiles, manifest, readBytes } from '../../helpers/paths.js';
import { skipWithout } from '../../helpers/tools.js';

/** The running files: every fixture of the three formats, and the corpus files its manifest calls runs. */
function runningFiles(): string[] {
  const files: string[] = [];
  for (const [dir, ext] of [['fit', '.fit'], ['tcx', '.tcx'], ['gpx', '.gpx']] as const) files.push(...listFiles(FIXTURES, dir, ext));
  if (HAS_CORPUS) for (const row of manifest()) if (/running/.test(row.sport)) files.push(join(CORPUS, row.file));
  return files;
}

/** The runs of a file (none when the file is not a readable run: broken fixtures, courses, rides). */
function runsOf(path: string): ConvertedActivity[] {
  try {
    return convertSync(readBytes(path)).activities;
  } catch {
    return [];
  }
}

interface Case {
  name: string;
  run: ConvertedActivity;
}

const cases: Case[] = [];
for (const path of runningFiles()) {
  const name = path.startsWith(CORPUS) ? `corpus/${path.slice(CORPUS.length + 1)}` : `fixtures/${path.slice(FIXTURES.length + 1)}`;
  runsOf(path).forEach((run, k) => cases.push({ name: k === 0 ? name : `${name}#${k}`, run }));
}

describe('X → FIT → Activity JSON agrees with X → Activity JSON', () => {
  it('has running files of every format to check', () => {
    expect(cases.some((c) => c.name.endsWith('.fit'))).toBe(true);
    expect(cases.some((c) => c.name.endsWith('.tcx'))).toBe(true);
    expect(cases.some((c) => c.name.endsWith('.gpx'))).toBe(true);
  });

  it.each(cases)('$name', ({ name, run }) => {
    const a = run.activity;
    const report = new Report();
    const bytes = toFit(a, { report, summary: run.summary });
    const count = (code: string): number => report.warnings.find((w) => w.code === code)?.count ?? 0;
    const sdk = readWithSdk(bytes);
    expect(sdk.integrity, name).toBe(true);
    expect(sdk.errors).toEqual([]);

    const [back] = convertSync(bytes).activities;
    const b = back.activity;
    const s = run.summary;
    const t = back.summary;
    // Samples: all of them, less those FIT's whole seconds merge (counted).
    expect(b.length).toBe(a.length - count('samples-same-time'));
    expect(b.pauses.length).toBe(a.pauses.length - count('pause-too-short'));
    // Times move by half a second at most each, so a duration by at most a second per stretch.
    const slack = count('rounded-to-format') > 0 ? a.pauses.length + 1 : 0;
    expect(Math.abs(t.duration - s.duration)).toBeLessThanOrEqual(slack);
    if (s.distance === null) expect(t.distance).toBeNull();
    else expect(Math.abs((t.distance ?? NaN) - s.distance)).toBeLessThanOrEqual(0.5e-5 + 1e-9);
    for (const key of ['heartRateMin', 'heartRateMax', 'cadenceMin', 'cadenceMax'] as const) {
      if (s[key] === null) expect(t[key], key).toBeNull();
      else expect(Math.abs((t[key] ?? NaN) - (s[key] as number)), key).toBeLessThanOrEqual(0.5);
    }
    for (const key of ['heartRateAverage', 'cadenceAverage', 'temperature'] as const) {
      if (s[key] === null) expect(t[key], key).toBeNull();
      else expect(Math.abs((t[key] ?? NaN) - (s[key] as number)), key).toBeLessThanOrEqual(count('samples-same-time') + slack > 0 ? 1.5 : 0.5);
    }
    // Lap ends, on the duration timeline (a run without laps gets one over the whole run).
    const ends = (x: typeof a): number[] => x.laps.map((l) => x.duration[l.endIndex]);
    const want = a.laps.length === 0 ? [a.duration[a.length - 1]] : ends(a);
    const got = ends(b);
    expect(got.length).toBe(want.length);
    got.forEach((e, k) => expect(Math.abs(e - want[k])).toBeLessThanOrEqual(slack));
    // Once in FIT's precision, a run written, read and written again gives the same file.
    const again = toFit(b);
    const [c] = convertSync(again).activities;
    expect(Buffer.from(toFit(c.activity)).equals(Buffer.from(again))).toBe(true);
  });
});

describe.skipIf(skipWithout('gpsbabel'))('GPSBabel reads our FIT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runjson-fit-babel-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A few runs of each source format (each GPSBabel call is a process).
  const withPositions = ['.fit', '.tcx', '.gpx'].flatMap((ext) => cases.filter((c) => c.name.endsWith(ext) && c.run.activity.series.latitude !== null).slice(0, 5));

  it.each(withPositions)('$name: the same points, at the same seconds', ({ run }) => {
    const a = run.activity;
    const file = join(dir, 'run.fit');
    writeFileSync(file, toFit(a));
    const csv = execFileSync('gpsbabel', ['-t', '-i', 'garmin_fit', '-f', file, '-o', 'unicsv,utc=0', '-F', '-'], { encoding: 'utf8' });
    const [head, ...rows] = csv.trim().split(/\r?\n/);
    const cols = head.split(',');
    const at = (name: string): number => cols.indexOf(name);
    const lat = a.series.latitude!;
    const lon = a.series.longitude!;
    const want: number[] = [];
    for (let i = 0; i < a.length; i++) if (lat[i] === lat[i]) want.push(i);
    expect(rows.length).toBe(want.length);
    rows.forEach((row, k) => {
      const c = row.split(',');
      const i = want[k];
      expect(Math.abs(Number(c[at('Latitude')]) - lat[i])).toBeLessThanOrEqual(1e-6);
      const dLon = Math.abs(Number(c[at('Longitude')]) - lon[i]);
      expect(Math.min(dLon, 360 - dLon)).toBeLessThanOrEqual(1e-6);
      const when = Date.parse(`${c[at('Date')].replaceAll('/', '-')}T${c[at('Time')]}Z`);
      expect(when).toBe(Math.round(a.time[i] / 1000) * 1000);
    });
  });
});
