/**
 * What the pool (`pool.ts`) and the check worker (`check-worker.ts`) say to each other, and the memory
 * bound they both apply (kept apart from the worker, whose module starts the thread's work when loaded).
 */
import type { ConvertOptions } from '../../src/convert/options.js';
import type { Verdict } from './property.js';

/** A message to the worker: one input and the option sets to convert it with. */
export interface CheckRequest {
  id: number;
  bytes: Uint8Array;
  options: ConvertOptions[];
}

/** One conversion's verdict, with its time and memory. */
export interface MeasuredVerdict extends Verdict {
  ms: number;
  /** Growth of heapUsed + external across the conversion, in bytes. */
  growth: number;
  /** Growth of the process's RSS (shared by every thread: a hint only). */
  rss: number;
}

/** Messages from the worker. */
export type CheckReply =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'step'; id: number; index: number }
  | { type: 'done'; id: number; verdicts: MeasuredVerdict[] };

/** The memory bound of a conversion of `size` input bytes (see `check-worker.ts` for why). */
export function memoryBound(size: number): number {
  return Math.max(64 * 1024 * 1024, 40 * size);
}
