/**
 * Hostile XML: tokens that hold '<' (a DOCTYPE internal subset, comments, CDATA, processing
 * instructions) are bounded like text, and every cap (samples, laps, activities) fails with the format and
 * a position.
 */
import { describe, expect, it } from 'vitest';
import { ConvertError } from '../../../src/core/errors.js';
import { ConvertSession, convertSync } from '../../../src/index.js';
import type { ConvertOptions } from '../../../src/convert/options.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Pushes `bytes` in `chunk`-byte pieces; returns the error and how many bytes were pushed when it came. */
function failure(bytes: Uint8Array, options: ConvertOptions = {}, chunk = 64 * 1024): { e: ConvertError; pushed: number } {
  let pushed = 0;
  try {
    const s = new ConvertSession(options);
    for (let i = 0; i < bytes.length; i += chunk) {
      const piece = bytes.subarray(i, i + chunk);
      pushed += piece.length;
      s.push(piece);
    }
    s.finish();
  } catch (e) {
    expect(e).toBeInstanceOf(ConvertError);
    return { e: e as ConvertError, pushed };
  }
  throw new Error('expected a ConvertError');
}

const TRK =
  '<trk><trkseg><trkpt lat="45" lon="5"><time>2020-01-01T10:00:00Z</time></trkpt>' +
  '<trkpt lat="45.001" lon="5"><time>2020-01-01T10:00:10Z</time></trkpt></trkseg></trk>';
const ROOT = (body: string): string => `<gpx version="1.1" creator="t">\n${body}\n</gpx>\n`;
const GPX = (body: string): string => `<?xml version="1.0"?>\n${ROOT(body)}`;

/** `lines` lines of `line`, as one string. */
const many = (line: string, bytes: number): string => line.repeat(Math.ceil(bytes / line.length));

describe('tokens that hold "<" are bounded by limits.maxStringLength', () => {
  it('a DOCTYPE internal subset of <!ELEMENT> lines only: limit-exceeded early, with a position, memory bounded', () => {
    const size = 6 * 1024 * 1024;
    const text = `<?xml version="1.0"?>\n<!DOCTYPE gpx [\n${many('<!ELEMENT trkpt (ele?,time?)>\n', size)}]>\n${ROOT(TRK)}`;
    const bytes = enc(text);
    const before = process.memoryUsage().heapUsed;
    const { e, pushed } = failure(bytes);
    const grown = process.memoryUsage().heapUsed - before;
    expect(e.code).toBe('limit-exceeded');
    expect(e.line).toBeGreaterThan(2);
    expect(e.column).toBeGreaterThan(0);
    // Refused about 1 MiB (the default limit) in, long before the whole 6 MB was pushed.
    expect(pushed).toBeLessThan(2 * 1024 * 1024);
    expect(grown).toBeLessThan(10 * bytes.length);
  });

  it('the same place for any chunking, with the limit given', () => {
    const text = `<?xml version="1.0"?>\n<!DOCTYPE gpx [\n${many('<!ELEMENT a (b)>\r\n', 20_000)}]>\n${ROOT(TRK)}`;
    const options = { limits: { maxStringLength: 5000 } };
    const whole = failure(enc(text), options, Infinity).e;
    expect(whole.code).toBe('limit-exceeded');
    for (const chunk of [1, 7, 4999, 5000, 5001, 65536]) {
      const e = failure(enc(text), options, chunk).e;
      expect([e.code, e.line, e.column]).toEqual([whole.code, whole.line, whole.column]);
    }
  });

  it('comments, CDATA sections and processing instructions full of "<" too', () => {
    const options = { limits: { maxStringLength: 4096 } };
    const filler = many('<a><b/>\n', 10_000);
    for (const token of [`<!--${filler}-->`, `<desc><![CDATA[${filler}]]></desc>`, `<?note ${filler}?>`]) {
      const e = failure(enc(GPX(`${token}${TRK}`)), options, 1000).e;
      expect(e.code, token.slice(0, 8)).toBe('limit-exceeded');
      expect(e.format).toBe('gpx');
      expect(e.line).toBeGreaterThan(2);
    }
    // Before the root element too (the format is not known yet).
    expect(failure(enc(`<?xml version="1.0"?>\n<!--${filler}-->\n${ROOT(TRK)}`), options).e.code).toBe('limit-exceeded');
  });

  it('small DOCTYPEs, comments and CDATA are read as before', () => {
    const small = `<?xml version="1.0"?>\n<!DOCTYPE gpx [\n<!ELEMENT gpx (trk*)>\n<!ATTLIST gpx version CDATA #IMPLIED>\n]>\n<gpx version="1.1"><!-- <note> --><?pi <x>?>${TRK}<desc><![CDATA[<b>]]></desc></gpx>`;
    expect(convertSync(enc(small)).activities).toHaveLength(1);
  });
});

