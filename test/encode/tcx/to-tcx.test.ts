/**
 * The TCX encoder on runs built for each rule: laps and their figures, a new Track after a pause, values
 * TCX cannot hold (left out and counted), the device, other sports, chunks; its place in the registry,
 * `ConvertedActivity.toBytes('tcx')` and `runjson convert --to tcx`; and generated runs validating against
 * the published schemas.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Activity, emptyMeta, type Intensity, type LapTrigger } from '../../../src/core/activity.js';
import { ActivityBuilder } from '../../../src/core/builder.js';
import { ErrorCode, Report } from '../../../src/core/errors.js';
import { type SeriesKey } from '../../../src/core/series.js';
import { encoderFor, TARGET_FORMATS } from '../../../src/encode/registry.js';
import { toTcx } from '../../../src/encode/tcx/to-tcx.js';
import { convertSync, toTcx as exportedToTcx } from '../../../src/index.js';
import { activityArb } from '../../helpers/arbitrary.js';
import { requireBuild, runBuilt } from '../../helpers/built.js';
import { runCli } from '../../helpers/cli-io.js';
import { makeActivityJson } from '../../helpers/make-activity.js';
import { skipWithout } from '../../helpers/tools.js';
import { readTcx, writeTcx, xmllintErrors } from './helpers.js';

const T0 = Date.UTC(2024, 4, 1, 6, 30, 0);

interface Sample {
  t: number;
  values?: Partial<Record<SeriesKey, number>>;
  pause?: boolean;
}

/** A run from samples (`t` in ms after T0), laps ending at the given indexes. */
function run(samples: Sample[], laps: { end: number; trigger?: LapTrigger; intensity?: Intensity }[] = [], sport = 'running'): Activity {
  const b = new ActivityBuilder(samples.length);
  for (const s of samples) {
    if (s.pause === true) b.pause();
    const i = b.add(T0 + s.t);
    for (const [k, v] of Object.entries(s.values ?? {})) b.set(k as SeriesKey, i, v);
  }
  for (const l of laps) b.lap(l.trigger ?? 'manual', l.intensity ?? 'active', l.end);
  return b.finish(emptyMeta('fit', sport), new Report(), { startTime: T0 });
}

/** n samples 1 s apart, 3 m each, with heart rate and cadence. */
function steady(n: number, pauseAt: number[] = []): Sample[] {
  const out: Sample[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    if (pauseAt.includes(i)) t += 60_000;
    out.push({ t, pause: pauseAt.includes(i), values: { distance: i * 0.003, latitude: 45 + i * 1e-5, longitude: 7, heartRate: 140, cadence: 85.5 } });
    t += 1000;
  }
  return out;
}

const count = (xml: string, re: RegExp): number => xml.match(re)?.length ?? 0;

