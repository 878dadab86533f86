/**
 * The spec's v4 rules on FIT input, on files written by hand (each holds exactly the case): a session that
 * says nothing of its start, the "no altitude" placeholder, latitudes beyond ±90°, a distance glitch, a
 * sensor that stops before the end, and a device whose clock zone was never set.
 */
import { describe, expect, it } from 'vitest';
import { convertSync, validate, type ConvertOptions } from '../../../src/index.js';
import { fitFile, intBytes } from '../../helpers/fit-bytes.js';

/** 2021-09-08T01:46:40Z in FIT seconds. */
const T0 = 1_000_000_000;
const semi = (deg: number): number => Math.round((deg * 2 ** 31) / 180);

interface Rec {
  lat?: number;
  lon?: number;
  /** Raw altitude (m × 5 + 2500); 0 is the placeholder. */
  altRaw?: number;
  /** Metres. */
  dist?: number;
  hr?: number;
}

/** A FIT activity: file_id, records at 1 Hz from T0, a session (fields given), and an activity message. */
function fitRun(records: Rec[], session: { startTime?: boolean; timestamp?: boolean; elapsed?: boolean } | null, localOffsetS: number | null): Uint8Array {
  const out: number[] = [];
  const int = (v: number, size: number): void => void out.push(...intBytes(v >>> 0 === v || v >= 0 ? v : v + 2 ** (8 * size), size, false));
  const def = (local: number, global: number, fields: [number, number, number][]): void => {
    out.push(0x40 | local, 0, 0, global & 0xff, global >> 8, fields.length);
    for (const f of fields) out.push(...f);
  };
  // file_id: type activity, manufacturer garmin, serial, time_created.
  def(0, 0, [[0, 1, 0x00], [1, 2, 0x84], [3, 4, 0x8c], [4, 4, 0x86]]);
  out.push(0);
  int(4, 1);
  int(1, 2);
  int(4242, 4);
  int(T0, 4);
  // records: timestamp, lat, lon, altitude, distance (cm), heart rate.
  def(1, 20, [[253, 4, 0x86], [0, 4, 0x85], [1, 4, 0x85], [2, 2, 0x84], [5, 4, 0x86], [3, 1, 0x02]]);
  records.forEach((r, i) => {
    out.push(1);
    int(T0 + i, 4);
    int(r.lat === undefined ? 0x7fffffff : semi(r.lat), 4);
    int(r.lon === undefined ? 0x7fffffff : semi(r.lon), 4);
    int(r.altRaw ?? 0xffff, 2);
    int(r.dist === undefined ? 0xffffffff : Math.round(r.dist * 100), 4);
    int(r.hr ?? 0xff, 1);
  });
  // session (null: none, as when the watch died): sport running, and only the time fields asked for.
  const end = T0 + records.length - 1;
  if (session !== null) {
    const fields: [number, number, number][] = [[5, 1, 0x00]];
    if (session.timestamp) fields.push([253, 4, 0x86]);
    if (session.startTime) fields.push([2, 4, 0x86]);
    if (session.elapsed) fields.push([7, 4, 0x86]);
    def(2, 18, fields);
    out.push(2);
    int(1, 1);
    if (session.timestamp) int(end, 4);
    if (session.startTime) int(T0, 4);
    if (session.elapsed) int((records.length - 1) * 1000, 4);
  }
  if (localOffsetS !== null) {
    def(3, 34, [[253, 4, 0x86], [5, 4, 0x86]]);
    out.push(3);
    int(end, 4);
    int(end + localOffsetS, 4);
  }
  return fitFile(out);
}

const PRAGUE = { lat: 50.08, lon: 14.43 };
const walk = (n: number, f: (i: number) => Rec = () => ({})): Rec[] =>
  Array.from({ length: n }, (_, i) => ({ lat: PRAGUE.lat + i * 1e-5, lon: PRAGUE.lon, altRaw: 2500 + 5 * 200, dist: i * 3, hr: 140, ...f(i) }));

function run(bytes: Uint8Array, options: ConvertOptions = {}) {
  const r = convertSync(bytes, options);
  const doc = r.activities[0].toObject();
  expect(validate(doc)).toEqual([]);
  const count = (code: string): number | undefined => r.warnings.find((w) => w.code === code)?.count;
  const series = (key: string): (number | null)[] => doc.recordingValues[doc.recordingKeys.indexOf(key as never)];
  return { r, doc, count, series };
}

