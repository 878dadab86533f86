/**
 * The property every input must satisfy, for one set of options. `convertSync(bytes, options)` either
 *
 * - succeeds, and every activity's `toJson()` parses, passes `validate()` (with `sports: 'all'`, problems
 *   of code `activity-type` excepted: other sports are asked for) and equals `toBytes()` as UTF-8, and
 *   the result's `format` is the one the bytes sniff as; or
 * - throws a `ConvertError` (`isConvertError`), whose `code` is one of `ErrorCode`'s values, and:
 *   - **format**: when the bytes say their format — a FIT header (`fit`), JSON (`json`), XML whose root
 *     element is `TrainingCenterDatabase` (`tcx`) or `gpx` (`gpx`) — the error names exactly that format,
 *     and may name none only with the codes `unknown-format` and `empty-input`. XML whose root is another
 *     element (or is not in the first 64 KB) says no format: any or none is accepted. The same format rule
 *     holds for a successful result's `format`. Input that sniffs as empty must fail with
 *     `empty-input`, and input that sniffs as nothing known with `unknown-format` (or `limit-exceeded`:
 *     `limits.maxBytes` may refuse an input before its format is looked at). Gzip (decompressed first,
 *     then sniffed again) is exempt from the format rule.
 *   - **position**: `malformed`, `truncated`, `limit-exceeded` and `checksum` must carry one: an `offset`
 *     (an integer in 0…input length), a `line` (≥ 1, with `column` ≥ 1 when given) or a JSON `path`.
 *     Other codes without one are counted as notes, not failures. A position that is there must be
 *     well formed, whatever the code.
 *
 * Anything else (another exception, from the conversion or from `toJson`/`toBytes`/`validate`) is a
 * failure. Hangs and memory are checked around this by the worker (`check-worker.ts`).
 */
import type * as Runjson from '../../src/browser.js';
import type { ConvertOptions } from '../../src/convert/options.js';
import { sniff } from '../../src/convert/sniff.js';

/** What the property uses of runjson: the built package's, passed in. */
export type RunjsonApi = Pick<typeof Runjson, 'convertSync' | 'validate' | 'isConvertError' | 'ErrorCode'>;

