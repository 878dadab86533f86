/**
 * A pool of worker threads (piscina) running `convertTask` on bytes (moved to the worker by transfer
 * list, the output bytes coming back the same way, so nothing is copied between threads), or
 * `convertFileTask` on a path (the worker reads and writes the files itself: what batches use).
 *
 * A worker that dies mid-task (a crash, an out-of-memory kill) fails that one task with `worker-crashed`;
 * piscina starts a new worker in its place, so the batch goes on.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ConvertOptions } from '../options.js';
import type { ConvertTask, TaskError, TaskResult } from './convert-task.js';
import { type FileTask, type FileTaskResult, newFileTaskResult, removeTaskTemps } from './file-task.js';

/** Options of {@link ConvertPool}. */
export interface ConvertPoolOptions {
  /** Worker threads. Default: the number of cores (`os.availableParallelism()`). */
  threads?: number;
  /**
   * The worker module (a file URL or path). Default: the built `worker.js` beside this module. Tests use
   * it to inject a worker that crashes on purpose; a custom worker must export the same default function.
   */
  workerFile?: string | URL;
  /** V8 heap cap of each worker, in MB: a file that needs more kills only its worker (`worker-crashed`). Default: none. */
  maxWorkerMemoryMb?: number;
}

/** The default worker module, resolved next to this (built) module. */
export const WORKER_URL = new URL('./worker.js', import.meta.url);

/** A pool of conversion workers. Call {@link ConvertPool.destroy} when done. */
export class ConvertPool {
  /** Number of worker threads. */
  readonly threads: number;
  private readonly piscina: Piscina<ConvertTask | FileTask, TaskResult | FileTaskResult>;
  /** Worker deaths seen so far. */
  crashes = 0;

  constructor(options: ConvertPoolOptions = {}) {
    this.threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
    const file = options.workerFile ?? WORKER_URL;
    this.piscina = new Piscina<ConvertTask | FileTask, TaskResult | FileTaskResult>({
      filename: file instanceof URL ? file.href : file,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: 60_000,
      resourceLimits: options.maxWorkerMemoryMb === undefined ? undefined : { maxOldGenerationSizeMb: options.maxWorkerMemoryMb },
    });
    // A worker that dies while idle is reported by piscina as an 'error' event; it is replaced all the same.
    this.piscina.on('error', () => {
      this.crashes++;
    });
  }

  /**
   * Converts one file's bytes on a worker. The bytes' buffer is transferred: the caller must not use it
   * afterwards. With `timeoutMs`, a file not done in time (counted from the moment a worker takes it)
   * fails with code `timeout`. Never rejects, except with the abort reason when `signal` aborts.
   */
  async run(bytes: Uint8Array, options: ConvertOptions, signal?: AbortSignal, timeoutMs?: number): Promise<TaskResult> {
    const owned = ownBuffer(bytes);
    // One task per worker at a time: the others wait here, not in piscina's queue, so that a timeout
    // counts from the moment a worker takes the file. Measured with this in place (Node 20, 5 runs of
    // 200 conversions of fixtures/fit/fenix2-run.fit from memory): the 1-worker pool took 4 % longer than
    // the same conversions in-process on average (−6 % … +11 %).
    await this.acquire(signal);
    try {
      return await this.runNow(owned, options, signal, timeoutMs);
    } finally {
      this.release();
    }
  }

  private async runNow(owned: Uint8Array, options: ConvertOptions, signal?: AbortSignal, timeoutMs?: number): Promise<TaskResult> {
    // A file that takes too long (a decoder bug, a pathological input) must not stall the batch: its
    // worker is stopped (piscina terminates a worker whose running task is aborted) and replaced.
    const timer = timeoutTimer(timeoutMs);
    const taskSignal = timer === null ? signal : signal === undefined ? timer : AbortSignal.any([signal, timer]);
    try {
      return (await this.piscina.run({ bytes: owned, options }, { transferList: [owned.buffer as ArrayBuffer], signal: taskSignal ?? null })) as TaskResult;
    } catch (cause) {
      if (signal?.aborted) throw signal.reason ?? cause;
      return { ok: false, ...this.failure(cause, timer, timeoutMs) };
    }
  }

  /** Why a task's worker stopped: its timeout, else a crash (counted). */
  private failure(cause: unknown, timer: AbortSignal | null, timeoutMs: number | undefined): { error: TaskError; convertMs: number } {
    if (timer?.aborted) {
      const s = (timeoutMs as number) / 1000;
      return { error: { code: 'timeout', message: `not converted within ${s} s: its worker was stopped and replaced` }, convertMs: timeoutMs as number };
    }
    this.crashes++;
    const message = cause instanceof Error ? cause.message : String(cause);
    return { error: { code: 'worker-crashed', message: `worker thread died: ${message}` }, convertMs: 0 };
  }

  /**
   * Reads, converts and writes one file on a worker ({@link FileTask}). `signal` only withdraws a task
   * still waiting for a worker: a file a worker has taken is finished (or stopped by `timeoutMs`), so
   * that every output written is reported. A worker that dies or is stopped mid-write has its temp files
   * removed here. Never rejects, except with the abort reason for a withdrawn task.
   */
  async runFile(task: FileTask, signal?: AbortSignal, timeoutMs?: number): Promise<FileTaskResult> {
    await this.acquire(signal);
    const timer = timeoutTimer(timeoutMs);
    try {
      return (await this.piscina.run(task, { signal: timer })) as FileTaskResult;
    } catch (cause) {
      if (task.output !== null) removeTaskTemps(task.output, task.temp);
      return { ...newFileTaskResult(), ...this.failure(cause, timer, timeoutMs) };
    } finally {
      this.release();
    }
  }

  private active = 0;
  private readonly waiting: (() => void)[] = [];

  private async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.threads) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiting.indexOf(go);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      const go = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiting.push(go);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(); // the slot passes on directly
    else this.active--;
  }

  /** Stops every worker. */
  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}

/** A signal that aborts after `timeoutMs` (none for no limit). */
function timeoutTimer(timeoutMs: number | undefined): AbortSignal | null {
  return timeoutMs !== undefined && timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : null;
}

/** The bytes in a buffer of their own (a transfer moves the whole ArrayBuffer, so a view into a shared one is copied first). */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  const b = bytes.buffer;
  if (b instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === b.byteLength) return bytes;
  return bytes.slice();
}
