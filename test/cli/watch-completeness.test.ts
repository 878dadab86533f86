/**
 * `watch`'s completeness check: every whole fixture is whole, and every cut of a whole file is not (a
 * copy caught half way, whatever the point), per format. The backoff and the scan of a folder too.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backoff } from '../../src/cli/watch/backoff.js';
import { completeness } from '../../src/cli/watch/completeness.js';
import { scanFolder } from '../../src/cli/watch/scan.js';
import { seconds } from '../../src/cli/watch/watcher.js';
import { FIXTURES, listFiles, readBytes } from '../helpers/paths.js';

/** Whole files of each format (the crafted-truncated and malformed ones are whole in their own way, or not at all, and are tested apart). */
const WHOLE = [
  'fit/synthetic-run.fit',
  'fit/fenix2-run.fit',
  'fit/fitparse__garmin-fenix-5-run.fit',
  'fit/fitparse__sample_mulitple_header.fit',
  'fit/synthetic-run-big-endian.fit',
  'tcx/connect-one-track-per-lap.tcx',
  'tcx/multi-activity.tcx',
  'tcx/utf16-bom.tcx',
  'tcx/undeclared-prefix-two-leg-cadence.tcx',
  'gpx/togeojson__run.gpx',
  'gpx/synthetic-gpx10-two-tracks.gpx',
  'json/positions-only.json',
];

describe('completeness', () => {
  it.each(WHOLE)('%s is whole, and so is its .gz', (name) => {
    const bytes = readBytes(join(FIXTURES, name));
    expect(completeness(bytes)).toEqual({ complete: true });
    expect(completeness(gzipSync(bytes))).toEqual({ complete: true });
  });

  it.each(WHOLE)('%s cut anywhere is not whole, nor its .gz cut anywhere', (name) => {
    const bytes = readBytes(join(FIXTURES, name));
    // Cuts at a spread of points, the first and last bytes among them (a copy can stop anywhere).
    const cuts = new Set([0, 1, 11, 12, 13, bytes.length >> 1, bytes.length - 3, bytes.length - 2, bytes.length - 1]);
    for (let k = 1; k < 20; k++) cuts.add(Math.floor((bytes.length * k) / 20));
    for (const cut of cuts) {
      const c = completeness(bytes.subarray(0, cut));
      // Whitespace after the XML root element is not part of it.
      const tailIsSpace = /^\s*$/.test(new TextDecoder().decode(bytes.subarray(cut)).replace(/\0/g, ''));
      if (tailIsSpace && cut > 0 && !name.endsWith('.fit')) continue;
      expect(c.complete, `${name} cut at ${cut} of ${bytes.length}`).toBe(false);
    }
    const gz = gzipSync(bytes);
    for (const cut of [0, 5, 10, gz.length >> 1, gz.length - 1]) {
      expect(completeness(gz.subarray(0, cut)).complete, `${name}.gz cut at ${cut}`).toBe(false);
    }
  });

  it('every FIT fixture that is whole by its CRC is whole here, and the damaged ones are not', () => {
    for (const path of listFiles(FIXTURES, 'fit', '.fit')) {
      const c = completeness(readBytes(path));
      const damaged = /unexpected-eof|filecrc|watch-died|corruptheader|nodata/.test(path);
      expect(c.complete, path).toBe(!damaged);
    }
  });

  it('says why: a short FIT, a wrong CRC, a second part cut short, trailing bytes', () => {
    const fit = readBytes(join(FIXTURES, 'fit/synthetic-run.fit'));
    expect(completeness(fit.subarray(0, 100))).toEqual({ complete: false, reason: expect.stringContaining('shorter than its header says') });
    const flipped = fit.slice();
    flipped[200] ^= 0x40;
    expect(completeness(flipped)).toEqual({ complete: false, reason: 'the FIT file CRC does not match' });
    const two = new Uint8Array(fit.length * 2 - 10);
    two.set(fit);
    two.set(fit.subarray(0, fit.length - 10), fit.length);
    expect(completeness(two)).toEqual({ complete: false, reason: expect.stringContaining('(chained part 2)') });
    const trailing = new Uint8Array(fit.length + 20);
    trailing.set(fit);
    expect(completeness(trailing)).toEqual({ complete: false, reason: expect.stringContaining('20 bytes after the FIT data are not a FIT file') });
    expect(completeness(trailing.subarray(0, fit.length + 4))).toEqual({ complete: false, reason: 'the FIT header is not complete (chained part 2)' });
    // Two whole parts are whole.
    const chained = new Uint8Array(fit.length * 2);
    chained.set(fit);
    chained.set(fit, fit.length);
    expect(completeness(chained)).toEqual({ complete: true });
  });

  it('XML: a closing tag with a prefix and whitespace after it is whole; an unclosed root or another element last is not', () => {
    const enc = new TextEncoder();
    expect(completeness(enc.encode('<?xml version="1.0"?>\n<ns:TrainingCenterDatabase x="1"></ns:TrainingCenterDatabase >\n\n'))).toEqual({ complete: true });
    expect(completeness(enc.encode('<gpx><trk></trk></gpx>\r\n'))).toEqual({ complete: true });
    expect(completeness(enc.encode('<gpx><trk></trk>'))).toEqual({ complete: false, reason: 'the XML root element is not closed' });
    expect(completeness(enc.encode('<gpx><trk></trk></gp'))).toMatchObject({ complete: false });
  });

  it('JSON: it parses; empty files are never whole; unknown content is the converter’s to refuse', () => {
    const enc = new TextEncoder();
    expect(completeness(enc.encode('{"a": [1, 2]}'))).toEqual({ complete: true });
    expect(completeness(enc.encode('{"a": [1, 2'))).toEqual({ complete: false, reason: 'the JSON does not parse' });
    expect(completeness(new Uint8Array(0))).toEqual({ complete: false, reason: 'empty' });
    expect(completeness(enc.encode('hello'))).toEqual({ complete: true });
  });
});

