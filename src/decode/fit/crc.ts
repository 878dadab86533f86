/**
 * The FIT CRC (CRC-16/ARC: reflected polynomial 0xA001, initial 0), table-driven one byte at a time.
 * Spec: https://developer.garmin.com/fit/protocol/ ("CRC").
 */

/** 256-entry table of the CRC of each byte value. */
const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[b] = c;
  }
  return t;
})();

/** Continues `crc` over `bytes[from, to)`. */
export function crc16(crc: number, bytes: Uint8Array, from: number, to: number): number {
  const t = TABLE;
  for (let i = from; i < to; i++) crc = (crc >>> 8) ^ t[(crc ^ bytes[i]) & 0xff];
  return crc;
}
