/**
 * The run picture: golden SVGs per fixture (same run, same bytes), the marks a page counts (one pause mark
 * per pause, one band per lap, one split mark per whole km), only the panels of the series present,
 * well-formed XML (saxes, and xmllint when present), the size of a 3-hour run, the ticks, and
 * `runjson inspect --svg`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { convertSync, encoderFor, splits, toSvg } from '../../../src/index.js';
import type { Activity } from '../../../src/core/activity.js';
import { niceStep, timeStep } from '../../../src/encode/svg/to-svg.js';
import { runCli } from '../../helpers/cli-io.js';
import { makeActivity } from '../../helpers/make-activity.js';
import { FIXTURES, listFiles, readBytes } from '../../helpers/paths.js';
import { skipWithout } from '../../helpers/tools.js';

/** The fixtures with a golden picture: laps (FIT, TCX), pauses (FIT, TCX, GPX), GPX without laps. */
const GOLDEN = ['fit/fenix2-run.fit', 'fit/synthetic-run.fit', 'tcx/connect-one-track-per-lap.tcx', 'gpx/togeojson__run_gpxtpx.gpx'];

/** fixtures/fit/x.fit → fixtures/expected/svg/fit__x.svg; `RUNJSON_UPDATE_SVG=1` rewrites them. */
function goldenSvgPath(fixture: string): string {
  return join(FIXTURES, 'expected', 'svg', `${basename(dirname(fixture))}__${basename(fixture).replace(/\.[^.]+$/, '')}.svg`);
}

/** Every run of every fixture that converts. */
function allRuns(): { name: string; activity: Activity }[] {
  const out: { name: string; activity: Activity }[] = [];
  for (const [dir, ext] of [['fit', '.fit'], ['tcx', '.tcx'], ['gpx', '.gpx']] as const) {
    for (const f of listFiles(FIXTURES, dir, ext)) {
      try {
        convertSync(readBytes(f)).activities.forEach((c, i) => out.push({ name: `${dir}/${basename(f)}#${i}`, activity: c.activity }));
      } catch {
        // Files that are not runs, or are broken on purpose, have no picture.
      }
    }
  }
  return out;
}

function count(svg: string, needle: string): number {
  return svg.split(needle).length - 1;
}

function wellFormed(svg: string): void {
  const p = new SaxesParser({ xmlns: true });
  let root = '';
  p.on('opentag', (t) => {
    if (root === '') root = `${t.uri} ${t.local}`;
  });
  p.write(svg).close();
  expect(root).toBe('http://www.w3.org/2000/svg svg');
}

const runs = allRuns();

describe('toSvg: golden pictures', () => {
  for (const rel of GOLDEN) {
    it(rel, () => {
      const svg = toSvg(convertSync(readBytes(join(FIXTURES, rel))).activities[0].activity);
      const golden = goldenSvgPath(rel);
      if (process.env.RUNJSON_UPDATE_SVG === '1') {
        mkdirSync(dirname(golden), { recursive: true });
        writeFileSync(golden, svg);
      }
      expect(existsSync(golden), `${golden} is missing: RUNJSON_UPDATE_SVG=1 writes it`).toBe(true);
      expect(svg).toBe(readFileSync(golden, 'utf8'));
    });
  }
});

describe('toSvg: every fixture', () => {
  it('has runs to draw', () => {
    expect(runs.length).toBeGreaterThan(10);
  });
  for (const { name, activity: a } of runs) {
    it(name, () => {
      const svg = toSvg(a);
      wellFormed(svg);
      expect(toSvg(a)).toBe(svg); // deterministic
      expect(count(svg, 'class="pause"')).toBe(a.pauses.length);
      expect(count(svg, 'class="lap"')).toBe(a.laps.length);
      expect(count(svg, 'class="split"')).toBe(splits(a, 'km').filter((s) => s.length > 1 - 1e-6).length);
      const d = a.series.distance;
      if (d !== null) {
        let last = 0;
        for (const v of d) if (v === v) last = v;
        expect(count(svg, 'class="split"')).toBe(Math.floor(last + 1e-9));
      }
      const has = (col: Float64Array | null, zero = false): boolean => col !== null && col.some((v) => v === v && !(zero && v === 0));
      expect(svg.includes('class="panel panel-heart-rate"')).toBe(has(a.series.heartRate, true));
      expect(svg.includes('class="panel panel-elevation"')).toBe(has(a.series.elevation));
      if (!has(a.series.distance) && !has(a.series.speed)) expect(svg).not.toContain('class="panel panel-pace"');
      expect(count(svg, '<title')).toBeGreaterThanOrEqual(1 + a.pauses.length + a.laps.length);
    });
  }
});

