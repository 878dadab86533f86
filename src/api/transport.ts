/**
 * One request to Smashrun, as the network sees it: a place from the {@link Limiter}, `fetch` with a
 * signal that ends it on the caller's abort or after `timeoutMs`, the answer read whole (up to
 * `maxResponseBytes`) while the place is held, and {@link withRetry} around it all. What the answer
 * means (a 401, an error status, the body's shape) is the client's business, not this file's.
 *
 * The signal of each attempt is an `AbortController` of its own, tied to the caller's signal and a timer
 * and untied when the attempt ends, rather than `AbortSignal.any([signal, AbortSignal.timeout(ms)])`:
 * a caller's signal shared by a whole sync then holds no listener per request, and a timeout is told
 * apart from the caller's abort without comparing reasons.
 */
import type { Clock } from './clock.js';
import { ApiError, type HttpMethod, NetworkError, SmashrunErrorCode } from './errors.js';
import type { Limiter } from './limiter.js';
import { type AttemptOutcome, isRetryableStatus, parseRetryAfter, type RetryPolicy, withRetry } from './retry.js';
import type { Secrets } from './secrets.js';

/** The `fetch` the client calls: the platform's, or one the caller passes (a proxy, a test double). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A request ready to send. */
export interface OutgoingRequest {
  readonly method: HttpMethod;
  readonly url: string;
  /** The path errors show: below the API base, with any token replaced by `{token}`. */
  readonly shownPath: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array<ArrayBuffer> | FormData | URLSearchParams;
  readonly signal?: AbortSignal;
  /**
   * Whether sending it twice has the effect of sending it once. False only for uploads of raw files (no
   * `externalId`): those are retried after a 429 only (see `retry.ts`). Said by every sender, never assumed.
   */
  readonly idempotent: boolean;
}

/** An answer, read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** What {@link Transport} needs. */
export interface TransportOptions {
  readonly fetch: FetchLike;
  readonly limiter: Limiter;
  readonly retry: RetryPolicy;
  readonly clock: Clock;
  readonly random: () => number;
  /** Milliseconds an attempt may take, answer read included (`Infinity`: no limit). */
  readonly timeoutMs: number;
  /** The longest answer read, in bytes. */
  readonly maxResponseBytes: number;
  readonly secrets: Secrets;
}

/** `setTimeout` takes at most this many milliseconds (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Sends requests through the limiter, with timeouts and retries. */
export class Transport {
  private readonly o: TransportOptions;

  constructor(options: TransportOptions) {
    this.o = options;
  }

  /**
   * Sends `req` and reads the answer, retrying 429, 5xx, network failures and timeouts as the policy allows
   * (a request that is not idempotent: 429 only). Any other status is returned, for the caller to judge.
   *
   * @throws the caller's `signal.reason` on abort; {@link RetryExhausted}; {@link OutcomeUnknown} (not
   * idempotent, and it may have been processed); {@link NetworkError} (a failure of `fetch` that is not a
   * network error); {@link ApiError} `response-too-large`.
   */
  send(req: OutgoingRequest): Promise<Answer> {
    const { clock, random, retry } = this.o;
    return withRetry(() => this.attempt(req), {
      policy: retry,
      clock,
      random,
      method: req.method,
      path: req.shownPath,
      idempotent: req.idempotent,
      ...(req.signal ? { signal: req.signal } : {}),
    });
  }

  /** The body of an answer for an error: parsed JSON, or the text; secrets replaced. */
  errorBody(answer: Answer): unknown {
    return this.o.secrets.redactValue(parseLoose(answer.text));
  }

