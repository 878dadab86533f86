import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConvertError, ErrorCode, Report } from '../../../src/core/errors.js';
import { GpxEncoder, gpxEncoder, toGpx, writeGpx } from '../../../src/encode/gpx/to-gpx.js';
import { encoderFor, isTargetFormat } from '../../../src/encode/registry.js';
import { convertSync, toGpx as toGpxPublic } from '../../../src/index.js';
import { runCli } from '../../helpers/cli-io.js';
import { FIXTURES } from '../../helpers/paths.js';
import { count, gpxOf, readBack, run } from './gpx-helpers.js';

const P = { latitude: 47.6062, longitude: -122.3321 };

describe('toGpx: the document', () => {
  it('writes GPX 1.1 with metadata time, creator, one track of type running and trkpt with ele before time', () => {
    const a = run(
      [
        { t: 0, ...P, elevation: 56.2, heartRate: 120, cadence: 85, temperature: 21, speed: 2.5, power: 250, distance: 0 },
        { t: 1000, latitude: 47.60621, longitude: -122.33211, elevation: 56.4, heartRate: 121, cadence: 86, distance: 0.001 },
      ],
      { device: 'Garmin Forerunner 245' },
    );
    const { text } = gpxOf(a);
    expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<gpx version="1.1" creator="Garmin Forerunner 245" xmlns="http:\/\/www.topografix.com\/GPX\/1\/1"/);
    expect(text).toContain('<metadata><time>2024-05-12T06:30:00Z</time></metadata>');
    expect(text).toContain('<trk><type>running</type>');
    expect(text).toContain(
      '<trkpt lat="47.6062" lon="-122.3321"><ele>56.2</ele><time>2024-05-12T06:30:00Z</time><extensions><gpxtpx:TrackPointExtension>' +
        '<gpxtpx:atemp>21</gpxtpx:atemp><gpxtpx:hr>120</gpxtpx:hr><gpxtpx:cad>85</gpxtpx:cad><gpxtpx:speed>2.5</gpxtpx:speed></gpxtpx:TrackPointExtension>' +
        '<gpxpx:PowerInWatts>250</gpxpx:PowerInWatts></extensions></trkpt>',
    );
    expect(text).toContain('<trkpt lat="47.60621" lon="-122.33211"><ele>56.4</ele><time>2024-05-12T06:30:01Z</time>');
    expect(text.match(/<trkseg>/g)).toHaveLength(1);
    expect(text.endsWith('</trkseg>\n</trk>\n</gpx>\n')).toBe(true);
  });

  it('creator is runjson when the source names no device; the sport is the source’s own word; notes go to the track’s desc', () => {
    const { text } = gpxOf(run([{ t: 0, ...P }], { sport: 'cycling', notes: 'easy <& "ride">' }));
    expect(text).toContain('creator="runjson"');
    expect(text).toContain('<trk><desc>easy &lt;&amp; &quot;ride&quot;&gt;</desc><type>cycling</type>');
  });

  it('one trkseg per stretch between pauses', () => {
    const a = run([
      { t: 0, ...P },
      { t: 1000, ...P },
      { t: 60_000, ...P, pause: true },
      { t: 61_000, ...P },
      { t: 200_000, ...P, pause: true },
    ]);
    expect(Array.from(a.pauses)).toEqual([2, 4]);
    const { text } = gpxOf(a);
    expect(text.match(/<trkseg>/g)).toHaveLength(3);
    expect(text.match(/<\/trkseg>/g)).toHaveLength(3);
    const segs = text.split('<trkseg>').slice(1).map((s) => s.match(/<trkpt /g)?.length);
    expect(segs).toEqual([2, 2, 1]);
    expect(Array.from(readBack(toGpx(a)).pauses)).toEqual([2, 4]);
  });

  it('milliseconds are written where a time has them, and only there', () => {
    const { text } = gpxOf(run([{ t: 0, ...P }, { t: 1250, ...P }, { t: 2005, ...P }]));
    expect(text).toContain('<time>2024-05-12T06:30:00Z</time>');
    expect(text).toContain('<time>2024-05-12T06:30:01.250Z</time>');
    expect(text).toContain('<time>2024-05-12T06:30:02.005Z</time>');
  });

  it('writes each value to its stated precision: positions 1e-9°, elevation 1 mm, temperature 0.01 °C, speed 1 mm/s', () => {
    const { text } = gpxOf(run([{ t: 0, latitude: 12.1234567891234, longitude: -0.00000000012, elevation: -12.34567, temperature: 21.456, speed: 3.14159 }]));
    expect(text).toContain('lat="12.123456789" lon="0"');
    expect(text).toContain('<ele>-12.346</ele>');
    expect(text).toContain('<gpxtpx:atemp>21.46</gpxtpx:atemp>');
    expect(text).toContain('<gpxtpx:speed>3.142</gpxtpx:speed>');
    expect(text).not.toMatch(/e[+-]\d/);
  });
});