describe('laps, tracks and trackpoints', () => {
  it('one Lap per lap with its figures, a new Track after a pause inside a lap', () => {
    const a = run(steady(10, [3]), [
      { end: 5, intensity: 'active', trigger: 'distance' },
      { end: 9, intensity: 'rest' },
    ]);
    const { xml, warnings } = writeTcx(a);
    expect(count(xml, /<Lap /g)).toBe(2);
    expect(count(xml, /<Track>/g)).toBe(3); // lap 1: before and after the pause; lap 2: one
    const laps = xml.split('<Lap ').slice(1);
    // Lap 1: samples 0–5, a 60 s pause before sample 3 (the interval across it is not timer time): 4 s.
    expect(laps[0]).toMatch(/^StartTime="2024-05-01T06:30:00Z">\n<TotalTimeSeconds>4<\/TotalTimeSeconds>\n<DistanceMeters>15<\/DistanceMeters>\n/);
    expect(laps[0]).toMatch(/<Calories>0<\/Calories>\n<AverageHeartRateBpm><Value>140<\/Value><\/AverageHeartRateBpm>\n<MaximumHeartRateBpm><Value>140<\/Value><\/MaximumHeartRateBpm>\n<Intensity>Active<\/Intensity>\n<TriggerMethod>Distance<\/TriggerMethod>/);
    expect(laps[0]).toMatch(/<Extensions><ns3:LX><ns3:AvgSpeed>3.75<\/ns3:AvgSpeed><ns3:AvgRunCadence>86<\/ns3:AvgRunCadence><ns3:MaxRunCadence>86<\/ns3:MaxRunCadence><\/ns3:LX><\/Extensions>/);
    // Lap 2 starts at the instant of lap 1's last sample (06:31:05) and holds samples 6–9: 4 s.
    expect(laps[1]).toMatch(/^StartTime="2024-05-01T06:31:05Z">\n<TotalTimeSeconds>4<\/TotalTimeSeconds>\n<DistanceMeters>12<\/DistanceMeters>\n/);
    expect(laps[1]).toMatch(/<Intensity>Resting<\/Intensity>\n<TriggerMethod>Manual<\/TriggerMethod>/);
    expect(xml).toContain(
      '<Trackpoint><Time>2024-05-01T06:30:00Z</Time><Position><LatitudeDegrees>45</LatitudeDegrees><LongitudeDegrees>7</LongitudeDegrees></Position><DistanceMeters>0</DistanceMeters><HeartRateBpm><Value>140</Value></HeartRateBpm><Extensions><ns3:TPX><ns3:RunCadence>86</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint>',
    );
    expect(warnings).toEqual([expect.objectContaining({ code: 'rounded-to-format', count: 10 })]); // cadence 85.5
    const b = readTcx(toTcx(a));
    expect(Array.from(b.pauses)).toEqual([3]);
    expect(b.laps.map((l) => [l.by, l.end, l.type])).toEqual([
      ['distance', 15, 'interval'],
      ['duration', 8, 'recovery'],
    ]);
  });

  it('a run with no laps is one lap (TCX needs one); milliseconds are written when the clock has them', () => {
    const a = run([{ t: 0 }, { t: 1250 }, { t: 2500 }]);
    const { xml } = writeTcx(a);
    expect(count(xml, /<Lap /g)).toBe(1);
    expect(xml).toContain('<Time>2024-05-01T06:30:01.250Z</Time>');
    expect(xml).toContain('<TotalTimeSeconds>2.5</TotalTimeSeconds>');
    expect(xml).toContain('<TriggerMethod>Manual</TriggerMethod>');
  });

  it('a pause at a lap start has no Track to mark it: noted, and found back by the gap rule when it is long', () => {
    const a = run(steady(8, [4]), [{ end: 3 }, { end: 7 }]);
    const { xml, warnings } = writeTcx(a);
    expect(count(xml, /<Track>/g)).toBe(2);
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'pause-at-lap-start', count: 1 }));
    // The lap's StartTime is the instant before the pause: its elapsed time holds the pause.
    expect(xml).toContain('<Lap StartTime="2024-05-01T06:30:03Z">\n<TotalTimeSeconds>3</TotalTimeSeconds>');
    expect(Array.from(readTcx(toTcx(a)).pauses)).toEqual([4]);
  });

  it('distance to the millimetre, positions and altitude as they are', () => {
    const a = run([
      { t: 0, values: { distance: 0.0123456789, latitude: -33.123456789012, longitude: 151.98765432101, elevation: 12.399999999999977 } },
      { t: 1000, values: { distance: 1.23456, elevation: -3.2 } },
    ]);
    const { xml } = writeTcx(a);
    expect(xml).toContain('<LatitudeDegrees>-33.123456789012</LatitudeDegrees><LongitudeDegrees>151.98765432101</LongitudeDegrees>');
    expect(xml).toContain('<AltitudeMeters>12.399999999999977</AltitudeMeters><DistanceMeters>12.346</DistanceMeters>');
    expect(xml).toContain('<AltitudeMeters>-3.2</AltitudeMeters><DistanceMeters>1234.56</DistanceMeters>');
    expect(readTcx(toTcx(a)).series.distance?.[1]).toBe(1.23456);
  });
});

