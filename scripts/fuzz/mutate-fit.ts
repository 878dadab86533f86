/**
 * Structure-aware FIT mutations: inside messages (a field set to its base type's invalid sentinel, 0, its
 * largest or smallest value, or random; timestamps sent backwards or far ahead; compressed-timestamp
 * headers), on definitions (a field's size or base type, the architecture, the global message number, the
 * field count), on the message sequence (messages duplicated, dropped, moved; data for an undefined local
 * type), on the headers (a wrong data size, the 12/14-byte header form) and on chaining (a second file
 * appended). Header data sizes and CRCs are recomputed with runjson's own `crc16`, so the damage reaches
 * the decoder's semantics instead of stopping at the CRC check; a few inputs keep the stale CRC on
 * purpose.
 */
import { crc16 } from '../../src/fit/crc.js';
import { type FitDefinition, type FitField, type FitLayout, type FitPieces, type FitRecord, assembleFit, splitFit, walkFit } from './fit-walk.js';
import type { Mutated } from './mutate-bytes.js';
import type { Rng } from './random.js';

/** Global message numbers the decoder reads, picked more often than the others. */
const INTERESTING_GLOBALS = [0, 12, 18, 19, 20, 21, 23, 34, 49, 101, 132, 206, 207] as const;
/** Base type bytes: the 17 valid ones as the SDK writes them, and some that are not. */
const BASE_TYPES = [0x00, 0x01, 0x02, 0x83, 0x84, 0x85, 0x86, 0x07, 0x88, 0x89, 0x0a, 0x8b, 0x8c, 0x0d, 0x8e, 0x8f, 0x90] as const;
const BAD_BASE_TYPES = [0x11, 0x1f, 0x47, 0xff, 0x03, 0x04, 0x05, 0x06] as const;
/** Element size of each base type number (index = `baseType & 0x1f`). */
const ELEMENT = [1, 1, 1, 2, 2, 4, 4, 1, 4, 8, 1, 2, 4, 1, 8, 8, 8];

/** What one structure-aware mutation needs to know. */
interface FitContext {
  layout: FitLayout;
  pieces: FitPieces;
  rng: Rng;
  /** Another FIT file, for chaining. */
  other: Uint8Array | null;
  /** Set by ops that must not have the header size rewritten (a wrong size is their point). */
  keepSize: boolean;
}

/** A record of the walk, with the index of its file and of itself among the file's records. */
interface Located {
  file: number;
  index: number;
  record: FitRecord;
}

function allRecords(layout: FitLayout, filter: (r: FitRecord) => boolean): Located[] {
  const out: Located[] = [];
  layout.files.forEach((f, file) => f.records.forEach((record, index) => filter(record) && out.push({ file, index, record })));
  return out;
}

/** A data record, preferring the messages runjson reads (record, lap, session, event…). */
function pickData(ctx: FitContext, filter: (r: FitRecord) => boolean = () => true): Located | null {
  const data = allRecords(ctx.layout, (r) => r.kind === 'data' && r.def.fields.length > 0 && filter(r));
  if (data.length === 0) return null;
  if (ctx.rng.chance(0.7)) {
    const wanted = data.filter((d) => (INTERESTING_GLOBALS as readonly number[]).includes(d.record.def.global));
    if (wanted.length > 0) return ctx.rng.pick(wanted);
  }
  return ctx.rng.pick(data);
}

/** Writes `v` (an unsigned integer below 2^53) as `size` bytes at `at`, in the definition's byte order. */
function writeUint(buf: Uint8Array, at: number, size: number, v: number, big: boolean): void {
  for (let i = 0; i < size; i++) {
    const byte = Math.floor(v / 256 ** i) % 256;
    buf[at + (big ? size - 1 - i : i)] = byte;
  }
}

function readUint(buf: Uint8Array, at: number, size: number, big: boolean): number {
  let v = 0;
  for (let i = 0; i < size; i++) v += buf[at + (big ? size - 1 - i : i)] * 256 ** i;
  return v;
}

