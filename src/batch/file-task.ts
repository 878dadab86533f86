/**
 * One file of a batch as a pool task, done wholly on the worker: read the input, convert it, write its
 * Activity JSON atomically. The main thread only plans, hands out paths and collects small results.
 *
 * Why the worker does its own I/O: with the main thread reading every input and writing every output
 * (async fs, bytes moved to and from the worker by transfer), the batch of 300 FIT files on 2 cores went
 * from 1 worker to 2 workers only 1.11× faster while two bare threads scaled 1.93×: the main thread was
 * the pipeline's bottleneck (≈ 55 % idle yet on the critical path of every file — each read, write and
 * rename is a round trip through libuv's thread pool and back to the event loop) and the workers ≈ 35 %
 * idle. Synchronous I/O on the worker costs the same system calls with no hops in between, and scales
 * with the workers. The measured effect is recorded in bench/groups/batch.ts.
 *
 * Like {@link convertTask} it never throws: failures come back as values.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SourceFormat, Warning } from '../core/errors.js';
import type { ConvertOptions } from '../convert/options.js';
import { convertSync } from '../index.js';
import { type TaskError, toTaskError } from './convert-task.js';
import type { ConvertResult } from '../convert/result.js';

/** What a worker is given for one file. */
export interface FileTask {
  /** The input path. */
  path: string;
  /**
   * Output path without `.json` (`OUTDIR/sub/run`): the outputs are `<output>.json`, or `<output>-1.json`,
   * `<output>-2.json`… for several activities. Null: nothing is written, the JSON comes back in the result.
   */
  output: string | null;
  /**
   * Prefix of this task's temp files, unique in the process (`.runjson-<pid>-<n>`): temp file k is
   * `<folder of output>/<temp>-<k>.tmp`. Chosen by the caller, so that it can remove them should the
   * worker die mid-write ({@link removeTaskTemps}).
   */
  temp: string;
  /** Inputs larger than this (bytes) fail with `limit-exceeded` without being read. */
  maxBytes: number;
  /** Converter options; plain data. */
  options: ConvertOptions;
}

/** Several files for one worker, done in order; the worker returns one {@link FileTaskResult} per file. */
export interface FileBatch {
  files: FileTask[];
  /** Shared with the caller: the worker stores here the index of the file it is on (a watchdog reads it). */
  progress?: Int32Array;
}

/** Does a {@link FileBatch}: one result per file, in order. */
export function convertFileBatch(batch: FileBatch): FileTaskResult[] {
  const out: FileTaskResult[] = [];
  for (let i = 0; i < batch.files.length; i++) {
    if (batch.progress !== undefined) Atomics.store(batch.progress, 0, i);
    out.push(convertFileTask(batch.files[i]));
  }
  return out;
}

/** What a worker returns for one file. */
export interface FileTaskResult {
  /** Size of the input in bytes as read (−1 when it could not be opened). */
  size: number;
  /** Modification time of the input as read (epoch ms; −1 when it could not be opened). */
  mtimeMs: number;
  /** Sniffed format, when conversion got that far. */
  format: SourceFormat | null;
  /** Activities converted. */
  activities: number;
  /** Outputs written (with `output`). */
  outputs: string[];
  /** The Activity JSON of each activity when `output` is null (buffers transferred back); else empty. */
  json: Uint8Array[];
  warnings: Warning[];
  /** Null on success. */
  error: TaskError | null;
  readMs: number;
  convertMs: number;
  writeMs: number;
}

/** A result with nothing read, converted or written yet. */
export function newFileTaskResult(): FileTaskResult {
  return { size: -1, mtimeMs: -1, format: null, activities: 0, outputs: [], json: [], warnings: [], error: null, readMs: 0, convertMs: 0, writeMs: 0 };
}

/**
 * The worker's input buffer, reused from file to file (grown as needed, dropped past INPUT_KEEP): a
 * conversion keeps nothing of its input's bytes (decoders copy what they keep into columns and strings),
 * and a fresh buffer per file is memory the allocator must find and the kernel must fault in, in every
 * worker at once.
 */
let input = Buffer.allocUnsafe(0);
const INPUT_KEEP = 32 << 20;

/** Reads the whole file `fd` (of `size` bytes when last seen) into the reused buffer; returns a view. */
function readInput(fd: number, size: number): Uint8Array {
  if (input.length < size + 1) input = Buffer.allocUnsafe(Math.max(size + 1, Math.min(2 * input.length, INPUT_KEEP), 1 << 16));
  let n = 0;
  for (;;) {
    if (n === input.length) {
      // The file grew since fstat: read on, as readFileSync would, until the end.
      const bigger = Buffer.allocUnsafe(2 * input.length);
      input.copy(bigger, 0, 0, n);
      input = bigger;
    }
    const got = readSync(fd, input, n, input.length - n, null);
    if (got === 0) break;
    n += got;
  }
  const view = new Uint8Array(input.buffer, input.byteOffset, n);
  if (input.length > INPUT_KEEP) input = Buffer.allocUnsafe(0);
  return view;
}

