/**
 * The contract every format decoder meets. A decoder is push-based and chunk-agnostic: any split of the
 * input into chunks gives the same activities. It appends samples into the columnar core (an
 * `ActivityBuilder` per activity) and never builds an object per sample. Problems it can recover from go
 * to the report; anything else is a `ConvertError` with the position in the input.
 */
import type { Activity } from '../core/activity.js';
import type { Report } from '../core/errors.js';
import type { ResolvedOptions } from '../convert/options.js';

/** What a decoder is given. */
export interface DecodeContext {
  options: ResolvedOptions;
  /** Where warnings go (merged and counted). With `options.strict`, `report.warn` throws. */
  report: Report;
}

/** A push-based decoder of one input. */
export interface PushDecoder {
  /** Feeds the next chunk of the input. The decoder may keep a reference to `chunk` only until it returns. */
  push(chunk: Uint8Array): void;
  /**
   * Ends the input and returns every activity found, in file order — of every sport: filtering by sport,
   * time zone resolution and options are applied after, by `convert`.
   */
  finish(): Activity[];
}

/** Creates a decoder for one input. */
export type DecoderFactory = (ctx: DecodeContext) => PushDecoder;
