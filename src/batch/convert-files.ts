/**
 * `convertFiles()`: many files → Activity JSON, on a pool of worker threads, one result per file as soon as
 * it is done. Node only (threads and the file system): import it from `runjson/batch`.
 *
 * The main thread reads each file, moves its bytes to a worker (transfer, no copy), gets the Activity JSON
 * bytes back the same way and, with `outDir`, writes them atomically (`write-atomic.ts`). At most two
 * files per worker are in flight, so memory stays bounded however large the folder. One bad file — corrupt,
 * truncated, not an activity, over a limit, or a worker that dies on it — is one failed result; the batch
 * goes on, and a dead worker is replaced.
 */
import { availableParallelism } from 'node:os';
import { relative as relativePath, resolve } from 'node:path';
import { readFile as readFileCb, stat as statCb } from 'node:fs';
import { promisify } from 'node:util';
import type { SourceFormat, Warning } from '../core/errors.js';
import { type ConvertOptions, resolveOptions } from '../options.js';
import { type TaskError, type TaskResult, convertTask } from '../pool/convert-task.js';
import { ConvertPool } from '../pool/pool.js';
import { type PlannedFile, planFiles } from './plan.js';
import { type JournalEntry, ResumeJournal } from './resume-journal.js';
import { removeStaleTemps, writeFilesAtomic } from './write-atomic.js';

// The callback forms of fs, promisified: measured on Node 20 (300 files of 1–150 KB, page cache warm),
// `fs/promises` stat + readFile kept the main thread busy 45 ms, the callback forms 25–33 ms — and the
// main thread is what feeds the workers.
const stat = promisify(statCb);
const readFile = promisify(readFileCb);

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
   * Aborts the batch: no file starts after it, files being converted are stopped (nothing written for
   * them), files being written are finished and still yielded; then iteration throws the abort reason.
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
   * time fails with code `timeout`, its worker is stopped and replaced. Default: none. Not available
   * in-process (`concurrency: 0`).
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
  if (outDir !== undefined) await removeStaleTemps(outDir);
  const journal = outDir === undefined ? null : await ResumeJournal.open(outDir);
  const maxBytes = resolveOptions(convertOptions).limits.maxBytes;

  const threads = given?.threads ?? Math.min(Math.max(0, Math.floor(concurrency ?? availableParallelism())), plan.length);
  const pool = given ?? (threads > 0 ? new ConvertPool({ threads, workerFile, maxWorkerMemoryMb }) : null);
  const convertOne = (bytes: Uint8Array): Promise<TaskResult> =>
    pool !== null ? pool.run(bytes, convertOptions, signal, timeoutMs) : Promise.resolve(convertTask({ bytes, options: convertOptions }));
  const madeDirs = new Set<string>();
  const ctx: FileContext = { convertOne, resume, maxBytes, madeDirs, signal, journal, outDir: outDir ?? '' };

  const progress = { total: plan.length, done: 0, converted: 0, skipped: 0, upToDate: 0, failed: 0, bytes: 0 };
  // Settled outcomes: a file stopped by an abort comes back as a null result (nothing was written for it).
  const inFlight = new Map<number, Promise<{ index: number; result: FileResult | null }>>();
  const maxInFlight = Math.max(2, threads * 2);
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
    if (given === undefined) await pool?.destroy();
    journal?.close();
  }
}

interface FileContext {
  convertOne(bytes: Uint8Array): Promise<TaskResult>;
  resume: boolean;
  maxBytes: number;
  madeDirs: Set<string>;
  signal: AbortSignal | undefined;
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

/** Reads, converts and writes one file; rejects only when the batch is aborted. */
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
  let bytes: Uint8Array;
  let stemKey = '';
  let source = { i: '', s: 0, m: 0 };
  try {
    const info = await stat(file.input);
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    result.bytes = info.size;
    stemKey = file.output === null ? '' : relativePath(ctx.outDir, file.output).split('\\').join('/');
    source = { i: resolve(file.input), s: info.size, m: info.mtimeMs };
    if (ctx.resume && file.output !== null) {
      const existing = await upToDateOutput(file.output, info.mtimeMs, ctx.journal?.lookup(stemKey), source);
      if (existing !== null) {
        result.status = 'up-to-date';
        result.outputs = [existing];
        return done();
      }
    }
    if (info.size > ctx.maxBytes) {
      result.error = { code: 'limit-exceeded', message: `input larger than limits.maxBytes (${ctx.maxBytes})` };
      return done();
    }
    const buf = await readFile(file.input);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    result.bytes = bytes.byteLength;
  } catch (cause) {
    result.error = fsError('read-error', cause);
    result.timings.readMs = performance.now() - t0;
    return done();
  }
  result.timings.readMs = performance.now() - t0;

  const converted = await ctx.convertOne(bytes);
  result.timings.convertMs = converted.convertMs;
  if (!converted.ok) {
    result.error = converted.error;
    result.format = converted.error.format ?? null;
    result.status = converted.error.code === 'not-running' ? 'skipped' : 'failed';
    return done();
  }
  result.format = converted.format;
  result.activities = converted.activities.length;
  result.warnings = converted.warnings;
  const json = converted.activities.map((a) => a.json);
  if (file.output === null) {
    result.json = json;
    result.status = 'converted';
    return done();
  }
  const t1 = performance.now();
  const paths = outputPaths(file.output, json.length);
  try {
    await writeFilesAtomic(
      json.map((data, i) => ({ path: paths[i], data })),
      ctx.madeDirs,
    );
    result.outputs = paths;
    result.status = 'converted';
    try {
      ctx.journal?.record({ o: stemKey, ...source, n: paths.length });
    } catch {
      // The outputs are in place; without their journal line, resume falls back to the mtime rule for
      // them (see resume-journal.ts) — not a reason to fail the file or stop the batch.
    }
  } catch (cause) {
    result.error = fsError('write-error', cause);
  }
  result.timings.writeMs = performance.now() - t1;
  return done();
}

/** `stem.json` for one activity; `stem-1.json`… for several. */
export function outputPaths(stem: string, count: number): string[] {
  if (count === 1) return [`${stem}.json`];
  return Array.from({ length: count }, (_, i) => `${stem}-${i + 1}.json`);
}

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

function fsError(code: 'read-error' | 'write-error', cause: unknown): TaskError {
  const e = cause as NodeJS.ErrnoException;
  // Node's messages already start with the errno code ("ENOENT: no such file or directory, open '…'").
  return { code, message: e instanceof Error ? e.message : String(cause) };
}
