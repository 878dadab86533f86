/**
 * The byte-level FIT reader: file headers (12/14 bytes, header CRC), definition messages (little- and
 * big-endian), normal and compressed-timestamp data messages, developer fields (skipped), the file CRC and
 * several FIT files chained in one input. Push-based and chunk-agnostic: `push()` any split of the input,
 * a record cut by a chunk boundary is carried in a small buffer (bounded by the largest FIT message, never
 * the whole input), so every split gives the same messages.
 *
 * Every definition message compiles a read plan: a flat `Int32Array` of (op, size, slot) triples where the
 * op folds base type, endianness and invalid sentinel into one integer. A data message is decoded by
 * walking its plan with an integer switch into a reused `Float64Array` of slots (invalid → NaN); nothing is
 * allocated and no field is looked up by name. Plans of plain integer fields are also compiled to
 * straight-line functions (`plan-compiler.ts`), which the data loop calls instead of the interpreter.
 * The semantic layer ({@link FitSink}) receives the slots.
 *
 * Spec: https://developer.garmin.com/fit/protocol/
 */
import { ConvertError, ErrorCode, type Report } from '../../core/errors.js';
import { crc16 } from '../../fit/crc.js';
import { type CompiledPlan, compilePlan, type PlanOps, planCompilation } from './plan-compiler.js';
import { Mesg } from '../../fit/profile.js';
import { FieldKind, MAX_SLOTS, type MessageSpec, specOf } from './message-specs.js';
import { type FitThreadCache, fitThreadCache, type KnownDefinition, rememberDefinition } from './thread-cache.js';

/** Receives the decoded messages the semantic layer wants. */
export interface FitSink {
  /**
   * One data message. `vals[slot]` holds each field of the message's {@link MessageSpec} (raw integer
   * values, NaN when absent or invalid); `strs[slot]` its strings. Both are reused: read them during the
   * call only. `offset` is the message's byte offset in the input. For an array field
   * ({@link FieldKind.Array}) `vals[slot]` is its element count and `arrs[slot]` holds the elements.
   */
  message(global: number, vals: Float64Array, strs: (string | null)[], offset: number, arrs: Float64Array[]): void;
}

/** The caps the reader enforces (see `Limits` in options.ts). */
export interface ReaderLimits {
  maxMessages: number;
  maxDeveloperFields: number;
  maxStringLength: number;
}

// Plan ops. Multi-byte ops have a big-endian twin at op | BE.
const SKIP = 0;
const U8 = 1;
const S8 = 2;
const U8Z = 3;
const U16 = 4;
const S16 = 5;
const U16Z = 6;
const U32 = 7;
const S32 = 8;
const U32Z = 9;
const F32 = 10;
const F64 = 11;
const S64 = 12;
const U64 = 13;
const U64Z = 14;
const STR = 15;
const B3 = 16;
const NAN = 17;
const NOSTR = 18;
const BE = 32;
/** Array field: ARR | BE? | base type number (elements decoded by `FitReader.array`, off the hot switch). */
const ARR = 64;

const OPS: PlanOps = { SKIP, U8, S8, U8Z, U16, S16, U16Z, U32, S32, U32Z, B3, NAN, NOSTR, BE };

/** Base type number → [op, element size]; −1 op for unknown base types. */
const BASE_OP = [U8, S8, U8, S16, U16, S32, U32, STR, F32, F64, U8Z, U16Z, U32Z, U8, S64, U64, U64Z];
const BASE_SIZE = [1, 1, 1, 2, 2, 4, 4, 1, 4, 8, 1, 2, 4, 1, 8, 8, 8];
/** Base type number → invalid raw value (unsigned) of the integer types up to 4 bytes (−1: see `array`). */
const BASE_INVALID = [0xff, 0x7f, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0xffffffff, -1, -1, -1, 0, 0, 0, 0xff, -1, -1, -1];
const NO_ELEMENTS = new Float64Array(0);

const STATE_HEADER = 0;
const STATE_DATA = 1;
const STATE_CRC = 2;
const STATE_SKIP = 3;

