/**
 * What FIT conversions on one thread hand on to the next: the one piece of module-level mutable state in
 * the FIT decoder, kept in one explicit object because measurements justify it (each worker thread has
 * its own).
 *
 * - **Definitions** read before, with their read plans and compiled functions, by the hash of their bytes.
 *   A batch of files from one watch repeats the same few dozen definitions in every file; built again by
 *   every reader, defining and compiling them were 3.7 % of a corpus conversion (most of it allocating
 *   plan arrays). Safe to share: an entry is never written after it is made; a reader still checks a cached
 *   definition against its own `limits.maxStringLength`, and runs the interpreter when plan compilation
 *   has been switched off since. Bounded: cleared when it reaches 512 entries; the largest possible entry
 *   (255 fields and 255 developer fields) takes ~9 KB, so hostile input makes it hold ~4.5 MB at most.
 * - **Record columns** of the last conversion (pass 1 of `fit-messages.ts`), up to 65 536 records (18 h
 *   at 1 Hz, 5 MB). A conversion's ArrayBuffers are what starts V8's collections (every scavenge and full
 *   collection of a corpus FIT run was "external memory pressure"), and the pass-1 columns, reserved
 *   ~1.65× the records and zero-filled, were most of those bytes: full collections over a corpus loop
 *   85 → 44, FIT → JSON −2 to −4 %. Safe: pass 2 copies what it keeps before handing them back.
 *
 * - **The slots** a data message is decoded into (numbers and strings). Measured 2026-12-01, decode-to-
 *   columns over the corpus, builds alternated file by file: one Float64Array per reader was 8–10 % slower
 *   than one per thread (V8 specialises the compiled read plans and the sink on the one array they always
 *   see). Safe: a message lives in the slots only during one synchronous `push()`, while the sink reads
 *   it; every plan writes all of its message's slots (absent ones as NaN / null) before the sink is
 *   called, so readers a caller interleaves (two streams at once) never see each other's values.
 *
 * The rest of a reader's scratch (array-field buffers, the definition being compiled, float conversion)
 * lives on the reader: sharing it measured within noise and is where a shared-state bug hid.
 */
import { MAX_SLOTS, type MessageSpec } from './message-specs.js';
import type { CompiledPlan } from './plan-compiler.js';

/** A definition message read before: its bytes and what `define` built from them. */
export interface KnownDefinition {
  bytes: Uint8Array;
  /** The read plan (exact length; shared by every reader that installs it, never written to). */
  plan: Int32Array;
  fn: CompiledPlan | null;
  size: number;
  spec: MessageSpec;
  /** The largest string field it defines (checked against each reader's limits.maxStringLength). */
  maxString: number;
}

/** Most definitions kept (see the file comment for the memory bound). */
const MAX_DEFINITIONS = 512;
/** Largest record capacity whose columns are kept between conversions. */
const MAX_KEPT_RECORDS = 1 << 16;

/** State FIT conversions on one thread share (see the file comment). */
export class FitThreadCache {
  /** Definitions by the hash of their bytes. */
  readonly definitions = new Map<number, KnownDefinition>();
  /** The slots every reader decodes a data message into: numbers (NaN = absent) and strings. */
  readonly slots = new Float64Array(MAX_SLOTS);
  readonly strings: (string | null)[] = new Array<string | null>(MAX_SLOTS).fill(null);
  private columns: Float64Array[] | null = null;

  /**
   * Takes the kept record columns when they hold at least `capacity` records and no more than
   * `maxSamples` (they are then this caller's alone); null otherwise.
   */
  takeRecordColumns(capacity: number, maxSamples: number): Float64Array[] | null {
    const cols = this.columns;
    if (cols === null || cols[0].length < capacity || cols[0].length > maxSamples) return null;
    this.columns = null;
    return cols;
  }

  /** Whether columns of `capacity` records are small enough to keep. */
  keepsRecordColumns(capacity: number): boolean {
    return capacity > 0 && capacity <= MAX_KEPT_RECORDS;
  }

  /** Keeps `cols` for the next conversion (the larger of these and those already kept). */
  keepRecordColumns(cols: Float64Array[]): void {
    if (!this.keepsRecordColumns(cols[0].length)) return;
    if (this.columns === null || this.columns[0].length < cols[0].length) this.columns = cols;
  }
}

/** This thread's cache. */
export const fitThreadCache = new FitThreadCache();

/** Remembers a definition, clearing the cache when it is full. */
export function rememberDefinition(known: Map<number, KnownDefinition>, hash: number, def: KnownDefinition): void {
  if (known.size >= MAX_DEFINITIONS) known.clear();
  known.set(hash, def);
}
