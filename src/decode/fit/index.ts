/**
 * FIT decoder: FIT bytes → activities in columns, streaming. `fit-reader.ts` is the byte level (headers,
 * definitions, read plans, CRC), `fit-messages.ts` collects what the file says (records straight into
 * columns), `from-fit.ts` turns it into activities (sessions, pauses, laps), `fit-meta.ts` the metadata.
 *
 * Spec: https://developer.garmin.com/fit/protocol/ and ../../../../shared/spec/activity-json.md
 */
import type { Activity } from '../../core/activity.js';
import { Report } from '../../core/errors.js';
import { type DecodeContext, type DecodeOptions, type DecoderFactory, type PushDecoder, decodeOptions } from '../decoder.js';
import type { Limits } from '../limits.js';
import { FitMessages } from './fit-messages.js';
import { FitReader } from './fit-reader.js';
import { fromFit } from './from-fit.js';
import { fitThreadCache } from './thread-cache.js';

export type { FitMessages } from './fit-messages.js';

/** Options of the FIT functions below: the input limits, and whether warnings are errors. */
export interface FitDecodeOptions {
  limits?: Partial<Limits>;
  strict?: boolean;
}

/** Bytes per record, for the first capacity estimate from the header's data size. */
const BYTES_PER_RECORD = 28;

/** A push decoder of one FIT input, also exposing the collected messages (for tests and tools). */
export class FitDecoder implements PushDecoder {
  private reader: FitReader;
  private collected: FitMessages | null = null;
  private readonly ctx: DecodeContext;
  private pending: Uint8Array[] = [];

  constructor(ctx: DecodeContext) {
    this.ctx = ctx;
    this.reader = new FitReader({ message: () => undefined }, ctx.report, ctx.options.limits);
  }

  /** Feeds the next chunk. */
  push(chunk: Uint8Array): void {
    if (this.collected === null) {
      // Wait for the first file header (12 bytes) to size the record columns from its data size.
      if (this.pending.length === 0 && chunk.length >= 12) {
        this.start(chunk);
        this.reader.push(chunk);
        return;
      }
      this.pending.push(chunk.slice());
      const have = this.pending.reduce((s, c) => s + c.length, 0);
      if (have < 12) return;
      const head = new Uint8Array(have);
      let o = 0;
      for (const c of this.pending) {
        head.set(c, o);
        o += c.length;
      }
      this.pending = [];
      this.start(head);
      this.reader.push(head);
      return;
    }
    this.reader.push(chunk);
  }

  /** Ends the input; returns every activity of the file (every sport, file order). */
  finish(): Activity[] {
    return fromFit(this.finishMessages(), this.ctx.report);
  }

  /** Ends the input and returns the collected messages without pass 2 (the raw records, in file order). */
  finishMessages(): FitMessages {
    if (this.collected === null) {
      const head = new Uint8Array(this.pending.reduce((s, c) => s + c.length, 0));
      let o = 0;
      for (const c of this.pending) {
        head.set(c, o);
        o += c.length;
      }
      this.start(head);
      this.reader.push(head);
    }
    this.reader.finish();
    return this.collected as FitMessages;
  }

  private start(head: Uint8Array): void {
    const dataSize = head.length >= 8 ? (head[4] | (head[5] << 8) | (head[6] << 16) | (head[7] << 24)) >>> 0 : 0;
    const limits = this.ctx.options.limits;
    // The header's data size is a claim, not a fact (a damaged header said 3.3 GB for a 26 KB file): the
    // columns reserved from it up front stop at 65 536 records (5 MB) and grow by doubling past that.
    const estimate = Math.min(Math.ceil(dataSize / BYTES_PER_RECORD), 1 << 16);
    this.collected = new FitMessages(estimate, limits, fitThreadCache);
    this.reader = new FitReader(this.collected, this.ctx.report, limits, fitThreadCache);
  }
}

/** Creates a push decoder for FIT input (any chunking gives the same activities). */
export const createFitDecoder: DecoderFactory = (ctx) => new FitDecoder(ctx);

/**
 * Decodes a whole FIT file held in memory into activities (every sport, before `convert`'s sport filter
 * and time zone). Warnings go to `report`.
 *
 * @example
 * ```ts
 * const activities = decodeFit(bytes);
 * console.log(activities[0].length, activities[0].meta.sport);
 * ```
 */
export function decodeFit(bytes: Uint8Array, options: FitDecodeOptions = {}, report = new Report(options.strict ?? false, 'fit')): Activity[] {
  const d = new FitDecoder({ options: decodeOptions(options), report });
  d.push(bytes);
  return d.finish();
}

/** Reads a FIT file's messages without pass 2: every record in file order (what the oracle test compares). */
export function readFitMessages(bytes: Uint8Array, options: FitDecodeOptions = {}, report = new Report(options.strict ?? false, 'fit')): FitMessages {
  const d = new FitDecoder({ options: decodeOptions(options), report });
  d.push(bytes);
  return d.finishMessages();
}

/** Decodes FIT from a Node stream or any async iterable of chunks (memory bounded by the output). */
export async function decodeFitStream(
  input: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  options: FitDecodeOptions = {},
  report = new Report(options.strict ?? false, 'fit'),
): Promise<Activity[]> {
  const d = new FitDecoder({ options: decodeOptions(options), report });
  if (typeof (input as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (input as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        d.push(value);
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const chunk of input as AsyncIterable<Uint8Array>) d.push(chunk);
  }
  return d.finish();
}