  private async attempt(req: OutgoingRequest): Promise<AttemptOutcome<Answer>> {
    const release = await this.o.limiter.acquire(req.signal);
    const s = attemptSignal(req.signal, this.o.timeoutMs);
    try {
      let res: Response;
      let text: string | null;
      try {
        res = await this.o.fetch(req.url, { method: req.method, headers: req.headers, body: req.body ?? null, signal: s.signal, redirect: 'follow' });
        text = await readText(res, this.o.maxResponseBytes);
      } catch (e) {
        return this.failure(e, req, s.timedOut());
      }
      if (text === null) {
        throw new ApiError(SmashrunErrorCode.ResponseTooLarge, {
          status: res.status,
          method: req.method,
          path: req.shownPath,
          body: null,
          detail: `the answer is longer than maxResponseBytes (${this.o.maxResponseBytes})`,
        });
      }
      const answer: Answer = { status: res.status, headers: res.headers, text };
      if (!isRetryableStatus(res.status)) return { ok: true, value: answer };
      const now = this.o.clock.now();
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now);
      // Retry-After is addressed to the client: no request of this client starts before it has passed. A
      // wait longer than the whole retry budget is not made a hold: the request that met it gives up at once
      // (RetryExhausted, with retryAfterMs), and so does any other that meets it, rather than hang in line.
      if (retryAfterMs !== null && retryAfterMs <= this.o.retry.maxElapsedMs) this.o.limiter.holdUntil(now + retryAfterMs);
      return { ok: false, status: res.status, retryAfterMs, body: this.errorBody(answer) };
    } finally {
      s.dispose();
      release();
    }
  }

  /**
   * A failed `fetch` or body read: the caller's abort (thrown as it is), a timeout or a network failure
   * (both worth retrying), or else (thrown).
   */
  private failure(e: unknown, req: OutgoingRequest, timedOut: boolean): AttemptOutcome<Answer> {
    if (req.signal?.aborted) throw req.signal.reason;
    const where = { method: req.method, path: req.shownPath };
    // A timeout is a network failure seen from this side (a server that hangs, a connection that stalls):
    // retried under the same policy, within the same bounds on attempts and on time.
    if (timedOut) return { ok: false, status: null, retryAfterMs: null, body: null, cause: new NetworkError(SmashrunErrorCode.Timeout, { ...where, detail: `no answer within ${this.o.timeoutMs} ms` }) };
    const detail = this.o.secrets.redact(describe(e));
    // fetch rejects with a TypeError when the network fails (connection refused, reset, dropped mid-answer).
    if (e instanceof TypeError) return { ok: false, status: null, retryAfterMs: null, body: null, cause: new NetworkError(SmashrunErrorCode.Network, { ...where, detail }) };
    throw new NetworkError(SmashrunErrorCode.Network, { ...where, detail });
  }
}

/** JSON when the text is JSON, else the text; `null` for an empty body. */
export function parseLoose(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** An error's name and message, and those of its causes: what `fetch` says of a network failure. */
function describe(e: unknown): string {
  const parts: string[] = [];
  let x: unknown = e;
  for (let depth = 0; depth < 4 && x !== undefined && x !== null; depth++) {
    if (x instanceof Error) {
      parts.push(x.message === '' ? x.name : `${x.name}: ${x.message}`);
      x = (x as { cause?: unknown }).cause;
    } else {
      parts.push(typeof x === 'string' ? x : 'non-error thrown');
      break;
    }
  }
  const text = parts.join(' ← ');
  return text.length > 300 ? text.slice(0, 300) + '…' : text;
}

/** An attempt's signal: aborted by the caller's signal or by the timer, untied by `dispose`. */
function attemptSignal(caller: AbortSignal | undefined, timeoutMs: number): { signal: AbortSignal; timedOut(): boolean; dispose(): void } {
  const c = new AbortController();
  let timedOut = false;
  const onAbort = (): void => c.abort(caller?.reason);
  if (caller?.aborted) c.abort(caller.reason);
  else caller?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs < MAX_TIMER_MS
      ? setTimeout(() => {
          timedOut = true;
          c.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
        }, Math.max(0, timeoutMs))
      : undefined;
  return {
    signal: c.signal,
    timedOut: () => timedOut,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}

/** The answer's text, or `null` past `max` bytes (the rest is not read). */
async function readText(res: Response, max: number): Promise<string | null> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel();
    return null;
  }
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
