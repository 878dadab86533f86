/**
 * `convert()`: any input (bytes, string, Node stream, web ReadableStream) → the activities it holds, as
 * columns with their Activity JSON one call away, and the conversion report.
 *
 * The pipeline is synchronous at heart (`convertSync` on a whole buffer; a push session for streams): the
 * format is sniffed from the first bytes, gzip is undone on the fly, the format's push decoder appends
 * samples into the columnar core, and `finalize` applies the sport filter, options and time zone.
 */
import type { Activity } from '../core/activity.js';
import { ConvertError, ErrorCode, Report, type SourceFormat, type Warning } from '../core/errors.js';
import { type Summary, summarize } from '../core/summary.js';
import type { DecodeContext, PushDecoder } from '../decode/decoder.js';
import { createFitDecoder } from '../decode/fit/index.js';
import { createJsonDecoder } from '../decode/json/from-activity-json.js';
import { SNIFF_BYTES, sniff } from './sniff.js';
import { createXmlDecoder } from '../decode/from-xml.js';
import { toActivityJson, toActivityJsonBytes, withActivityJsonBytes } from '../encode/json/to-activity-json.js';
import { finalizeActivities } from './finalize.js';
import type { ActivityJson } from '../activity-json/types.js';
import { type ConvertOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { zoneOffset } from '../core/time.js';

/** One converted activity. */
export interface ConvertedActivity {
  /** The activity in columns. */
  readonly activity: Activity;
  /** Its summary, recomputed from the series (spec §6). */
  readonly summary: Summary;
  /** Activity JSON text, written straight from the columns (the fast path). */
  toJson(): string;
  /** Activity JSON as UTF-8 bytes (what an uploader sends). */
  toBytes(): Uint8Array;
  /**
   * Hands `use` the Activity JSON bytes as a view valid only during the call (the writer's own buffer,
   * reused by the next conversion): for writing them straight to a file or socket without the copy
   * {@link toBytes} makes.
   */
  withBytes<T>(use: (bytes: Uint8Array) => T): T;
  /** Activity JSON as a plain object (parsed from {@link toJson}, so the two always agree). */
  toObject(): ActivityJson;
}

/** What `convert()` returns. */
export interface ConvertResult {
  /** The format the input turned out to be. */
  format: SourceFormat;
  /** The activities found, in file order (one file may hold several runs). */
  activities: ConvertedActivity[];
  /** Every value left out or corrected, and other notes, merged and counted. */
  warnings: Warning[];
}

/** Inputs `convert()` accepts. */
export type ConvertInput =
  | Uint8Array
  | ArrayBuffer
  | string
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>;

/**
 * Converts one input to Activity JSON.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { convert } from 'runjson';
 *
 * const result = await convert(await readFile('run.fit'));
 * for (const run of result.activities) console.log(run.toJson());
 * console.log(result.warnings);
 * ```
 * @throws {ConvertError} for input that cannot be converted; branch on `code`.
 */
export async function convert(input: ConvertInput, options: ConvertOptions = {}): Promise<ConvertResult> {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer || typeof input === 'string') {
    return convertSync(input, options);
  }
  const session = new ConvertSession(options);
  const iterable: AsyncIterable<Uint8Array | string> = isReadableStream(input) ? readableToIterable(input) : input;
  const it = iterable[Symbol.asyncIterator]();
  for (;;) {
    const { done, value } = await it.next();
    if (done) break;
    session.push(toBytes(value));
    // Gzip: hand the rest of the stream to the platform's streaming gunzip.
    if (session.gzip) return session.finishGzip(it);
  }
  return session.finish();
}

/**
 * Converts a whole input held in memory, synchronously (what a worker thread calls). Gzip input is
 * decompressed with Node's zlib where available.
 */
