/**
 * A push session over one input: chunks in, activities out. The format is sniffed from the first bytes
 * (never from a name), the format's push decoder appends samples into the columnar core, and `finalize`
 * applies the sport filter, options and time zone. Synchronous: `convert()` wraps it for streams.
 */
import { ConvertError, ErrorCode, Report, type SourceFormat } from '../core/errors.js';
import type { PushDecoder } from '../decode/decoder.js';
import { decoderFor } from './decoders.js';
import { finalizeActivities } from './finalize.js';
import { type ConvertOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { type ConvertResult, convertResult } from './result.js';
import { SNIFF_BYTES, sniff, xmlFormatOf } from './sniff.js';

/**
 * A push session over one input: feed chunks, then finish. Used by `convert()` for streams; exported for
 * callers that receive data in pieces (an upload handler). It does not undo gzip: `convert()` and
 * `convertSync()` do.
 */
export class ConvertSession {
  readonly options: ResolvedOptions;
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private decoder: PushDecoder | null = null;
  private readonly report: Report;
  private bytes = 0;
  /** The first HASH_PREFIX bytes, copied (hashed only when an activity needs a default externalId). */
  private prefix: Uint8Array = new Uint8Array(0);
  private prefixLen = 0;
  /** True once the input is known to be gzip, which a session does not read. */
  gzip = false;

  /** @throws {ConvertError} `unsupported` for an unknown `timeZone`. */
  constructor(options: ConvertOptions | ResolvedOptions = {}) {
    this.options = isResolved(options) ? options : resolveOptions(options);
    this.report = new Report(this.options.strict);
  }

  /** Feeds the next chunk. The session keeps no reference to `chunk` once this returns. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.bytes += chunk.length;
    if (this.bytes > this.options.limits.maxBytes) {
      throw new ConvertError(ErrorCode.Limit, `input larger than limits.maxBytes (${this.options.limits.maxBytes})`, {
        format: this.report.format ?? formatOf(this.head.length > 0 ? concat([...this.head, chunk], this.headBytes + chunk.length) : chunk),
        offset: this.options.limits.maxBytes,
      });
    }
    if (this.prefixLen < HASH_PREFIX) this.keepPrefix(chunk);
    if (this.decoder !== null) {
      this.decoder.push(chunk);
      return;
    }
    if (this.gzip) throw gzipError();
    this.head.push(chunk);
    this.headBytes += chunk.length;
    this.start(this.headBytes >= SNIFF_BYTES);
  }

  /** Ends the input and returns what it holds. */
  finish(): ConvertResult {
    if (this.decoder === null && !this.gzip) this.start(true);
    if (this.gzip) throw gzipError();
    if (this.decoder === null) throw new ConvertError(ErrorCode.Empty, 'empty input');
    const decoded = this.decoder.finish();
    const format = this.report.format as SourceFormat;
    let hash = -1;
    const fallbackId = (): string => {
      if (hash < 0) hash = fnv1a(0x811c9dc5, this.prefix, this.prefixLen) >>> 0;
      return `runjson-${hash.toString(16).padStart(8, '0')}-${this.bytes.toString(16)}`;
    };
    const activities = finalizeActivities(decoded, this.options, this.report, format, fallbackId);
    return convertResult(format, activities, this.report.warnings, this.options.includePower);
  }

  private keepPrefix(chunk: Uint8Array): void {
    const end = Math.min(chunk.length, HASH_PREFIX - this.prefixLen);
    if (this.prefix.length < this.prefixLen + end) {
      const grown = new Uint8Array(Math.min(HASH_PREFIX, Math.max(this.prefixLen + end, this.prefix.length * 2)));
      grown.set(this.prefix.subarray(0, this.prefixLen));
      this.prefix = grown;
    }
    this.prefix.set(end === chunk.length ? chunk : chunk.subarray(0, end), this.prefixLen);
    this.prefixLen += end;
  }

  private start(final: boolean): void {
    const head = concat(this.head, this.headBytes);
    const forced = this.options.format;
    const kind = forced === undefined ? sniff(head, final) : forced === 'tcx' || forced === 'gpx' ? 'xml' : forced;
    if (kind === 'more') {
      // Undecided: keep a copy, since the caller may reuse its buffer for the next chunk.
      this.head = [head === this.head[0] ? head.slice() : head];
      return;
    }
    this.head = [];
    if (kind === 'gzip') {
      this.gzip = true;
      return;
    }
    if (kind === 'empty') throw new ConvertError(ErrorCode.Empty, 'empty input');
    if (kind === 'unknown') {
      throw new ConvertError(ErrorCode.UnknownFormat, 'not a FIT, TCX, GPX or Activity JSON file', { offset: 0 });
    }
    // XML: what the root element says, where it shows in the head; the XML reader decides for good.
    this.report.format = kind === 'xml' ? (forced ?? xmlFormatOf(head)) : kind;
    const create = decoderFor(kind);
    this.decoder = create({ options: this.options.decode, report: this.report });
    this.decoder.push(head);
  }
}

/** The format the first bytes say, where they say one (for errors raised before decoding starts). */
function formatOf(head: Uint8Array): SourceFormat | null {
  const kind = sniff(head, true);
  return kind === 'xml' ? xmlFormatOf(head) : kind === 'fit' || kind === 'json' ? kind : null;
}

function gzipError(): ConvertError {
  return new ConvertError(ErrorCode.Unsupported, 'gzip input: a ConvertSession does not decompress (convert() and convertSync() do)', { offset: 0 });
}

function isResolved(o: ConvertOptions | ResolvedOptions): o is ResolvedOptions {
  return (o as ResolvedOptions).decode !== undefined;
}

/** The chunks as one array (the chunk itself when there is one). */
export function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
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
