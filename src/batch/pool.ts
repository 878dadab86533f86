/**
 * A pool of worker threads (piscina) running `convertTask` on bytes (moved to the worker by transfer
 * list, the output bytes coming back the same way, so nothing is copied between threads), or
 * `convertFileTask` on a path (the worker reads and writes the files itself: what batches use).
 *
 * File tasks waiting for a worker are sent several to a message ({@link FileBatch}, up to
 * {@link MAX_FILES_PER_MESSAGE}, fewer as the queue runs short so that the workers finish together).
 * Why: with one file per message, a 1-worker batch of 300 FIT files took 603–661 ms where the same
 * reads, conversions and writes took 430–459 ms on the main thread, yet the worker's own work summed to
 * 465–506 ms and the main thread was 70–88 ms busy: the rest, ~0.5 ms per file, was the two thread
 * wake-ups of each round trip (the worker sleeps from posting a result until the next file reaches
 * it). Measured effect: see bench/groups/batch.ts.
 *
 * A worker that dies mid-task (a crash, an out-of-memory kill) fails that one task with `worker-crashed`;
 * piscina starts a new worker in its place, so the batch goes on. A message of several files whose
 * worker dies is not blamed on all of them: each of its files is run again alone, and only a file that
 * fails alone is reported failed. For time, the worker marks the file it takes, so each file gets its
 * whole budget from that moment and a file that hangs is found and blamed directly.
 *
 * A caller's signal gets one abort listener from the pool, however many of its files wait here
 * (abort-fan-out.ts).
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ConvertOptions } from '../convert/options.js';
import { AbortFanOut } from './abort-fan-out.js';
import type { ConvertTask, TaskError, TaskResult } from './convert-task.js';
import { type FileBatch, type FileTask, type FileTaskResult, newFileTaskResult } from './file-task.js';
import { removeTaskTemps } from './write-atomic.js';

/**
 * Most files sent to a worker in one message. Measured (1-worker batch of 300 FIT files on tmpfs, see
 * bench/groups/batch.ts): the gap between files shrinks with the size of the message; 8 keeps the
 * results coming often enough for progress and the workers' ends close together.
 */
export const MAX_FILES_PER_MESSAGE = 8;

