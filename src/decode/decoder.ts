/**
 * The contract every format decoder meets. A decoder is push-based and chunk-agnostic: any split of the
 * input into chunks gives the same activities. It appends samples into the columnar core (an
 * `ActivityBuilder` per activity) and never builds an object per sample. Problems it can recover from go
 * to the report; anything else is a `ConvertError` with the position in the input.
 */
import type { Activity } from '../core/activity.js';
import type { Report } from '../core/errors.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';

/** What decoders read of the conversion options: the input limits and the rules for what sources leave unsaid. */
export interface DecodeOptions {
  limits: Limits;
  /** Gap rule for sources without pause markers, seconds (`undefined`: the default 30; 0: off). */
  pauseGap: number | undefined;
  /** How to read running cadence of TCX and GPX: `auto` halves clearly two-legged cadence. */
  cadence: 'auto' | 'one-leg' | 'two-leg';
}

/** {@link DecodeOptions} with the defaults filled in. */
export function decodeOptions(o: { limits?: Partial<Limits>; pauseGap?: number; cadence?: DecodeOptions['cadence'] } = {}): DecodeOptions {
  return { limits: { ...DEFAULT_LIMITS, ...o.limits }, pauseGap: o.pauseGap, cadence: o.cadence ?? 'auto' };
}

/** What a decoder is given. */
export interface DecodeContext {
  options: DecodeOptions;
  /** Where warnings go (merged and counted). With `strict`, `report.warn` throws. */
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
