/**
 * The FIT CRC (CRC-16/ARC: reflected polynomial 0xA001, initial 0), sliced by 8: in WebAssembly where it
 * can run (crc.wat, 273 bytes), else in JavaScript.
 * Spec: https://developer.garmin.com/fit/protocol/ ("CRC").
 */
import { CRC_WASM } from './crc-wasm.js';

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

/**
 * Slicing-by-8 tables: S[j][b] is the CRC of byte b followed by j zero bytes (S[0] is TABLE), so eight
 * bytes fold into the register with eight independent lookups instead of a chain of eight.
 * Measured over the corpus FIT files (min of 8 × 5 passes, 2 shared cores), ns per byte:
 * byte-at-a-time 2.20; sliced by 4: 0.91; by 8: 0.71; by 16: 0.67 (kept 8: 16 doubles the tables for
 * little); 65,536-entry tables of two bytes, 4 bytes a step: 1.21, 8 a step: 0.83 (cache misses). The
 * byte-reading loop of the FIT benchmark runs at about 1 ns per byte, so the CRC is a large part of a
 * FIT conversion: 0.91 → 0.71 ns is about 2.5 % of one.
 */
const S: Uint16Array[] = [TABLE];
for (let j = 1; j < 8; j++) {
  const prev = S[j - 1];
  const t = new Uint16Array(256);
  for (let b = 0; b < 256; b++) t[b] = (prev[b] >>> 8) ^ TABLE[prev[b] & 0xff];
  S.push(t);
}
const [S0, S1, S2, S3, S4, S5, S6, S7] = S;

/** Continues `crc` over `bytes[from, to)`, in JavaScript. */
export function crc16Js(crc: number, bytes: Uint8Array, from: number, to: number): number {
  let i = from;
  for (const end8 = to - 7; i < end8; i += 8) {
    const x = crc ^ (bytes[i] | (bytes[i + 1] << 8));
    crc =
      S7[x & 0xff] ^ S6[x >>> 8] ^ S5[bytes[i + 2]] ^ S4[bytes[i + 3]] ^ S3[bytes[i + 4]] ^ S2[bytes[i + 5]] ^ S1[bytes[i + 6]] ^ S0[bytes[i + 7]];
  }
  for (; i < to; i++) crc = (crc >>> 8) ^ S0[(crc ^ bytes[i]) & 0xff];
  return crc;
}

/** The plain byte-at-a-time CRC, kept as the reference the tests check the sliced one against. */
export function crc16Bytewise(crc: number, bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]) & 0xff];
  return crc;
}

/** Where the input window starts in the module's memory (after the tables), and its size (2 pages in all). */
const WASM_WINDOW_AT = 4096;
const WASM_WINDOW = 65536;
/**
 * Below this many bytes the JavaScript CRC is faster than a call into the module and a copy (measured
 * per call: 256 bytes 248 ns in wasm vs 274 in JavaScript; 1024 bytes 555 vs 695).
 */
const WASM_MIN = 256;

/**
 * The same sliced CRC in WebAssembly: a wasm load is not bounds-checked per byte as a typed-array read
 * is, and takes four bytes at once. Measured over the corpus FIT files (min of 10 × 5 passes), with the
 * copy of the input into the module's memory: 0.55 ns per byte where the JavaScript one took 1.02 in the
 * same run (0.71 in a quieter one); a whole FIT conversion −3 to −4 % (builds alternated file by file, see
 * docs/performance.md). Inputs go through a 64 KiB window.
 * Null where WebAssembly is missing or refused (a Content-Security-Policy without 'wasm-unsafe-eval').
 */
const wasm = ((): ((crc: number, bytes: Uint8Array, from: number, to: number) => number) | null => {
  let run: (crc: number, p: number, end: number) => number;
  let heap: Uint8Array;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(CRC_WASM));
    const exports = instance.exports as { memory: WebAssembly.Memory; crc: (crc: number, p: number, end: number) => number };
    run = exports.crc;
    heap = new Uint8Array(exports.memory.buffer);
  } catch {
    return null;
  }
  const tables = new Uint16Array(heap.buffer, 0, 8 * 256);
  S.forEach((t, j) => tables.set(t, j * 256));
  const at = WASM_WINDOW_AT;
  return (crc, bytes, from, to) => {
    for (let i = from; i < to; i += WASM_WINDOW) {
      const e = Math.min(to, i + WASM_WINDOW);
      heap.set(bytes.subarray(i, e), at);
      crc = run(crc, at, at + e - i);
    }
    return crc;
  };
})();

/** Continues `crc` over `bytes[from, to)`. */
export function crc16(crc: number, bytes: Uint8Array, from: number, to: number): number {
  return wasm !== null && to - from >= WASM_MIN ? wasm(crc, bytes, from, to) : crc16Js(crc, bytes, from, to);
}

/** Whether `crc16` runs in WebAssembly here (for the tests). */
export const crcInWasm = wasm !== null;