describe('toGpx: what GPX cannot hold is counted', () => {
  it('refuses a run with no position at all (treadmill) with a typed error, writing nothing', () => {
    const a = run([
      { t: 0, heartRate: 120, distance: 0 },
      { t: 1000, heartRate: 121, distance: 0.003 },
    ]);
    const chunks: Uint8Array[] = [];
    let err: unknown;
    try {
      gpxEncoder.encode(a, {}, (c) => chunks.push(c));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConvertError);
    expect((err as ConvertError).code).toBe(ErrorCode.Unsupported);
    expect((err as ConvertError).message).toMatch(/GPX cannot hold this run: none of its samples has a position/);
    expect(chunks).toEqual([]);
    // A position column of NaN only is no better.
    const b = run([{ t: 0, latitude: NaN, longitude: NaN, heartRate: 100 }, { t: 1000, latitude: 1, heartRate: 100 }]);
    expect(() => toGpx(b)).toThrow(expect.objectContaining({ code: ErrorCode.Unsupported }) as Error);
  });

  it('samples without a position are left out and counted; a pause before one moves to the next point written', () => {
    const a = run([
      { t: 0, ...P, heartRate: 100 },
      { t: 1000, heartRate: 101 },
      { t: 2000, ...P, heartRate: 102 },
      { t: 90_000, heartRate: 103, pause: true },
      { t: 91_000, heartRate: 104 },
      { t: 92_000, ...P, heartRate: 105 },
    ]);
    const { text, warnings, bytes } = gpxOf(a);
    expect(count(warnings, 'samples-without-position')).toBe(3);
    expect(text.match(/<trkpt /g)).toHaveLength(3);
    expect(text.match(/<trkseg>/g)).toHaveLength(2);
    const b = readBack(bytes);
    expect(Array.from(b.time)).toEqual([a.time[0], a.time[2], a.time[5]]);
    expect(Array.from(b.series.heartRate ?? [])).toEqual([100, 102, 105]);
    expect(Array.from(b.pauses)).toEqual([2]);
  });

  it('heart rate 0 or past 255, cadence past 254 and readings no sensor gives are left out, fractions rounded, each counted', () => {
    const a = run([
      { t: 0, ...P, heartRate: 0, cadence: 85.5078125, power: 250.4 },
      { t: 1000, ...P, heartRate: 300, cadence: 255, power: -3 },
      { t: 2000, ...P, heartRate: 140.6, cadence: 0, power: 70_000 },
      { t: 3000, ...P, elevation: 2e21, speed: -1, temperature: 5000 },
    ]);
    const { text, warnings } = gpxOf(a);
    expect(count(warnings, 'out-of-format-range')).toBe(5 + 3);
    expect(text).toContain('<time>2024-05-12T06:30:03Z</time></trkpt>'); // elevation 2e21 would need an exponent: not written
    expect(count(warnings, 'rounded-to-format')).toBe(3);
    expect(text).not.toContain('<gpxtpx:hr>0<');
    expect(text).toContain('<gpxtpx:hr>141</gpxtpx:hr><gpxtpx:cad>0</gpxtpx:cad>');
    expect(text).toContain('<gpxtpx:cad>86</gpxtpx:cad></gpxtpx:TrackPointExtension><gpxpx:PowerInWatts>250</gpxpx:PowerInWatts>');
    // The middle point has no value GPX can hold: no <extensions> at all.
    expect(text).toContain('<time>2024-05-12T06:30:01Z</time></trkpt>');
  });

  it('distance values, laps and the run’s fields GPX has no element for are counted', () => {
    const a = run(
      [
        { t: 0, ...P, distance: 0 },
        { t: 1000, ...P, distance: 0.003 },
        { t: 2000, distance: 0.006 },
        { t: 3000, ...P, distance: 0.009 },
      ],
      { howFelt: 'great', terrain: 'trail', externalId: 'x1' },
      [1, 3],
    );
    expect(a.laps.length).toBe(2);
    const { warnings, text } = gpxOf(a);
    expect(count(warnings, 'not-carried')).toBe(3 + 3); // three written points' distance, three fields
    expect(count(warnings, 'laps-not-carried')).toBe(2);
    expect(text).not.toMatch(/distance|howFelt|great|trail|x1/);
    // A run of one lap loses nothing by having none.
    expect(count(gpxOf(run([{ t: 0, ...P }])).warnings, 'laps-not-carried')).toBe(0);
  });

  it('nothing to count, no warning; strict turns a count into an error before a byte is written', () => {
    expect(gpxOf(run([{ t: 0, ...P, heartRate: 120 }])).warnings).toEqual([]);
    // The counts are complete before anything is written: strict refuses the run with the sink untouched.
    const strict = new Report(true);
    const chunks: Uint8Array[] = [];
    expect(() => gpxEncoder.encode(run([{ t: 0, ...P }, { t: 1000, heartRate: 100 }]), { report: strict }, (c) => chunks.push(c))).toThrow(
      expect.objectContaining({ code: ErrorCode.Strict }) as Error,
    );
    expect(chunks).toEqual([]);
  });
});

