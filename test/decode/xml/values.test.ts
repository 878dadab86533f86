/**
 * Values a run cannot have: times outside 1970–2099, half positions, numbers beyond a double's range. Each
 * is left out and counted; none reaches the series, the summary or `validate`.
 */
import { describe, expect, it } from 'vitest';
import { convertSync, validate } from '../../../src/index.js';
import { TextValues, timeInRange } from '../../../src/decode/xml/numbers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const count = (r: { warnings: { code: string; count: number }[] }, code: string): number | undefined =>
  r.warnings.find((w) => w.code === code)?.count;

const gpx = (points: string): string =>
  `<?xml version="1.0"?>\n<gpx version="1.1" creator="t"><trk><type>running</type><trkseg>\n${points}</trkseg></trk></gpx>\n`;
const pt = (s: number, inner = '', attrs = `lat="45.${1000 + s}" lon="5"`): string =>
  `<trkpt ${attrs}><time>2020-01-01T10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}Z</time>${inner}</trkpt>\n`;
const ten = (inner: (s: number) => string = () => ''): string => Array.from({ length: 10 }, (_, i) => pt(i * 10, inner(i))).join('');

describe('times outside 1970–2099', () => {
  it('timeInRange: 1970-01-01T00:00Z through 2099-12-31T23:59:59.999Z', () => {
    expect(timeInRange(0)).toBe(true);
    expect(timeInRange(-1)).toBe(false);
    expect(timeInRange(Date.UTC(2099, 11, 31, 23, 59, 59, 999))).toBe(true);
    expect(timeInRange(Date.UTC(2100, 0, 1))).toBe(false);
  });

  it('trackpoints in year 0000, 1969, 2100 or 9999 are left out and counted as time-out-of-range, not no-time', () => {
    const bad = ['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2100-01-01T00:00:00Z', '9999-12-31T23:59:59Z'];
    const points = `<trkpt lat="45" lon="5"><time>${bad[0]}</time></trkpt>\n${ten()}${bad
      .slice(1)
      .map((t) => `<trkpt lat="45" lon="5"><time>${t}</time></trkpt>\n`)
      .join('')}`;
    const r = convertSync(enc(gpx(points)));
    const a = r.activities[0];
    expect(a.activity.length).toBe(10);
    expect(a.activity.time[0]).toBe(Date.UTC(2020, 0, 1, 10));
    expect(a.toObject().startDateTimeLocal.startsWith('2020-01-01T')).toBe(true);
    expect(count(r, 'time-out-of-range')).toBe(4);
    expect(count(r, 'no-time')).toBeUndefined();
    expect(count(r, 'time-backwards')).toBeUndefined();
  });

  it('a TCX lap StartTime in year 0000 is ignored like a missing one (the run starts at its first trackpoint)', () => {
    const tcx = (start: string): string =>
      `<?xml version="1.0"?>\n<TrainingCenterDatabase><Activities><Activity Sport="Running"><Id>x</Id><Lap StartTime="${start}"><Track>` +
      [0, 10, 20].map((s) => `<Trackpoint><Time>2020-01-01T10:00:${String(s).padStart(2, '0')}Z</Time><DistanceMeters>${s * 3}</DistanceMeters></Trackpoint>`).join('') +
      '</Track></Lap></Activity></Activities></TrainingCenterDatabase>';
    const r = convertSync(enc(tcx('0000-01-01T00:00:00Z')), { timeZone: 'UTC' });
    const o = r.activities[0].toObject();
    expect(o.startDateTimeLocal).toBe('2020-01-01T10:00:00.000+00:00');
    expect(o.duration).toBe(20);
    expect(count(r, 'time-out-of-range')).toBe(1);
    // A StartTime a little before the first trackpoint still says when the run started.
    expect(convertSync(enc(tcx('2020-01-01T09:59:58Z')), { timeZone: 'UTC' }).activities[0].toObject().duration).toBe(22);
  });
});

describe('positions', () => {
  it('only one of lat/lon, or out of range: no position, counted as position-out-of-range', () => {
    const points =
      ten() +
      pt(100, '', 'lat="45.2"') +
      pt(110, '', 'lon="5"') +
      pt(120, '', 'lat="91" lon="5"') +
      pt(130, '', 'lat="45.2" lon="-181"');
    const r = convertSync(enc(gpx(points)));
    const lat = r.activities[0].activity.series.latitude as Float64Array;
    const lon = r.activities[0].activity.series.longitude as Float64Array;
    expect(r.activities[0].activity.length).toBe(14);
    for (let i = 10; i < 14; i++) expect([lat[i], lon[i]]).toEqual([NaN, NaN]);
    expect(count(r, 'position-out-of-range')).toBe(4);
  });
});

describe('numbers beyond a double (1e999 → Infinity)', () => {
  it('TextValues keeps an infinity as one (for the collector to count), garbage as NaN', () => {
    const v = new TextValues();
    expect(v.num('1e999')).toBe(Infinity);
    expect(v.num('-1e999')).toBe(-Infinity);
    expect(v.km('1e999')).toBe(Infinity);
    expect(v.num('abc')).toBeNaN();
    expect(v.num('')).toBeNaN();
    expect(v.bad).toBe(1);
  });

  it('in any series: left out and counted as not-finite; the series, summary and validate() never see Infinity', () => {
    const ext = (s: number): string =>
      s === 3
        ? '<ele>1e999</ele><extensions><hr>1e999</hr><cad>-1e999</cad><atemp>1e999</atemp><speed>1e999</speed><power>1e999</power><distance>1e999</distance></extensions>'
        : `<ele>${100 + s}</ele><extensions><hr>150</hr><cad>85</cad><atemp>20</atemp><distance>${s * 30}</distance></extensions>`;
    const points = ten(ext) + pt(100, '', 'lat="1e999" lon="5"');
    const r = convertSync(enc(gpx(points)), { includePower: true });
    const a = r.activities[0];
    expect(a.activity.length).toBe(11);
    expect(count(r, 'not-finite')).toBe(8);
    expect(count(r, 'bad-number')).toBeUndefined();
    expect(count(r, 'position-out-of-range')).toBeUndefined();
    for (const [key, col] of Object.entries(a.activity.series)) {
      if (col === null) continue;
      for (const v of col) expect(v === v ? Number.isFinite(v) : true, key).toBe(true);
    }
    expect(a.activity.series.latitude?.[10]).toBeNaN();
    expect(a.activity.series.longitude?.[10]).toBeNaN();
    for (const v of Object.values(a.summary)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    expect(validate(a.toObject())).toEqual([]);
  });
});
