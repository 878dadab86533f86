import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XmlTextStream, asciiEnd, utf8Cut } from '../../../src/decode/xml/text-stream.js';

/** Runs bytes through an XmlTextStream cut at `cuts`; returns the text it hands on. */
function streamed(bytes: Uint8Array, cuts: number[]): string {
  let out = '';
  const s = new XmlTextStream((t) => {
    out += t;
  });
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    s.push(bytes.subarray(at, c));
    at = c;
  }
  s.push(bytes.subarray(at));
  s.end();
  return out;
}

/** Bytes rich in UTF-8 lead and continuation bytes (valid and broken sequences alike). */
const utf8ish = fc.array(
  fc.oneof(
    fc.integer({ min: 0x20, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0xbf }),
    fc.integer({ min: 0xc0, max: 0xff }),
    fc.constantFrom(0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x8f, 0x83, 0xc3, 0xa9),
  ),
  { maxLength: 300 },
);

describe('XmlTextStream (UTF-8 by whole chunks)', () => {
  it('any bytes, any chunking: the same text as one streaming TextDecoder', () => {
    fc.assert(
      fc.property(fc.boolean(), utf8ish, fc.array(fc.nat(), { maxLength: 8 }), (long, body, rawCuts) => {
        // '<a>' first: no encoding guess, no leading space; 600 more ASCII bytes put the body past the 512-byte head.
        const bytes = Uint8Array.from([0x3c, 0x61, 0x3e, ...(long ? new Array<number>(600).fill(0x78) : []), ...body]);
        const cuts = rawCuts.map((c) => c % (bytes.length + 1));
        expect(streamed(bytes, cuts)).toBe(new TextDecoder().decode(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('a byte-order mark is dropped once, however the first bytes are split, and U+FEFF later is kept', () => {
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0xef, 0xbb, 0xbf, 0x3e, 0xc3, 0xa9]);
    const want = new TextDecoder().decode(bytes);
    expect(want).toBe('<a\ufeff>é');
    for (let i = 0; i <= bytes.length; i++) for (let j = i; j <= bytes.length; j++) expect(streamed(bytes, [i, j])).toBe(want);
  });

  it('utf8Cut keeps an incomplete last character for the next chunk', () => {
    const b = (...x: number[]): Uint8Array => Uint8Array.from(x);
    expect(utf8Cut(b(0x41, 0xe2, 0x82))).toBe(1);
    expect(utf8Cut(b(0x41, 0xe2, 0x82, 0xac))).toBe(4);
    expect(utf8Cut(b(0x41, 0xf0, 0x9f, 0x8f))).toBe(1);
    expect(utf8Cut(b(0xc3))).toBe(0);
    expect(utf8Cut(b(0x41, 0x80, 0x80, 0x80))).toBe(4);
    expect(utf8Cut(b())).toBe(0);
  });

  it('asciiEnd finds the first byte ≥ 0x80 at every alignment and start', () => {
    const buf = new Uint8Array(2100).fill(0x41);
    for (const off of [0, 1, 2, 3, 5]) {
      for (const len of [0, 1, 3, 4, 7, 64, 1030, 2090]) {
        const v = buf.subarray(off, off + len);
        expect(asciiEnd(v, 0)).toBe(len);
        for (const k of [0, 1, 2, 3, 4, 5, 63, 1025, 1029, 2089]) {
          if (k >= len) continue;
          v[k] = 0x80;
          expect(asciiEnd(v, 0)).toBe(k);
          if (k > 0) expect(asciiEnd(v, k - 1)).toBe(k);
          expect(asciiEnd(v, k + 1)).toBe(len);
          v[k] = 0x41;
        }
      }
    }
  });

  it('many short ASCII runs between non-ASCII characters: the same text', () => {
    const s = `<a>${'é x'.repeat(50)}${'y'.repeat(700)}${'ж'.repeat(30)}</a>`;
    const bytes = new TextEncoder().encode(s);
    expect(streamed(bytes, [])).toBe(s);
    expect(streamed(bytes, [517, 600, 601])).toBe(s);
  });
});
