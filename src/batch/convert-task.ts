/**
 * One conversion as a pool task: bytes in, Activity JSON bytes out. Pure and synchronous, so the same
 * function runs inside a worker thread (`worker.ts`) and in-process (`convertFiles({ concurrency: 0 })`,
 * and the benchmark that measures the pool's overhead against it).
 *
 * Failures come back as values, not exceptions: a structured clone of a thrown error across the worker
 * boundary loses `code` and the position, and a value is cheaper than an exception anyway.
 */
import { convertSync } from '../index.js';
import { ConvertError, type SourceFormat, type Warning } from '../core/errors.js';
import type { ConvertOptions } from '../convert/options.js';

/** What a worker is given. `bytes` is moved (transferred), not copied. */
export interface ConvertTask {
  /** The whole input file (gzip allowed). */
  bytes: Uint8Array;
  /** Converter options; must be structured-cloneable (plain data). */
  options: ConvertOptions;
}

/** A failure of one file, as plain data. */
export interface TaskError {
  /**
   * A {@link ConvertError} code (`malformed`, `not-running`, …), or one of the batch's own codes:
   * `worker-crashed` (the worker thread died), `timeout` (not done within the batch's `timeoutMs`),
   * `internal-error` (an exception that is not a ConvertError),
   * `read-error` / `write-error` (file system), `aborted`.
   */
  code: string;
  message: string;
  format?: SourceFormat | null;
  offset?: number;
  line?: number;
  column?: number;
}

/** One activity of a converted file. */
export interface TaskActivity {
  /** Activity JSON, UTF-8; its buffer is transferred back from the worker. */
  json: Uint8Array;
  /** Epoch ms of the start of the run. */
  startTime: number;
  /** Kilometres (null without a distance series). */
  distance: number | null;
  /** Seconds, pauses excluded. */
  duration: number;
}

/** What a worker returns. */
export type TaskResult =
  | { ok: true; format: SourceFormat; activities: TaskActivity[]; warnings: Warning[]; convertMs: number }
  | { ok: false; error: TaskError; convertMs: number };

/** Converts one file's bytes; never throws. */
export function convertTask(task: ConvertTask): TaskResult {
  const t0 = performance.now();
  try {
    const result = convertSync(task.bytes, task.options);
    const activities: TaskActivity[] = result.activities.map((a) => ({
      json: a.toBytes(),
      startTime: a.activity.startTime,
      distance: a.summary.distance,
      duration: a.summary.duration,
    }));
    return { ok: true, format: result.format, activities, warnings: result.warnings, convertMs: performance.now() - t0 };
  } catch (cause) {
    return { ok: false, error: toTaskError(cause), convertMs: performance.now() - t0 };
  }
}

/** A thrown value as a {@link TaskError}. */
export function toTaskError(cause: unknown): TaskError {
  if (cause instanceof ConvertError) {
    const e: TaskError = { code: cause.code, message: cause.message, format: cause.format };
    if (cause.offset !== undefined) e.offset = cause.offset;
    if (cause.line !== undefined) e.line = cause.line;
    if (cause.column !== undefined) e.column = cause.column;
    return e;
  }
  const message = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return { code: 'internal-error', message };
}

/** The ArrayBuffers of a result, for a transfer list. */
export function resultBuffers(result: TaskResult): ArrayBuffer[] {
  return result.ok ? buffersOf(result.activities.map((a) => a.json)) : [];
}

/** The distinct ArrayBuffers under some byte arrays, for a transfer list. */
export function buffersOf(arrays: Uint8Array[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of arrays) {
    const b = a.buffer;
    if (b instanceof ArrayBuffer && !out.includes(b)) out.push(b);
  }
  return out;
}
