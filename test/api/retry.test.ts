/**
 * The retry policy on a fake clock and a fixed `random`: which answers are retried, full-jitter backoff,
 * `Retry-After` as a minimum, the bounds on attempts and on total time, aborts between attempts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalRefusal, NetworkError, OutcomeUnknown, RetryExhausted, SmashrunErrorCode } from '../../src/api/errors.js';
import { type AttemptOutcome, backoffMs, DEFAULT_RETRY, isRetryableStatus, parseRetryAfter, resolveRetry, type RetryPolicy, withRetry } from '../../src/api/retry.js';
import { FakeClock, settle } from './fake-clock.js';

const fail = (status: number | null, retryAfterMs: number | null = null): AttemptOutcome<string> =>
  status === null
    ? { ok: false, status, retryAfterMs, body: null, cause: new NetworkError(SmashrunErrorCode.Network, { method: 'GET', path: '/x', detail: 'TypeError: fetch failed' }) }
    : { ok: false, status, retryAfterMs, body: { error: 'busy' } };
const ok = (value: string): AttemptOutcome<string> => ({ ok: true, value });

const timedOut = (): AttemptOutcome<string> => ({
  ok: false,
  status: null,
  retryAfterMs: null,
  body: null,
  cause: new NetworkError(SmashrunErrorCode.Timeout, { method: 'GET', path: '/x', detail: 'no answer within 100 ms' }),
});

/** Runs `withRetry` over a script of outcomes on a fake clock, advancing time until it settles. */
async function run(script: AttemptOutcome<string>[], policy: Partial<RetryPolicy>, random = (): number => 0.5, signal?: AbortSignal, idempotent?: boolean) {
  const clock = new FakeClock(0);
  let calls = 0;
  const p = withRetry(() => Promise.resolve(script[Math.min(calls++, script.length - 1)]), {
    policy: resolveRetry(policy),
    clock,
    random,
    method: idempotent === false ? 'POST' : 'GET',
    path: '/my/activities',
    ...(signal ? { signal } : {}),
    ...(idempotent === undefined ? {} : { idempotent }),
  });
  const settled = p.then(
    (value) => ({ value, error: undefined as unknown }),
    (error: unknown) => ({ value: undefined, error }),
  );
  await clock.advance(10_000_000);
  return { ...(await settled), calls: () => calls, sleeps: clock.sleeps };
}

describe('which answers are retried', () => {
  it('429 and 5xx only', () => {
    for (const s of [429, 500, 502, 503, 504, 599]) expect(isRetryableStatus(s)).toBe(true);
    for (const s of [200, 204, 301, 400, 401, 403, 404, 409, 415, 422, 600]) expect(isRetryableStatus(s)).toBe(false);
  });
});

describe('backoff', () => {
  it('is random() × min(cap, base × 2^retry): full jitter', () => {
    const p = { baseMs: 100, capMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffMs(n, p, () => 0.5))).toEqual([50, 100, 200, 400, 500, 500]);
    expect(backoffMs(3, p, () => 0)).toBe(0);
  });

  it('stays within [0, min(cap, base × 2^retry)) for any draw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 100_000 }), (n, r, baseMs, capMs) => {
        const d = backoffMs(n, { baseMs, capMs }, () => r);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.min(capMs, baseMs * 2 ** n));
      }),
    );
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.UTC(2024, 4, 1, 12, 0, 0);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 2 ', now)).toBe(2000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });

  it('is a minimum: the wait is the longer of it and the backoff', async () => {
    const longer = await run([fail(429, 5000), ok('done')], { baseMs: 1000 });
    expect(longer.value).toBe('done');
    expect(longer.sleeps).toEqual([5000]);
    const shorter = await run([fail(429, 10), ok('done')], { baseMs: 1000 }, () => 0.8);
    expect(shorter.sleeps).toEqual([800]);
  });
});

