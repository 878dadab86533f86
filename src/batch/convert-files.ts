/**
 * `convertFiles()`: many files → Activity JSON (or another target format of the encoder registry), on a
 * pool of worker threads, one result per file as soon as it is done. Node only (threads and the file
 * system): import it from `runjson/batch`.
 *
 * The main thread plans the batch and hands each worker a path; the worker reads the file, converts it and,
 * with `outDir`, writes the outputs atomically itself (`file-task.ts`, which says why); without `outDir`
 * the encoded bytes come back by transfer. At most 24 files per worker are in flight (three messages of
 * up to `MAX_FILES_PER_MESSAGE`), so memory stays bounded however large the folder. One bad file — corrupt,
 * truncated, not an activity, over a limit, or a worker that dies on it — is one failed result; the batch
 * goes on, and a dead worker is replaced.
 */
import { availableParallelism } from 'node:os';
import { relative as relativePath, resolve } from 'node:path';
import { stat as statCb } from 'node:fs';
import { promisify } from 'node:util';
import type { SourceFormat, Warning } from '../core/errors.js';
import { type ConvertOptions, resolveOptions } from '../convert/options.js';
import { type TargetFormat, encoderFor } from '../encode/registry.js';
import type { TaskError } from './convert-task.js';
import { type FileTask, type FileTaskResult, convertFileTask, outputPaths } from './file-task.js';
import { ConvertPool, MAX_FILES_PER_MESSAGE } from './pool.js';
import { type PlannedFile, planFiles } from './plan.js';
import { defaultJournalDir } from './journal-path.js';
import { type JournalEntry, ResumeJournal } from './resume-journal.js';
import { newTempPrefix, removeStaleTemps } from './write-atomic.js';

export { outputPaths };

// The callback form, promisified: measured on Node 20 (300 files, page cache warm), `fs/promises` stat
// kept the main thread busier than the callback form (used only with resume now: see file-task.ts).
const stat = promisify(statCb);

/** What happened to one file: the `status` of its {@link FileResult}. */
export type FileStatus = FileResult['status'];

/** What every {@link FileResult} says, whatever its status. */
export interface FileResultBase {
  /** Position of the file in the batch (files are planned in input order, folders sorted by name). */
  index: number;
  /** Input path. */
  input: string;
  /** Path relative to the input folder it was found in (`/`-separated). */
  relative: string;
  /** Sniffed input format, when it got that far. */
  format: SourceFormat | null;
  /** Activities converted. */
  activities: number;
  /** Files written (with `outDir`); for `up-to-date`, the existing first output. */
  outputs: string[];
  /**
   * The encoded output of each activity in the target format (`to`; Activity JSON by default) when there
   * is no `outDir`; empty when written to files.
   */
  data: Uint8Array[];
  /** Warnings of the conversion (merged and counted). */
  warnings: Warning[];
  /** Input size in bytes (0 when it could not be read). */
  bytes: number;
  /** Where the file's time went, in milliseconds. */
  timings: FileTimings;
}

/**
 * Where a file's time went, in milliseconds. `readMs + convertMs + writeMs ≤ workMs` and
 * `totalMs = waitMs + workMs`.
 */
export interface FileTimings {
  /** Reading the input (on its worker). */
  readMs: number;
  /** Converting it and encoding its outputs (on its worker). */
  convertMs: number;
  /** The file system calls that write its outputs (on its worker). */
  writeMs: number;
  /**
   * The file's own time: on its worker, from taking it to its result (read, convert, write and what lies
   * between them); for `up-to-date`, the main thread's check of its output. Measured where it ran.
   */
  workMs: number;
  /**
   * From the moment the batch was planned to the moment work on the file started: time spent waiting
   * for a worker (behind the files before it) — in a large batch, most of a file's wall time. When its
   * worker died before it could report, the time from the plan to the failure, less `workMs`.
   */
  waitMs: number;
  /**
   * `waitMs + workMs`: from the plan to the end of the file's work. (Not the moment its result reached the
   * caller: files sent to a worker together come back together, when the last of them is done.)
   */
  totalMs: number;
}

/** Converted; with `outDir`, its outputs are written. */
export interface ConvertedFile extends FileResultBase {
  status: 'converted';
  error: null;
}

/** With `resume`: its output was written from this input, unchanged since (see `resume`), so it was not converted again. */
export interface UpToDateFile extends FileResultBase {
  status: 'up-to-date';
  error: null;
}

/** Not a run (error code `not-running`): counted as done, nothing written. */
export interface SkippedFile extends FileResultBase {
  status: 'skipped';
  /** Why it is not a run. */
  error: NotRunningError;
}

/** Could not be converted (or its outputs could not be written): `error` says why. */
export interface FailedFile extends FileResultBase {
  status: 'failed';
  error: TaskError;
}

/** The error of a file that is not a run. */
export type NotRunningError = TaskError & { code: 'not-running' };

