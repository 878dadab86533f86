/**
 * Shrinking a failing input while it still fails the same way: a delta-debugging loop over units,
 * removing runs of them (halves first, then smaller runs). FIT inputs first lose whole messages (with the
 * header size and CRC put right again, so that the decoder still reads what is left), text loses lines,
 * then any input loses bytes. Bounded by a number of tries and a time budget: a counterexample a few
 * times larger than the smallest is still worth keeping.
 */
import { crc16 } from '../../src/fit/crc.js';
import { assembleFit, splitFit, walkFit } from './fit-walk.js';

/** Whether a candidate still fails the same way. */
export type StillFails = (candidate: Uint8Array) => Promise<boolean>;

/** Budget of a shrink. */
export interface ShrinkOptions {
  maxTries: number;
  maxMs: number;
}

/** The result of a shrink. */
export interface Shrunk {
  bytes: Uint8Array;
  tries: number;
}

/**
 * Removes runs of units from a list while `test(list)` still holds. Runs of half the list first, then
 * quarters, down to single units; after a success the same position is tried again.
 */
async function ddmin<T>(units: T[], test: (units: T[]) => Promise<boolean>, budget: () => boolean): Promise<T[]> {
  let cur = units;
  let chunk = Math.max(1, Math.ceil(cur.length / 2));
  for (;;) {
    let progress = false;
    for (let start = 0; start < cur.length && budget(); ) {
      const cand = cur.slice(0, start).concat(cur.slice(start + chunk));
      if (cand.length < cur.length && (await test(cand))) {
        cur = cand;
        progress = true;
      } else {
        start += chunk;
      }
    }
    if (!budget()) return cur;
    if (!progress) {
      if (chunk === 1) return cur;
      chunk = Math.max(1, Math.floor(chunk / 2));
    }
  }
}

/** Whether every FIT file of `b` that has a stored CRC has the right one. */
function crcsRight(b: Uint8Array): boolean {
  const layout = walkFit(b);
  return layout.files.every((f) => {
    if (f.crcOffset < 0) return true;
    const c = crc16(0, b, f.offset, f.crcOffset);
    return b[f.crcOffset] === (c & 0xff) && b[f.crcOffset + 1] === c >>> 8;
  });
}

/** Shrinks `bytes` while `stillFails` holds. */
export async function shrink(bytes: Uint8Array, stillFails: StillFails, options: ShrinkOptions): Promise<Shrunk> {
  const t0 = Date.now();
  let tries = 0;
  const budget = (): boolean => tries < options.maxTries && Date.now() - t0 < options.maxMs;
  const test = async (cand: Uint8Array): Promise<boolean> => {
    tries++;
    return stillFails(cand);
  };
  let cur = bytes;

  // FIT: whole messages (and whole chained files), keeping the structure readable.
  const layout = walkFit(cur);
  if (layout.files.length > 0) {
    const fix = { size: true, crc: crcsRight(cur) };
    const pieces = splitFit(cur, layout);
    const units: [number, number][] = [];
    pieces.files.forEach((f, i) => f.records.forEach((_, j) => units.push([i, j])));
    const build = (keep: [number, number][]): Uint8Array => {
      const kept = new Set(keep.map(([i, j]) => `${i}:${j}`));
      return assembleFit({ ...pieces, files: pieces.files.map((f, i) => ({ ...f, records: f.records.filter((_, j) => kept.has(`${i}:${j}`)) })) }, fix, crc16);
    };
    // Assembling can change bytes even with nothing removed (a stale CRC fixed): only use it if that still fails.
    if (await test(build(units))) {
      const best = await ddmin(units, (u) => test(build(u)), budget);
      cur = build(best);
    }
  }

  // Text: whole lines.
  if (budget() && cur.includes(0x0a)) {
    const lines: Uint8Array[] = [];
    let s = 0;
    for (let i = 0; i < cur.length; i++) {
      if (cur[i] === 0x0a) {
        lines.push(cur.subarray(s, i + 1));
        s = i + 1;
      }
    }
    if (s < cur.length) lines.push(cur.subarray(s));
    const join = (ls: Uint8Array[]): Uint8Array => concat(ls);
    cur = join(await ddmin(lines, (ls) => test(join(ls)), budget));
  }

  // Bytes, in runs: the input as chunks of 1/16th, then a finer pass if the budget allows.
  for (const parts of [16, 256]) {
    if (!budget() || cur.length < 2) break;
    const size = Math.max(1, Math.ceil(cur.length / parts));
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < cur.length; i += size) chunks.push(cur.subarray(i, i + size));
    cur = concat(await ddmin(chunks, (cs) => test(concat(cs)), budget));
  }
  return { bytes: cur.slice(), tries };
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
