/**
 * When and how long to wait before sending a request again (docs/smashrun-api.md, "Being a good
 * citizen"): only after a 429, a 5xx or a network failure — never after another 4xx, which would only
 * fail again; exponential backoff with full jitter (a wait drawn uniformly from 0 to
 * `min(capMs, baseMs × 2^retry)`, so that clients that failed together do not come back together); a
 * `Retry-After` is a minimum; a bounded number of attempts and a bounded total time, after which the
 * request ends as a {@link RetryExhausted}.
 *
 * A timeout is a network failure like a dropped connection, and is retried the same way.
 *
 * Which failures are retried depends on whether the request is safe to send twice (`idempotent`):
 * - GET, PUT, PATCH, DELETE are; so is an Activity JSON upload (a POST), which carries its `externalId`:
 *   Smashrun treats a POST of a known `externalId` as an update of that run, so a retry after a lost answer
 *   makes no duplicate. These get the whole policy: 429, 5xx, network failures, timeouts.
 * - A raw TCX, GPX or FIT upload is not: it carries no `externalId`, and a retry after a failure that may
 *   have come after Smashrun stored the run (a dropped connection, a timeout, a 5xx) could store it twice.
 *   Only a 429 — Smashrun saying it did not process the request — is retried; any other such failure ends
 *   at once as an {@link OutcomeUnknown}.
 */
import type { Clock } from './clock.js';
import { type HttpMethod, LocalRefusal, type NetworkError, OutcomeUnknown, RetryExhausted } from './errors.js';

/** How often and how long to retry. */
export interface RetryPolicy {
  /** Requests sent at most, the first included (1: no retry). */
  readonly attempts: number;
  /** The first retry waits up to this many milliseconds; each next one up to twice as long. */
  readonly baseMs: number;
  /** No backoff draws from a span longer than this (a `Retry-After` may ask for more). */
  readonly capMs: number;
  /** No retry is started whose wait would end later than this after the first attempt began. */
  readonly maxElapsedMs: number;
}

/** 5 attempts, backoff from 1 s doubling to at most 30 s, 60 s in all. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 1000, capMs: 30_000, maxElapsedMs: 60_000 };

/** Checks a policy; the fields left out come from {@link DEFAULT_RETRY}. */
export function resolveRetry(options: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY, ...options };
  if (!Number.isInteger(p.attempts) || p.attempts < 1) throw new LocalRefusal('retry.attempts', `retry.attempts must be an integer ≥ 1, not ${String(p.attempts)}`);
  for (const k of ['baseMs', 'capMs', 'maxElapsedMs'] as const) {
    if (!(p[k] >= 0) || !Number.isFinite(p[k])) throw new LocalRefusal(`retry.${k}`, `retry.${k} must be a finite number ≥ 0, not ${String(p[k])}`);
  }
  return p;
}

/** Whether an answer with this status is worth another attempt: 429 and the 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * The wait before retry number `retry` (0 for the first retry): full jitter,
 * `random() × min(capMs, baseMs × 2^retry)`.
 *
 * @param random - uniform in [0, 1) (`Math.random` unless a test fixes it).
 */
export function backoffMs(retry: number, policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>, random: () => number): number {
  return random() * Math.min(policy.capMs, policy.baseMs * 2 ** retry);
}

/**
 * A `Retry-After` header in milliseconds from `now`: delay-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`; a date in the past is 0). `null` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  // An HTTP date has a weekday or month name: a bare number that failed above is not one.
  if (!/[a-z]/i.test(v)) return null;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** What one attempt came to: a value to return, or a failure worth retrying. */
export type AttemptOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      /** The answer's status (429, 5xx), or `null` for a network failure or a timeout. */
      readonly status: number | null;
      /** The answer's `Retry-After`, in ms (see {@link parseRetryAfter}). */
      readonly retryAfterMs: number | null;
      /** The answer's body (secrets already replaced), kept for the final error. */
      readonly body: unknown;
      /** The network failure or timeout, when `status` is `null`. */
      readonly cause?: NetworkError;
    };

/** What {@link withRetry} needs besides the attempt. */
export interface RetryContext {
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly random: () => number;
  /** Aborts the waits between attempts (and is the attempts' business otherwise). */
  readonly signal?: AbortSignal;
  /**
   * Whether sending the request twice has the effect of sending it once (default true). When false, only a
   * 429 is retried: after a 5xx, a network failure or a timeout the request may have been processed, and
   * {@link withRetry} ends with an {@link OutcomeUnknown} instead of sending it again.
   */
  readonly idempotent?: boolean;
  /** For the error: the request's method and its shown path. */
  readonly method: HttpMethod;
  readonly path: string;
}

/**
 * Runs `attempt` (given the attempt number, from 0) until it succeeds or the policy says stop. Errors
 * the attempt throws (an abort, a non-retryable failure) go straight through.
 *
 * @throws {RetryExhausted} when the attempts run out, or the next wait would end past `maxElapsedMs`;
 * {@link OutcomeUnknown} when a request that is not idempotent fails other than with a 429.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<AttemptOutcome<T>>, ctx: RetryContext): Promise<T> {
  const { policy, clock } = ctx;
  const started = clock.now();
  for (let n = 0; ; n++) {
    const out = await attempt(n);
    if (out.ok) return out.value;
    const sent = n + 1;
    // A request that must not be sent twice is retried only when Smashrun said it did not process it (429):
    // after a 5xx, a dropped connection or a timeout it may have been, and a repeat could duplicate it.
    if (ctx.idempotent === false && out.status !== 429) {
      throw new OutcomeUnknown({
        attempts: sent,
        lastStatus: out.status,
        method: ctx.method,
        path: ctx.path,
        body: out.body,
        ...(out.cause === undefined ? {} : { cause: out.cause }),
      });
    }
    if (sent >= policy.attempts) throw exhausted(out, sent, ctx, `${policy.attempts} attempt${policy.attempts === 1 ? '' : 's'} allowed`);
    const delay = Math.max(backoffMs(n, policy, ctx.random), out.retryAfterMs ?? 0);
    const elapsed = clock.now() - started;
    if (elapsed + delay > policy.maxElapsedMs) {
      const asked = out.retryAfterMs !== null && out.retryAfterMs >= delay ? ` (Retry-After: ${Math.round(out.retryAfterMs / 1000)} s)` : '';
      throw exhausted(out, sent, ctx, `waiting ${Math.round(delay)} ms more${asked} would pass maxElapsedMs ${policy.maxElapsedMs}`);
    }
    await clock.sleep(delay, ctx.signal);
  }
}

function exhausted(out: Extract<AttemptOutcome<unknown>, { ok: false }>, attempts: number, ctx: RetryContext, why: string): RetryExhausted {
  return new RetryExhausted({
    attempts,
    lastStatus: out.status,
    method: ctx.method,
    path: ctx.path,
    body: out.body,
    retryAfterMs: out.retryAfterMs,
    why,
    ...(out.cause === undefined ? {} : { cause: out.cause }),
  });
}
