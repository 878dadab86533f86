/**
 * `convert()`: any input (bytes, string, Node stream, web ReadableStream) → the activities it holds, as
 * columns with their output one call away (Activity JSON, or any target format of the encoder registry),
 * and the conversion report.
 *
 * The pipeline is synchronous at heart (`convertSync` on a whole buffer, `ConvertSession` for pieces);
 * `convert()` adds what needs waiting for: reading streams, gzip through the platform's
 * `DecompressionStream` where Node's zlib is absent (browsers), and loading the FIT decoder on demand
 * (browser entry).
 */
import { ConvertError, ErrorCode, type SourceFormat } from '../core/errors.js';
import { fitDecoderLoaded, loadFitDecoder } from './decoders.js';
import { type ConvertOptions, type ResolvedOptions, resolveOptions } from './options.js';
import type { ConvertResult } from './result.js';
import { ConvertSession, concat } from './session.js';
import { SNIFF_BYTES, sniff } from './sniff.js';

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
  const resolved = resolveOptions(options);
  if (input instanceof Uint8Array || input instanceof ArrayBuffer || typeof input === 'string') {
    const bytes = asBytes(input);
    const kind = resolved.format ?? sniff(bytes.subarray(0, SNIFF_BYTES), bytes.length <= SNIFF_BYTES);
    if (kind === 'gzip' && nodeZlib() === null) return convertStream(oneChunk(bytes), resolved, false);
    if (kind === 'fit' || kind === 'more') await loadFitDecoder();
    return convertSync(bytes, resolved);
  }
  const chunks: AsyncIterable<Uint8Array | string> = isReadableStream(input) ? readableToIterable(input) : input;
  return convertStream(chunks[Symbol.asyncIterator](), resolved, false);
}

/**
 * Converts a whole input held in memory, synchronously (what a worker thread calls). Gzip input is
 * decompressed with Node's zlib; where there is none (browsers) it needs `convert()`.
 */
export function convertSync(input: Uint8Array | ArrayBuffer | string, options: ConvertOptions | ResolvedOptions = {}): ConvertResult {
  const bytes = asBytes(input);
  const session = new ConvertSession(options);
  session.push(bytes);
  if (!session.gzip) return session.finish();
  const zlib = nodeZlib();
  if (zlib === null) {
    throw new ConvertError(ErrorCode.Unsupported, 'gzip input needs the async convert() where Node’s zlib is absent', { offset: 0 });
  }
  let plain: Uint8Array;
  try {
    plain = zlib.gunzipSync(bytes, { maxOutputLength: session.options.limits.maxBytes });
  } catch (cause) {
    const code = (cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? ErrorCode.Limit : ErrorCode.Malformed;
    throw new ConvertError(code, `gzip: ${(cause as Error).message}`, { cause, offset: 0 });
  }
  const inner = new ConvertSession(session.options);
  inner.push(plain);
  if (inner.gzip) throw new ConvertError(ErrorCode.Unsupported, 'gzip inside gzip', { offset: 0 });
  return inner.finish();
}

/**
 * A stream: the head is read until its format is known (loading the FIT decoder if it is FIT), gzip goes
 * through the platform's `DecompressionStream` into a second pass of this function, and the rest is pushed
 * into a session chunk by chunk.
 */
async function convertStream(it: AsyncIterator<Uint8Array | string>, options: ResolvedOptions, gunzipped: boolean): Promise<ConvertResult> {
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let kind: ReturnType<typeof sniff> | SourceFormat = 'more';
  for (;;) {
    const { done, value } = await it.next();
    if (done) {
      if (options.format === undefined) kind = sniff(concat(head, headBytes), true);
      break;
    }
    const chunk = toBytes(value).slice(); // an iterator may reuse its buffer for the next chunk
    head.push(chunk);
    headBytes += chunk.length;
    kind = options.format ?? sniff(concat(head, headBytes), false);
    if (kind !== 'more') break;
    if (headBytes >= SNIFF_BYTES) {
      kind = sniff(concat(head, headBytes), true);
      break;
    }
  }
  if (kind === 'gzip') {
    if (gunzipped) throw new ConvertError(ErrorCode.Unsupported, 'gzip inside gzip', { offset: 0 });
    return convertStream(gunzip(head, it), options, true);
  }
  if (kind === 'fit') await loadFitDecoder();
  const session = new ConvertSession(options);
  try {
    for (const c of head) session.push(c);
    for (;;) {
      const { done, value } = await it.next();
      if (done) break;
      session.push(toBytes(value));
    }
  } catch (e) {
    void it.return?.()?.catch?.(() => undefined);
    throw e;
  }
  return session.finish();
}

/** The decompressed bytes of a gzip stream whose first chunks are `head`. */
async function* gunzip(head: Uint8Array[], rest: AsyncIterator<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const pump = (async () => {
    for (const c of head) await writer.write(c as Uint8Array<ArrayBuffer>);
    for (;;) {
      const { done, value } = await rest.next();
      if (done) break;
      await writer.write(toBytes(value) as Uint8Array<ArrayBuffer>);
    }
    await writer.close();
  })();
  pump.catch(() => undefined);
  const reader = ds.readable.getReader();
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (cause) {
        throw new ConvertError(ErrorCode.Malformed, `gzip: ${(cause as Error).message}`, { cause, offset: 0 });
      }
      if (next.done) break;
      yield next.value;
    }
    await pump;
  } finally {
    // Stop both sides without waiting on them: a pending write may never settle once reading stops.
    void reader.cancel().catch(() => undefined);
    void writer.abort().catch(() => undefined);
    void rest.return?.()?.catch?.(() => undefined);
  }
}

function asBytes(input: Uint8Array | ArrayBuffer | string): Uint8Array {
  return typeof input === 'string' ? new TextEncoder().encode(input) : input instanceof Uint8Array ? input : new Uint8Array(input);
}

async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
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

/** Node's zlib, found without importing a Node module (this file runs in browsers too), or null. */
function nodeZlib(): ZlibLike | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:zlib') as ZlibLike | undefined) ?? null;
}

export { fitDecoderLoaded, loadFitDecoder };
