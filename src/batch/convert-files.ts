/**
 * `convertFiles()`: many files → Activity JSON, on a pool of worker threads, one result per file as soon as
 * it is done. Node only (threads and the file system): import it from `runjson/batch`.
 *
 * The main thread plans the batch and hands each worker a path; the worker reads the file, converts it and,
 * with `outDir`, writes the Activity JSON atomically itself (`file-task.ts`, which says why); without
 * `outDir` the JSON bytes come back by transfer. At most two files per worker are in flight, so memory stays bounded however large the folder. One bad file — corrupt,
 * truncated, not an activity, over a limit, or a worker that dies on it — is one failed result; the batch
 * goes on, and a dead worker is replaced.
 */
import { availableParallelism } from 'node:os';
import { relative as relativePath, resolve } from 'node:path';
import { stat as statCb } from 'node:fs';
import { promisify } from 'node:util';
import type { SourceFormat, Warning } from '../core/errors.js';
import { type ConvertOptions, resolveOptions } from '../convert/options.js';
import type { TaskError } from './convert-task.js';
import { type FileTask, type FileTaskResult, convertFileTask, outputPaths } from './file-task.js';
import { ConvertPool, MAX_FILES_PER_MESSAGE } from './pool.js';
import { type PlannedFile, planFiles } from './plan.js';
import { type JournalEntry, ResumeJournal } from './resume-journal.js';
import { removeStaleTemps } from './write-atomic.js';

export { outputPaths };

// The callback form, promisified: measured on Node 20 (300 files, page cache warm), `fs/promises` stat
// kept the main thread busier than the callback form (used only with resume now: see file-task.ts).
const stat = promisify(statCb);

/** What happened to one file. */
export type FileStatus =
  /** Converted; with `outDir`, its outputs are written. */
  | 'converted'
  /** Not a run (error code `not-running`): counted as done, nothing written. */
  | 'skipped'
  /** With `resume`: its output is newer than the input, so it was not converted again. */
  | 'up-to-date'
  /** Could not be converted (see `error`). */
  | 'failed';

/** Result of one file. */
export interface FileResult {
  /** Position of the file in the batch (files are planned in input order, folders sorted by name). */
  index: number;
  /** Input path. */
  input: string;
  /** Path relative to the input folder it was found in (`/`-separated). */
  relative: string;
  status: FileStatus;
  /** Sniffed input format, when it got that far. */
  format: SourceFormat | null;
  /** Activities converted. */
  activities: number;
  /** Files written (with `outDir`); for `up-to-date`, the existing first output. */
  outputs: string[];
  /** Activity JSON of each activity when there is no `outDir`; empty when written to files. */
  json: Uint8Array[];
  /** Warnings of the conversion (merged and counted). */
  warnings: Warning[];
  /** Why it failed (`failed`) or was skipped (`skipped`, code `not-running`); null otherwise. */
  error: TaskError | null;
  /** Input size in bytes (0 when it could not be read). */
  bytes: number;
  /** Milliseconds spent reading, converting (inside the worker) and writing, and in all. */
  timings: { readMs: number; convertMs: number; writeMs: number; totalMs: number };
}

/** Progress after each file. */
export interface BatchProgress {
  /** Files in the batch. */
  total: number;
  /** Files done (any status). */
  done: number;
  converted: number;
  skipped: number;
  upToDate: number;
  failed: number;
  /** Input bytes done. */
  bytes: number;
  /** Milliseconds since the batch started. */
  elapsedMs: number;
  /** The file just finished. */
  last: FileResult;
}

