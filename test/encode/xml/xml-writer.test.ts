import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XmlWriter, markup } from '../../../src/encode/xml/xml-writer.js';

/** Everything a writer hands out, joined. */
function written(fill: (w: XmlWriter) => void, chunkBytes?: number): { text: string; chunks: number } {
  const parts: Uint8Array[] = [];
  const w = new XmlWriter((c) => parts.push(c.slice()), chunkBytes);
  fill(w);
  w.flush();
  return { text: Buffer.concat(parts).toString('utf8'), chunks: parts.length };
}

describe('XmlWriter', () => {
  it('writes every UTC time as Date#toISOString does, with or without milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(written((w) => w.time(ms, true)).text).toBe(ms % 1000 === 0 ? iso.replace('.000Z', 'Z') : iso);
        expect(written((w) => w.time(ms, false)).text).toBe(iso.slice(0, 19) + 'Z');
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes markup characters and drops characters XML 1.0 cannot hold', () => {
    expect(written((w) => w.text(`a<b>&"c'\u0001é😀`)).text).toBe('a&lt;b&gt;&amp;&quot;c&apos;é😀');
  });

  it('rounds fixed decimals and writes numbers that parse back', () => {
    expect(written((w) => (w.fixed(12.3456, 2), w.raw(' '), w.fixed(3, 3), w.raw(' '), w.int(2.5), w.raw(' '), w.number(-0.1))).text).toBe('12.35 3 3 -0.1');
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        expect(Number(written((w) => w.number(v)).text)).toBe(v === 0 ? 0 : v);
      }),
    );
  });

  it('writes fixed decimals as the number rounded to them would be written, byte for byte', () => {
    // fixed() takes a direct path (the scale is known); number(Math.round(v·10^k)/10^k) is the reference.
    const reference = (v: number, k: number): string => {
      const p = 10 ** k;
      return written((w) => w.number(Math.round(v * p) / p)).text;
    };
    const values = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: -180, max: 180, noNaN: true }),
      fc.double({ min: -1e4, max: 1e4, noNaN: true }),
      fc.integer({ min: -1e9, max: 1e9 }).map((i) => i / 1000),
      fc.integer({ min: -2e9, max: 2e9 }).map((i) => i / 1e7 + 0.5e-9),
      fc.constantFrom(0, -0, 0.5, -0.5, 2.5, -2.5, 1e-10, -1e-10, 2 ** 51, -(2 ** 51), 1e15, 123.4999999995, -123.4999999995),
    );
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 9 }), (v, k) => {
        expect(written((w) => w.fixed(v, k)).text).toBe(reference(v, k));
      }),
      { numRuns: 20_000 },
    );
    // Past the direct path's range: the same bytes through the fallback.
    for (const k of [0, 3, 9]) for (const v of [3e6, 1e12, 1e20, -1e20, 1.7976931348623157e308]) expect(written((w) => w.fixed(v, k)).text).toBe(reference(v, k));
    // The DataView follows the buffer when it grows (a value written after 70 kB of markup).
    expect(written((w) => (w.raw('x'.repeat(70_000)), w.fixed(47.123456789, 9))).text.slice(70_000)).toBe('47.123456789');
  });

  it('writes packed markup as the same bytes as raw markup, whatever its length and wherever the buffer grows', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.integer({ min: 32, max: 126 }).map((c) => String.fromCharCode(c)), maxLength: 40 }), { maxLength: 400 }), (parts) => {
        const packed = parts.map(markup);
        // Several rounds, so the 64 kB buffer grows mid-way on long inputs.
        const viaMarkup = written((w) => {
          for (let r = 0; r < 20; r++) for (const m of packed) (w.markup(m), w.int(r));
        });
        const viaRaw = written((w) => {
          for (let r = 0; r < 20; r++) for (const p of parts) (w.raw(p), w.int(r));
        });
        expect(viaMarkup.text).toBe(viaRaw.text);
      }),
      { numRuns: 200 },
    );
    expect(() => markup('<é>')).toThrow(/ASCII/);
  });

  it('hands out chunks of about the chunk size, and the same bytes whatever the size', () => {
    const fill = (w: XmlWriter): void => {
      for (let i = 0; i < 5000; i++) {
        w.raw('<p t="');
        w.time(1_700_000_000_000 + i * 1000, true);
        w.raw('"/>');
        w.flushIfFull();
      }
    };
    const small = written(fill, 1024);
    const big = written(fill);
    expect(small.text).toBe(big.text);
    expect(small.chunks).toBeGreaterThan(100);
  });
});