/** The ways an input can fail the property. */
export const FAILURE_KINDS = ['crash', 'bad-error', 'invalid-output', 'bytes-mismatch', 'timeout', 'memory'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** One failure: its kind, a class key (same key = same bug, as far as the fuzzer can tell) and what was seen. */
export interface Failure {
  kind: FailureKind;
  /** e.g. `crash:convertSync:TypeError:Cannot read properties of undefined (reading S)@decode/fit/fit-messages.js#FitMessages.record`. */
  key: string;
  /** One line for people: the exception or problem, and where. */
  detail: string;
}

/** The outcome of one conversion. */
export interface Verdict {
  /** `converted`, an error code, or `failed`. */
  outcome: string;
  failure: Failure | null;
  /** Something worth counting that is not a failure, e.g. `no-position:not-running`. */
  note: string | null;
}

/** Codes whose errors must say where in the input they happened. */
export const POSITION_REQUIRED: ReadonlySet<string> = new Set(['malformed', 'truncated', 'limit-exceeded', 'checksum']);

/**
 * The format an error (or result) must name for `bytes`, which sniff as `kind`; null when the format
 * cannot be told from the bytes (unknown, empty, gzip, or XML whose root element is neither TCX's nor
 * GPX's, or lies past the first 64 KB).
 */
function expectedFormat(kind: ReturnType<typeof sniff>, bytes: Uint8Array): string | null {
  return kind === 'fit' ? 'fit' : kind === 'json' ? 'json' : kind === 'xml' ? xmlRoot(bytes) : null;
}

/**
 * `tcx` or `gpx` from the local name of the root element (`TrainingCenterDatabase`, `gpx`), found after
 * the XML declaration, comments, processing instructions and a DOCTYPE in the first 64 KB; null when the
 * root is another element or cannot be found there.
 */
export function xmlRoot(bytes: Uint8Array): 'tcx' | 'gpx' | null {
  const head = bytes.subarray(0, 65536);
  const le = head[0] === 0xff && head[1] === 0xfe;
  const be = head[0] === 0xfe && head[1] === 0xff;
  const text = new TextDecoder(le ? 'utf-16le' : be ? 'utf-16be' : 'utf-8').decode(le || be ? head.subarray(2) : head).replace(/^\ufeff/, '');
  let i = 0;
  for (;;) {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
    const close = text.startsWith('<?', i) ? '?>' : text.startsWith('<!--', i) ? '-->' : text.startsWith('<!DOCTYPE', i) ? (/^<!DOCTYPE[^[>]*\[/.test(text.slice(i, i + 4096)) ? ']>' : '>') : null;
    if (close === null) break;
    const end = text.indexOf(close, i);
    if (end < 0) return null;
    i = end + close.length;
  }
  // The name must end where a tag name ends: `<gpx!` or a cut `<gp` names no root.
  const m = /^<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)(?=[\s/>])/.exec(text.slice(i, i + 256));
  return m === null ? null : m[1] === 'TrainingCenterDatabase' ? 'tcx' : m[1] === 'gpx' ? 'gpx' : null;
}

/**
 * Checks the property for one conversion of `bytes` with `options`. `atEnd`, when given, is called once
 * the outputs are made and checked, while the result is still referenced (the worker measures memory
 * there).
 */
export function checkConversion(api: RunjsonApi, bytes: Uint8Array, options: ConvertOptions, atEnd?: () => void): Verdict {
  const sniffed = sniff(bytes, true);
  let result: ReturnType<RunjsonApi['convertSync']>;
  try {
    result = api.convertSync(bytes, options);
  } catch (e) {
    return judgeError(api, e, bytes, sniffed);
  }
  const fail = (kind: FailureKind, key: string, detail: string): Verdict => ({ outcome: 'failed', failure: { kind, key: `${kind}:${key}`, detail }, note: null });
  if (sniffed === 'empty' || sniffed === 'unknown') return fail('invalid-output', `converted-${sniffed}`, `input that sniffs as ${sniffed} converted (format ${String(result.format)})`);
  const format = expectedFormat(sniffed, bytes);
  if (format !== null && result.format !== format) {
    return fail('invalid-output', 'result-format', `result format ${String(result.format)} for input that sniffs as ${format}`);
  }
  for (let i = 0; i < result.activities.length; i++) {
    const a = result.activities[i];
    let json: string;
    try {
      json = a.toJson();
    } catch (e) {
      return crash(e, 'toJson');
    }
    let doc: unknown;
    try {
      doc = JSON.parse(json);
    } catch (e) {
      return fail('invalid-output', 'unparseable-json', `activity ${i}: toJson() is not JSON (${(e as Error).message})`);
    }
    let problems: ReturnType<RunjsonApi['validate']>;
    try {
      problems = api.validate(doc);
    } catch (e) {
      return crash(e, 'validate');
    }
    const bad = problems.filter((p) => !(options.sports === 'all' && p.code === 'activity-type'));
    if (bad.length > 0) {
      const p = bad[0];
      const more = bad.length > 1 ? ` (+${bad.length - 1} more: ${[...new Set(bad.slice(1).map((b) => b.code))].join(', ')})` : '';
      return fail('invalid-output', p.code, `activity ${i}: ${p.code} at ${p.path}: ${p.message}${more}`);
    }
    let out: Uint8Array;
    try {
      out = a.toBytes();
    } catch (e) {
      return crash(e, 'toBytes');
    }
    const want = new TextEncoder().encode(json);
    const at = firstDifference(out, want);
    if (at >= 0) return fail('bytes-mismatch', 'json', `activity ${i}: toBytes() differs from toJson() as UTF-8 at byte ${at} (${out.length} vs ${want.length} bytes)`);
  }
  atEnd?.();
  return { outcome: 'converted', failure: null, note: null };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** The verdict on an exception out of `convertSync`. */
function judgeError(api: RunjsonApi, e: unknown, bytes: Uint8Array, sniffed: ReturnType<typeof sniff>): Verdict {
  const stack = (e as { stack?: string } | null)?.stack;
  const bad = (why: string, detail: string, outcome = 'failed'): Verdict => ({
    outcome,
    failure: { kind: 'bad-error', key: `bad-error:${why}@${siteKey(stack)}`, detail: `${detail} (thrown at ${topFrame(stack ?? '')})` },
    note: null,
  });
  if (!api.isConvertError(e)) {
    const x = e as { name?: unknown; code?: unknown; message?: unknown } | null;
    if (x !== null && typeof x === 'object' && x.name === 'ConvertError') {
      return bad(`unknown-code:${String(x.code)}`, `ConvertError with a code that is not an ErrorCode: ${String(x.code)} (${String(x.message)})`);
    }
    return crash(e, 'convertSync');
  }
  const code = e.code;
  if (!(Object.values(api.ErrorCode) as string[]).includes(code)) return bad(`unknown-code:${code}`, `code ${code} is not an ErrorCode`);
  const message = oneLine(e.message);
  if (sniffed === 'empty' && code !== 'empty-input') return bad(`empty-not-empty-input:${code}`, `input that sniffs as empty failed with ${code}: ${message}`, code);
  // `limits.maxBytes` is checked on the first bytes, before sniffing: that refusal needs no format.
  if (sniffed === 'unknown' && code !== 'unknown-format' && code !== 'limit-exceeded') return bad(`unknown-not-unknown-format:${code}`, `input that sniffs as unknown failed with ${code}: ${message}`, code);
  const format = expectedFormat(sniffed, bytes);
  if (format !== null) {
    const nullable = code === 'unknown-format' || code === 'empty-input';
    if ((e.format === null || e.format === undefined) && !nullable) return bad(`format-null:${code}`, `${code} without a format for input that sniffs as ${format}: ${message}`, code);
    if (e.format !== null && e.format !== undefined && e.format !== format) return bad(`format-wrong:${code}`, `${code} with format ${e.format} for input that sniffs as ${format}: ${message}`, code);
  }
  const where = position(e, bytes.length, sniffed === 'gzip');
  if (where === 'malformed') {
    return bad(`bad-position:${code}`, `${code} with a position that is not one (offset ${String(e.offset)}, line ${String(e.line)}, column ${String(e.column)}, path ${String(e.path)}; input ${bytes.length} bytes): ${message}`, code);
  }
  if (where === 'none') {
    const fmt = e.format ?? sniffed;
    if (POSITION_REQUIRED.has(code)) return bad(`no-position:${code}:${fmt}`, `${code} (${fmt}) without offset, line or path: ${message}`, code);
    return { outcome: code, failure: null, note: `no-position:${code}:${fmt}` };
  }
  return { outcome: code, failure: null, note: null };
}

/** Whether the error carries a position, and whether it is well formed. */
function position(e: { offset?: unknown; line?: unknown; column?: unknown; path?: unknown }, length: number, gzip: boolean): 'ok' | 'none' | 'malformed' {
  const has = e.offset !== undefined || e.line !== undefined || e.path !== undefined;
  if (!has) return e.column !== undefined ? 'malformed' : 'none';
  if (e.offset !== undefined) {
    const o = e.offset;
    if (typeof o !== 'number' || !Number.isInteger(o) || o < 0 || (!gzip && o > length)) return 'malformed';
  }
  if (e.line !== undefined) {
    if (typeof e.line !== 'number' || !Number.isInteger(e.line) || e.line < 1) return 'malformed';
    if (e.column !== undefined && (typeof e.column !== 'number' || !Number.isInteger(e.column) || e.column < 1)) return 'malformed';
  } else if (e.column !== undefined) {
    return 'malformed';
  }
  if (e.path !== undefined && (typeof e.path !== 'string' || (e.path !== '' && !e.path.startsWith('/')))) return 'malformed';
  return 'ok';
}

/** A failure for an exception that is not a `ConvertError`, keyed by its type, message shape and where it was thrown. */
export function crash(e: unknown, stage: string): Verdict {
  const name = e instanceof Error ? e.name : typeof e;
  const message = e instanceof Error ? oneLine(e.message) : oneLine(String(e));
  const stack = e instanceof Error ? (e.stack ?? '') : '';
  const shape = message.replace(/\d+/g, 'N').replace(/"[^"]*"|'[^']*'/g, 'S').slice(0, 100);
  return {
    outcome: 'failed',
    failure: { kind: 'crash', key: `crash:${stage}:${name}:${shape}@${siteKey(stack)}`, detail: `${name}: ${message.slice(0, 300)} (in ${stage}, at ${topFrame(stack)})` },
    note: null,
  };
}

/** A stack frame inside runjson's `dist/`: file (relative to `dist/`), line and function. */
export interface Frame {
  file: string;
  line: number;
  fn: string;
}

/**
 * The first frame of `stack` inside runjson's `dist/` that is not the error class itself (`core/errors.js`:
 * `ConvertError`'s constructor, `Report.warn`), i.e. where the error was thrown; null when there is none.
 */
export function throwSite(stack: string): Frame | null {
  for (const l of stack.split('\n').slice(1)) {
    const m = /at (?:(\S+) \()?.*\/dist\/(.+?):(\d+):\d+\)?$/.exec(l.trim());
    if (m === null || m[2] === 'core/errors.js') continue;
    return { file: m[2], line: Number(m[3]), fn: m[1] ?? '<anonymous>' };
  }
  return null;
}

/** `file:line` of the throw site, or the first frame at all, for people. */
export function topFrame(stack: string): string {
  const f = throwSite(stack);
  if (f !== null) return `${f.file}:${f.line} (${f.fn})`;
  const first = stack.split('\n')[1]?.trim().replace(/^at /, '');
  return first === undefined || first === '' ? '?' : first.slice(0, 120);
}

/**
 * The part of a class key that says where: the throw site's file and function (not its line, which moves
 * as the sources are edited, while the class stays the same bug).
 */
function siteKey(stack: string | undefined): string {
  const f = throwSite(stack ?? '');
  return f === null ? '?' : `${f.file}#${f.fn}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
