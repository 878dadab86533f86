import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { convert, convertSync } from '../../src/index.js';
import { ConvertError } from '../../src/core/errors.js';
import { geodesicDistanceExact } from '../../src/core/geodesic.js';
import { toActivityJson } from '../../src/encode/json/to-activity-json.js';
import { validate } from '../../src/activity-json/validate.js';
import { generateRun } from '../helpers/generate.js';
import { FIXTURES, readBytes } from '../helpers/paths.js';
import { join } from 'node:path';
import { ConvertSession } from '../../src/index.js';

const run = generateRun(500, 5, 150);
const text = toActivityJson(run, { includePower: true });
const bytes = new TextEncoder().encode(text);

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(ConvertError);
    return (e as ConvertError).code;
  }
  return 'no error';
}

describe('convert() on Activity JSON input', () => {
  it('accepts bytes, strings, ArrayBuffers, Node streams, web streams and gzip, with the same result', async () => {
    const expected = (await convert(bytes, { includePower: true })).activities[0].toJson();
    expect(expected).toBe(text);
    const chunks = (size: number): Uint8Array[] => {
      const out: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
      return out;
    };
    const gz = new Uint8Array(gzipSync(bytes));
    const inputs = [
      text,
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      Readable.from(chunks(777)),
      new Blob([bytes]).stream(),
      gz,
      Readable.from([gz.subarray(0, 1), gz.subarray(1, 100), gz.subarray(100)]),
      new Blob([gz]).stream(),
    ];
    for (const input of inputs) {
      const r = await convert(input as Parameters<typeof convert>[0], { includePower: true });
      expect(r.format).toBe('json');
      expect(r.activities[0].toJson()).toBe(expected);
    }
    expect(convertSync(gz, { includePower: true }).activities[0].toJson()).toBe(expected);
  });

  it('toObject() and toBytes() agree with toJson()', async () => {
    const a = (await convert(text)).activities[0];
    expect(a.toObject()).toEqual(JSON.parse(a.toJson()));
    expect(new TextDecoder().decode(a.toBytes())).toBe(a.toJson());
    expect(validate(a.toObject())).toEqual([]);
    // withBytes: the same bytes, as a view, with the conversion's own options (power asked for here).
    const withPower = convertSync(text, { includePower: true }).activities[0];
    expect(withPower.withBytes((b) => new TextDecoder().decode(b))).toBe(withPower.toJson());
    expect(withPower.withBytes((b) => b.length)).toBe(withPower.toBytes().length);
  });

  it('leaves power out unless asked, and counts what it left out', () => {
    const r = convertSync(text);
    expect(r.activities[0].toObject().recordingKeys).not.toContain('power');
    expect(r.warnings.find((w) => w.code === 'power-omitted')?.count).toBe(500);
  });

  it('reads a Smashrun GET response: read-only fields dropped, "work" laps and capitalised enums accepted', () => {
    const r = convertSync(readBytes(join(FIXTURES, 'json', 'smashrun-response.json')));
    const doc = r.activities[0].toObject();
    expect(validate(doc)).toEqual([]);
    expect(doc).not.toHaveProperty('activityId');
    expect(doc).not.toHaveProperty('calories');
    expect(doc.howFelt).toBe('unstoppable');
    expect(doc.laps.map((l) => l.lapType)).toEqual(['warmup', 'interval', 'recovery', 'interval']);
    expect(doc.recordingKeys).not.toContain('clock'); // not invented
    expect(r.warnings).toEqual([]);
  });

  it('computes distance from positions when the source has none, and says so', () => {
    const r = convertSync(readBytes(join(FIXTURES, 'json', 'positions-only.json')));
    const doc = r.activities[0].toObject();
    expect(doc.recordingKeys).toContain('distance');
    const { latitude, longitude } = r.activities[0].activity.series;
    let m = 0;
    for (let i = 1; i < latitude!.length; i++) m += geodesicDistanceExact(latitude![i - 1], longitude![i - 1], latitude![i], longitude![i]);
    expect(Math.abs(doc.distance * 1000 - m)).toBeLessThan(0.01);
    expect(validate(doc)).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toContain('distance-from-positions');
  });

  it('applies options: externalId and notes win, source fields win over defaults, notes are cut at 800', () => {
    const r = convertSync(text, { externalId: 'app-1', notes: 'n'.repeat(900), deviceType: 'Apple', terrain: 'trail', howFelt: 'great' });
    const doc = r.activities[0].toObject();
    expect(doc).toMatchObject({ externalId: 'app-1', deviceType: 'Other', terrain: 'trail', howFelt: 'great' });
    expect(doc.notes).toHaveLength(800);
    expect(r.warnings.find((w) => w.code === 'notes-truncated')?.count).toBe(100);
  });

  it('never cuts notes between the halves of a surrogate pair (an emoji at character 800)', () => {
    const notes = 'x'.repeat(799) + '🏃'.repeat(10);
    const doc = convertSync(text, { notes }).activities[0].toObject();
    expect(doc.notes).toBe('x'.repeat(799));
    expect(doc.notes).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(validate(doc)).toEqual([]);
  });

  it('keeps the wall time of a start time with no offset, and warns', () => {
    const doc = JSON.parse(text) as Record<string, unknown>;
    doc.startDateTimeLocal = '2024-05-12T06:30:01.000';
    const r = convertSync(JSON.stringify(doc));
    expect(r.activities[0].toObject().startDateTimeLocal).toBe('2024-05-12T06:30:01.000+00:00');
    expect(r.warnings.map((w) => w.code)).toContain('time-zone-unknown');
  });

  it('converts an array of activities into several results with distinct ids', () => {
    const two = `[${text},${toActivityJson(generateRun(50, 9))}]`;
    const r = convertSync(two);
    expect(r.activities).toHaveLength(2);
    expect(r.activities[1].activity.length).toBe(50);
  });

  it('refuses other sports unless asked', async () => {
    const doc = JSON.parse(text) as Record<string, unknown>;
    doc.activityType = 'cycling';
    expect(await codeOf(() => convertSync(JSON.stringify(doc)))).toBe('not-running');
    expect(convertSync(JSON.stringify(doc), { sports: 'all' }).activities).toHaveLength(1);
  });

  it('gives typed errors with positions for bad input', async () => {
    expect(await codeOf(() => convertSync(new Uint8Array(0)))).toBe('empty-input');
    expect(await codeOf(() => convertSync('   \n '))).toBe('empty-input');
    expect(await codeOf(() => convertSync('hello'))).toBe('unknown-format');
    expect(await codeOf(() => convertSync(new Uint8Array([0x1f, 0x8b, 1, 2, 3])))).toBe('malformed');
    expect(await codeOf(() => convertSync('{"a":1}'))).toBe('invalid-activity');
    expect(await codeOf(() => convertSync(text, { timeZone: 'Mars/Olympus' }))).toBe('unsupported');
    try {
      convertSync('{\n  "startDateTimeLocal": "2024-01-01T00:00:00Z",\n  "x": [1, 2,, 3]\n}');
      expect.unreachable();
    } catch (e) {
      const err = e as ConvertError;
      expect(err.code).toBe('malformed');
      expect(err.format).toBe('json');
      expect(err.line).toBe(3);
      expect(err.column).toBeGreaterThan(10);
    }
  });

  it('caps the input size (limits.maxBytes), on plain and on gzip input', async () => {
    expect(await codeOf(() => convertSync(text, { limits: { maxBytes: 1000 } }))).toBe('limit-exceeded');
    const gz = new Uint8Array(gzipSync(bytes));
    expect(gz.length).toBeLessThan(bytes.length);
    expect(await codeOf(() => convertSync(gz, { limits: { maxBytes: gz.length + 10 } }))).toBe('limit-exceeded');
    expect(await codeOf(convert(Readable.from([gz]), { limits: { maxBytes: gz.length + 10 } }))).toBe('limit-exceeded');
  });

  it('applies the limits to Activity JSON input, on every path in (limits.maxSamples, maxDepth, maxStringLength)', async () => {
    const limits = { maxSamples: 499 };
    expect(await codeOf(() => convertSync(text, { limits }))).toBe('limit-exceeded');
    expect(await codeOf(convert(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), { limits }))).toBe('limit-exceeded');
    expect(await codeOf(() => convertSync(new Uint8Array(gzipSync(bytes)), { limits }))).toBe('limit-exceeded');
    expect(convertSync(text, { limits: { maxSamples: 500 } }).activities).toHaveLength(1);
    expect(await codeOf(() => convertSync(text, { limits: { maxDepth: 2 } }))).toBe('limit-exceeded');
    expect(await codeOf(() => convertSync(text, { limits: { maxStringLength: 10 } }))).toBe('limit-exceeded');
  });

  it('crafted-deep-songs.json: songs nested 5000 deep are refused by maxDepth, before parsing', () => {
    try {
      convertSync(readBytes(join(FIXTURES, 'json', 'crafted-deep-songs.json')));
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'limit-exceeded', format: 'json', path: '/songs' + '/0'.repeat(63), line: 1 });
    }
  });

  it('crafted-wrong-values.json: what can be corrected is, counted, and the output passes validate()', () => {
    const r = convertSync(readBytes(join(FIXTURES, 'json', 'crafted-wrong-values.json')));
    const doc = r.activities[0].toObject();
    expect(validate(doc)).toEqual([]);
    expect(doc.pauseIndexes).toEqual([15]);
    expect(doc.laps).toEqual([
      { lapType: 'general', endDuration: 10 },
      { lapType: 'general', endDuration: 29 },
    ]);
    expect(doc.songs).toEqual([{ song: 'Song 2', artist: 'Blur', BPM: 130, startClock: 0, endClock: 122 }]);
    expect(doc.heartRateRecovery).toEqual([{ duration: 60, heartRate: 118 }]);
    const counts = Object.fromEntries(r.warnings.map((w) => [w.code, w.count]));
    expect(counts).toMatchObject({ 'bad-pause-index': 1, 'position-out-of-range': 2, 'not-finite': 1, 'lap-out-of-range': 2, 'bad-pass-through': 2 });
  });

  it('crafted-year-0.json and crafted-clock-null.json are refused, with the place', async () => {
    const refusal = (name: string): unknown => {
      try {
        convertSync(readBytes(join(FIXTURES, 'json', name)));
      } catch (e) {
        return e;
      }
      return null;
    };
    expect(refusal('crafted-year-0.json')).toMatchObject({ code: 'invalid-activity', path: '/startDateTimeLocal' });
    expect(refusal('crafted-clock-null.json')).toMatchObject({ code: 'invalid-activity', path: '/recordingValues/0/12' });
  });

  it('strict turns warnings into errors', async () => {
    expect(await codeOf(() => convertSync(text, { strict: true }))).toBe('strict');
    expect(convertSync(text, { strict: true, includePower: true }).activities).toHaveLength(1);
  });

  it('a push session gives the same result for any chunking', () => {
    const whole = convertSync(text).activities[0].toJson();
    for (const size of [1, 7, 4096]) {
      const s = new ConvertSession();
      for (let i = 0; i < bytes.length; i += size) s.push(bytes.subarray(i, i + size));
      expect(s.finish().activities[0].toJson()).toBe(whole);
    }
  });
});
