/**
 * Our GPX read by programs we did not write: xmllint validates every export against the published GPX 1.1
 * schema together with Garmin's TrackPointExtension v2 schema (fixtures/schemas), and GPSBabel reads every
 * export back with the same points, values and segments. Inputs: every running fixture and corpus file
 * with positions, and a generated run with every series, pauses and samples without position.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/core/activity.js';
import { toGpx } from '../../../src/encode/gpx/to-gpx.js';
import { convertSync } from '../../../src/index.js';
import { generateRun } from '../../helpers/generate.js';
import { CORPUS, FIXTURES, HAS_CORPUS, listFiles } from '../../helpers/paths.js';
import { skipWithout } from '../../helpers/tools.js';
import { asGpx, withPosition } from './gpx-helpers.js';

const SCHEMA = join(FIXTURES, 'schemas', 'gpx11-with-trackpointextension-v2.xsd');
const dir = mkdtempSync(join(tmpdir(), 'runjson-gpx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every export: its file and the activity it holds. */
function exports(): { file: string; activity: Activity }[] {
  const out: { file: string; activity: Activity }[] = [];
  const write = (name: string, a: Activity): void => {
    const file = join(dir, `${name}.gpx`);
    writeFileSync(file, toGpx(a));
    out.push({ file, activity: a });
  };
  // A generated run: every series, pauses, and positions missing here and there.
  const g = generateRun(5000, 3, 800);
  const { latitude, longitude } = g.series;
  for (let i = 17; i < g.length; i += 97) {
    if (latitude !== null && longitude !== null) latitude[i] = longitude[i] = NaN;
  }
  write('generated', g);
  const files = ['fit', 'tcx', 'gpx'].flatMap((d) => [...listFiles(FIXTURES, d, `.${d}`), ...(HAS_CORPUS ? listFiles(CORPUS, d, `.${d}`) : [])]);
  for (const path of files) {
    let runs: Activity[];
    try {
      runs = convertSync(readFileSync(path)).activities.map((c) => c.activity);
    } catch {
      continue;
    }
    runs.forEach((a, k) => {
      if (withPosition(a).length > 0) write(`${path.includes('/corpus/') ? 'corpus' : 'fixture'}-${basename(path)}-${k}`, a);
    });
  }
  return out;
}

const all = exports();

describe.skipIf(skipWithout('xmllint'))('xmllint --schema (GPX 1.1 + TrackPointExtension v2)', () => {
  it(`validates every export (${all.length} files)`, () => {
    expect(all.length).toBeGreaterThan(20);
    const r = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, ...all.map((e) => e.file)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const failed = r.stderr.split('\n').filter((l) => l !== '' && !l.endsWith(' validates'));
    expect(failed).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('the check has teeth: an extension out of the schema’s order, or a heart rate of 0, fails', () => {
    const good = readFileSync(all[0].file, 'utf8');
    const swapped = good.replace(/<gpxtpx:hr>(\d+)<\/gpxtpx:hr><gpxtpx:cad>(\d+)<\/gpxtpx:cad>/, '<gpxtpx:cad>$2</gpxtpx:cad><gpxtpx:hr>$1</gpxtpx:hr>');
    const zero = good.replace(/<gpxtpx:hr>\d+</, '<gpxtpx:hr>0<');
    for (const [name, text] of [['swapped', swapped], ['zero', zero]]) {
      expect(text).not.toBe(good);
      const f = join(dir, `bad-${name}.gpx`);
      writeFileSync(f, text);
      expect(spawnSync('xmllint', ['--noout', '--schema', SCHEMA, f], { encoding: 'utf8' }).status).not.toBe(0);
    }
  });
});

/** The points GPSBabel reads from a GPX (written back as GPX 1.1, parsed here with plain regular expressions). */
function gpsbabel(file: string): { segments: number; points: Record<string, number>[] } {
  const r = spawnSync('gpsbabel', ['-t', '-i', 'gpx', '-f', file, '-o', 'gpx', '-F', '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status, r.stderr).toBe(0);
  const text = r.stdout;
  const num = (s: string, tag: string): number => {
    const m = new RegExp(`<(?:gpxtpx:|gpxpx:)?${tag}>([^<]*)<`).exec(s);
    return m === null ? NaN : Number(m[1]);
  };
  const points = [...text.matchAll(/<trkpt lat="([^"]+)" lon="([^"]+)">([\s\S]*?)<\/trkpt>/g)].map((m) => ({
    latitude: Number(m[1]),
    longitude: Number(m[2]),
    time: Date.parse(/<time>([^<]+)<\/time>/.exec(m[3])?.[1] ?? ''),
    elevation: num(m[3], 'ele'),
    heartRate: num(m[3], 'hr'),
    cadence: num(m[3], 'cad'),
    temperature: num(m[3], 'atemp'),
    speed: num(m[3], 'speed'),
    power: num(m[3], 'PowerInWatts'),
  }));
  return { segments: text.match(/<trkseg>/g)?.length ?? 0, points };
}

describe.skipIf(skipWithout('gpsbabel'))('GPSBabel reads every export back', () => {
  it.each(all.map((e) => [basename(e.file), e] as const))('%s: the same points, values and segments', (_name, { file, activity: a }) => {
    const { segments, points } = gpsbabel(file);
    const kept = withPosition(a);
    expect(points.length).toBe(kept.length);
    expect(segments).toBe((readFileSync(file, 'utf8').match(/<trkseg>/g) ?? []).length);
    const keys = ['latitude', 'longitude', 'elevation', 'heartRate', 'cadence', 'temperature', 'speed', 'power'] as const;
    // Differences collected, then compared once: an expect per value took most of this file's time.
    const wrong: string[] = [];
    kept.forEach((i, j) => {
      const p = points[j];
      if (p.time !== a.time[i]) wrong.push(`time of point ${j}: ${p.time} vs ${a.time[i]}`);
      for (const key of keys) {
        const col = a.series[key];
        const want = col === null ? NaN : asGpx(key, col[i]);
        const ok = want !== want ? p[key] !== p[key] : Math.abs(p[key] - want) < 1e-9;
        if (!ok && wrong.length < 10) wrong.push(`${key} of point ${j}: ${p[key]} vs ${want}`);
      }
    });
    expect(wrong).toEqual([]);
  });
});
