import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16, crc16Bytewise } from '../../../src/decode/fit/crc.js';

describe('FIT CRC-16', () => {
  it('the sliced CRC equals the byte-at-a-time CRC for any bytes, range and start value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 0xffff }), (bytes, a, b, start) => {
        const from = bytes.length === 0 ? 0 : a % bytes.length;
        const to = from + (bytes.length - from === 0 ? 0 : b % (bytes.length - from + 1));
        expect(crc16(start, bytes, from, to)).toBe(crc16Bytewise(start, bytes, from, to));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches the published check value of CRC-16/ARC ("123456789" → 0xBB3D)', () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crc16(0, bytes, 0, bytes.length)).toBe(0xbb3d);
  });
});