/** Reads, converts and writes one file. Never throws. */
export function convertFileTask(task: FileTask): FileTaskResult {
  const t0 = performance.now();
  const r = newFileTaskResult();
  let bytes: Uint8Array;
  try {
    const fd = openSync(task.path, 'r');
    try {
      const info = fstatSync(fd);
      if (!info.isFile()) throw Object.assign(new Error(`EISDIR: not a file, read '${task.path}'`), { code: 'EISDIR' });
      r.size = info.size;
      r.mtimeMs = info.mtimeMs;
      if (info.size > task.maxBytes) {
        r.error = { code: 'limit-exceeded', message: `input larger than limits.maxBytes (${task.maxBytes})` };
        r.readMs = performance.now() - t0;
        return r;
      }
      bytes = readInput(fd, info.size);
      r.size = bytes.byteLength;
    } finally {
      closeSync(fd);
    }
  } catch (cause) {
    r.error = fsError('read-error', cause);
    r.readMs = performance.now() - t0;
    return r;
  }
  const t1 = performance.now();
  r.readMs = t1 - t0;

  let result: ConvertResult;
  try {
    result = convertSync(bytes, task.options);
  } catch (cause) {
    r.error = toTaskError(cause);
    r.format = r.error.format ?? null;
    r.convertMs = performance.now() - t1;
    return r;
  }
  r.format = result.format;
  r.warnings = result.warnings;
  r.activities = result.activities.length;
  if (task.output === null) {
    try {
      r.json = result.activities.map((a) => a.toBytes());
    } catch (cause) {
      r.error = toTaskError(cause);
    }
    r.convertMs = performance.now() - t1;
    return r;
  }
  // Each activity's JSON goes from the writer's buffer straight into its temp file (no copy); the
  // writing of the bytes counts as conversion, the file system calls as writing.
  const paths = outputPaths(task.output, result.activities.length);
  let writeMs = 0;
  try {
    writeFilesAtomicSync(paths, task.temp, (i, write) => {
      result.activities[i].withBytes((json) => {
        const w0 = performance.now();
        write(json);
        writeMs += performance.now() - w0;
      });
    });
    r.outputs = paths;
  } catch (cause) {
    r.error = isFsError(cause) ? fsError('write-error', cause) : toTaskError(cause);
  }
  const t2 = performance.now();
  r.writeMs = writeMs;
  r.convertMs = t2 - t1 - writeMs;
  return r;
}

/** `stem.json` for one activity; `stem-1.json`… for several. */
export function outputPaths(stem: string, count: number): string[] {
  if (count === 1) return [`${stem}.json`];
  return Array.from({ length: count }, (_, i) => `${stem}-${i + 1}.json`);
}

/**
 * Writes the files so that each appears whole (temp file, then rename), renamed last-to-first so that
 * when the first exists all do (resume looks only at the first). Their folder is made when missing.
 * `produce(i, write)` makes file i's bytes and calls `write` with them (once), so that the bytes can be a
 * view of a buffer reused for the next file.
 */
export function writeFilesAtomicSync(paths: string[], temp: string, produce: (i: number, write: (bytes: Uint8Array) => void) => void): void {
  const temps: string[] = [];
  try {
    for (let i = 0; i < paths.length; i++) {
      const tmp = join(dirname(paths[i]), `${temp}-${i}.tmp`);
      produce(i, (bytes) => {
        temps.push(tmp);
        try {
          writeFileSync(tmp, bytes, { flag: 'wx' });
        } catch (e) {
          // The output folder is made on the first write that needs it: no stat or mkdir per file.
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          mkdirSync(dirname(tmp), { recursive: true });
          writeFileSync(tmp, bytes, { flag: 'wx' });
        }
      });
    }
    for (let i = paths.length - 1; i >= 0; i--) {
      renameSync(temps[i], paths[i]);
      temps[i] = '';
    }
  } finally {
    for (const t of temps) {
      if (t === '') continue;
      try {
        rmSync(t, { force: true });
      } catch {
        // Left for removeStaleTemps; the write error itself is what the caller reports.
      }
    }
  }
}

/**
 * Removes the temp files a task may have left in its output folder (its worker was stopped or died
 * mid-write). Best effort; returns how many were removed.
 */
export function removeTaskTemps(output: string, temp: string): number {
  const dir = dirname(output);
  const prefix = `${temp}-`;
  let removed = 0;
  try {
    for (const name of readdirSync(dir)) {
      if (name.startsWith(prefix) && name.endsWith('.tmp')) {
        rmSync(join(dir, name), { force: true });
        removed++;
      }
    }
  } catch {
    // The folder is gone or unreadable: nothing of ours to remove there.
  }
  return removed;
}

function isFsError(cause: unknown): boolean {
  return cause instanceof Error && typeof (cause as NodeJS.ErrnoException).code === 'string' && typeof (cause as NodeJS.ErrnoException).syscall === 'string';
}

function fsError(code: 'read-error' | 'write-error', cause: unknown): TaskError {
  // Node's messages already start with the errno code ("ENOENT: no such file or directory, open '…'").
  return { code, message: cause instanceof Error ? cause.message : String(cause) };
}
