/**
 * How long `watch` waits before it tries Smashrun again after it could not be reached: doubling from a
 * minimum up to a cap, back to the minimum after a success. One backoff for the whole watch rather than
 * one per file: when the network is down it is down for every run, and a queue of runs retried one by one
 * would only knock on a closed door more often.
 */
export class Backoff {
  readonly #minMs: number;
  readonly #maxMs: number;
  #failures = 0;
  #until = 0;

  constructor(minMs: number, maxMs: number) {
    this.#minMs = minMs;
    this.#maxMs = Math.max(minMs, maxMs);
  }

  /** True while sending should wait. */
  holds(now: number): boolean {
    return now < this.#until;
  }

  /** Milliseconds left to wait (0 when sending may go on). */
  remaining(now: number): number {
    return Math.max(0, this.#until - now);
  }

  /** Records a failure; returns the wait before the next try. */
  fail(now: number): number {
    const delay = Math.min(this.#maxMs, this.#minMs * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    this.#until = now + delay;
    return delay;
  }

  /** Records a success: the next failure waits the minimum again. */
  succeed(): void {
    this.#failures = 0;
    this.#until = 0;
  }
}