describe('caps fail with the format and a position', () => {
  const tcx = (activities: number, laps: number): string => {
    let body = '';
    let minute = 0;
    for (let a = 0; a < activities; a++) {
      body += '<Activity Sport="Running"><Id>2020-01-01T10:00:00Z</Id>\n';
      for (let l = 0; l < laps; l++) {
        const m = String(minute++).padStart(2, '0');
        body += `<Lap StartTime="2020-01-01T10:${m}:00Z"><Track><Trackpoint><Time>2020-01-01T10:${m}:00Z</Time><DistanceMeters>${minute * 200}</DistanceMeters></Trackpoint>`;
        body += `<Trackpoint><Time>2020-01-01T10:${m}:30Z</Time><DistanceMeters>${minute * 200 + 100}</DistanceMeters></Trackpoint></Track></Lap>\n`;
      }
      body += '</Activity>\n';
    }
    return `<?xml version="1.0"?>\n<TrainingCenterDatabase><Activities>\n${body}</Activities></TrainingCenterDatabase>\n`;
  };

  it('limits.maxSamples: TCX and GPX name their format and the place', () => {
    const t = failure(enc(tcx(1, 2)), { limits: { maxSamples: 3 } }).e;
    expect([t.code, t.format, t.line]).toEqual(['limit-exceeded', 'tcx', 5]);
    expect(t.column).toBeGreaterThan(0);
    const g = failure(enc(GPX(TRK)), { limits: { maxSamples: 1 } }).e;
    expect([g.code, g.format, g.line]).toEqual(['limit-exceeded', 'gpx', 3]);
    expect(g.column).toBeGreaterThan(0);
  });

  it('limits.maxLaps: laps in one TCX activity', () => {
    expect(convertSync(enc(tcx(1, 3)), { limits: { maxLaps: 3 } }).activities[0].activity.laps).toHaveLength(3);
    const e = failure(enc(tcx(1, 3)), { limits: { maxLaps: 2 } }).e;
    expect([e.code, e.format, e.line]).toEqual(['limit-exceeded', 'tcx', 6]);
    expect(e.column).toBeGreaterThan(0);
  });

  it('limits.maxActivities: TCX activities in one file; a GPX is one activity', () => {
    expect(convertSync(enc(tcx(2, 1)), { limits: { maxActivities: 2 } }).activities).toHaveLength(2);
    const e = failure(enc(tcx(3, 1)), { limits: { maxActivities: 2 } }).e;
    expect([e.code, e.format, e.line]).toEqual(['limit-exceeded', 'tcx', 9]);
    expect(e.column).toBeGreaterThan(0);
    expect(convertSync(enc(GPX(`${TRK}${TRK}`)), { limits: { maxActivities: 1 } }).activities).toHaveLength(1);
    const g = failure(enc(GPX(TRK)), { limits: { maxActivities: 0 } }).e;
    expect([g.code, g.format, g.line]).toEqual(['limit-exceeded', 'gpx', 3]);
  });
});
