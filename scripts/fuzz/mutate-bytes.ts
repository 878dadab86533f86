/**
 * Format-blind mutations of a byte string: bit flips, bytes set to 0x00 / 0xFF / random, truncation,
 * splices of two files of one format, insertions of random or repeated bytes, zeroed ranges and duplicated
 * ranges. Each returns a new array (the input is never changed) and a short name for the report.
 */
import type { Rng } from './random.js';

/** A mutated input and what was done to it. */
export interface Mutated {
  bytes: Uint8Array;
  /** e.g. `flip@1234`, `trunc@77`: the mutations applied, for the counterexample's sidecar. */
  op: string;
}

/** Largest input a mutation may make (inputs past it are cut back). */
export const MAX_INPUT = 8 * 1024 * 1024;

type ByteOp = (b: Uint8Array, rng: Rng, other: Uint8Array | null) => Mutated;

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(Math.min(n, MAX_INPUT));
  let o = 0;
  for (const p of parts) {
    const take = Math.min(p.length, out.length - o);
    out.set(p.subarray(0, take), o);
    o += take;
  }
  return out;
}

const flip: ByteOp = (b, rng) => {
  const out = b.slice();
  const n = rng.small(32);
  const at = rng.int(out.length);
  for (let i = 0; i < n && out.length > 0; i++) out[rng.chance(0.5) ? at : rng.int(out.length)] ^= 1 << rng.int(8);
  return { bytes: out, op: `flip×${n}@${at}` };
};

const setBytes: ByteOp = (b, rng) => {
  const out = b.slice();
  const kind = rng.pick(['00', 'ff', 'rand', '7f', '80'] as const);
  const n = rng.small(16);
  const at = rng.int(out.length);
  for (let i = 0; i < n && out.length > 0; i++) {
    const p = rng.chance(0.6) ? Math.min(out.length - 1, at + i) : rng.int(out.length);
    out[p] = kind === '00' ? 0 : kind === 'ff' ? 0xff : kind === '7f' ? 0x7f : kind === '80' ? 0x80 : rng.u32() & 0xff;
  }
  return { bytes: out, op: `set-${kind}×${n}@${at}` };
};

const truncate: ByteOp = (b, rng) => {
  // Near the start (headers) more often than a uniform cut would be.
  const at = rng.chance(0.3) ? rng.int(Math.min(b.length, 64)) : rng.int(b.length);
  return { bytes: b.slice(0, at), op: `trunc@${at}` };
};

const splice: ByteOp = (b, rng, other) => {
  if (other === null || other.length === 0) return truncate(b, rng, null);
  const i = rng.int(b.length + 1);
  const j = rng.chance(0.5) ? Math.min(i, other.length) : rng.int(other.length + 1);
  return { bytes: concat(b.subarray(0, i), other.subarray(j)), op: `splice@${i}+${j}` };
};

const insertRandom: ByteOp = (b, rng) => {
  const at = rng.int(b.length + 1);
  const n = rng.small(1024);
  return { bytes: concat(b.subarray(0, at), rng.bytes(n), b.subarray(at)), op: `ins-rand×${n}@${at}` };
};

const insertRepeated: ByteOp = (b, rng) => {
  const at = rng.int(b.length + 1);
  // One byte repeated, or a piece of the file itself repeated (long runs of plausible data).
  if (rng.chance(0.5) || b.length === 0) {
    const v = rng.pick([0, 0xff, 0x20, 0x3c, 0x30, 0x39, rng.u32() & 0xff]);
    const n = rng.chance(0.8) ? rng.small(4096) : rng.range(4096, 262144);
    return { bytes: concat(b.subarray(0, at), new Uint8Array(n).fill(v), b.subarray(at)), op: `ins-rep-${v.toString(16)}×${n}@${at}` };
  }
  const from = rng.int(b.length);
  const len = Math.min(b.length - from, rng.small(512));
  const times = rng.small(200);
  const piece = b.subarray(from, from + len);
  const parts: Uint8Array[] = [b.subarray(0, at)];
  for (let i = 0; i < times; i++) parts.push(piece);
  parts.push(b.subarray(at));
  return { bytes: concat(...parts), op: `ins-copy[${from}+${len}]×${times}@${at}` };
};

const zeroRange: ByteOp = (b, rng) => {
  const out = b.slice();
  const at = rng.int(out.length);
  const n = Math.min(out.length - at, rng.small(4096));
  out.fill(0, at, at + n);
  return { bytes: out, op: `zero[${at}+${n}]` };
};

const duplicateRange: ByteOp = (b, rng) => {
  const from = rng.int(b.length);
  const len = Math.min(b.length - from, rng.small(8192));
  const at = rng.chance(0.5) ? from + len : rng.int(b.length + 1);
  return { bytes: concat(b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)), op: `dup[${from}+${len}]@${at}` };
};

const removeRange: ByteOp = (b, rng) => {
  const at = rng.int(b.length);
  const n = Math.min(b.length - at, rng.small(4096));
  return { bytes: concat(b.subarray(0, at), b.subarray(at + n)), op: `cut[${at}+${n}]` };
};

const BYTE_OPS: readonly ByteOp[] = [flip, setBytes, truncate, splice, insertRandom, insertRepeated, zeroRange, duplicateRange, removeRange];
const BYTE_WEIGHTS: readonly number[] = [4, 4, 2, 1.5, 1.5, 1, 1.5, 1.5, 1.5];

/**
 * One to `max` format-blind mutations of `bytes`; `other` is a second file of the same format, for
 * splices. Names of the mutations are joined with `+`.
 */
export function mutateBytes(bytes: Uint8Array, rng: Rng, other: Uint8Array | null, max = 4): Mutated {
  let cur = bytes;
  const ops: string[] = [];
  const n = rng.range(1, max);
  for (let i = 0; i < n; i++) {
    const m = rng.weighted(BYTE_OPS, BYTE_WEIGHTS)(cur, rng, other);
    cur = m.bytes;
    ops.push(m.op);
  }
  return { bytes: cur, op: ops.join('+') };
}