/** The value kinds a field can be set to. */
type ValueKind = 'invalid' | 'zero' | 'max' | 'min' | 'random' | 'float-special';

/** Writes one element of base type `bt` (number) as `kind` at `at`. */
function writeElement(buf: Uint8Array, at: number, bt: number, big: boolean, kind: ValueKind, rng: Rng): void {
  const el = ELEMENT[bt] ?? 1;
  const signed = bt === 1 || bt === 3 || bt === 5 || bt === 14;
  const zeroInvalid = bt === 10 || bt === 11 || bt === 12 || bt === 16 || bt === 7;
  const isFloat = bt === 8 || bt === 9;
  const bytes = new Uint8Array(el);
  if (kind === 'float-special' || (isFloat && kind === 'max')) {
    const v = rng.pick([NaN, Infinity, -Infinity, 3.4e38, -3.4e38, -0, 1e-45, 1e300]);
    const dv = new DataView(bytes.buffer);
    if (el === 8) dv.setFloat64(0, v, !big);
    else if (el === 4) dv.setFloat32(0, v, !big);
    else bytes.fill(0xff);
  } else if (kind === 'invalid') {
    if (zeroInvalid) bytes.fill(0);
    else if (signed) {
      bytes.fill(0xff);
      bytes[el - 1] = 0x7f; // little-endian layout here; reversed below for big-endian
    } else bytes.fill(0xff);
  } else if (kind === 'zero') {
    bytes.fill(0);
  } else if (kind === 'max') {
    bytes.fill(0xff);
    if (signed) bytes[el - 1] = 0x7f;
    bytes[0] = bytes[0] - 1; // one below the sentinel: the largest valid value
  } else if (kind === 'min') {
    bytes.fill(0);
    if (signed) bytes[el - 1] = 0x80;
    else bytes[0] = zeroInvalid ? 1 : 0;
  } else {
    for (let i = 0; i < el; i++) bytes[i] = rng.u32() & 0xff;
  }
  for (let i = 0; i < el; i++) buf[at + (big && el > 1 ? el - 1 - i : i)] = bytes[i];
}

/** A data field set to an extreme or random value. */
function fieldValue(ctx: FitContext): string | null {
  const d = pickData(ctx);
  if (d === null) return null;
  const { rng } = ctx;
  const def = d.record.def;
  const field = rng.pick(def.fields);
  const bt = field.baseType & 0x1f;
  const big = def.arch === 1;
  const rec = ctx.pieces.files[d.file].records[d.index];
  const kind = rng.weighted<ValueKind>(['invalid', 'zero', 'max', 'min', 'random', 'float-special'], [3, 2, 2, 1, 2, bt === 8 || bt === 9 ? 2 : 0]);
  const el = ELEMENT[bt] ?? 1;
  const base = 1 + field.at;
  if (bt === 7) {
    // A string: no terminating NUL, invalid UTF-8, or empty.
    const fill = rng.pick([0x00, 0xff, 0x41, 0xc3, 0xe2, 0x80]);
    for (let i = 0; i < field.size; i++) rec[base + i] = i === 0 && fill === 0 ? 0 : fill;
    return `fit-string(${def.global}.${field.num}=${fill.toString(16)})`;
  }
  // Every element of an array field, or one.
  const all = rng.chance(0.5);
  for (let o = 0; o + el <= field.size; o += el) {
    if (all || o === 0) writeElement(rec, base + o, bt, big, kind, rng);
  }
  return `fit-field(${def.global}.${field.num}:${kind})`;
}