/**
 * Result of one file, a union on `status`: `error` is null for `converted` and `up-to-date`, the reason
 * for `skipped` (code `not-running`) and `failed`.
 *
 * @example
 * ```ts
 * if (r.status === 'failed') console.error(r.relative, r.error.code, r.error.message);
 * ```
 */
export type FileResult = ConvertedFile | UpToDateFile | SkippedFile | FailedFile;

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
   * Folder to write the outputs into, mirroring the input folders (see `plan.ts` for the names).
   * Without it, each result carries its encoded bytes in `data` and nothing is written.
   */
  outDir?: string;
  /**
   * The target format, one of `TARGET_FORMATS` (default `json`, Activity JSON): its encoder writes the
   * outputs, named `<stem>.<ext>` with the encoder's extension.
   */
  to?: TargetFormat;
  /** Worker threads. Default: the number of cores. `0` converts in this thread, without a pool. */
  concurrency?: number;
  /**
   * With `outDir`: skip inputs already converted there — their output exists and the output folder's
   * journal (in `journalDir`) says it was written from this input, unchanged since (same path, size and
   * mtime); outputs the journal does not know are trusted when not older than the input. Default false.
   */
  resume?: boolean;
  /**
   * With `outDir`: the folder of resume journals, one file per output folder, named from a hash of the
   * output folder's real path. Every batch with `outDir` keeps its journal, resume or not, so that a
   * later resume can trust what this batch wrote; nothing of it is kept in `outDir`. Default:
   * {@link defaultJournalDir} — `$XDG_CACHE_HOME/runjson/journals`, else the platform's cache folder
   * (`~/.cache/runjson/journals` on Linux, `~/Library/Caches/runjson/journals` on macOS,
   * `%LOCALAPPDATA%\runjson\journals` on Windows).
   */
  journalDir?: string;
  /**
   * Called at most once per batch when the journal cannot be written (a read-only cache folder, a full
   * disk): the batch goes on, and a later resume judges its outputs by their modification times only.
   * Default: the error's message on stderr.
   */
  onJournalError?: (error: Error) => void;
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
   * Milliseconds a file may take on its worker (from the moment the worker takes it: time waiting for a
   * worker, or for a replaced one to start, is not counted): a file not done in time fails with code
   * `timeout`, its worker is stopped and replaced, and the other files sent to that worker with it go
   * again. Default: none. Not available in-process (`concurrency: 0`).
   */
  timeoutMs?: number;
  /** V8 heap cap of each worker in MB; a file that needs more fails with `worker-crashed`. Default: none. */
  maxWorkerMemoryMb?: number;
}

/**
 * Converts files and folders (recursively) to Activity JSON (or the target format `to`), on worker
 * threads. Yields one result per file, in the order they finish (sort by `index` for input order).
 *
 * @example
 * ```ts
 * import { convertFiles } from 'runjson/batch';
 *
 * for await (const r of convertFiles(['export/activities'], { outDir: 'json', concurrency: 4 })) {
 *   if (r.status === 'failed') console.error(r.relative, r.error.code, r.error.message);
 * }
 * ```
 *
 * @throws {ConvertError} `unsupported` for a `to` that runjson does not write (before anything starts).
 */
export async function* convertFiles(inputs: Iterable<string> | string, options: ConvertFilesOptions = {}): AsyncGenerator<FileResult> {
  const { outDir, to = 'json', concurrency, resume = false, journalDir, onJournalError, onProgress, signal, workerFile, maxWorkerMemoryMb, pool: given, timeoutMs, ...convertOptions } =
    options;
  signal?.throwIfAborted();
  encoderFor(to); // an unknown format fails here, not once per file
  const started = performance.now();
  const plan = await planFiles(typeof inputs === 'string' ? [inputs] : inputs, outDir);
  // Every file's wait is counted from here (FileTimings.waitMs), on the clock the workers read too.
  const plannedAt = performance.timeOrigin + performance.now();
  // Temp files of runjson processes that are gone: removed while this batch converts (they never collide
  // with this process's own temps, whose names carry its pid); the walk cost 6–13 ms per 300 outputs.
  const cleanup = outDir === undefined ? Promise.resolve(0) : removeStaleTemps(outDir).catch(() => 0);
  const journal =
    outDir === undefined
      ? null
      : await ResumeJournal.open(outDir, { dir: journalDir ?? defaultJournalDir(), onError: onJournalError ?? ((e) => process.stderr.write(`runjson: ${e.message}\n`)) });
  const maxBytes = resolveOptions(convertOptions).limits.maxBytes;

  const threads = given?.threads ?? Math.min(Math.max(0, Math.floor(concurrency ?? availableParallelism())), plan.length);
  const pool = given ?? (threads > 0 ? new ConvertPool({ threads, workerFile, maxWorkerMemoryMb }) : null);
  const convertOne = (task: FileTask): Promise<FileTaskResult> =>
    pool !== null ? pool.runFile(task, signal, timeoutMs) : Promise.resolve(convertFileTask(task));
  const ctx: FileContext = { convertOne, options: convertOptions, to, resume, maxBytes, journal, outDir: outDir ?? '', plannedAt };

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
  to: TargetFormat;
  resume: boolean;
  maxBytes: number;
  journal: ResumeJournal | null;
  outDir: string;
  /** When the batch was planned: `performance.timeOrigin + performance.now()`. */
  plannedAt: number;
}