/** Options of {@link convertFiles}: the converter's options, plus the batch's own. */
export interface ConvertFilesOptions extends ConvertOptions {
  /**
   * Folder to write the Activity JSON into, mirroring the input folders (see `plan.ts` for the names).
   * Without it, each result carries its Activity JSON bytes in `json` and nothing is written.
   */
  outDir?: string;
  /** Worker threads. Default: the number of cores. `0` converts in this thread, without a pool. */
  concurrency?: number;
  /**
   * With `outDir`: skip inputs already converted there — their output exists and the folder's journal
   * says it was written from this input, unchanged since (same path, size and mtime); outputs the journal
   * does not know are trusted when not older than the input. Default false.
   */
  resume?: boolean;
  /** Called after each file. */
  onProgress?: (progress: BatchProgress) => void;
  /**
   * Aborts the batch: no file starts after it; the files workers have already taken (at most
   * `MAX_FILES_PER_MESSAGE` per worker, each bounded by `timeoutMs` when given) are finished and still
   * yielded, so every output on disk is in the results; then iteration throws the abort reason.
   */
  signal?: AbortSignal;
  /**
   * A pool to run on instead of starting one (and stopping it at the end): for a server or an app that
   * converts batch after batch, the worker start-up (≈ 0.1–0.3 s) is paid once. `concurrency`,
   * `workerFile` and `maxWorkerMemoryMb` are then the pool's own.
   */
  pool?: ConvertPool;
  /** Advanced: the worker module (see `ConvertPoolOptions.workerFile`). */
  workerFile?: string | URL;
  /**
   * Milliseconds a file may take on its worker (from the moment the worker takes it): a file not done in
   * time fails with code `timeout`, its worker is stopped and replaced. Among files sent to a worker
   * together, the one found still running after a whole `timeoutMs` (it has run 1–2 × `timeoutMs`) fails;
   * the others go again. Default: none. Not available in-process (`concurrency: 0`).
   */
  timeoutMs?: number;
  /** V8 heap cap of each worker in MB; a file that needs more fails with `worker-crashed`. Default: none. */
  maxWorkerMemoryMb?: number;
}

/**
 * Converts files and folders (recursively) to Activity JSON, on worker threads. Yields one result per
 * file, in the order they finish (sort by `index` for input order).
 *
 * @example
 * ```ts
 * import { convertFiles } from 'runjson/batch';
 *
 * for await (const r of convertFiles(['export/activities'], { outDir: 'json', concurrency: 4 })) {
 *   if (r.status === 'failed') console.error(r.input, r.error?.code, r.error?.message);
 * }
 * ```
 */
export async function* convertFiles(inputs: Iterable<string> | string, options: ConvertFilesOptions = {}): AsyncGenerator<FileResult> {
  const { outDir, concurrency, resume = false, onProgress, signal, workerFile, maxWorkerMemoryMb, pool: given, timeoutMs, ...convertOptions } = options;
  signal?.throwIfAborted();
  const started = performance.now();
  const plan = await planFiles(typeof inputs === 'string' ? [inputs] : inputs, outDir);
  // Temp files of runjson processes that are gone: removed while this batch converts (they never collide
  // with this process's own temps, whose names carry its pid); the walk cost 6–13 ms per 300 outputs.
  const cleanup = outDir === undefined ? Promise.resolve(0) : removeStaleTemps(outDir).catch(() => 0);
  const journal = outDir === undefined ? null : await ResumeJournal.open(outDir);
  const maxBytes = resolveOptions(convertOptions).limits.maxBytes;

  const threads = given?.threads ?? Math.min(Math.max(0, Math.floor(concurrency ?? availableParallelism())), plan.length);
  const pool = given ?? (threads > 0 ? new ConvertPool({ threads, workerFile, maxWorkerMemoryMb }) : null);
  const convertOne = (task: FileTask): Promise<FileTaskResult> =>
    pool !== null ? pool.runFile(task, signal, timeoutMs) : Promise.resolve(convertFileTask(task));
  const ctx: FileContext = { convertOne, options: convertOptions, resume, maxBytes, journal, outDir: outDir ?? '' };

  const progress = { total: plan.length, done: 0, converted: 0, skipped: 0, upToDate: 0, failed: 0, bytes: 0 };
  // Settled outcomes: a file stopped by an abort comes back as a null result (nothing was written for it).
  const inFlight = new Map<number, Promise<{ index: number; result: FileResult | null }>>();
  // Enough files submitted ahead for the pool to send each worker a full message and have the next ready.
  const maxInFlight = Math.max(2, threads * 3 * MAX_FILES_PER_MESSAGE);
  let next = 0;
  try {
    // After an abort nothing new starts, but the loop drains what is in flight: files whose outputs were
    // written are still yielded, so every output on disk is accounted for in the results.
    while (inFlight.size > 0 || (next < plan.length && !signal?.aborted)) {
      while (next < plan.length && inFlight.size < maxInFlight && !signal?.aborted) {
        const file = plan[next++];
        inFlight.set(
          file.index,
          processFile(file, ctx).then(
            (result) => ({ index: file.index, result }),
            (cause: unknown) => {
              if (signal?.aborted) return { index: file.index, result: null };
              throw cause;
            },
          ),
        );
      }
      if (inFlight.size === 0) break;
      const { index, result } = await Promise.race(inFlight.values());
      inFlight.delete(index);
      if (result === null) continue;
      progress.done++;
      progress.bytes += result.bytes;
      if (result.status === 'converted') progress.converted++;
      else if (result.status === 'skipped') progress.skipped++;
      else if (result.status === 'up-to-date') progress.upToDate++;
      else progress.failed++;
      onProgress?.({ ...progress, elapsedMs: performance.now() - started, last: result });
      yield result;
    }
    signal?.throwIfAborted();
  } finally {
    // When the consumer stops early: let running files finish or fail (no half-done writes), then stop the workers.
    await Promise.allSettled(inFlight.values());
    await cleanup;
    if (given === undefined) await pool?.destroy();
    journal?.close();
  }
}