/** A timestamp (field 253, or start_time 2 of laps and sessions) sent backwards, far ahead, to 0… */
function timestamp(ctx: FitContext): string | null {
  const isTime = (f: FitField): boolean => f.num === 253 && f.size === 4;
  const d = pickData(ctx, (r) => r.def.fields.some(isTime));
  if (d === null) return null;
  const { rng } = ctx;
  const def = d.record.def;
  const field = def.fields.find(isTime)!;
  const big = def.arch === 1;
  const kind = rng.pick(['back', 'back', 'jump', 'jump', 'zero', 'max', 'wrap', 'block-back', 'block-jump'] as const);
  const records = ctx.pieces.files[d.file].records;
  const old = readUint(records[d.index], 1 + field.at, 4, big);
  let v: number;
  switch (kind) {
    case 'back':
    case 'block-back':
      v = Math.max(0, old - rng.pick([1, 2, 30, 3600, 86400 * 40, rng.range(1, 1 << 24)]));
      break;
    case 'jump':
    case 'block-jump':
      v = Math.min(0xfffffffe, old + rng.pick([86400 * 31, 86400 * 365 * 10, 2 ** 31, rng.range(1, 2 ** 30)]));
      break;
    case 'zero':
      v = 0;
      break;
    case 'max':
      v = 0xfffffffe;
      break;
    default:
      v = (old + 2 ** 31) % 2 ** 32;
  }
  const delta = v - old;
  if (kind.startsWith('block')) {
    // Shift this message and the same-global ones after it: the clock jumps once and stays there.
    const n = rng.small(500);
    let done = 0;
    for (let i = d.index; i < records.length && done < n; i++) {
      const r = ctx.layout.files[d.file].records[i];
      if (r.kind !== 'data' || r.def.global !== def.global) continue;
      const f = r.def.fields.find(isTime);
      if (f === undefined) continue;
      const rb = r.def.arch === 1;
      const cur = readUint(records[i], 1 + f.at, 4, rb);
      writeUint(records[i], 1 + f.at, 4, Math.min(0xfffffffe, Math.max(0, cur + delta)), rb);
      done++;
    }
  } else {
    writeUint(records[d.index], 1 + field.at, 4, v, big);
  }
  return `fit-time(${def.global}:${kind})`;
}

/** A normal data header turned into a compressed-timestamp one (or a compressed one's offset changed). */
function compressedHeader(ctx: FitContext): string | null {
  const d = pickData(ctx, (r) => r.local < 4);
  if (d === null) return null;
  const rec = ctx.pieces.files[d.file].records[d.index];
  rec[0] = 0x80 | (d.record.local << 5) | ctx.rng.int(32);
  return `fit-compressed(${d.record.def.global})`;
}

/** A definition's field size or base type changed; the data either keeps its bytes (desync) or is re-laid. */
function definitionField(ctx: FitContext): string | null {
  const defs = allRecords(ctx.layout, (r) => r.kind === 'definition' && r.def.fields.length > 0);
  if (defs.length === 0) return null;
  const { rng } = ctx;
  const d = rng.pick(defs);
  const def = d.record.def;
  const k = rng.int(def.fields.length);
  const field = def.fields[k];
  const records = ctx.pieces.files[d.file].records;
  const rec = records[d.index];
  if (rng.chance(0.5)) {
    const bt = rng.chance(0.8) ? rng.pick(BASE_TYPES) : rng.pick(BAD_BASE_TYPES);
    rec[field.entry + 2] = bt;
    return `fit-def-type(${def.global}.${field.num}→${bt.toString(16)})`;
  }
  const size = rng.pick([0, 1, 2, 3, 4, 8, 255, Math.max(0, field.size - 1), field.size + 1, field.size * 2, rng.int(256)]) & 0xff;
  rec[field.entry + 1] = size;
  if (rng.chance(0.4)) return `fit-def-size(${def.global}.${field.num}:${field.size}→${size},desync)`;
  // Re-lay every data message of this definition (until the local type is defined again).
  const file = ctx.layout.files[d.file];
  for (let i = d.index + 1; i < file.records.length; i++) {
    const r = file.records[i];
    if (r.kind === 'definition' && r.local === def.local) break;
    if (r.kind !== 'data' || r.def !== def) continue;
    const old = records[i];
    const out = new Uint8Array(old.length - field.size + size);
    out.set(old.subarray(0, 1 + field.at));
    const keep = Math.min(size, field.size);
    out.set(old.subarray(1 + field.at, 1 + field.at + keep), 1 + field.at);
    out.fill(0xff, 1 + field.at + keep, 1 + field.at + size);
    out.set(old.subarray(1 + field.at + field.size), 1 + field.at + size);
    records[i] = out;
  }
  return `fit-def-size(${def.global}.${field.num}:${field.size}→${size})`;
}