export function convertSync(input: Uint8Array | ArrayBuffer | string, options: ConvertOptions = {}): ConvertResult {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input instanceof Uint8Array ? input : new Uint8Array(input);
  const session = new ConvertSession(options);
  session.push(bytes);
  if (session.gzip) {
    const zlib = nodeZlib();
    if (zlib === null) {
      throw new ConvertError(ErrorCode.Unsupported, 'gzip input needs the async convert() outside Node');
    }
    let plain: Uint8Array;
    try {
      plain = zlib.gunzipSync(bytes, { maxOutputLength: session.options.limits.maxBytes });
    } catch (cause) {
      const code = (cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? ErrorCode.Limit : ErrorCode.Malformed;
      throw new ConvertError(code, `gzip: ${(cause as Error).message}`, { cause });
    }
    const inner = new ConvertSession(options);
    inner.push(plain);
    if (inner.gzip) throw new ConvertError(ErrorCode.Unsupported, 'gzip inside gzip');
    return inner.finish();
  }
  return session.finish();
}

/**
 * A push session over one input: feed chunks, then finish. Used by `convert()` for streams; exported for
 * callers that receive data in pieces (an upload handler).
 */
export class ConvertSession {
  readonly options: ResolvedOptions;
  private readonly head: Uint8Array[] = [];
  private headBytes = 0;
  private decoder: PushDecoder | null = null;
  private format: SourceFormat | null = null;
  private report: Report;
  private bytes = 0;
  /** The first HASH_PREFIX bytes, copied (hashed only when an activity needs a default externalId). */
  private prefix: Uint8Array = new Uint8Array(0);
  private prefixLen = 0;
  /** True once the input is known to be gzip: the caller must decompress (see `convert`). */
  gzip = false;

  constructor(options: ConvertOptions = {}) {
    this.options = resolveOptions(options);
    if (this.options.timeZone !== undefined) {
      try {
        zoneOffset(this.options.timeZone, 0);
      } catch (cause) {
        throw new ConvertError(ErrorCode.Unsupported, `unknown time zone '${this.options.timeZone}'`, { cause });
      }
    }
    this.report = new Report(this.options.strict);
  }

  /** Feeds the next chunk. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.bytes += chunk.length;
    if (this.bytes > this.options.limits.maxBytes) {
      throw new ConvertError(ErrorCode.Limit, `input larger than limits.maxBytes (${this.options.limits.maxBytes})`, {
        format: this.format,
        offset: this.options.limits.maxBytes,
      });
    }
    if (this.prefixLen < HASH_PREFIX) {
      const end = Math.min(chunk.length, HASH_PREFIX - this.prefixLen);
      if (this.prefix.length < this.prefixLen + end) {
        const grown = new Uint8Array(Math.min(HASH_PREFIX, Math.max(this.prefixLen + end, this.prefix.length * 2)));
        grown.set(this.prefix.subarray(0, this.prefixLen));
        this.prefix = grown;
      }
      this.prefix.set(end === chunk.length ? chunk : chunk.subarray(0, end), this.prefixLen);
      this.prefixLen += end;
    }
    if (this.decoder !== null) {
      this.decoder.push(chunk);
      return;
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    this.start(this.headBytes >= SNIFF_BYTES);
  }

  /** Ends the input and returns the result. */
  finish(): ConvertResult {
    if (this.decoder === null) this.start(true);
    if (this.gzip) throw new ConvertError(ErrorCode.Unsupported, 'gzip input: use convert() or convertSync(), which decompress it');
    if (this.decoder === null) throw new ConvertError(ErrorCode.Empty, 'empty input');
    const decoded = this.decoder.finish();
    const format = this.format as SourceFormat;
    let hash = -1;
    const fallbackId = (): string => {
      if (hash < 0) hash = fnv1a(0x811c9dc5, this.prefix, this.prefixLen) >>> 0;
      return `runjson-${hash.toString(16).padStart(8, '0')}-${this.bytes.toString(16)}`;
    };
    const activities = finalizeActivities(decoded, this.options, this.report, format, fallbackId);
    const includePower = this.options.includePower;
    return {
      format: activities[0]?.meta.format ?? format,
      activities: activities.map((activity) => converted(activity, includePower)),
      warnings: this.report.warnings,
    };
  }

  /** Decompresses the rest of a gzip stream (the head already pushed) and converts what it holds. */
  async finishGzip(rest: AsyncIterator<Uint8Array | string>): Promise<ConvertResult> {
    const ds = new DecompressionStream('gzip');
    const writer = ds.writable.getWriter();
    const pump = (async () => {
      for (const c of this.head) await writer.write(c as Uint8Array<ArrayBuffer>);
      for (;;) {
        const { done, value } = await rest.next();
        if (done) break;
        await writer.write(toBytes(value) as Uint8Array<ArrayBuffer>);
      }
      await writer.close();
    })();
    pump.catch(() => undefined);
    const inner = new ConvertSession(this.options);
    const reader = ds.readable.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        inner.push(value);
        if (inner.gzip) throw new ConvertError(ErrorCode.Unsupported, 'gzip inside gzip');
      }
      await pump;
    } catch (cause) {
      // Stop both sides without waiting on them: a pending write may never settle once reading stops.
      void reader.cancel().catch(() => undefined);
      void writer.abort().catch(() => undefined);
      void rest.return?.()?.catch?.(() => undefined);
      if (cause instanceof ConvertError) throw cause;
      throw new ConvertError(ErrorCode.Malformed, `gzip: ${(cause as Error).message}`, { cause });
    }
    return inner.finish();
  }

  private start(final: boolean): void {
    const head = concat(this.head, this.headBytes);
    const forced = this.options.format;
    const kind = forced === undefined ? sniff(head, final) : forced === 'tcx' || forced === 'gpx' ? 'xml' : forced;
    if (kind === 'more') return;
    if (kind === 'gzip') {
      this.gzip = true;
      this.head.length = 0;
      this.head.push(head);
      this.decoder = {
        push: () => {
          throw new ConvertError(ErrorCode.Unsupported, 'gzip input: decompress first (convert() and convertSync() do)');
        },
        finish: () => [],
      };
      return;
    }
    if (kind === 'empty') throw new ConvertError(ErrorCode.Empty, 'empty input');
    if (kind === 'unknown') {
      throw new ConvertError(ErrorCode.UnknownFormat, 'not a FIT, TCX, GPX or Activity JSON file', { offset: 0 });
    }
    this.format = kind === 'xml' ? 'tcx' : kind;
    this.report = new Report(this.options.strict, this.format);
    const ctx: DecodeContext = { options: this.options, report: this.report };
    this.decoder = kind === 'fit' ? createFitDecoder(ctx) : kind === 'xml' ? createXmlDecoder(ctx) : createJsonDecoder(ctx);
    this.head.length = 0;
    this.decoder.push(head);
  }
}

