/**
 * How many requests the client has in flight, and how many it starts per window of time: Smashrun's
 * servers are small (docs/smashrun-api.md, "Being a good citizen"). A request waits — it never fails —
 * until both allow it, in the order the requests came; an abort while waiting takes it out of the line.
 *
 * Each window is a sliding one: at most `max` starts in any `windowMs` span. It keeps the start times of
 * the last `max` requests in a ring: the next may start once the oldest of them is `windowMs` old.
 * Retries go through the limiter like first attempts: each attempt is a request to Smashrun.
 *
 * A `Retry-After` on a 429 or 5xx asks the client, not only the request that met it, to wait: the
 * transport then holds every start until that time ({@link Limiter.holdUntil}), so that the requests in
 * line do not each spend a request on another 429 meanwhile.
 */
import type { Clock } from './clock.js';
import { LocalRefusal } from './errors.js';

/** At most `max` request starts in any span of `windowMs` milliseconds. */
export interface RateWindow {
  readonly max: number;
  readonly windowMs: number;
}

/** runjson's default rate: 80 requests per 10 s. */
export const DEFAULT_RATE: RateWindow = { max: 80, windowMs: 10_000 };
/** The rate a token of the client id `client` (implicit flow, personal use) is held to: 250 an hour. */
export const IMPLICIT_CLIENT_RATE: RateWindow = { max: 250, windowMs: 3_600_000 };
/** At most two requests in flight: what Smashrun asks of its clients. */
export const DEFAULT_CONCURRENCY = 2;

/** The default windows for a client id: {@link DEFAULT_RATE}, and {@link IMPLICIT_CLIENT_RATE} for `client`. */
export function defaultRates(clientId: string): RateWindow[] {
  return clientId === 'client' ? [DEFAULT_RATE, IMPLICIT_CLIENT_RATE] : [DEFAULT_RATE];
}

/** Ends a request's turn: frees its place in flight. Calling it again does nothing. */
export type Release = () => void;

/** What {@link Limiter} needs. */
export interface LimiterOptions {
  /** Requests in flight at most (≥ 1). */
  concurrency: number;
  /** Rate windows; all of them must allow a start. An empty list sets no rate. */
  rates: readonly RateWindow[];
  clock: Clock;
}

interface Waiter {
  resolve(release: Release): void;
  /** Removes the abort listener. */
  dispose(): void;
}

/** One ring of start times per window. */
interface Ring {
  readonly windowMs: number;
  readonly starts: Float64Array;
  head: number;
}

/** Admits requests by concurrency and rate windows, first come first served. */
export class Limiter {
  private readonly concurrency: number;
  private readonly rings: Ring[];
  private readonly clock: Clock;
  private readonly queue: Waiter[] = [];
  private active = 0;
  /** The pending wake-up while the head of the line waits for a window, to cancel when the line empties. */
  private wakeUp: AbortController | null = null;
  /** No request starts before this time (the clock's ms): the latest `Retry-After` Smashrun sent. */
  private heldUntil = -Infinity;

  /** @throws {LocalRefusal} a concurrency or a window that is not a positive integer count and span. */
  constructor(options: LimiterOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new LocalRefusal('concurrency', `concurrency must be an integer of at least 1, not ${String(options.concurrency)}`);
    }
    for (const r of options.rates) {
      if (!Number.isInteger(r.max) || r.max < 1 || !(r.windowMs > 0) || !Number.isFinite(r.windowMs)) {
        throw new LocalRefusal('limits', `a rate window needs an integer max ≥ 1 and a finite windowMs > 0, not ${String(r.max)} per ${String(r.windowMs)} ms`);
      }
    }
    this.concurrency = options.concurrency;
    this.rings = options.rates.map((r) => ({ windowMs: r.windowMs, starts: new Float64Array(r.max).fill(-Infinity), head: 0 }));
    this.clock = options.clock;
  }

  /** Requests holding a place now. */
  get inFlight(): number {
    return this.active;
  }

  /** Requests waiting for a place. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Holds every start until `until` (the clock's ms), as a `Retry-After` asks: requests in flight go on,
   * the next ones — retries and new requests alike — wait in line. A hold only ever extends an earlier one.
   */
  holdUntil(until: number): void {
    if (until > this.heldUntil) this.heldUntil = until;
  }

  /**
   * Waits for a place and a free slot in every window, then counts the start and resolves with the
   * {@link Release} to call when the request is over (answer read, or failed).
   *
   * @throws the signal's reason when `signal` aborts before the turn comes (the place is given up).
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Release>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(signal?.reason);
        this.pump();
      };
      const waiter: Waiter = {
        resolve,
        dispose: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Gives places to the head of the line while both the concurrency and the windows allow. */
  private pump(): void {
    while (this.queue.length > 0 && this.active < this.concurrency) {
      const now = this.clock.now();
      const wait = this.windowWait(now);
      if (wait > 0) {
        this.sleepThenPump(wait);
        return;
      }
      const waiter = this.queue.shift() as Waiter;
      waiter.dispose();
      for (const r of this.rings) {
        r.starts[r.head] = now;
        r.head = (r.head + 1) % r.starts.length;
      }
      this.active++;
      waiter.resolve(this.releaser());
    }
    if (this.queue.length === 0 && this.wakeUp !== null) {
      this.wakeUp.abort();
      this.wakeUp = null;
    }
  }

  /** Milliseconds until every window, and any hold, allows one more start (0: now). */
  private windowWait(now: number): number {
    // A wake-up already set for an earlier time finds this wait when it comes, and sleeps again.
    let wait = this.heldUntil - now;
    for (const r of this.rings) {
      // The oldest of the last `max` starts: the next start must be `windowMs` after it.
      const w = r.starts[r.head] + r.windowMs - now;
      if (w > wait) wait = w;
    }
    return wait;
  }

  /**
   * One wake-up at a time: the time a window frees up moves only when a start is counted, which happens
   * only when nothing is waiting on a window.
   */
  private sleepThenPump(ms: number): void {
    if (this.wakeUp !== null) return;
    const c = new AbortController();
    this.wakeUp = c;
    this.clock.sleep(ms, c.signal).then(
      () => {
        if (this.wakeUp !== c) return;
        this.wakeUp = null;
        this.pump();
      },
      () => {
        // Cancelled: the line emptied.
      },
    );
  }

  private releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      this.pump();
    };
  }
}