describe('values TCX cannot hold', () => {
  it('are left out and counted: heart rate 0 or over 255, cadence over 254, power out of range, temperature', () => {
    const a = run([
      { t: 0, values: { heartRate: 0, cadence: 300, power: -3, temperature: 20 } },
      { t: 1000, values: { heartRate: 256, cadence: 254, power: 70000, temperature: 21 } },
      { t: 2000, values: { heartRate: 0.4, cadence: 90.4, power: 250.6 } },
      { t: 3000, values: { heartRate: 150.6, speed: 3.25 } },
    ]);
    const { xml, warnings } = writeTcx(a);
    expect(count(xml, /<HeartRateBpm>/g)).toBe(1);
    expect(xml).toContain('<HeartRateBpm><Value>151</Value></HeartRateBpm>');
    expect(xml).toContain('<ns3:TPX><ns3:RunCadence>254</ns3:RunCadence></ns3:TPX>');
    expect(xml).toContain('<ns3:TPX><ns3:RunCadence>90</ns3:RunCadence><ns3:Watts>251</ns3:Watts></ns3:TPX>');
    expect(xml).toContain('<ns3:TPX><ns3:Speed>3.25</ns3:Speed></ns3:TPX>');
    expect(xml).not.toMatch(/Temperature|<ns3:Watts>(-3|70000)</);
    const counts = Object.fromEntries(warnings.map((w) => [w.code, w.count]));
    expect(counts).toEqual({ 'not-carried': 2, 'out-of-format-range': 3 + 1 + 2, 'rounded-to-format': 3 });
  });

  it('longitude 180° is written −180°, the same meridian (the schema excludes 180)', () => {
    const a = run([{ t: 0, values: { latitude: 10, longitude: 180 } }]);
    const { xml, warnings } = writeTcx(a);
    expect(xml).toContain('<LongitudeDegrees>-180</LongitudeDegrees>');
    expect(warnings).toEqual([expect.objectContaining({ code: 'longitude-wrapped', count: 1 })]);
  });

  it('Activity JSON fields with no place in TCX are counted; notes go to the Activity', () => {
    const a = run([{ t: 0, values: { distance: 0 } }]);
    Object.assign(a.meta, { notes: 'Easy <run> & "hills"', howFelt: 'great', terrain: 'trail', externalId: 'x1', deviceType: 'Other' });
    const { xml, warnings } = writeTcx(a);
    expect(xml).toContain('<Notes>Easy &lt;run&gt; &amp; &quot;hills&quot;</Notes>');
    expect(warnings).toEqual([expect.objectContaining({ code: 'not-carried', count: 4 })]);
    expect(readTcx(toTcx(a)).meta.notes).toBe('Easy <run> & "hills"');
  });

  it('a strict report refuses a value left out (code strict), and lets a note pass', () => {
    expect(() => toTcx(run([{ t: 0, values: { heartRate: 0 } }]), { report: new Report(true) })).toThrow(expect.objectContaining({ code: ErrorCode.Strict }));
    const noted = run(steady(8, [4]), [{ end: 3 }, { end: 7 }]);
    noted.series.cadence = null;
    expect(() => toTcx(noted, { report: new Report(true) })).not.toThrow();
  });

  it('a run without samples is refused', () => {
    const a = run([]);
    expect(() => toTcx(a)).toThrow(expect.objectContaining({ code: ErrorCode.NoSamples }));
  });
});

describe('device and sport', () => {
  it('Creator is a Device_t with the device name and the app version', () => {
    const a = run([{ t: 0, values: { distance: 0 } }]);
    Object.assign(a.meta, { device: 'Garmin Forerunner 945', appVersion: '20.04' });
    const { xml } = writeTcx(a);
    expect(xml).toContain(
      '<Creator xsi:type="Device_t"><Name>Garmin Forerunner 945</Name><UnitId>0</UnitId><ProductID>0</ProductID><Version><VersionMajor>20</VersionMajor><VersionMinor>4</VersionMinor></Version></Creator>',
    );
    const b = readTcx(toTcx(a));
    expect([b.meta.device, b.meta.deviceType, b.meta.appVersion]).toEqual(['Garmin Forerunner 945', 'Other', '20.4']);
  });

  it('a ride is Biking with its cadence on the Trackpoint; another sport is Other, counted', () => {
    const ride = run([{ t: 0, values: { cadence: 88 } }, { t: 1000, values: { cadence: 90 } }], [], 'cycling');
    const { xml } = writeTcx(ride);
    expect(xml).toContain('<Activity Sport="Biking">');
    expect(xml).toContain('<Time>2024-05-01T06:30:00Z</Time><Cadence>88</Cadence></Trackpoint>');
    expect(xml).toContain('<Cadence>90</Cadence>\n<TriggerMethod>'); // duration-weighted: the first sample weighs 0 s
    expect(xml).toContain('<ns3:MaxBikeCadence>90</ns3:MaxBikeCadence>');
    expect(xml).not.toContain('RunCadence');
    const walk = writeTcx(run([{ t: 0 }], [], 'walking'));
    expect(walk.xml).toContain('<Activity Sport="Other">');
    expect(walk.warnings).toEqual([expect.objectContaining({ code: 'not-carried', count: 1 })]);
  });
});