function converted(activity: Activity, includePower: boolean): ConvertedActivity {
  const summary = summarize(activity);
  return {
    activity,
    summary,
    toJson: () => toActivityJson(activity, { includePower, summary }),
    toBytes: () => toActivityJsonBytes(activity, { includePower, summary }),
    withBytes: (use) => withActivityJsonBytes(activity, { includePower, summary }, use),
    toObject: () => JSON.parse(toActivityJson(activity, { includePower, summary })) as ActivityJson,
  };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * The default externalId of sources that carry none hashes the first 64 KiB of the input, plus its length:
 * hashing all of it cost 6 % of a whole FIT conversion (profile of the corpus), and two different
 * recordings do not share their first 64 KiB (timestamps and positions differ from the first record on).
 * The prefix is copied as it streams by and hashed only when an activity has no id of its own: FIT files
 * carry one (file_id), and hashing 64 KiB on every file was still 2 % of a FIT conversion (profile of
 * the corpus, November 2026); a copy of the same bytes costs a tenth of that.
 */
const HASH_PREFIX = 64 * 1024;

/** FNV-1a over `bytes[0, end)`. */
function fnv1a(h: number, bytes: Uint8Array, end: number): number {
  for (let i = 0; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h;
}

function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof (x as ReadableStream).getReader === 'function';
}

async function* readableToIterable(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
}

interface ZlibLike {
  gunzipSync(data: Uint8Array, options: { maxOutputLength: number }): Uint8Array;
}

function nodeZlib(): ZlibLike | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:zlib') as ZlibLike | undefined) ?? null;
}