describe('withRetry', () => {
  it('retries 5xx with growing backoff until a success', async () => {
    const r = await run([fail(503), fail(500), fail(502), ok('done')], { baseMs: 100, capMs: 10_000 }, () => 1 - 2 ** -52);
    expect(r.value).toBe('done');
    expect(r.calls()).toBe(4);
    expect(r.sleeps.map(Math.round)).toEqual([100, 200, 400]);
  });

  it('gives up after `attempts` with RetryExhausted carrying the count and the last status', async () => {
    const r = await run([fail(503)], { attempts: 3, baseMs: 10 });
    expect(r.error).toBeInstanceOf(RetryExhausted);
    expect(r.error).toMatchObject({ code: 'retry-exhausted', attempts: 3, lastStatus: 503, method: 'GET', path: '/my/activities', body: { error: 'busy' } });
    expect(r.calls()).toBe(3);
  });

  it('gives up without waiting when the next wait would pass maxElapsedMs', async () => {
    const r = await run([fail(429, 120_000)], { maxElapsedMs: 60_000 });
    expect(r.error).toMatchObject({ code: 'retry-exhausted', attempts: 1, lastStatus: 429, retryAfterMs: 120_000 });
    expect(r.sleeps).toEqual([]);
  });

  it('bounds the total time: the waits never add up past maxElapsedMs', async () => {
    const r = await run([fail(500)], { attempts: 100, baseMs: 1000, capMs: 1000, maxElapsedMs: 5000 }, () => 0.99);
    expect(r.error).toBeInstanceOf(RetryExhausted);
    expect(r.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5000);
    expect(r.calls()).toBe(r.sleeps.length + 1);
  });

  it('retries network failures, and ends with the NetworkError as the cause', async () => {
    const r = await run([fail(null)], { attempts: 2, baseMs: 1 });
    expect(r.error).toMatchObject({ code: 'retry-exhausted', attempts: 2, lastStatus: null });
    expect((r.error as RetryExhausted).cause).toBeInstanceOf(NetworkError);
  });

  it('retries timeouts like network failures, and ends with the timeout as the cause', async () => {
    const ok2 = await run([timedOut(), timedOut(), ok('done')], { baseMs: 10 });
    expect(ok2.value).toBe('done');
    expect(ok2.calls()).toBe(3);
    const r = await run([timedOut()], { attempts: 3, baseMs: 1 });
    expect(r.error).toMatchObject({ code: 'retry-exhausted', attempts: 3, lastStatus: null });
    expect((r.error as RetryExhausted).cause).toMatchObject({ name: 'NetworkError', code: 'timeout' });
  });

  it('does not retry with attempts: 1', async () => {
    const r = await run([fail(503), ok('never')], { attempts: 1 });
    expect(r.error).toMatchObject({ attempts: 1 });
    expect(r.calls()).toBe(1);
  });

  it('stops waiting on abort, with the signal’s reason, and sends nothing more', async () => {
    const clock = new FakeClock(0);
    const c = new AbortController();
    let calls = 0;
    const p = withRetry(
      () => {
        calls++;
        return Promise.resolve(fail(503));
      },
      { policy: DEFAULT_RETRY, clock, random: () => 0.5, method: 'GET', path: '/x', signal: c.signal },
    );
    await settle();
    expect(clock.pending).toBe(1);
    c.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await clock.advance(100_000);
    expect(calls).toBe(1);
  });

  it('lets errors the attempt throws through, unretried', async () => {
    const clock = new FakeClock(0);
    const boom = new NetworkError(SmashrunErrorCode.Timeout, { method: 'GET', path: '/x', detail: 'no answer' });
    let calls = 0;
    const p = withRetry(
      () => {
        calls++;
        return Promise.reject(boom);
      },
      { policy: DEFAULT_RETRY, clock, random: () => 0.5, method: 'GET', path: '/x' },
    );
    await expect(p).rejects.toBe(boom);
    expect(calls).toBe(1);
  });
});

describe('a request that is not idempotent (a raw file upload)', () => {
  it('is retried after a 429, which says it was not processed', async () => {
    const r = await run([fail(429, 2000), fail(429), ok('stored')], { baseMs: 10 }, () => 0.5, undefined, false);
    expect(r.value).toBe('stored');
    expect(r.calls()).toBe(3);
    expect(r.sleeps[0]).toBe(2000);
  });

  it('is never sent again after a 5xx, a network failure or a timeout: OutcomeUnknown at once', async () => {
    for (const [outcome, status, cause] of [
      [fail(503), 503, null],
      [fail(500), 500, null],
      [fail(null), null, 'network'],
      [timedOut(), null, 'timeout'],
    ] as const) {
      const r = await run([outcome, ok('never')], { attempts: 5, baseMs: 10 }, () => 0.5, undefined, false);
      expect(r.error).toBeInstanceOf(OutcomeUnknown);
      expect(r.error).toMatchObject({ code: 'outcome-unknown', attempts: 1, lastStatus: status, method: 'POST', path: '/my/activities' });
      expect((r.error as Error).message).toMatch(/outcome is unknown/);
      if (cause === null) expect((r.error as OutcomeUnknown).body).toEqual({ error: 'busy' });
      else expect((r.error as OutcomeUnknown).cause).toMatchObject({ code: cause });
      expect(r.calls()).toBe(1);
      expect(r.sleeps).toEqual([]);
    }
  });

  it('counts the 429s before the failure in attempts', async () => {
    const r = await run([fail(429), fail(null)], { baseMs: 10 }, () => 0.5, undefined, false);
    expect(r.error).toMatchObject({ code: 'outcome-unknown', attempts: 2, lastStatus: null });
  });
});

describe('the policy', () => {
  it('defaults to 5 attempts, 1 s base, 30 s cap, 60 s in all', () => {
    expect(resolveRetry()).toEqual({ attempts: 5, baseMs: 1000, capMs: 30_000, maxElapsedMs: 60_000 });
    expect(resolveRetry({ baseMs: 5 })).toMatchObject({ attempts: 5, baseMs: 5 });
  });

  it('refuses attempts below 1 and negative or infinite times', () => {
    for (const bad of [{ attempts: 0 }, { attempts: 2.5 }, { baseMs: -1 }, { capMs: Infinity }, { maxElapsedMs: NaN }]) {
      expect(() => resolveRetry(bad)).toThrow(LocalRefusal);
    }
  });
});
