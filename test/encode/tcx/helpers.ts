/**
 * What the TCX encoder tests share: writing a run as TCX, reading it back with runjson's own decoder,
 * validating it with xmllint against the published schemas (fixtures/schemas), and comparing two runs
 * within the precision TCX carries.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import type { Activity } from '../../../src/core/activity.js';
import { Report, type Warning } from '../../../src/core/errors.js';
import { summarize } from '../../../src/core/summary.js';
import { toTcx } from '../../../src/encode/tcx/to-tcx.js';
import { convertSync, isConvertError } from '../../../src/index.js';
import { CORPUS, FIXTURES, HAS_CORPUS, listFiles, readBytes } from '../../helpers/paths.js';

/** The wrapper schema that imports TCX and its ActivityExtension v2, so that TPX and LX are checked too. */
export const TCX_SCHEMA = join(FIXTURES, 'schemas', 'tcx-with-extensions.xsd');

/** `a` as TCX text, and the warnings the encoder counted. */
export function writeTcx(a: Activity): { xml: string; bytes: Uint8Array; warnings: Warning[] } {
  const report = new Report();
  const bytes = toTcx(a, { report });
  return { xml: new TextDecoder().decode(bytes), bytes, warnings: report.warnings };
}

/**
 * Reads our TCX back (every sport; cadence as written, one leg: TCX's RunCadence is one leg by
 * definition, and the two-leg guess of `cadence: 'auto'` is for other writers' files).
 */
export function readTcx(bytes: Uint8Array): Activity {
  const r = convertSync(bytes, { sports: 'all', cadence: 'one-leg' });
  expect(r.activities.length).toBe(1);
  return r.activities[0].activity;
}

/** Runs xmllint over the files (one call for many), returning its stderr lines that are not "validates". */
export function xmllintErrors(xmls: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'runjson-tcx-'));
  try {
    const paths = xmls.map((x, i) => {
      const p = join(dir, `${i}.tcx`);
      writeFileSync(p, x);
      return p;
    });
    let out = '';
    try {
      execFileSync('xmllint', ['--noout', '--schema', TCX_SCHEMA, ...paths], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
    } catch (e) {
      out = String((e as { stderr?: Buffer }).stderr ?? e);
    }
    return out.split('\n').filter((l) => l.trim() !== '' && !l.endsWith(' validates'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Heart rate as TCX writes it: integer bpm in 1…255, else left out. */
export function tcxHeartRate(v: number): number {
  const r = Math.round(v);
  return r >= 1 && r <= 255 ? r : NaN;
}

/**
 * The run read back agrees with the run written, at what TCX keeps: the same samples, clock (ms),
 * duration, pauses and lap ends; summaries within rounding (heart rate and cadence are integers in TCX).
 * `boundaryPauses`: pauses at a lap start the reader may not find (see the encoder's `pause-at-lap-start`).
 */
export function agrees(a: Activity, b: Activity, label: string): void {
  expect(b.length, label).toBe(a.length);
  expect(b.startTime, label).toBe(a.startTime);
  expect(Array.from(b.time), label).toEqual(Array.from(a.time));
  expect(Array.from(b.pauses), `${label}: pauses`).toEqual(Array.from(a.pauses));
  expect(Array.from(b.duration), label).toEqual(Array.from(a.duration));
  const sa = summarize(a);
  const sb = summarize(b);
  expect(sb.duration, label).toBe(sa.duration);
  if (sa.distance === null) expect(sb.distance, label).toBeNull();
  else expect(Math.abs((sb.distance ?? NaN) - sa.distance), `${label}: distance`).toBeLessThanOrEqual(5e-7);
  for (const k of ['heartRateAverage', 'heartRateMin', 'heartRateMax', 'cadenceAverage', 'cadenceMin', 'cadenceMax'] as const) {
    const x = sa[k];
    const y = sb[k];
    if (x === null || y === null) continue; // a series of only out-of-range values (e.g. all-zero heart rate) is left out whole
    expect(Math.abs(y - x), `${label}: ${k}`).toBeLessThanOrEqual(1);
  }
  expect(b.laps.length, `${label}: laps`).toBe(Math.max(1, a.laps.length));
  if (a.laps.length > 0) {
    for (let k = 0; k < a.laps.length; k++) {
      expect(b.laps[k].by, label).toBe(a.laps[k].by);
      expect(b.laps[k].endIndex, label).toBe(a.laps[k].endIndex);
      expect(Math.abs(b.laps[k].end - a.laps[k].end), `${label}: lap ${k} end`).toBeLessThanOrEqual(a.laps[k].by === 'distance' ? 5e-4 + 1e-9 : 0); // metres to the millimetre
    }
  }
}

/** A run read from a fixture or corpus file, with its TCX. */
export interface FileCase {
  name: string;
  activity: Activity;
  xml: string;
  bytes: Uint8Array;
}

const SOURCES = [
  ['fit', '.fit'],
  ['tcx', '.tcx'],
  ['gpx', '.gpx'],
  ['json', '.json'],
] as const;

/** Each run runjson reads from `base` with default options (runs only), with its TCX. */
function casesOf(base: string, tag: string): FileCase[] {
  const cases: FileCase[] = [];
  for (const [dir, ext] of SOURCES) {
    for (const path of listFiles(base, dir, ext)) {
      let activities: Activity[];
      try {
        activities = convertSync(readBytes(path)).activities.map((c) => c.activity);
      } catch (e) {
        if (isConvertError(e)) continue; // a broken fixture, a course, a ride: not a run to export
        throw e;
      }
      activities.forEach((activity, i) => {
        const { xml, bytes } = writeTcx(activity);
        cases.push({ name: `${tag}/${dir}/${basename(path)}#${i}`, activity, xml, bytes });
      });
    }
  }
  return cases;
}

/** Every run of the project's fixtures and, when present, of the shared corpus, with its TCX. */
export function fileCases(): FileCase[] {
  return [...casesOf(FIXTURES, 'fixtures'), ...(HAS_CORPUS ? casesOf(CORPUS, 'corpus') : [])];
}