/** A definition's architecture, global message number or field count changed. */
function definitionHeader(ctx: FitContext): string | null {
  const defs = allRecords(ctx.layout, (r) => r.kind === 'definition');
  if (defs.length === 0) return null;
  const { rng } = ctx;
  const d = rng.pick(defs);
  const rec = ctx.pieces.files[d.file].records[d.index];
  const def: FitDefinition = d.record.def;
  const what = rng.pick(['arch', 'global', 'global', 'fields'] as const);
  if (what === 'arch') {
    rec[2] = rng.pick([def.arch ^ 1, 2, 0xff]);
    return `fit-def-arch(${def.global}→${rec[2]})`;
  }
  if (what === 'global') {
    const g = rng.chance(0.8) ? rng.pick(INTERESTING_GLOBALS) : rng.pick([0xffff, 0xff00, rng.int(0x10000)]);
    writeUint(rec, 3, 2, g, def.arch === 1);
    return `fit-def-global(${def.global}→${g})`;
  }
  rec[5] = Math.max(0, Math.min(255, rec[5] + rng.pick([-1, 1, 2, -2])));
  return `fit-def-count(${def.global})`;
}

/** Messages duplicated, dropped or moved. */
function sequence(ctx: FitContext): string | null {
  const { rng } = ctx;
  const files = ctx.pieces.files.filter((f) => f.records.length > 0);
  if (files.length === 0) return null;
  const f = rng.pick(files);
  const rs = f.records;
  const i = rng.int(rs.length);
  const n = Math.min(rs.length - i, rng.chance(0.7) ? 1 : rng.small(64));
  const what = rng.pick(['dup', 'dup', 'drop', 'drop', 'move', 'swap', 'undefined-local'] as const);
  if (what === 'dup') {
    const copies = rng.chance(0.8) ? 1 : rng.small(2000);
    const run = rs.slice(i, i + n);
    const at = rng.chance(0.6) ? i + n : rng.int(rs.length + 1);
    const add: Uint8Array[] = [];
    for (let c = 0; c < copies; c++) for (const r of run) add.push(r.slice());
    rs.splice(at, 0, ...add);
    return `fit-dup(${n}×${copies})`;
  }
  if (what === 'drop') {
    rs.splice(i, n);
    return `fit-drop(${n})`;
  }
  if (what === 'move') {
    const run = rs.splice(i, n);
    rs.splice(rng.int(rs.length + 1), 0, ...run);
    return `fit-move(${n})`;
  }
  if (what === 'swap') {
    const j = rng.int(rs.length);
    [rs[i], rs[j]] = [rs[j], rs[i]];
    return 'fit-swap';
  }
  // A data message for a local type nothing defined (bytes that follow it are whatever comes next).
  const header = rng.chance(0.5) ? rng.int(16) : 0x80 | (rng.int(4) << 5) | rng.int(32);
  rs.splice(i, 0, Uint8Array.of(header, ...rng.bytes(rng.int(8))));
  return 'fit-undefined-local';
}

/** A header's data size made wrong, its protocol/profile bytes changed, or its 12/14-byte form switched. */
function header(ctx: FitContext): string | null {
  const { rng } = ctx;
  const f = rng.pick(ctx.pieces.files);
  const h = f.header;
  const what = rng.pick(['size', 'size', 'size', 'form', 'versions', 'header-size-byte'] as const);
  if (what === 'size') {
    let data = 0;
    for (const r of f.records) data += r.length;
    const v = rng.pick([0, 1, Math.max(0, data - rng.small(4096)), data + rng.small(4096), 0xffffffff, 0x7fffffff, rng.u32()]);
    writeUint(h, 4, 4, v >>> 0, false);
    ctx.keepSize = true;
    return `fit-header-size(${data}→${v >>> 0})`;
  }
  if (what === 'form') {
    if (h.length >= 14) {
      const short = h.slice(0, 12);
      short[0] = 12;
      f.header = short;
    } else {
      const long = new Uint8Array(14);
      long.set(h);
      long[0] = 14;
      f.header = long;
    }
    return `fit-header-form(${h.length}→${f.header.length})`;
  }
  if (what === 'versions') {
    h[1] = rng.u32() & 0xff;
    h[2] = rng.u32() & 0xff;
    h[3] = rng.u32() & 0xff;
    return 'fit-header-versions';
  }
  // A header size byte that disagrees with the header's length (13, 15, 255…).
  h[0] = rng.pick([11, 13, 15, 16, 32, 255]);
  return `fit-header-size-byte(${h[0]})`;
}