interface FileContext {
  convertOne(task: FileTask): Promise<FileTaskResult>;
  options: ConvertOptions;
  resume: boolean;
  maxBytes: number;
  journal: ResumeJournal | null;
  outDir: string;
}

/** A result not yet filled in: status `failed`, nothing converted, no timings. */
export function newFileResult(index: number, input: string, relative: string): FileResult {
  return {
    index,
    input,
    relative,
    status: 'failed',
    format: null,
    activities: 0,
    outputs: [],
    json: [],
    warnings: [],
    error: null,
    bytes: 0,
    timings: { readMs: 0, convertMs: 0, writeMs: 0, totalMs: 0 },
  };
}

/** Reads, converts and writes one file (on a worker); rejects only when the batch is aborted. */
async function processFile(file: PlannedFile, ctx: FileContext): Promise<FileResult> {
  const t0 = performance.now();
  const result = newFileResult(file.index, file.input, file.relative);
  const done = (): FileResult => {
    result.timings.totalMs = performance.now() - t0;
    return result;
  };

  if (file.error !== undefined) {
    result.error = file.error;
    return done();
  }
  const stemKey = file.output === null ? '' : relativePath(ctx.outDir, file.output).split('\\').join('/');
  if (ctx.resume && file.output !== null) {
    // Only with resume does the main thread touch the file system per file (two stats).
    try {
      const info = await stat(file.input);
      const existing = info.isFile()
        ? await upToDateOutput(file.output, info.mtimeMs, ctx.journal?.lookup(stemKey), { i: resolve(file.input), s: info.size, m: info.mtimeMs })
        : null;
      if (existing !== null) {
        result.status = 'up-to-date';
        result.bytes = info.size;
        result.outputs = [existing];
        result.timings.readMs = performance.now() - t0;
        return done();
      }
    } catch {
      // Unreadable: the worker's read fails and reports why.
    }
  }

  const task: FileTask = { path: file.input, output: file.output, temp: `.runjson-${process.pid}-${tempCounter++}`, maxBytes: ctx.maxBytes, options: ctx.options };
  const r = await ctx.convertOne(task);
  result.bytes = Math.max(0, r.size);
  result.timings.readMs = r.readMs;
  result.timings.convertMs = r.convertMs;
  result.timings.writeMs = r.writeMs;
  result.format = r.format;
  result.activities = r.activities;
  result.warnings = r.warnings;
  if (r.error !== null) {
    result.error = r.error;
    result.status = r.error.code === 'not-running' ? 'skipped' : 'failed';
    return done();
  }
  result.status = 'converted';
  if (file.output === null) {
    result.json = r.json;
    return done();
  }
  result.outputs = r.outputs;
  try {
    ctx.journal?.record({ o: stemKey, i: resolve(file.input), s: r.size, m: r.mtimeMs, n: r.outputs.length });
  } catch {
    // The outputs are in place; without their journal line, resume falls back to the mtime rule for
    // them (see resume-journal.ts) — not a reason to fail the file or stop the batch.
  }
  return done();
}

/** Numbers the temp-file prefixes of this process's file tasks. */
let tempCounter = 0;

/**
 * The first output of a stem when resume may skip its input, else null: the journal's line for the stem
 * names this input, unchanged (same path, size, mtime) — or, when the journal has no line for the stem,
 * the output is not older than the input.
 */
async function upToDateOutput(
  stem: string,
  inputMtimeMs: number,
  entry: JournalEntry | undefined,
  source: { i: string; s: number; m: number },
): Promise<string | null> {
  if (entry !== undefined && (entry.i !== source.i || entry.s !== source.s || entry.m !== source.m)) return null;
  const paths = entry === undefined ? [`${stem}.json`, `${stem}-1.json`] : [outputPaths(stem, entry.n)[0]];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (info !== null && info.isFile() && (entry !== undefined || info.mtimeMs >= inputMtimeMs)) return path;
  }
  return null;
}