/** A file task waiting for a worker. */
interface QueuedFile {
  task: FileTask;
  resolve: (r: FileTaskResult) => void;
  reject: (reason: unknown) => void;
  /** Stops listening to the caller's signal (once a worker takes the file). */
  unsubscribe: (() => void) | null;
  timeoutMs: number | undefined;
  /** Run in a message of its own (it was in a message that failed). */
  alone: boolean;
}

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
  private readonly piscina: Piscina<ConvertTask | FileTask | FileBatch, TaskResult | FileTaskResult | FileTaskResult[]>;
  /** Worker deaths seen so far. */
  crashes = 0;
  /** The callers' signals, one listener each. */
  private readonly aborts = new AbortFanOut();

  constructor(options: ConvertPoolOptions = {}) {
    this.threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
    const file = options.workerFile ?? WORKER_URL;
    this.piscina = new Piscina<ConvertTask | FileTask | FileBatch, TaskResult | FileTaskResult | FileTaskResult[]>({
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
    // worker is stopped (piscina terminates a worker whose running task is aborted) and replaced. Piscina
    // gets a signal of this run's own (it listens to it while the task runs), which the caller's signal
    // aborts through the fan-out: the caller's signal gets no listener per run.
    const stop = new AbortController();
    let timedOut = false;
    const timer =
      timeoutMs !== undefined && timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            stop.abort();
          }, timeoutMs)
        : undefined;
    const unsubscribe = signal === undefined ? null : this.aborts.subscribe(signal, () => stop.abort(signal.reason));
    if (signal?.aborted) stop.abort(signal.reason);
    try {
      return (await this.piscina.run({ bytes: owned, options }, { transferList: [owned.buffer as ArrayBuffer], signal: stop.signal })) as TaskResult;
    } catch (cause) {
      if (signal?.aborted) throw signal.reason ?? cause;
      return { ok: false, ...(timedOut ? { error: timeoutError(timeoutMs as number), convertMs: timeoutMs as number } : this.crashed(cause)) };
    } finally {
      clearTimeout(timer);
      unsubscribe?.();
    }
  }

  /** The failure of a task whose worker died (counted). */
  private crashed(cause: unknown): { error: TaskError; convertMs: number } {
    this.crashes++;
    const message = cause instanceof Error ? cause.message : String(cause);
    return { error: { code: 'worker-crashed', message: `worker thread died: ${message}` }, convertMs: 0 };
  }

  /**
   * Reads, converts and writes one file on a worker ({@link FileTask}). `signal` only withdraws a task
   * still waiting for a worker: a file a worker has taken is finished (or stopped by `timeoutMs`), so
   * that every output written is reported. A file goes to a worker with up to
   * {@link MAX_FILES_PER_MESSAGE} − 1 others that were waiting. When the worker dies, each file of the
   * message is run again alone; when one file of it is still running `timeoutMs` after the worker took
   * it, that file fails with `timeout` and the others go again. A worker that dies or is stopped
   * mid-write has its temp files removed here. Never rejects, except with the abort reason for a
   * withdrawn task.
   */
  runFile(task: FileTask, signal?: AbortSignal, timeoutMs?: number): Promise<FileTaskResult> {
    signal?.throwIfAborted();
    return new Promise<FileTaskResult>((resolve, reject) => {
      const q: QueuedFile = { task, resolve, reject, unsubscribe: null, timeoutMs, alone: false };
      if (signal !== undefined) {
        q.unsubscribe = this.aborts.subscribe(signal, () => {
          const at = this.files.indexOf(q);
          if (at >= 0) this.files.splice(at, 1);
          reject(signal.reason);
        });
      }
      this.files.push(q);
      this.scheduleFiles();
    });
  }

  /** File tasks waiting for a worker, in order. */
  private readonly files: QueuedFile[] = [];
  private filesScheduled = false;

  /**
   * Hands waiting files to free workers, after the current turn of the event loop's microtasks, so that
   * files submitted together (a batch fills its window in one go) can share messages.
   */
  private scheduleFiles(): void {
    if (this.filesScheduled) return;
    this.filesScheduled = true;
    queueMicrotask(() => {
      this.filesScheduled = false;
      this.dispatchFiles();
    });
  }

  private dispatchFiles(): void {
    while (this.files.length > 0 && this.active < this.threads && this.waiting.length === 0) {
      this.active++;
      // Half an even share of the queue per worker, at most MAX_FILES_PER_MESSAGE: full messages while
      // the queue is long, smaller and smaller ones as it drains, so that no worker is left with several
      // files while the others idle at the end (with a whole share, a 40-file batch on 2 workers ended
      // with one worker up to half a message behind).
      const share = Math.min(MAX_FILES_PER_MESSAGE, Math.ceil(this.files.length / (2 * this.threads)));
      let n = 1;
      if (!this.files[0].alone) while (n < share && n < this.files.length && !this.files[n].alone) n++;
      const batch = this.files.splice(0, n);
      for (const q of batch) {
        q.unsubscribe?.();
        q.unsubscribe = null;
      }
      void this.runBatch(batch).finally(() => this.release());
    }
  }

  private async runBatch(batch: QueuedFile[]): Promise<void> {
    const budget = batch[0].timeoutMs;
    // The worker marks each file as it takes it; the watch gives that file its whole budget from then
    // on, and stops the message when the file is still on after it (see watchFiles).
    const progress = new Int32Array(new SharedArrayBuffer(4));
    progress[0] = NOT_STARTED;
    const stop = new AbortController();
    const watch = budget !== undefined && budget > 0 ? watchFiles(progress, budget, stop) : null;
    try {
      const message: FileBatch = { files: batch.map((q) => q.task), progress };
      const results = (await this.piscina.run(message, { signal: stop.signal })) as FileTaskResult[];
      for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
    } catch (cause) {
      for (const q of batch) if (q.task.output !== null) removeTaskTemps(q.task.output, q.task.temp);
      const stuck = watch?.stuck ?? -1;
      if (stuck >= 0 && watch !== null) {
        // Out of time on a known file: it alone fails; the others go again (those before it were done,
        // but their results went with the worker: they are converted and written again, the same). Its
        // time on the worker is what the watch saw: from taking it to the stop.
        const workMs = performance.now() - watch.since;
        const startedAt = performance.timeOrigin + watch.since;
        batch[stuck].resolve({ ...newFileTaskResult(), error: timeoutError(budget as number), startedAt, convertMs: workMs, workMs });
        this.files.unshift(...batch.filter((_, i) => i !== stuck));
        this.scheduleFiles();
      } else if (batch.length === 1) {
        batch[0].resolve({ ...newFileTaskResult(), ...this.crashed(cause) });
      } else {
        this.crashes++;
        // Which file killed the worker is unknown (it may have died between two files): each runs again
        // alone, and only a failure alone is reported.
        for (const q of batch) q.alone = true;
        this.files.unshift(...batch);
        this.scheduleFiles();
      }
    } finally {
      watch?.end();
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
      const unsubscribe =
        signal === undefined
          ? null
          : this.aborts.subscribe(signal, () => {
              const at = this.waiting.indexOf(go);
              if (at >= 0) this.waiting.splice(at, 1);
              reject(signal.reason);
            });
      const go = (): void => {
        unsubscribe?.();
        resolve();
      };
      this.waiting.push(go);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) {
      next(); // the slot passes on directly
      return;
    }
    this.active--;
    if (this.files.length > 0) this.dispatchFiles();
  }

  /** Stops every worker. */
  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}