/** A second FIT file chained after the first (itself or another), or bytes after the last CRC. */
function chain(ctx: FitContext): string | null {
  const { rng } = ctx;
  const what = rng.pick(['self', 'other', 'garbage'] as const);
  if (what === 'garbage') {
    const tail = rng.chance(0.5) ? rng.bytes(rng.small(64)) : Uint8Array.of(14, 0x20, 0, 0, 0, 0, 0, 0, 0x2e, 0x46, 0x49, 0x54);
    const t = new Uint8Array(ctx.pieces.tail.length + tail.length);
    t.set(ctx.pieces.tail);
    t.set(tail, ctx.pieces.tail.length);
    ctx.pieces.tail = t;
    return 'fit-chain-garbage';
  }
  if (what === 'other' && ctx.other !== null) {
    const l = walkFit(ctx.other);
    ctx.pieces.files.push(...splitFit(ctx.other, l).files);
    return 'fit-chain-other';
  }
  const copy = ctx.pieces.files[0];
  ctx.pieces.files.push({ header: copy.header.slice(), records: copy.records.map((r) => r.slice()), crc: copy.crc?.slice() ?? Uint8Array.of(0, 0), unfinalized: copy.unfinalized });
  return 'fit-chain-self';
}

type FitOp = (ctx: FitContext) => string | null;
const FIT_OPS: readonly FitOp[] = [fieldValue, timestamp, compressedHeader, definitionField, definitionHeader, sequence, header, chain];
const FIT_WEIGHTS: readonly number[] = [5, 3, 1, 3, 2, 3, 1.5, 0.7];

/** Names of the structure-aware operations, for tests that run each one. */
export const FIT_OP_NAMES = ['field', 'time', 'compressed', 'def-field', 'def-header', 'sequence', 'header', 'chain'] as const;
export type FitOpName = (typeof FIT_OP_NAMES)[number];

/** Options of {@link mutateFit}. */
export interface FitMutationOptions {
  /** Operations to run (default: 1–3 chosen by weight). */
  only?: FitOpName;
  /** Probability that CRCs are recomputed (default 0.85; otherwise the stale ones are kept). */
  fixCrc?: number;
}

/**
 * One to three structure-aware mutations of the FIT input `bytes` (each walks the result of the one
 * before), or null when `bytes` holds no FIT structure to work on.
 */
export function mutateFit(bytes: Uint8Array, rng: Rng, other: Uint8Array | null, options: FitMutationOptions = {}): Mutated | null {
  let cur = bytes;
  const ops: string[] = [];
  const n = options.only !== undefined ? 1 : rng.chance(0.6) ? 1 : rng.range(2, 3);
  for (let k = 0; k < n; k++) {
    const layout = walkFit(cur);
    if (layout.files.length === 0) break;
    const ctx: FitContext = { layout, pieces: splitFit(cur, layout), rng, other, keepSize: false };
    const op = options.only !== undefined ? FIT_OPS[FIT_OP_NAMES.indexOf(options.only)] : rng.weighted(FIT_OPS, FIT_WEIGHTS);
    const name = op(ctx);
    if (name === null) continue;
    const fixCrc = rng.chance(options.fixCrc ?? 0.85);
    cur = assembleFit(ctx.pieces, { size: !ctx.keepSize, crc: fixCrc }, crc16);
    ops.push(fixCrc ? name : `${name}(stale crc)`);
  }
  return ops.length === 0 ? null : { bytes: cur, op: ops.join('+') };
}
