/**
 * Every running file of the project's fixtures and of the shared corpus (the corpus part skipped without
 * it), FIT, TCX, GPX and Activity JSON, each converted once and written as TCX:
 * - X → TCX → JSON agrees with X → JSON (samples, clock, pauses, lap ends, summary);
 * - the TCX validates against the published schemas, extensions included (xmllint);
 * - GPSBabel (`gtrnctr` reader) reads the same points back: time, position, altitude and heart rate of
 *   each trackpoint with a position.
 * xmllint and GPSBabel start in `beforeAll` and run while the agreement check runs in this process: the
 * file's time is the conversion plus the longest of the three, not their sum.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CORPUS } from '../../helpers/paths.js';
import { hasTool, skipWithout } from '../../helpers/tools.js';
import { agrees, type FileCase, fileCases, readTcx, TCX_SCHEMA, tcxHeartRate } from './helpers.js';

const run = promisify(execFile);

/** Files whose round trip cannot agree, and why (checked: each exception must still be needed). */
const KNOWN: Record<string, string> = {
  'crafted-wrong-values.json':
    'a crafted Activity JSON whose duration column disagrees with its own clock and pauses (duration 14, 14, 16 over three 1 s steps): TCX carries the clock only, and the duration read back is derived from it',
};

/** A child's outcome, kept as a value so that a failure waits for its test instead of going unhandled. */
type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Outcome<T>> => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
const unwrap = <T>(o: Outcome<T>): T => {
  if (!o.ok) throw o.error;
  return o.value;
};

let cases: FileCase[] = [];
let dir: string;
let paths: string[] = [];
let lint: Promise<Outcome<string[]>>;
let babel: Promise<Outcome<string[]>>;

/** xmllint over every file at once: the lines of its report that are not "validates". */
async function xmllint(files: readonly string[]): Promise<string[]> {
  let out = '';
  try {
    await run('xmllint', ['--noout', '--schema', TCX_SCHEMA, ...files], { maxBuffer: 64 << 20 });
  } catch (e) {
    out = String((e as { stderr?: string }).stderr ?? e);
  }
  return out.split('\n').filter((l) => l.trim() !== '' && !l.endsWith(' validates'));
}

/** GPSBabel's CSV of each file (two processes at a time), '' for a run without positions. */
async function gpsbabel(files: readonly string[]): Promise<string[]> {
  const csvs: string[] = files.map(() => '');
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const k = next++;
      if (cases[k].activity.series.latitude === null) continue;
      csvs[k] = (await run('gpsbabel', ['-t', '-i', 'gtrnctr', '-f', files[k], '-o', 'unicsv,utc=0', '-F', '-'], { maxBuffer: 256 << 20 })).stdout;
    }
  };
  await Promise.all([worker(), worker()]);
  return csvs;
}

beforeAll(() => {
  cases = fileCases();
  dir = mkdtempSync(join(tmpdir(), 'runjson-tcx-files-'));
  paths = cases.map((c, k) => {
    const p = join(dir, `${k}.tcx`);
    writeFileSync(p, c.bytes);
    return p;
  });
  if (hasTool('xmllint')) lint = settle(xmllint(paths));
  if (hasTool('gpsbabel')) babel = settle(gpsbabel(paths));
});
afterAll(async () => {
  await Promise.all([lint, babel]);
  rmSync(dir, { recursive: true, force: true });
});

describe('X → TCX → JSON agrees with X → JSON', () => {
  it('for every running fixture and corpus file', () => {
    expect(cases.length).toBeGreaterThan(HAS_CORPUS ? 40 : 10);
    const failures: string[] = [];
    for (const c of cases) {
      const known = KNOWN[c.name.replace(/^.*\/|#\d+$/g, '')];
      try {
        agrees(c.activity, readTcx(c.bytes), c.name);
        if (known !== undefined) failures.push(`${c.name}: agrees now; remove it from KNOWN`);
      } catch (e) {
        if (known === undefined) failures.push(`${c.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe.skipIf(skipWithout('xmllint'))('the TCX validates (xmllint --schema, TCX v2 + ActivityExtension v2)', () => {
  it('every output', async () => {
    expect(unwrap(await lint)).toEqual([]);
  }, 60_000);
});

describe.skipIf(skipWithout('gpsbabel'))('GPSBabel reads the same points back', () => {
  it('time, position, altitude and heart rate of every trackpoint with a position', async () => {
    const csvs = unwrap(await babel);
    const failures: string[] = [];
    let points = 0;
    for (const [k, c] of cases.entries()) {
      const a = c.activity;
      const lat = a.series.latitude;
      const lon = a.series.longitude;
      if (lat === null || lon === null) continue;
      const csv = csvs[k];
      const [head, ...rows] = csv.trim().split('\n');
      const col = head.split(',');
      const at = (name: string): number => col.indexOf(name);
      const iLat = at('Latitude');
      const iLon = at('Longitude');
      const iAlt = at('Altitude');
      const iHr = at('Heartrate');
      const iDate = at('Date');
      const iTime = at('Time');
      // GPSBabel reads the trackpoints that have a position, in order.
      const want: number[] = [];
      for (let i = 0; i < a.length; i++) if (lat[i] === lat[i]) want.push(i);
      if (rows.length !== want.length) {
        failures.push(`${c.name}: ${rows.length} points read, ${want.length} written`);
        continue;
      }
      for (let k = 0; k < rows.length; k++) {
        const f = rows[k].split(',');
        const i = want[k];
        const lonWant = lon[i] === 180 ? -180 : lon[i];
        const time = Date.parse(`${f[iDate].replaceAll('/', '-')}T${f[iTime]}Z`);
        // GPSBabel prints 6 decimals of a coordinate and 1 of an altitude.
        const bad =
          Math.abs(Number(f[iLat]) - lat[i]) > 1e-6 ||
          Math.abs(Number(f[iLon]) - lonWant) > 1e-6 ||
          Math.abs(time - a.time[i]) >= 1000 ||
          (iAlt >= 0 && a.series.elevation !== null && a.series.elevation[i] === a.series.elevation[i] && Math.abs(Number(f[iAlt]) - a.series.elevation[i]) > 0.05 + 1e-9) ||
          (iHr >= 0 && a.series.heartRate !== null && tcxHeartRate(a.series.heartRate[i]) === tcxHeartRate(a.series.heartRate[i]) && Number(f[iHr]) !== tcxHeartRate(a.series.heartRate[i]));
        if (bad) {
          failures.push(`${c.name}: point ${i}: ${rows[k]}`);
          break;
        }
        points++;
      }
    }
    expect(failures).toEqual([]);
    expect(points).toBeGreaterThan(1000);
  }, 60_000);
});
