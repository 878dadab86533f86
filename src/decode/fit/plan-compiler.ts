/**
 * Read plans compiled to straight-line functions. A definition message fixes, for every data message of
 * its local type, each field's offset, base type, endianness and slot; the interpreter in
 * `fit-reader.ts` re-reads those from the plan and dispatches on them for every field of every message.
 * Compiled, a plan becomes one function with the offsets as constants and no dispatch at all.
 *
 * Only plans made of the plain integer ops are compiled (records, laps, events, sessions: every message
 * the hot path sees); a plan with a float, a 64-bit integer, a string or an array field stays with the
 * interpreter, as does everything when the platform forbids `new Function` (a browser page with a strict
 * Content-Security-Policy): the first refusal switches compilation off for the process.
 *
 * The generated text is built only from integers taken from the plan (ops, sizes, slots), never from
 * input bytes as text, so no input can inject code. Compiled functions are cached by plan, across files:
 * a batch of files from the same watch compiles each of its definitions once.
 *
 * 16- and 32-bit fields are read with one DataView load each (`dv` views the same bytes as `buf`), not
 * assembled from byte loads and shifts: decode-to-columns −3 to −4 % over the corpus (per-file
 * alternation of the two builds, both orders, medians of 40 passes).
 *
 * Measured (corpus FIT, decode to columns, best of several runs alternated with the interpreter): see
 * the note in bench/groups/decode-fit.ts.
 */

/** A compiled plan: decodes one data message starting at `p` into the slots (`dv` views `buf`). */
export type CompiledPlan = (buf: Uint8Array, dv: DataView, p: number, vals: Float64Array, strs: (string | null)[]) => void;

/** The op numbers of `fit-reader.ts` (kept in step with it; the reader's tests cover both paths). */
export interface PlanOps {
  SKIP: number;
  U8: number;
  S8: number;
  U8Z: number;
  U16: number;
  S16: number;
  U16Z: number;
  U32: number;
  S32: number;
  U32Z: number;
  B3: number;
  NAN: number;
  NOSTR: number;
  BE: number;
}

const MAX_CACHED = 512;

/**
 * This thread's compiled plans and whether compiling is allowed: module state, in one object. The cache
 * is what makes a batch of files from one watch compile each definition once (compiling was the larger
 * part of setting up a definition); bounded at 512 functions, cleared when full. `enabled` turns off for
 * good at the first refusal of `new Function` (a strict Content-Security-Policy), and tests switch it to
 * run the interpreter on the same inputs.
 */
const compiled = {
  /** Compiled plans by a hash of the plan; each bucket holds the plans (compared whole) and their functions. */
  byHash: new Map<number, { plan: Int32Array; fn: CompiledPlan }[]>(),
  count: 0,
  enabled: true,
};

/** Turns compilation off (or on again) for the process: tests use it to run the interpreter on the same inputs. */
export function setPlanCompilation(on: boolean): void {
  compiled.enabled = on;
}

/**
 * How this thread runs FIT field plans: `compiled` (with `new Function`), `interpreted` (compiling was
 * refused here: a Content-Security-Policy without 'unsafe-eval', or turned off), or `unused` (no FIT file
 * decoded yet, so not known). For the page, which says which path it ran.
 */
export function planEngine(): 'compiled' | 'interpreted' | 'unused' {
  return !compiled.enabled ? 'interpreted' : compiled.count > 0 ? 'compiled' : 'unused';
}

/** How many compiled plans the cache holds (for tests). */
export function compiledPlans(): number {
  return compiled.count;
}

/** Whether plans are being compiled. */
export function planCompilation(): boolean {
  return compiled.enabled;
}

/**
 * The compiled form of `plan[0, n)`, or null when the plan has an op this compiler leaves to the
 * interpreter (or compilation is off).
 */
export function compilePlan(plan: Int32Array, n: number, ops: PlanOps): CompiledPlan | null {
  if (!compiled.enabled) return null;
  // Some devices redefine a local type before nearly every message: the lookup must be cheap (a string
  // key built from the plan cost 2.4 % of a corpus conversion; a hash and a compare cost next to nothing).
  let h = n;
  for (let k = 0; k < n; k++) h = Math.imul(h ^ plan[k], 0x01000193);
  const bucket = compiled.byHash.get(h);
  if (bucket !== undefined) {
    for (const e of bucket) if (e.plan.length === n && equal(e.plan, plan, n)) return e.fn;
  }
  const body = generate(plan, n, ops);
  if (body === null) return null;
  let fn: CompiledPlan;
  try {
    fn = new Function('buf', 'dv', 'p', 'vals', 'strs', body) as CompiledPlan;
  } catch {
    compiled.enabled = false; // code generation not allowed here (CSP): the interpreter does it all
    return null;
  }
  if (compiled.count >= MAX_CACHED) {
    compiled.byHash.clear();
    compiled.count = 0;
  }
  const entry = { plan: plan.slice(0, n), fn };
  if (bucket !== undefined && compiled.count > 0) bucket.push(entry);
  else compiled.byHash.set(h, [entry]);
  compiled.count++;
  return fn;
}

function equal(a: Int32Array, b: Int32Array, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return false;
  return true;
}

function generate(plan: Int32Array, n: number, o: PlanOps): string | null {
  const lines: string[] = ['let v;'];
  let at = 0;
  const b = (i: number): string => `buf[p + ${at + i}]`;
  const get = (kind: string, le: boolean): string => `dv.get${kind}(p + ${at}, ${le})`;
  for (let k = 0; k < n; k += 3) {
    const op = plan[k];
    const size = plan[k + 1];
    const slot = plan[k + 2];
    const set = (read: string, invalid: number): void => {
      lines.push(`v = ${read}; vals[${slot}] = v === ${invalid} ? NaN : v;`);
    };
    switch (op) {
      case o.SKIP:
        break;
      case o.U8:
        set(b(0), 0xff);
        break;
      case o.S8:
        set(`(${b(0)} << 24) >> 24`, 0x7f);
        break;
      case o.U8Z:
        set(b(0), 0);
        break;
      case o.U16:
      case o.U16 | o.BE:
        set(get('Uint16', op === o.U16), 0xffff);
        break;
      case o.S16:
      case o.S16 | o.BE:
        set(get('Int16', op === o.S16), 0x7fff);
        break;
      case o.U16Z:
      case o.U16Z | o.BE:
        set(get('Uint16', op === o.U16Z), 0);
        break;
      case o.U32:
      case o.U32 | o.BE:
        set(get('Uint32', op === o.U32), 0xffffffff);
        break;
      case o.S32:
      case o.S32 | o.BE:
        set(get('Int32', op === o.S32), 0x7fffffff);
        break;
      case o.U32Z:
      case o.U32Z | o.BE:
        set(get('Uint32', op === o.U32Z), 0);
        break;
      case o.B3:
        set(`${b(0)} | (${b(1)} << 8) | (${b(2)} << 16)`, 0xffffff);
        break;
      case o.NAN:
        lines.push(`vals[${slot}] = NaN;`);
        break;
      case o.NOSTR:
        lines.push(`strs[${slot}] = null;`);
        break;
      default:
        return null;
    }
    at += size;
  }
  return lines.join('\n');
}
