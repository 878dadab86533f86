import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XmlWriter } from '../../../src/encode/xml/xml-writer.js';

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
