import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CRC_WASM } from '../../src/fit/crc-wasm.js';
import { crc16, crc16Bytewise, crc16Js, crcInWasm } from '../../src/fit/crc.js';

describe('FIT CRC-16', () => {
  it('the sliced CRC equals the byte-at-a-time CRC for any bytes, range and start value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200, size: 'max' }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 0xffff }), (bytes, a, b, start) => {
        const from = bytes.length === 0 ? 0 : a % bytes.length;
        const to = from + (bytes.length - from === 0 ? 0 : b % (bytes.length - from + 1));
        const want = crc16Bytewise(start, bytes, from, to);
        expect(crc16Js(start, bytes, from, to)).toBe(want);
        expect(crc16(start, bytes, from, to)).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });

  it('runs in WebAssembly on Node, and is right across its 64 KiB input windows', () => {
    expect(crcInWasm).toBe(true);
    const bytes = new Uint8Array(3 * 65536 + 1234);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    for (const [from, to] of [[0, bytes.length], [7, 65536 + 7], [65535, 2 * 65536 + 1], [100, 356], [0, 255]]) {
      expect(crc16(0x1d0f, bytes, from, to)).toBe(crc16Bytewise(0x1d0f, bytes, from, to));
    }
  });

  it('matches the published check value of CRC-16/ARC ("123456789" → 0xBB3D)', () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crc16(0, bytes, 0, bytes.length)).toBe(0xbb3d);
    const long = new TextEncoder().encode('123456789'.repeat(100));
    expect(crc16(0, long, 0, long.length)).toBe(crc16Bytewise(0, long, 0, long.length));
  });

  it('the module in crc-wasm.ts is what crc.wat assembles to', async () => {
    // @ts-expect-error: a plain .mjs script without types
    const { assemble } = (await import('../../scripts/build-crc-wasm.mjs')) as { assemble: () => Promise<Uint8Array> };
    expect(Array.from(await assemble())).toEqual(Array.from(CRC_WASM));
    expect(readFileSync(new URL('../../src/fit/crc.wat', import.meta.url), 'utf8')).toContain('(func (export "crc")');
  });
});