describe('backoff', () => {
  it('doubles from the minimum up to the cap, and a success brings it back to the minimum', () => {
    const b = new Backoff(100, 1000);
    expect([b.fail(0), b.fail(0), b.fail(0), b.fail(0), b.fail(0), b.fail(0)]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.holds(999)).toBe(true);
    expect(b.holds(1000)).toBe(false);
    b.succeed();
    expect(b.holds(0)).toBe(false);
    expect(b.fail(0)).toBe(100);
    expect(seconds(5000)).toBe('5 s');
    expect(seconds(300_000)).toBe('5 min');
    expect(seconds(150)).toBe('0.15 s');
  });
});

describe('scanFolder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runjson-watch-scan-'));
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    for (const name of ['RUN.FIT', 'x.tcx.gz', 'notes.txt', '.hidden.fit', 'a/one.gpx', 'a/b/two.json']) await writeFile(join(dir, name), 'x');
    await symlink(dir, join(dir, 'a', 'loop'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists the files runjson reads, subfolders included, and bounds a link loop by depth', async () => {
    const scan = await scanFolder(dir, { recursive: true, maxDepth: 3 });
    expect(scan.present).toBe(true);
    const names = scan.present ? scan.files.map((f) => f.path.slice(dir.length + 1)) : [];
    expect(names.filter((n) => !n.includes('loop'))).toEqual(['RUN.FIT', 'a/b/two.json', 'a/one.gpx', 'x.tcx.gz']);
    const flat = await scanFolder(dir, { recursive: false });
    expect(flat.present && flat.files.map((f) => f.path.slice(dir.length + 1))).toEqual(['RUN.FIT', 'x.tcx.gz']);
  });

  it('a folder that is not there, or a file, is not present, with the reason', async () => {
    expect(await scanFolder(join(dir, 'nope'), { recursive: true })).toEqual({ present: false, reason: 'not there' });
    expect(await scanFolder(join(dir, 'RUN.FIT'), { recursive: true })).toEqual({ present: false, reason: 'not a folder' });
  });
});