/** A result's facts before its outcome is known: nothing converted, no timings. */
export function newFileResultBase(index: number, input: string, relative: string): FileResultBase {
  return {
    index,
    input,
    relative,
    format: null,
    activities: 0,
    outputs: [],
    data: [],
    warnings: [],
    bytes: 0,
    timings: { readMs: 0, convertMs: 0, writeMs: 0, workMs: 0, waitMs: 0, totalMs: 0 },
  };
}

/** The result of a file whose conversion ended with `error`: null → converted, `not-running` → skipped, else failed. */
export function conversionResult(base: FileResultBase, error: TaskError | null): FileResult {
  if (error === null) return { ...base, status: 'converted', error };
  if (isNotRunning(error)) return { ...base, status: 'skipped', error };
  return { ...base, status: 'failed', error };
}

function isNotRunning(error: TaskError): error is NotRunningError {
  return error.code === 'not-running';
}

/** Reads, converts and writes one file (on a worker); rejects only when the batch is aborted. */
async function processFile(file: PlannedFile, ctx: FileContext): Promise<FileResult> {
  const t0 = performance.now();
  const base = newFileResultBase(file.index, file.input, file.relative);
  const timings = base.timings;
  // Work that ran on this thread (the resume check): its wait ends, and its work starts, at t0.
  const here = (): void => {
    timings.waitMs = Math.max(0, performance.timeOrigin + t0 - ctx.plannedAt);
    timings.workMs = performance.now() - t0;
    timings.totalMs = timings.waitMs + timings.workMs;
  };

  if (file.error !== undefined) {
    here();
    return { ...base, status: 'failed', error: file.error };
  }
  const stemKey = file.output === null ? '' : relativePath(ctx.outDir, file.output).split('\\').join('/');
  if (ctx.resume && file.output !== null) {
    // Only with resume does the main thread touch the file system per file (two stats).
    try {
      const info = await stat(file.input);
      const existing = info.isFile()
        ? await upToDateOutput(file.output, ctx.to, info.mtimeMs, ctx.journal?.lookup(stemKey), { i: resolve(file.input), s: info.size, m: info.mtimeMs })
        : null;
      if (existing !== null) {
        base.bytes = info.size;
        base.outputs = [existing];
        timings.readMs = performance.now() - t0;
        here();
        return { ...base, status: 'up-to-date', error: null };
      }
    } catch {
      // Unreadable: the worker's read fails and reports why.
    }
  }

  const task: FileTask = { path: file.input, output: file.output, to: ctx.to, temp: newTempPrefix(), maxBytes: ctx.maxBytes, options: ctx.options };
  const r = await ctx.convertOne(task);
  base.bytes = Math.max(0, r.size);
  timings.readMs = r.readMs;
  timings.convertMs = r.convertMs;
  timings.writeMs = r.writeMs;
  timings.workMs = r.workMs;
  // The worker says when it took the file; when it died first, the rest of the time until now was waiting.
  const startedAt = r.startedAt >= 0 ? r.startedAt : performance.timeOrigin + performance.now() - r.workMs;
  timings.waitMs = Math.max(0, startedAt - ctx.plannedAt);
  timings.totalMs = timings.waitMs + timings.workMs;
  base.format = r.format;
  base.activities = r.activities;
  base.warnings = r.warnings;
  if (r.error !== null) return conversionResult(base, r.error);
  if (file.output === null) {
    base.data = r.data;
    return conversionResult(base, null);
  }
  base.outputs = r.outputs;
  // Never throws: a journal that cannot be written is said once, and resume falls back to the mtime rule
  // for these outputs (resume-journal.ts) — not a reason to fail the file or stop the batch.
  ctx.journal?.record({ o: stemKey, i: resolve(file.input), s: r.size, m: r.mtimeMs, n: r.outputs.length });
  return conversionResult(base, null);
}

/**
 * The first output of a stem when resume may skip its input, else null: the journal's line for the stem
 * names this input, unchanged (same path, size, mtime) — or, when the journal has no line for the stem,
 * the output is not older than the input.
 */
async function upToDateOutput(
  stem: string,
  to: TargetFormat,
  inputMtimeMs: number,
  entry: JournalEntry | undefined,
  source: { i: string; s: number; m: number },
): Promise<string | null> {
  if (entry !== undefined && (entry.i !== source.i || entry.s !== source.s || entry.m !== source.m)) return null;
  // Without a journal line the activity count is unknown: the first output of one (`stem.<ext>`) or of several (`stem-1.<ext>`).
  const paths = entry === undefined ? [outputPaths(stem, 1, to)[0], outputPaths(stem, 2, to)[0]] : [outputPaths(stem, entry.n, to)[0]];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (info !== null && info.isFile() && (entry !== undefined || info.mtimeMs >= inputMtimeMs)) return path;
  }
  return null;
}
