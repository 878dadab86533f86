/**
 * Pieces of FIT files written by hand, for tests that need what `@garmin/fitsdk`'s Encoder cannot write
 * (big-endian definitions, definitions repeated or alternating, unknown fields).
 */
import { crc16Bytewise } from '../../src/fit/crc.js';

/** The `size` bytes of the unsigned integer `v`, little-endian, or big-endian when `big` (for sizes over 1). */
export function intBytes(v: number, size: number, big: boolean): number[] {
  const b: number[] = [];
  for (let i = 0; i < size; i++) b.push(Math.floor(v / 256 ** i) % 256);
  return big && size > 1 ? b.reverse() : b;
}

/** A whole FIT file around `data` (definition and data messages): a 14-byte header and the file CRC. */
export function fitFile(data: number[]): Uint8Array {
  const header = [14, 0x20, 0x52, 0x08, ...intBytes(data.length, 4, false), 0x2e, 0x46, 0x49, 0x54, 0, 0];
  const file = new Uint8Array(14 + data.length + 2);
  file.set(header);
  file.set(data, 14);
  const c = crc16Bytewise(0, file, 0, 14 + data.length);
  file.set([c & 0xff, c >> 8], 14 + data.length);
  return file;
}