describe('chunks', () => {
  it('a long run goes out in several chunks whose concatenation is the file', () => {
    const a = run(steady(5000, [1000, 4000]), [{ end: 2499 }, { end: 4999 }]);
    const chunks: Uint8Array[] = [];
    encoderFor('tcx').encode(a, {}, (c) => chunks.push(c.slice()));
    expect(chunks.length).toBeGreaterThan(5);
    expect(Buffer.concat(chunks).equals(toTcx(a))).toBe(true); // (toEqual on a megabyte compares byte by byte, slowly)
  });
});

describe.skipIf(skipWithout('xmllint'))('generated runs validate (xmllint --schema, TCX v2 + ActivityExtension v2)', () => {
  it('60 generated runs and the runs of this file', () => {
    const runs = fc.sample(activityArb(80), { numRuns: 60, seed: 15 });
    runs.push(
      run(steady(10, [3]), [{ end: 5, trigger: 'distance' }, { end: 9, intensity: 'rest' }]),
      run([{ t: 0, values: { latitude: 10, longitude: 180, heartRate: 0, cadence: 300, power: 70000 } }]),
      run([{ t: 0, values: { cadence: 88 } }], [], 'cycling'),
    );
    runs[runs.length - 1].meta.device = 'Edge <530> & co';
    expect(xmllintErrors(runs.map((a) => writeTcx(a).xml))).toEqual([]);
  });
});

describe('through the registry, ConvertedActivity and the CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runjson-tcx-cli-'));
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'run.json'), makeActivityJson({ seed: 1 }));
    writeFileSync(join(dir, 'in', 'two.json'), `[${makeActivityJson({ seed: 2 })},${makeActivityJson({ seed: 3 })}]`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the registry has tcx; toBytes(\'tcx\') is toTcx of the activity; toTcx is exported', () => {
    expect(TARGET_FORMATS).toContain('tcx');
    expect(encoderFor('tcx')).toMatchObject({ format: 'tcx', extension: 'tcx', mediaType: 'application/vnd.garmin.tcx+xml' });
    const [c] = convertSync(readFileSync(join(dir, 'in', 'run.json'))).activities;
    expect(Buffer.from(c.toBytes('tcx')).equals(toTcx(c.activity))).toBe(true);
    expect(exportedToTcx).toBe(toTcx);
  });

  it('runjson convert --to tcx: one file to stdout', async () => {
    const one = await runCli(['convert', join(dir, 'in', 'run.json'), '--to', 'tcx']);
    expect(one.code).toBe(0);
    const [c] = convertSync(readFileSync(join(dir, 'in', 'run.json'))).activities;
    expect(one.stdout).toBe(new TextDecoder().decode(toTcx(c.activity)));
  });

  // A folder runs in worker threads, which load the built runjson (dist/: `npm test` builds first).
  it('runjson convert DIR --to tcx -o OUT: one .tcx per activity (the built command)', async () => {
    requireBuild();
    const out = join(dir, 'out');
    const all = await runBuilt(['convert', join(dir, 'in'), '--to', 'tcx', '-o', out]);
    expect(all.code, all.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['run.tcx', 'two-1.tcx', 'two-2.tcx']);
    expect(readTcx(readFileSync(join(out, 'two-2.tcx'))).length).toBe(600);
  }, 20_000);
});