describe('toGpx: Activity JSON without clock', () => {
  it('writes start + duration as the times (pauses of no length), the pauses still as segments', () => {
    const doc = {
      startDateTimeLocal: '2024-05-12T08:30:00',
      distance: 0.01,
      duration: 3,
      recordingKeys: ['duration', 'latitude', 'longitude'],
      recordingValues: [
        [0, 1, 1, 3],
        [47.1, 47.1001, 47.1002, 47.1003],
        [8.1, 8.1001, 8.1002, 8.1003],
      ],
      pauseIndexes: [2],
    };
    const [c] = convertSync(new TextEncoder().encode(JSON.stringify(doc)), { timeZone: 'UTC' }).activities;
    expect(c.activity.hasClock).toBe(false);
    const { text, bytes } = gpxOf(c.activity);
    expect([...text.matchAll(/<time>([^<]+)<\/time>/g)].map((m) => m[1]).slice(1)).toEqual([
      '2024-05-12T08:30:00Z',
      '2024-05-12T08:30:01Z',
      '2024-05-12T08:30:01Z',
      '2024-05-12T08:30:03Z',
    ]);
    expect(text.match(/<trkseg>/g)).toHaveLength(2);
    const b = readBack(bytes);
    expect(Array.from(b.pauses)).toEqual([2]);
    expect(Array.from(b.duration)).toEqual([0, 1, 1, 3]);
  });
});

describe('toGpx: chunks', () => {
  it('hands out chunks of the set size that join to the whole document, the same for any chunk size', () => {
    const samples = Array.from({ length: 3000 }, (_, i) => ({ t: i * 1000, latitude: 47 + i * 1e-5, longitude: 8 + i * 1e-5, heartRate: 120 + (i % 40), pause: i === 1500 }));
    const a = run(samples);
    const whole = toGpx(a);
    for (const size of [1, 100, 4096, 1 << 20]) {
      const chunks: Uint8Array[] = [];
      writeGpx(a, (c) => chunks.push(c.slice()), size);
      if (size === 4096) {
        expect(chunks.length).toBeGreaterThan(10);
        for (const c of chunks.slice(0, -1)) expect(c.length).toBeLessThan(4096 + 1024);
      }
      expect(Buffer.concat(chunks).equals(Buffer.from(whole))).toBe(true);
    }
  });
});

describe('toGpx through the registry, the result and the command', () => {
  const fixture = join(FIXTURES, 'fit', 'fenix2-run.fit');

  it('the registry knows gpx; toGpx is exported', () => {
    expect(isTargetFormat('gpx')).toBe(true);
    const e = encoderFor('gpx');
    expect(e).toBe(gpxEncoder);
    expect(e).toBeInstanceOf(GpxEncoder);
    expect([e.format, e.extension, e.mediaType]).toEqual(['gpx', 'gpx', 'application/gpx+xml']);
    expect(toGpxPublic).toBe(toGpx);
  });

  it('ConvertedActivity.toBytes("gpx") is toGpx of the activity', () => {
    const [c] = convertSync(readFileSync(fixture)).activities;
    const bytes = c.toBytes('gpx');
    expect(Buffer.from(bytes).equals(Buffer.from(toGpx(c.activity)))).toBe(true);
    expect(new TextDecoder().decode(bytes)).toMatch(/<gpx version="1.1"/);
  });

  it('runjson convert --to gpx writes the GPX to stdout; a treadmill run fails with the reason', async () => {
    const r = await runCli(['convert', fixture, '--to', 'gpx']);
    expect(r.code).toBe(0);
    const [c] = convertSync(readFileSync(fixture)).activities;
    expect(r.stdout).toBe(new TextDecoder().decode(toGpx(c.activity)));
    const tcx = join(FIXTURES, 'tcx', 'crafted-treadmill-two-leg-cadence.tcx');
    const t = await runCli(['convert', tcx, '--to', 'gpx']);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/unsupported: GPX cannot hold this run/);
  });
});
