/**
 * The page's pool of conversion workers: as many as the machine has cores less one (at least one, at most
 * four), each given one file at a time, the rest queued in the order they came.
 *
 * A worker that fails (its script cannot load, an error escapes it, a message cannot be read) is ended and
 * its job rejected with the reason; a new worker takes its place, up to a few times in all. Past that the
 * pool is broken: every job waiting and every later one is rejected with the reason, so no card waits
 * for ever.
 */
import type { WorkerAnswer, WorkerRequest } from './protocol.js';

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface Job {
  request: WorkerRequest;
  resolve(a: WorkerAnswer): void;
  reject(e: Error): void;
}

/** Workers started in place of failed ones, at most. */
const MAX_RESTARTS = 3;

export class WorkerPool {
  readonly #url: URL;
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Job | null>();
  readonly #queue: Job[] = [];
  #next = 1;
  #restarts = 0;
  #broken: Error | null = null;

  constructor(url: URL, size = Math.min(4, Math.max(1, (navigator.hardwareConcurrency || 2) - 1))) {
    this.#url = url;
    for (let i = 0; i < size; i++) this.#idle.push(this.#start());
  }

  /** Runs one request on the next free worker. */
  run(request: Request): Promise<WorkerAnswer> {
    if (this.#broken !== null) return Promise.reject(this.#broken);
    return new Promise((resolve, reject) => {
      this.#queue.push({ request: { ...request, id: this.#next++ } as WorkerRequest, resolve, reject });
      this.#pump();
    });
  }

  #start(): Worker {
    const w = new Worker(this.#url, { type: 'module', name: 'runjson' });
    w.onmessage = (e: MessageEvent<WorkerAnswer>) => this.#done(w, e.data);
    w.onerror = (e) => {
      e.preventDefault();
      this.#failed(w, new Error(`the conversion worker failed: ${e.message || 'its script did not load'}`));
    };
    w.onmessageerror = () => this.#failed(w, new Error('the conversion worker’s answer could not be read'));
    return w;
  }

  #pump(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const w = this.#idle.pop() as Worker;
      const job = this.#queue.shift() as Job;
      this.#busy.set(w, job);
      w.postMessage(job.request);
    }
  }

  #done(w: Worker, a: WorkerAnswer): void {
    const job = this.#busy.get(w);
    this.#busy.delete(w);
    this.#idle.push(w);
    job?.resolve(a);
    this.#pump();
  }

  /** Ends worker `w`, rejects its job, and starts another in its place while restarts are left. */
  #failed(w: Worker, e: Error): void {
    w.terminate();
    const job = this.#busy.get(w);
    this.#busy.delete(w);
    const idle = this.#idle.indexOf(w);
    if (idle >= 0) this.#idle.splice(idle, 1);
    job?.reject(e);
    if (this.#restarts < MAX_RESTARTS) {
      this.#restarts++;
      this.#idle.push(this.#start());
      this.#pump();
      return;
    }
    if (this.#idle.length > 0 || this.#busy.size > 0) return;
    // No worker left: the page cannot convert here.
    this.#broken = e;
    for (const waiting of this.#queue.splice(0)) waiting.reject(e);
  }
}