describe('toSvg: options', () => {
  const a = convertSync(readBytes(join(FIXTURES, 'fit/fenix2-run.fit'))).activities[0].activity;
  it('miles: one split mark per whole mile, paces per mile', () => {
    const svg = toSvg(a, { units: 'mi' });
    expect(count(svg, 'class="split"')).toBe(splits(a, 'mile').filter((s) => s.length > 1 - 1e-6).length);
    expect(svg).toContain('Pace (/mi)');
    expect(svg).toContain(' mi · ');
  });
  it('speed instead of pace, distance on the x axis', () => {
    const svg = toSvg(a, { speed: 'speed', x: 'distance' });
    expect(svg).toContain('class="panel panel-speed"');
    expect(svg).not.toContain('class="panel panel-pace"');
    expect(svg).toContain('Distance (km)');
    wellFormed(svg);
  });
  it('dark and light colours, no external font', () => {
    const svg = toSvg(a);
    expect(svg).toContain('@media (prefers-color-scheme:dark)');
    expect(svg).not.toMatch(/@import|@font-face|url\(|href=/);
  });
  it('the header: local date and time, distance, moving and elapsed time, pace, heart rate', () => {
    expect(toSvg(a)).toContain('2015-08-15 16:45</text><text x="56" y="38">9.01 km · 47:13 moving · 47:13 elapsed · 5:15 /km · 154 bpm</text>');
  });
  it('a line never crosses a pause: one subpath per stretch', () => {
    const p = convertSync(readBytes(join(FIXTURES, 'fit/synthetic-run.fit'))).activities[0].activity;
    expect(p.pauses.length).toBe(1);
    const d = /class="panel panel-heart-rate">.*?<path class="line" d="([^"]*)"/.exec(toSvg(p))?.[1] ?? '';
    expect(count(d, 'M')).toBe(2);
  });
});

describe('toSvg: a 3-hour run at 1 Hz', () => {
  it('is well under 200 kB, and drawn as an envelope (at most two points per pixel column and stretch)', () => {
    // The run of make-activity, with a noisy elevation added (noise is the worst case for the path's size).
    const doc = makeActivity({ samples: 3 * 3600 }) as { recordingKeys: string[]; recordingValues: number[][] };
    let seed = 7;
    const ele = doc.recordingValues[0].map((_, i) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.round((100 + 30 * Math.sin(i / 900) + (seed / 2147483648) * 8) * 10) / 10;
    });
    doc.recordingKeys.push('elevation');
    doc.recordingValues.push(ele);
    const a = convertSync(new TextEncoder().encode(JSON.stringify(doc))).activities[0].activity;
    const svg = toSvg(a);
    expect(a.series.elevation).not.toBeNull();
    expect(Buffer.byteLength(svg)).toBeLessThan(200_000);
    expect(Buffer.byteLength(svg)).toBeLessThan(80_000); // measured 3-hour size (about 41 kB) stays far below the limit
    wellFormed(svg);
    for (const m of svg.matchAll(/<path class="line" d="([^"]*)"/g)) expect(count(m[1], 'l')).toBeLessThanOrEqual(2 * 800);
  });
});

describe('ticks', () => {
  it('steps of 1, 2 or 5 × 10^k; clock steps for times', () => {
    expect([niceStep(7), niceStep(80, 4), niceStep(0.9), niceStep(430, 4)]).toEqual([2, 20, 0.2, 200]);
    expect([timeStep(3600 * 3, 8), timeStep(47 * 60, 8), timeStep(40, 4)]).toEqual([1800, 600, 10]);
  });
});

describe('the encoder registry', () => {
  it('svg: image/svg+xml, one chunk', () => {
    const e = encoderFor('svg');
    expect([e.format, e.extension, e.mediaType]).toEqual(['svg', 'svg', 'image/svg+xml']);
    const a = convertSync(readBytes(join(FIXTURES, 'tcx/connect-one-track-per-lap.tcx'))).activities[0].activity;
    const chunks: Uint8Array[] = [];
    e.encode(a, {}, (c) => chunks.push(c.slice()));
    expect(new TextDecoder().decode(Buffer.concat(chunks))).toBe(toSvg(a));
  });
});

describe.skipIf(skipWithout('xmllint'))('xmllint', () => {
  it('reads every picture without complaint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runjson-svg-'));
    const files = runs.map(({ activity }, i) => {
      const f = join(dir, `${i}.svg`);
      writeFileSync(f, toSvg(activity));
      return f;
    });
    expect(() => execFileSync('xmllint', ['--noout', ...files], { stdio: 'pipe' })).not.toThrow();
  });
});

describe('runjson inspect --svg', () => {
  const fit = join(FIXTURES, 'fit/fenix2-run.fit');
  it('writes the picture of the run to stdout', async () => {
    const r = await runCli(['inspect', '--svg', fit]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(toSvg(convertSync(readBytes(fit)).activities[0].activity));
  });
  it('--splits mile, --x distance, --speed', async () => {
    const r = await runCli(['inspect', '--svg', '--splits', 'mile', '--x', 'distance', '--speed', fit]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Distance (mi)');
    expect(r.stdout).toContain('class="panel panel-speed"');
  });
  it('--activity N picks a run; past the last one fails', async () => {
    const two = join(FIXTURES, 'tcx/multi-activity.tcx');
    const all = convertSync(readBytes(two)).activities;
    const r = await runCli(['inspect', '--svg', '--activity', String(all.length), two]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(toSvg(all[all.length - 1].activity, { summary: all[all.length - 1].summary }));
    const bad = await runCli(['inspect', '--svg', '--activity', String(all.length + 1), two]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--activity/);
  });
  it('--activity without --svg is a usage error', async () => {
    expect((await runCli(['inspect', '--activity', '1', fit])).code).toBe(2);
  });
});
