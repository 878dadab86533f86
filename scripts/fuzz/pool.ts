/**
 * One worker thread running the property (`check-worker.ts`), with a deadline per conversion and a heap
 * cap. A missed deadline ends the thread (a synchronous hang cannot be interrupted any other way) and is
 * confirmed on a fresh thread before it counts: a machine busy with other work must not make a timeout.
 * A thread that dies (heap cap, native crash) is replaced for the next input.
 */
import { Worker } from 'node:worker_threads';
import type { ConvertOptions } from '../../src/convert/options.js';
import type { CheckReply, CheckRequest, MeasuredVerdict } from './check-protocol.js';
import type { Failure } from './property.js';

/** How a checker runs. */
export interface CheckerOptions {
  /** The worker module (`check-worker.js`, built or bundled). */
  workerUrl: URL;
  /** The package under test (`dist/index.js`). */
  packageUrl: string;
  /** Deadline of one conversion, in ms (default 10 s). */
  deadlineMs?: number;
  /** V8 old-space cap of the thread, in MB (default 1024). */
  heapMb?: number;
}

/** The verdicts on one input: one per option set (fewer when a failure stopped the thread early). */
export interface InputVerdict {
  verdicts: MeasuredVerdict[];
  /** The first failure, with the options it happened with. */
  failure: (Failure & { options: ConvertOptions }) | null;
}

type Pending = { resolve: (r: CheckReply | { type: 'died'; error: Error | null }) => void };

/** A worker thread that checks inputs one at a time. */
export class Checker {
  private readonly options: Required<CheckerOptions>;
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private pending: Pending | null = null;
  private nextId = 1;
  /** Threads started (the first, and one after each timeout or death). */
  starts = 0;

  constructor(options: CheckerOptions) {
    this.options = { ...options, deadlineMs: options.deadlineMs ?? 10_000, heapMb: options.heapMb ?? 1024 };
  }

  /** Checks `bytes` with each of `options` in turn. */
  async check(bytes: Uint8Array, options: ConvertOptions[]): Promise<InputVerdict> {
    const first = await this.run(bytes, options);
    if (first.timedOut === null) return first.result;
    // Confirm the timeout on a fresh thread, with only the options that hung.
    const at = first.timedOut;
    const again = await this.run(bytes, [options[at]]);
    if (again.timedOut === null) {
      const v = again.result.verdicts[0];
      return { verdicts: [...first.result.verdicts, ...again.result.verdicts], failure: again.result.failure ?? (v?.failure ? { ...v.failure, options: options[at] } : null) };
    }
    const failure: Failure = { kind: 'timeout', key: 'timeout:conversion', detail: `no answer within ${this.options.deadlineMs / 1000} s, twice (options ${JSON.stringify(options[at])})` };
    return { verdicts: first.result.verdicts, failure: { ...failure, options: options[at] } };
  }

  /** Ends the thread. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    if (w !== null) await w.terminate();
  }

  private async run(bytes: Uint8Array, options: ConvertOptions[]): Promise<{ result: InputVerdict; timedOut: number | null }> {
    await this.start();
    const w = this.worker!;
    const id = this.nextId++;
    const verdicts: MeasuredVerdict[] = [];
    let index = 0;
    let timer: NodeJS.Timeout | undefined;
    const reply = await new Promise<CheckReply | { type: 'died'; error: Error | null } | { type: 'timeout' }>((resolve) => {
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => resolve({ type: 'timeout' }), this.options.deadlineMs);
      };
      this.pending = {
        resolve: (r) => {
          if (r.type === 'step' && r.id === id) {
            index = r.index;
            arm();
            return;
          }
          resolve(r);
        },
      };
      arm();
      w.postMessage({ id, bytes, options } satisfies CheckRequest);
    });
    clearTimeout(timer);
    this.pending = null;
    if (reply.type === 'done') {
      verdicts.push(...reply.verdicts);
      const k = verdicts.findIndex((v) => v.failure !== null);
      return { result: { verdicts, failure: k < 0 ? null : { ...verdicts[k].failure!, options: options[k] } }, timedOut: null };
    }
    await this.close();
    if (reply.type === 'timeout') return { result: { verdicts, failure: null }, timedOut: index };
    if (reply.type === 'died') {
      const e = reply.error;
      const oom = (e as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      const failure: Failure = oom
        ? { kind: 'memory', key: 'memory:heap-cap', detail: `the conversion ran out of the thread's ${this.options.heapMb} MB heap (options ${JSON.stringify(options[index])})` }
        : { kind: 'crash', key: `crash:thread:${e?.name ?? 'exit'}`, detail: `the worker thread died: ${e === null ? 'exited' : `${e.name}: ${e.message}`}` };
      return { result: { verdicts, failure: { ...failure, options: options[index] } }, timedOut: null };
    }
    throw new Error(`check worker: ${reply.type === 'fatal' ? reply.message : `unexpected ${reply.type}`}`);
  }

  private start(): Promise<void> {
    if (this.ready !== null) return this.ready;
    this.starts++;
    const w = new Worker(this.options.workerUrl, {
      workerData: { packageUrl: this.options.packageUrl },
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb },
      stdout: false,
      stderr: false,
    });
    this.worker = w;
    this.ready = new Promise<void>((resolve, reject) => {
      let up = false;
      w.on('message', (m: CheckReply) => {
        if (!up) {
          up = true;
          if (m.type === 'ready') resolve();
          else reject(new Error(m.type === 'fatal' ? m.message : `check worker said ${m.type} first`));
          return;
        }
        // Events of a thread already replaced (ended after a timeout) must not reach the next input.
        if (this.worker === w) this.pending?.resolve(m);
      });
      w.on('error', (error) => {
        if (!up) {
          up = true;
          reject(error);
        }
        if (this.worker === w) this.pending?.resolve({ type: 'died', error });
      });
      w.on('exit', () => {
        if (!up) {
          up = true;
          reject(new Error('check worker exited before it was ready'));
        }
        if (this.worker !== w) return;
        this.pending?.resolve({ type: 'died', error: null });
        this.worker = null;
        this.ready = null;
      });
    });
    return this.ready;
  }
}
