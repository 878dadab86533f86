/**
 * The page's pool of conversion workers: as many as the machine has cores less one (at least one, at most
 * four), each given one file at a time, the rest queued in the order they came.
 */
import type { WorkerAnswer, WorkerRequest } from './protocol.js';

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface Job {
  request: WorkerRequest;
  resolve(a: WorkerAnswer): void;
  reject(e: Error): void;
}

export class WorkerPool {
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Job>();
  readonly #queue: Job[] = [];
  #next = 1;

  constructor(url: URL, size = Math.min(4, Math.max(1, (navigator.hardwareConcurrency || 2) - 1))) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(url, { type: 'module', name: `runjson-${i + 1}` });
      w.onmessage = (e: MessageEvent<WorkerAnswer>) => this.#done(w, e.data);
      // A worker that cannot even start (a script refused, a syntax error) fails its job, not the page.
      w.onerror = (e) => {
        e.preventDefault();
        this.#failed(w, new Error(e.message || 'the conversion worker stopped'));
      };
      this.#idle.push(w);
    }
  }

  /** Runs one request on the next free worker. */
  run(request: Request): Promise<WorkerAnswer> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ request: { ...request, id: this.#next++ } as WorkerRequest, resolve, reject });
      this.#pump();
    });
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
    if (job !== undefined) job.resolve(a);
    this.#pump();
  }

  #failed(w: Worker, e: Error): void {
    const job = this.#busy.get(w);
    if (job === undefined) return;
    this.#busy.delete(w);
    this.#idle.push(w);
    job.reject(e);
    this.#pump();
  }
}