/** Where `define` builds a plan before copying it out at its exact length (grows as needed). */
const PLAN_START = 256;
const NO_PLAN = new Int32Array(0);
/** Strings are decoded whole (never streamed), so one decoder serves every reader. */
const text = new TextDecoder('utf-8');

/** FNV-style hash of `buf[p, p + len)` (a definition message's bytes). */
function hashBytes(buf: Uint8Array, p: number, len: number): number {
  let h = len;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ buf[p + i], 0x01000193);
  return h;
}

/** Bytes the carry buffer takes from a new chunk at first (doubles while a message stays incomplete). */
const CARRY_STEP = 2048;

/** Reads FIT bytes pushed in any chunks and hands the wanted messages to a {@link FitSink}. */
export class FitReader {
  /** Data messages of type `record` read so far. */
  records = 0;
  /** FIT files (headers) started, and completed with their CRC. */
  filesStarted = 0;
  filesDone = 0;
  /** Data size of the first file's header (0 when unknown), for capacity estimates. */
  firstDataSize = 0;

  private readonly sink: FitSink;
  private readonly report: Report;
  private readonly limits: ReaderLimits;

  private state = STATE_HEADER;
  private crc = 0;
  private dataEnd = 0;
  /** Absolute offset of the next byte to arrive. */
  private total = 0;
  private carry = new Uint8Array(0);
  private carryLen = 0;
  private carryBase = 0;

  private messages = 0;
  private devFields = 0;
  private lastTimestamp = -1;

  // 16 local definition slots.
  private readonly defSize = new Int32Array(16).fill(-1);
  /** Each local type's read plan (shared with the definition cache: read only). */
  private readonly plans: Int32Array[] = new Array<Int32Array>(16).fill(NO_PLAN);
  /** The plans compiled to functions (null: the interpreter, `decode`, reads that local type). */
  private readonly compiled: (CompiledPlan | null)[] = new Array<CompiledPlan | null>(16).fill(null);
  private readonly specs: MessageSpec[] = new Array<MessageSpec>(16).fill(specOf(-1));
  /** Definitions read before on this thread, by the hash of their bytes (see `thread-cache.ts`). */
  private readonly known: Map<number, KnownDefinition>;

  /** The slots a data message is decoded into (the thread's: see `thread-cache.ts`); read by the sink during its call only. */
  private readonly vals: Float64Array;
  private readonly strs: (string | null)[];
  // Per-reader scratch.
  /** Element buffers of array slots (allocated when a definition first carries an array field). */
  private readonly arrs: Float64Array[] = new Array<Float64Array>(MAX_SLOTS).fill(NO_ELEMENTS);
  private readonly seen = new Uint8Array(MAX_SLOTS);
  private scratchPlan = new Int32Array(PLAN_START);
  private readonly f32 = new Float32Array(1);
  private readonly f32b = new Uint8Array(this.f32.buffer);
  private readonly f64 = new Float64Array(1);
  private readonly f64b = new Uint8Array(this.f64.buffer);

  constructor(sink: FitSink, report: Report, limits: ReaderLimits, cache: FitThreadCache = fitThreadCache) {
    this.sink = sink;
    this.report = report;
    this.limits = limits;
    this.known = cache.definitions;
    this.vals = cache.slots;
    this.strs = cache.strings;
  }

  /** Feeds the next chunk of the input. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    const base = this.total;
    this.total += n;
    let p = 0;
    if (this.carryLen > 0) {
      // Complete the message cut by the previous chunk boundary in the carry buffer, taking only as many
      // bytes of this chunk as it needs (bounded: the largest FIT message is ~128 KiB).
      const old = this.carryLen;
      let step = CARRY_STEP;
      let taken = 0;
      for (;;) {
        const t = Math.min(n - taken, step);
        this.append(chunk, taken, t);
        taken += t;
        const q = this.parse(this.carry, 0, this.carryLen, this.carryBase);
        if (q >= old) {
          p = q - old;
          this.carryLen = 0;
          break;
        }
        if (taken === n) return;
        step *= 2;
      }
    }
    if (p < n) {
      const q = this.parse(chunk, p, n, base);
      if (q < n) {
        this.carryLen = 0;
        this.carryBase = base + q;
        this.append(chunk, q, n - q);
      }
    }
  }

  /**
   * Ends the input. A file cut short (a watch that died) keeps what was read, with a `truncated` warning;
   * it is an error only when no record was read at all.
   */
  finish(): void {
    const cut = this.carryLen > 0 || this.state === STATE_DATA || this.state === STATE_CRC;
    // An unfinalized recording (data size 0) legitimately ends with the input, between two messages.
    if (!cut || (this.dataEnd === Infinity && this.carryLen === 0)) return;
    const where = this.carryLen > 0 ? this.carryBase : this.total;
    const what =
      this.state === STATE_CRC ? 'the file CRC is missing' : this.state === STATE_HEADER ? 'the input ends inside a FIT file header' : 'the input ends before the FIT data does';
    if (this.records > 0 || this.filesDone > 0) {
      this.report.warn('truncated', `${what}: kept every complete message before the break`, 1, { offset: where }, ErrorCode.Truncated);
      return;
    }
    throw new ConvertError(ErrorCode.Truncated, `${what}, and no record was read`, { format: 'fit', offset: where });
  }

