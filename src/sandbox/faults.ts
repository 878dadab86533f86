/**
 * Deterministic fault injection: which request gets a 429, a 5xx, a dropped connection or a lost answer
 * is decided by counters (and the sandbox's clock for rate windows), never by chance, so that a test that
 * exercises a client's retries gives the same result on every run.
 */
import type { FaultOptions } from './options.js';

/** What to do to one request before it is handled. */
export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'rate-limit'; retryAfterS: number }
  | { kind: 'error'; status: number; retryAfterS: number | undefined; rule: 'every' | 'burst' }
  | { kind: 'drop' };

/** What to do to its answer once it is handled. */
export interface AnswerFault {
  /** Write the headers and part of the body, then destroy the socket. */
  cutAfterHeaders: boolean;
  /** Destroy the socket instead of answering (the request was handled: what it stored stays stored). */
  lose: boolean;
}

/** The faults in force and their counters. */
export class FaultInjector {
  private faults: FaultOptions;
  private n = 0;
  private writes = 0;
  private windowStart = -Infinity;
  private windowCount = 0;
  private readonly now: () => number;

  constructor(faults: FaultOptions, now: () => number) {
    this.faults = faults;
    this.now = now;
  }

  /** Replaces the faults and starts every counter again. */
  set(faults: FaultOptions): void {
    this.faults = faults;
    this.n = 0;
    this.writes = 0;
    this.windowStart = -Infinity;
    this.windowCount = 0;
  }

  /** The faults in force. */
  get current(): FaultOptions {
    return this.faults;
  }

  /** Whether the faults apply to a request for `path`. */
  appliesTo(path: string): boolean {
    return this.faults.appliesTo === 'all' || path === '/v1' || path.startsWith('/v1/');
  }

  /** Real-time delay before a request is handled. */
  get slowMs(): number {
    return this.faults.slowMs ?? 0;
  }

  /** Counts a request the faults apply to and decides what happens to it before it is handled. */
  before(): FaultDecision {
    const n = ++this.n;
    const f = this.faults;
    if (f.rateLimit !== undefined) {
      const { max, windowMs, retryAfterS } = f.rateLimit;
      const t = this.now();
      if (t - this.windowStart >= windowMs) {
        this.windowStart = t;
        this.windowCount = 0;
      }
      if (this.windowCount >= max) {
        return { kind: 'rate-limit', retryAfterS: retryAfterS ?? Math.max(1, Math.ceil((this.windowStart + windowMs - t) / 1000)) };
      }
      this.windowCount++;
    }
    if (f.errors !== undefined) {
      const { every, burst, status, retryAfterS } = f.errors;
      if (burst !== undefined && n >= burst.start && n < burst.start + burst.length) return { kind: 'error', status, retryAfterS, rule: 'burst' };
      if (every !== undefined && n % every === 0) return { kind: 'error', status, retryAfterS, rule: 'every' };
    }
    if (f.dropConnection !== undefined && (f.dropConnection.at ?? 'start') === 'start' && n % f.dropConnection.every === 0) return { kind: 'drop' };
    return { kind: 'none' };
  }

  /** Decides what happens to the answer of the request just counted by {@link before}; `isWrite` for POST, PUT, PATCH, DELETE. */
  answer(isWrite: boolean): AnswerFault {
    const f = this.faults;
    const cutAfterHeaders = f.dropConnection !== undefined && f.dropConnection.at === 'headers' && this.n % f.dropConnection.every === 0;
    let lose = false;
    if (isWrite && f.lostAnswer !== undefined) lose = ++this.writes % f.lostAnswer.every === 0;
    return { cutAfterHeaders, lose };
  }
}

/**
 * A fixed hourly window per key (an implicit-flow token): Smashrun's limit of 250 requests an hour for
 * tokens of the `client` client id.
 */
export class HourlyLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  /** Counts a request for `key`; returns null when allowed, else the seconds until the window ends. */
  take(key: string): number | null {
    const t = this.now();
    let w = this.windows.get(key);
    if (w === undefined || t - w.start >= 3_600_000) {
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.max) return Math.max(1, Math.ceil((w.start + 3_600_000 - t) / 1000));
    w.count++;
    return null;
  }
}