/** The error of a file stopped after `timeoutMs`. */
function timeoutError(timeoutMs: number): TaskError {
  return { code: 'timeout', message: `not converted within ${timeoutMs / 1000} s: its worker was stopped and replaced` };
}

/** `progress` before the worker takes the message's first file. */
const NOT_STARTED = -1;

/** `Atomics.waitAsync` (Node ≥ 16), typed here: the project's lib is ES2022, which lacks it. */
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync.bind(Atomics);

/**
 * Watches a message on its worker: each file gets `budget` ms from the moment the worker takes it (the
 * worker stores the file's index in `progress` and notifies, file-task.ts); a file still on after that
 * aborts `stop`, `stuck` names it and `since` says when it was seen to start (`performance.now()`).
 * `end()` when the message is over.
 *
 * Time before the worker takes the first file is not counted. It used to be, from the moment the message
 * was handed to piscina: after a timeout the next file waits for the replacement worker to start
 * (0.2–0.4 s on an idle machine, seconds on a loaded one), and on a loaded machine small files after a
 * timed-out one failed with `timeout` themselves (the flaky pool test). A worker that stores without
 * notifying is still watched, at each `budget`: its files get 1–2 budgets.
 */
function watchFiles(progress: Int32Array, budget: number, stop: AbortController): { readonly stuck: number; readonly since: number; end(): void } {
  let over = false;
  const watch = {
    stuck: -1,
    since: 0,
    end(): void {
      over = true;
      Atomics.notify(progress, 0); // wakes the wait below, which then returns
    },
  };
  void (async () => {
    let on = NOT_STARTED;
    let since = 0;
    while (!over) {
      // Returns when the worker moves on from file `on` (or takes the first), else after `budget`.
      const wait = waitAsync(progress, 0, on, budget);
      const outcome = wait.async ? await wait.value : wait.value;
      if (over) return;
      const now = Atomics.load(progress, 0);
      if (outcome === 'timed-out' && now === on && on !== NOT_STARTED) {
        watch.stuck = on;
        watch.since = since;
        stop.abort();
        return;
      }
      if (now !== on) {
        on = now;
        since = performance.now();
      }
    }
  })();
  return watch;
}

/** The bytes in a buffer of their own (a transfer moves the whole ArrayBuffer, so a view into a shared one is copied first). */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  const b = bytes.buffer;
  if (b instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === b.byteLength) return bytes;
  return bytes.slice();
}