describe('FIT and the v4 rules', () => {
  it('a session with no start_time, timestamp or elapsed time starts at its first record', () => {
    const bytes = fitRun(walk(20), {}, null);
    const { doc } = run(bytes);
    expect(doc.startDateTimeLocal).toBe('2021-09-08T03:46:40.000+02:00');
    // Without positions, with a timeZone option, and without both: no crash, no false "unknown zone".
    const noPos = fitRun(walk(20, () => ({ lat: undefined, lon: undefined })), {}, null);
    expect(run(noPos, { timeZone: 'Europe/Paris' }).doc.startDateTimeLocal).toBe('2021-09-08T03:46:40.000+02:00');
    const utc = run(noPos);
    expect(utc.doc.startDateTimeLocal).toBe('2021-09-08T01:46:40.000+00:00');
    expect(utc.count('time-zone-unknown')).toBe(1);
  });

  it("reads the altitude placeholder (raw 0, −500 m) as missing, and counts it", () => {
    const { series, count } = run(fitRun(walk(10, (i) => (i % 3 === 0 ? { altRaw: 0 } : {})), { startTime: true }, null));
    expect(series('elevation')).toEqual([null, 200, 200, null, 200, 200, null, 200, 200, null]);
    expect(count('altitude-placeholder')).toBe(4);
  });

  it('leaves out latitudes beyond ±90° and half positions, counted', () => {
    const { series, count } = run(fitRun(walk(6, (i) => (i === 2 ? { lat: 179 } : i === 4 ? { lon: undefined } : {})), { startTime: true }, null));
    expect(series('latitude')[2]).toBeNull();
    expect(series('longitude')[2]).toBeNull();
    expect(series('latitude')[4]).toBeNull();
    expect(count('position-out-of-range')).toBe(2);
  });

  it('nulls the fewest distance readings that make it non-decreasing (a glitch: 155 → 352 → 173 m)', () => {
    const d = [150, 155, 352, 173, 180, 190, 200];
    const { series, doc, count } = run(fitRun(walk(d.length, (i) => ({ dist: d[i] })), { startTime: true }, null));
    expect(series('distance')).toEqual([0.15, 0.155, null, 0.173, 0.18, 0.19, 0.2]);
    expect(count('distance-backwards')).toBe(1);
    expect(doc.distance).toBe(0.2);
  });

  it('carries the last distance reading over the samples after it, counted, so the summary is the last recording', () => {
    const { series, doc, count } = run(fitRun(walk(8, (i) => (i >= 5 ? { dist: undefined } : {})), { startTime: true }, null));
    expect(series('distance')).toEqual([0, 0.003, 0.006, 0.009, 0.012, 0.012, 0.012, 0.012]);
    expect(count('distance-carried')).toBe(3);
    expect(doc.distance).toBe(0.012);
  });

  it("takes the offset from the run's position over the device's own (0: a clock zone never set), and says so", () => {
    const { doc, count, r } = run(fitRun(walk(10), { startTime: true }, 0));
    expect(doc.startDateTimeLocal).toBe('2021-09-08T03:46:40.000+02:00');
    expect(count('offset-disagrees')).toBe(1);
    expect(r.warnings.find((w) => w.code === 'offset-disagrees')?.message).toContain('Europe/Prague');
    // Without positions, the device's own offset is used.
    const own = run(fitRun(walk(10, () => ({ lat: undefined, lon: undefined })), { startTime: true }, 3600));
    expect(own.doc.startDateTimeLocal).toBe('2021-09-08T02:46:40.000+01:00');
    expect(own.count('offset-disagrees')).toBeUndefined();
  });

  it('a run faster than the 5000 m world record over 5 km: refused when the sport was assumed, a warning when the file says running', () => {
    // 10 m/s for 12 minutes: 5 km in 8:20.
    const fast = walk(720, (i) => ({ dist: i * 10, lat: PRAGUE.lat + i * 9e-5 }));
    const assumed = fitRun(fast, null, null);
    let caught: unknown;
    try {
      convertSync(assumed);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'not-running', format: 'fit' });
    expect(String((caught as Error).message)).toMatch(/5 km in 8:20, faster than the 5000 m world record \(12:35\)/);
    const said = run(fitRun(fast, { startTime: true }, null));
    expect(said.count('implausible-speed')).toBe(1);
    // Told to take every sport, the assumed run is converted (as a run, with the warning).
    expect(run(assumed, { sports: 'all' }).count('implausible-speed')).toBe(1);
    // At a runner's pace (4 m/s) nothing is said.
    expect(run(fitRun(walk(1500, (i) => ({ dist: i * 4 })), null, null)).count('implausible-speed')).toBeUndefined();
  });
});
