/**
 * One file of a batch as a pool task, done wholly on the worker: read the input, convert it, write its
 * outputs in the target format atomically (write-atomic.ts). The main thread only plans, hands out paths
 * and collects small results.
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
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Report, type SourceFormat, type Warning } from '../core/errors.js';
import type { ConvertOptions } from '../convert/options.js';
import { type TargetFormat, encoderFor } from '../encode/registry.js';
import { convertSync } from '../index.js';
import { type TaskError, toTaskError } from './convert-task.js';
import { type ConvertResult, encodeAll } from '../convert/result.js';
import { writeFilesAtomicSync } from './write-atomic.js';

/** What a worker is given for one file. */
export interface FileTask {
  /** The input path. */
  path: string;
  /**
   * Output path without its extension (`OUTDIR/sub/run`): the outputs are `<output>.<ext>`, or
   * `<output>-1.<ext>`, `<output>-2.<ext>`… for several activities ({@link outputPaths}). Null: nothing
   * is written, the encoded bytes come back in the result.
   */
  output: string | null;
  /** The target format (default `json`, Activity JSON): its encoder writes the outputs and names their extension. */
  to?: TargetFormat;
  /**
   * Prefix of this task's temp files, unique in the process (`.runjson-<pid>-<n>`, from `newTempPrefix()`):
   * temp file k is `<folder of output>/<temp>-<k>.tmp`. Chosen by the caller, so that it can remove them
   * should the worker die mid-write (`removeTaskTemps()` in write-atomic.ts).
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
  /**
   * Shared with the caller: before each file the worker stores here the index of the file it takes and
   * wakes the caller (`Atomics.notify`), whose per-file timeout starts then (see pool.ts).
   */
  progress?: Int32Array;
}

/** Does a {@link FileBatch}: one result per file, in order. */
export function convertFileBatch(batch: FileBatch): FileTaskResult[] {
  const out: FileTaskResult[] = [];
  for (let i = 0; i < batch.files.length; i++) {
    if (batch.progress !== undefined) {
      Atomics.store(batch.progress, 0, i);
      Atomics.notify(batch.progress, 0);
    }
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
  /** The encoded output of each activity in the target format when `output` is null (buffers transferred back); else empty. */
  data: Uint8Array[];
  warnings: Warning[];
  /** Null on success. */
  error: TaskError | null;
  /**
   * When the worker took the file: `performance.timeOrigin + performance.now()`, milliseconds on a clock
   * that the main thread's reads agree with. −1 when unknown (its worker died before it could say).
   */
  startedAt: number;
  /** Milliseconds reading the input. */
  readMs: number;
  /** Milliseconds converting, and encoding the outputs. */
  convertMs: number;
  /** Milliseconds in the file system calls that write the outputs. */
  writeMs: number;
  /** Milliseconds of the whole task on its worker, from {@link startedAt} to its result: at least read + convert + write. */
  workMs: number;
}

/** A result with nothing read, converted or written yet. */
export function newFileTaskResult(): FileTaskResult {
  return { size: -1, mtimeMs: -1, format: null, activities: 0, outputs: [], data: [], warnings: [], error: null, startedAt: -1, readMs: 0, convertMs: 0, writeMs: 0, workMs: 0 };
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
  r.startedAt = performance.timeOrigin + t0;
  const done = (): FileTaskResult => {
    r.workMs = performance.now() - t0;
    return r;
  };
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
        return done();
      }
      bytes = readInput(fd, info.size);
      r.size = bytes.byteLength;
    } finally {
      closeSync(fd);
    }
  } catch (cause) {
    r.error = fsError('read-error', cause);
    r.readMs = performance.now() - t0;
    return done();
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
    return done();
  }
  r.format = result.format;
  r.warnings = result.warnings;
  r.activities = result.activities.length;
  const to = task.to ?? 'json';
  const strict = task.options.strict === true;
  if (task.output === null) {
    try {
      // What the target format cannot hold joins the conversion's warnings (Activity JSON: nothing).
      const encoded = encodeAll(result, strict, (a, report) => a.toBytes(to, { report }));
      r.data = encoded.outputs;
      r.warnings = encoded.warnings;
    } catch (cause) {
      r.error = toTaskError(cause);
    }
    r.convertMs = performance.now() - t1;
    return done();
  }
  // Each activity's output goes from the encoder's buffer straight into its temp file, chunk by chunk (no
  // copy); the encoding counts as conversion, the file system calls as writing.
  let writeMs = 0;
  try {
    const paths = outputPaths(task.output, result.activities.length, to);
    const reports: Report[] = [];
    writeFilesAtomicSync(paths, task.temp, (i, write) => {
      const report = new Report(strict, result.format);
      reports.push(report);
      result.activities[i].withBytes(
        (chunk) => {
          const w0 = performance.now();
          write(chunk);
          writeMs += performance.now() - w0;
        },
        to,
        { report },
      );
    });
    r.warnings = result.warnings.concat(...reports.map((rep, i) => (reports.length > 1 ? rep.warnings.map((w) => ({ ...w, activity: i })) : rep.warnings)));
    r.outputs = paths;
  } catch (cause) {
    r.error = isFsError(cause) ? fsError('write-error', cause) : toTaskError(cause);
  }
  const t2 = performance.now();
  r.writeMs = writeMs;
  r.convertMs = t2 - t1 - writeMs;
  return done();
}

/**
 * The output paths of a stem in a target format: `stem.<ext>` for one activity; `stem-1.<ext>`,
 * `stem-2.<ext>`… for several (`<ext>` the encoder's extension: `json` for Activity JSON).
 *
 * @throws {ConvertError} `unsupported` for a format runjson does not write.
 */
export function outputPaths(stem: string, count: number, to: TargetFormat = 'json'): string[] {
  const ext = encoderFor(to).extension;
  if (count === 1) return [`${stem}.${ext}`];
  return Array.from({ length: count }, (_, i) => `${stem}-${i + 1}.${ext}`);
}

function isFsError(cause: unknown): boolean {
  return cause instanceof Error && typeof (cause as NodeJS.ErrnoException).code === 'string' && typeof (cause as NodeJS.ErrnoException).syscall === 'string';
}

function fsError(code: 'read-error' | 'write-error', cause: unknown): TaskError {
  // Node's messages already start with the errno code ("ENOENT: no such file or directory, open '…'").
  return { code, message: cause instanceof Error ? cause.message : String(cause) };
}