  private append(src: Uint8Array, from: number, count: number): void {
    const need = this.carryLen + count;
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.max(need, this.carry.length * 2, 256));
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(src.subarray(from, from + count), this.carryLen);
    this.carryLen = need;
  }

  /** Parses `buf[p, end)` (absolute offset of `buf[0]` is `base`); returns where the first incomplete item starts. */
  private parse(buf: Uint8Array, p: number, end: number, base: number): number {
    for (;;) {
      switch (this.state) {
        case STATE_HEADER: {
          if (p >= end) return p;
          const hs = buf[p];
          if (hs < 12) {
            this.badFile(base + p, `bad FIT header size ${hs}`);
            break;
          }
          if (end - p < hs) return p;
          if (buf[p + 8] !== 0x2e || buf[p + 9] !== 0x46 || buf[p + 10] !== 0x49 || buf[p + 11] !== 0x54) {
            this.badFile(base + p, 'no ".FIT" signature in the file header');
            break;
          }
          this.header(buf, p, hs, base);
          p += hs;
          break;
        }
        case STATE_DATA: {
          if (base + p >= this.dataEnd) {
            this.state = STATE_CRC;
            break;
          }
          const p0 = p;
          p = this.data(buf, p, end, base);
          this.crc = crc16(this.crc, buf, p0, p);
          if (this.state === STATE_DATA && base + p < this.dataEnd) return p;
          break;
        }
        case STATE_CRC: {
          if (this.dataEnd === Infinity) return p;
          if (end - p < 2) return p;
          const stored = buf[p] | (buf[p + 1] << 8);
          if (stored !== this.crc) {
            this.report.warn('crc-mismatch', `FIT file CRC mismatch (stored 0x${hex(stored)}, computed 0x${hex(this.crc)})`, 1, { offset: base + p }, ErrorCode.Checksum);
          }
          p += 2;
          this.filesDone++;
          this.state = STATE_HEADER;
          break;
        }
        default:
          return end;
      }
    }
  }

  private header(buf: Uint8Array, p: number, hs: number, base: number): void {
    const dataSize = (buf[p + 4] | (buf[p + 5] << 8) | (buf[p + 6] << 16) | (buf[p + 7] << 24)) >>> 0;
    if (hs >= 14) {
      const stored = buf[p + 12] | (buf[p + 13] << 8);
      if (stored !== 0 && stored !== crc16(0, buf, p, p + 12)) {
        this.report.warn('crc-mismatch', 'FIT header CRC mismatch', 1, { offset: base + p + 12 }, ErrorCode.Checksum);
      }
    }
    if (this.filesStarted === 0) this.firstDataSize = dataSize;
    this.filesStarted++;
    this.crc = crc16(0, buf, p, p + hs);
    if (dataSize === 0) {
      // An unfinalized recording: the watch never wrote the size. Read to the end of the input.
      this.report.warn('unfinalized', 'FIT header data size is 0 (recording not finalized): read to the end of the input', 1, { offset: base + p + 4 });
      this.dataEnd = Infinity;
    } else {
      this.dataEnd = base + p + hs + dataSize;
    }
    this.state = STATE_DATA;
  }

  /** A file header that is not one: an error for the first file, a warning for a chained tail. */
  private badFile(offset: number, why: string): void {
    if (this.filesDone === 0) throw new ConvertError(ErrorCode.Malformed, `not a FIT file: ${why}`, { format: 'fit', offset });
    this.report.warn('chained-file-broken', `bytes after the FIT file(s) are not a FIT file (${why}): ignored`, 1, { offset }, ErrorCode.Malformed);
    this.state = STATE_SKIP;
  }

  /** Structural damage inside the data: stop here, keeping what was read (an error if nothing was). */
  private corrupt(offset: number, why: string): void {
    if (this.records === 0 && this.filesDone === 0) throw new ConvertError(ErrorCode.Malformed, why, { format: 'fit', offset });
    this.report.warn('corrupt-data', `${why}: kept every message before it, ignored the rest`, 1, { offset }, ErrorCode.Malformed);
    this.state = STATE_SKIP;
  }

  /** The data loop: messages of the current file in `buf[p, end)`; returns where it stopped. */
  private data(buf: Uint8Array, p: number, end: number, base: number): number {
    const stop = Math.min(end, this.dataEnd - base);
    const defSize = this.defSize;
    const maxMessages = this.limits.maxMessages;
    const vals = this.vals;
    const strs = this.strs;
    // Compiled plans read 16- and 32-bit fields with one DataView load each (see plan-compiler.ts).
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (p < stop) {
      const h = buf[p];
      if ((h & 0xc0) === 0x40) {
        // Definition message: 6 fixed bytes, 3 per field, then (developer flag) 1 + 3 per developer field.
        if (end - p < 6) return p;
        let len = 6 + 3 * buf[p + 5];
        if (h & 0x20) {
          if (end - p < len + 1) return p;
          len += 1 + 3 * buf[p + len];
        }
        if (end - p < len) return p;
        if (++this.messages > maxMessages) this.limit('maxMessages', base + p);
        const hash = hashBytes(buf, p, len);
        if (!this.reuse(buf, p, len, hash) && !this.define(buf, p, base, len, hash)) return p;
        p += len;
        continue;
      }
      let local: number;
      let ts = -1;
      if (h & 0x80) {
        local = (h >> 5) & 3;
        const last = this.lastTimestamp;
        if (last >= 0) {
          const off = h & 0x1f;
          ts = last - (last & 0x1f) + off;
          if (off < (last & 0x1f)) ts += 32;
        }
      } else {
        local = h & 15;
      }
      const size = defSize[local];
      if (size < 0) {
        this.corrupt(base + p, `data message for undefined local message type ${local}`);
        return p;
      }
      if (end - p < 1 + size) return p;
      if (++this.messages > maxMessages) this.limit('maxMessages', base + p);
      const spec = this.specs[local];
      const fn = this.compiled[local];
      if (fn !== null) fn(buf, dv, p + 1, vals, strs);
      else this.decode(buf, p + 1, local);
      if (ts >= 0) vals[0] = ts;
      const t = vals[0];
      if (t === t) this.lastTimestamp = t;
      if (spec.wanted) {
        const g = spec.global;
        if (g === Mesg.Record) this.records++;
        else if (g === Mesg.FieldDescription && ++this.devFields > this.limits.maxDeveloperFields) this.limit('maxDeveloperFields', base + p);
        this.sink.message(g, vals, strs, base + p, this.arrs);
      }
      p += 1 + size;
    }
    return p;
  }

  private limit(name: string, offset: number): never {
    throw new ConvertError(ErrorCode.Limit, `FIT input exceeds limits.${name}`, { format: 'fit', offset });
  }

  /**
   * Installs the plan of a definition message (`len` bytes at `p`, `hash` of them) read before on this
   * thread, by this reader or another, byte for byte (the local type included); false when it is new.
   * Some devices write definitions over and over, alternating between a few per local type (two corpus
   * files: 838 and 994 definitions, none a repeat of the one just before), and a batch of files from one
   * watch repeats the same definitions in every file; building and looking up the same plan each time
   * cost 3–4 % of a corpus conversion.
   */
  private reuse(buf: Uint8Array, p: number, len: number, hash: number): boolean {
    const e = this.known.get(hash);
    if (e === undefined || e.bytes.length !== len) return false;
    const b = e.bytes;
    for (let i = 0; i < len; i++) if (b[i] !== buf[p + i]) return false;
    // Built under another reader's limits: `define` checks this one's (and reports the string too long).
    if (e.maxString > this.limits.maxStringLength) return false;
    const local = buf[p] & 15;
    this.plans[local] = e.plan;
    // Compilation switched off since (tests comparing the two paths, or a CSP refusal): the interpreter.
    this.compiled[local] = planCompilation() ? e.fn : null;
    this.defSize[local] = e.size;
    this.specs[local] = e.spec;
    return true;
  }

  /**
   * Compiles the read plan of the definition message at `p` (`len` bytes, `hash` of them, under which it
   * is remembered); false when it is damaged (already reported).
   */
  private define(buf: Uint8Array, p: number, base: number, len: number, hash: number): boolean {
    const h = buf[p];
    const local = h & 15;
    const arch = buf[p + 2];
    if (arch > 1) {
      this.corrupt(base + p + 2, `bad architecture byte ${arch} in a definition message`);
      return false;
    }
    const big = arch === 1;
    const global = big ? (buf[p + 3] << 8) | buf[p + 4] : buf[p + 3] | (buf[p + 4] << 8);
    const nf = buf[p + 5];
    const spec = specOf(global);
    const slotOf = spec.slotOf;
    const kindOf = spec.kindOf;
    // At most two entries per field (NAN or NOSTR, then SKIP), one SKIP for all developer fields, and one
    // per slot the definition does not carry.
    const need = 3 * (2 * nf + 1 + spec.slots);
    if (this.scratchPlan.length < need) this.scratchPlan = new Int32Array(need);
    const plan = this.scratchPlan;
    const seen = this.seen;
    let n = 0;
    let size = 0;
    let maxString = 0;
    seen.fill(0, 0, spec.slots);
    const emit = (op: number, sz: number, slot: number): void => {
      if (op === SKIP && n > 0 && plan[n - 3] === SKIP) {
        plan[n - 2] += sz;
        return;
      }
      plan[n] = op;
      plan[n + 1] = sz;
      plan[n + 2] = slot;
      n += 3;
    };
    let q = p + 6;
    for (let k = 0; k < nf; k++, q += 3) {
      const num = buf[q];
      const sz = buf[q + 1];
      const bt = buf[q + 2] & 0x1f;
      if (bt > 16) {
        this.corrupt(base + q + 2, `unknown FIT base type 0x${buf[q + 2].toString(16)}`);
        return false;
      }
      if (bt === 7) {
        if (sz > this.limits.maxStringLength) this.limit('maxStringLength', base + q);
        if (sz > maxString) maxString = sz;
      }
      size += sz;
      const slot = slotOf[num];
      if (slot < 0 || sz === 0) {
        emit(SKIP, sz, 0);
        continue;
      }
      seen[slot] = 1;
      const kind = kindOf[num];
      const el = BASE_SIZE[bt];
      let op = BASE_OP[bt];
      if (kind === FieldKind.String) {
        if (op !== STR) {
          emit(NOSTR, 0, slot);
          emit(SKIP, sz, 0);
          continue;
        }
      } else if (kind === FieldKind.Bytes3) {
        if (el !== 1 || sz !== 3) {
          emit(NAN, 0, slot);
          emit(SKIP, sz, 0);
          continue;
        }
        op = B3;
      } else if (kind === FieldKind.Array && op !== STR && sz % el === 0) {
        op = ARR | (big ? BE : 0) | bt;
      } else if (op === STR || sz % el !== 0) {
        // A number field defined as a string, or a size that is not a whole number of elements: invalid
        // (the SDK does the same).
        emit(NAN, 0, slot);
        emit(SKIP, sz, 0);
        continue;
      } else if (big && el > 1) {
        op |= BE;
      }
      emit(op, sz, slot);
    }
    if (h & 0x20) {
      const nd = buf[q];
      q++;
      for (let k = 0; k < nd; k++, q += 3) {
        size += buf[q + 1];
        emit(SKIP, buf[q + 1], 0);
      }
    }
    // Slots this definition does not carry are reset to "absent" by the plan itself (no fill per message).
    for (let s = 0; s < spec.slots; s++) {
      if (seen[s] === 0) emit(kindOf[slotNum(spec, s)] === FieldKind.String ? NOSTR : NAN, 0, s);
    }
    const exact = plan.slice(0, n);
    const fn = compilePlan(exact, n, OPS);
    rememberDefinition(this.known, hash, { bytes: buf.slice(p, p + len), plan: exact, fn, size, spec, maxString });
    this.plans[local] = exact;
    this.compiled[local] = fn;
    this.defSize[local] = size;
    this.specs[local] = spec;
    return true;
  }

  /** Decodes the data message of local type `local` starting at `p` into the slots. */
  private decode(buf: Uint8Array, p: number, local: number): void {
    const plan = this.plans[local];
    const vals = this.vals;
    const strs = this.strs;
    const f32 = this.f32;
    const f32b = this.f32b;
    const f64 = this.f64;
    const f64b = this.f64b;
    const n = plan.length;
    for (let k = 0; k < n; k += 3) {
      const op = plan[k];
      const slot = plan[k + 2];
      let v: number;
      switch (op) {
        case SKIP:
          p += plan[k + 1];
          continue;
        case U8:
          v = buf[p];
          vals[slot] = v === 0xff ? NaN : v;
          break;
        case S8:
          v = (buf[p] << 24) >> 24;
          vals[slot] = v === 0x7f ? NaN : v;
          break;
        case U8Z:
          v = buf[p];
          vals[slot] = v === 0 ? NaN : v;
          break;
        case U16:
          v = buf[p] | (buf[p + 1] << 8);
          vals[slot] = v === 0xffff ? NaN : v;
          break;
        case U16 | BE:
          v = (buf[p] << 8) | buf[p + 1];
          vals[slot] = v === 0xffff ? NaN : v;
          break;
        case S16:
          v = ((buf[p] | (buf[p + 1] << 8)) << 16) >> 16;
          vals[slot] = v === 0x7fff ? NaN : v;
          break;
        case S16 | BE:
          v = ((buf[p + 1] | (buf[p] << 8)) << 16) >> 16;
          vals[slot] = v === 0x7fff ? NaN : v;
          break;
        case U16Z:
          v = buf[p] | (buf[p + 1] << 8);
          vals[slot] = v === 0 ? NaN : v;
          break;
        case U16Z | BE:
          v = (buf[p] << 8) | buf[p + 1];
          vals[slot] = v === 0 ? NaN : v;
          break;
        case U32:
          v = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
          vals[slot] = v === 0xffffffff ? NaN : v;
          break;
        case U32 | BE:
          v = ((buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]) >>> 0;
          vals[slot] = v === 0xffffffff ? NaN : v;
          break;
        case S32:
          v = buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24);
          vals[slot] = v === 0x7fffffff ? NaN : v;
          break;
        case S32 | BE:
          v = (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
          vals[slot] = v === 0x7fffffff ? NaN : v;
          break;
        case U32Z:
          v = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
          vals[slot] = v === 0 ? NaN : v;
          break;
        case U32Z | BE:
          v = ((buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]) >>> 0;
          vals[slot] = v === 0 ? NaN : v;
          break;
        case F32:
        case F32 | BE: {
          const b = f32b;
          const le = op === F32;
          for (let i = 0; i < 4; i++) b[i] = buf[p + (le ? i : 3 - i)];
          // ±Infinity is no reading of anything a run records: invalid, as FIT's NaN sentinel is.
          const v32 = f32[0];
          vals[slot] = v32 - v32 === 0 ? v32 : NaN;
          break;
        }
        case F64:
        case F64 | BE: {
          const b = f64b;
          const le = op === F64;
          for (let i = 0; i < 8; i++) b[i] = buf[p + (le ? i : 7 - i)];
          const v64 = f64[0];
          vals[slot] = v64 - v64 === 0 ? v64 : NaN;
          break;
        }
        case S64:
        case S64 | BE:
        case U64:
        case U64 | BE:
        case U64Z:
        case U64Z | BE:
          vals[slot] = read64(buf, p, op);
          break;
        case STR: {
          const sz = plan[k + 1];
          let e = p;
          while (e < p + sz && buf[e] !== 0) e++;
          strs[slot] = e > p ? text.decode(buf.subarray(p, e)) : null;
          break;
        }
        case B3:
          v = buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16);
          vals[slot] = v === 0xffffff ? NaN : v;
          break;
        case NAN:
          vals[slot] = NaN;
          break;
        case NOSTR:
          strs[slot] = null;
          break;
        default:
          vals[slot] = this.array(buf, p, plan[k + 1], op, slot);
          break;
      }
      p += plan[k + 1];
    }
  }

  /**
   * Decodes every element of an array field into `arrs[slot]`; returns the element count, or NaN when
   * every element is invalid (the field is then absent, as the SDK has it). Invalid elements are NaN,
   * except for the `byte` base type (packed bits, e.g. hr.event_timestamp_12), whose bytes stay as read.
   */
  private array(buf: Uint8Array, p: number, size: number, op: number, slot: number): number {
    const bt = op & 31;
    const big = (op & BE) !== 0;
    const el = BASE_SIZE[bt];
    const invalid = BASE_INVALID[bt];
    // Allocated at the first array this reader meets in the slot (its definition may come from the
    // thread's cache, made by another reader).
    let out = this.arrs[slot];
    if (out.length === 0) out = this.arrs[slot] = new Float64Array(255);
    const { f32, f32b, f64, f64b } = this;
    const n = size / el;
    let valid = 0;
    if (el === 1 && bt !== 1) {
      // enum, uint8, uint8z, byte: one unsigned byte each (hr.filtered_bpm, hr.event_timestamp_12).
      for (let i = 0; i < n; i++) {
        const v = buf[p + i];
        if (v !== invalid) {
          out[i] = v;
          valid++;
        } else {
          out[i] = bt === 13 ? v : NaN;
        }
      }
      return valid > 0 ? n : NaN;
    }
    for (let i = 0; i < n; i++, p += el) {
      let v: number;
      if (invalid >= 0) {
        v = 0;
        if (big) for (let b = 0; b < el; b++) v = v * 256 + buf[p + b];
        else for (let b = el - 1; b >= 0; b--) v = v * 256 + buf[p + b];
        if (v === invalid) {
          out[i] = bt === 13 ? v : NaN;
          continue;
        }
        // sint8 / sint16 / sint32: two's complement.
        if ((bt === 1 || bt === 3 || bt === 5) && v >= 2 ** (8 * el - 1)) v -= 2 ** (8 * el);
      } else if (bt === 8 || bt === 9) {
        const b = bt === 8 ? f32b : f64b;
        for (let j = 0; j < el; j++) b[j] = buf[p + (big ? el - 1 - j : j)];
        v = bt === 8 ? f32[0] : f64[0];
        if (v - v !== 0) v = NaN;
      } else {
        v = read64(buf, p, BASE_OP[bt] | (big ? BE : 0));
      }
      out[i] = v;
      if (v === v) valid++;
    }
    return valid > 0 ? n : NaN;
  }
}

/** The field number of slot `s` of a spec (definition time only). */
function slotNum(spec: MessageSpec, s: number): number {
  for (let num = 0; num < 256; num++) if (spec.slotOf[num] === s) return num;
  return 253;
}

/** A 64-bit integer as a number (exact up to 2^53; runjson reads none, but plans must handle them). */
function read64(buf: Uint8Array, p: number, op: number): number {
  const be = (op & BE) !== 0;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 4; i++) {
    lo += buf[p + (be ? 7 - i : i)] * 2 ** (8 * i);
    hi += buf[p + (be ? 3 - i : 4 + i)] * 2 ** (8 * i);
  }
  const base = op & ~BE;
  if (base === U64 && hi === 0xffffffff && lo === 0xffffffff) return NaN;
  if (base === U64Z && hi === 0 && lo === 0) return NaN;
  if (base === S64) {
    if (hi === 0x7fffffff && lo === 0xffffffff) return NaN;
    if (hi >= 0x80000000) return (hi - 0x100000000) * 2 ** 32 + lo;
  }
  return hi * 2 ** 32 + lo;
}

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}
