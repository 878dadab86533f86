/**
 * The limiter on a fake clock: at most `concurrency` in flight, at most `max` starts in any window, first
 * come first served, waits instead of failing, and an abort while waiting gives the place up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalRefusal } from '../../src/api/errors.js';
import { defaultRates, DEFAULT_RATE, IMPLICIT_CLIENT_RATE, Limiter, type Release } from '../../src/api/limiter.js';
import { FakeClock, settle } from './fake-clock.js';

/** Acquires and records when each request got its place. */
function track(limiter: Limiter, clock: FakeClock, n: number, signal?: AbortSignal): { granted: (number | null)[]; releases: (Release | null)[]; errors: unknown[] } {
  const granted: (number | null)[] = Array.from({ length: n }, () => null);
  const releases: (Release | null)[] = Array.from({ length: n }, () => null);
  const errors: unknown[] = [];
  for (let i = 0; i < n; i++) {
    limiter.acquire(signal).then(
      (r) => {
        granted[i] = clock.now();
        releases[i] = r;
      },
      (e: unknown) => errors.push(e),
    );
  }
  return { granted, releases, errors };
}

describe('Limiter: concurrency', () => {
  it('lets `concurrency` requests in and the next one when one ends, in arrival order', async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({ concurrency: 2, rates: [], clock });
    const t = track(limiter, clock, 5);
    await settle();
    expect(t.granted.map((g) => g !== null)).toEqual([true, true, false, false, false]);
    expect(limiter.inFlight).toBe(2);
    expect(limiter.waiting).toBe(3);
    t.releases[1]?.();
    await settle();
    expect(t.granted.map((g) => g !== null)).toEqual([true, true, true, false, false]);
    t.releases[1]?.(); // a second call does nothing
    await settle();
    expect(limiter.inFlight).toBe(2);
    t.releases[0]?.();
    t.releases[2]?.();
    await settle();
    expect(t.granted.every((g) => g !== null)).toBe(true);
  });
});

describe('Limiter: rate windows', () => {
  it('admits at most `max` starts in any window, and waits (never fails) for the window to slide', async () => {
    const clock = new FakeClock(0);
    const limiter = new Limiter({ concurrency: 100, rates: [{ max: 3, windowMs: 1000 }], clock });
    const t = track(limiter, clock, 5);
    await settle();
    expect(t.granted).toEqual([0, 0, 0, null, null]);
    await clock.advance(999);
    expect(t.granted[3]).toBeNull();
    await clock.advance(1);
    expect(t.granted).toEqual([0, 0, 0, 1000, 1000]);
    expect(t.errors).toEqual([]);
  });

  it('needs every window to allow a start', async () => {
    const clock = new FakeClock(0);
    const limiter = new Limiter({ concurrency: 100, rates: [{ max: 2, windowMs: 100 }, { max: 3, windowMs: 1000 }], clock });
    const t = track(limiter, clock, 4);
    await clock.advance(5000);
    expect(t.granted).toEqual([0, 0, 100, 1000]);
  });

  it('never has more than `concurrency` in flight nor `max` starts in a window, whatever the arrivals and holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 10, max: 500 }),
        fc.array(fc.record({ arrive: fc.integer({ min: 0, max: 2000 }), hold: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 25 }),
        async (concurrency, max, windowMs, requests) => {
          const clock = new FakeClock(0);
          const limiter = new Limiter({ concurrency, rates: [{ max, windowMs }], clock });
          const starts: number[] = [];
          let inFlight = 0;
          let worst = 0;
          const sorted = [...requests].sort((a, b) => a.arrive - b.arrive);
          const done: Promise<void>[] = [];
          let now = 0;
          for (const r of sorted) {
            await clock.advance(r.arrive - now);
            now = r.arrive;
            done.push(
              limiter.acquire().then(async (release) => {
                starts.push(clock.now());
                inFlight++;
                worst = Math.max(worst, inFlight);
                await clock.sleep(r.hold);
                inFlight--;
                release();
              }),
            );
          }
          await clock.advance(1_000_000);
          await Promise.all(done);
          expect(starts.length).toBe(requests.length);
          expect(worst).toBeLessThanOrEqual(concurrency);
          starts.sort((a, b) => a - b);
          for (let i = max; i < starts.length; i++) expect(starts[i] - starts[i - max]).toBeGreaterThanOrEqual(windowMs);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('holds the implicit client id to 250 an hour besides 80 per 10 s', () => {
    expect(defaultRates('abc')).toEqual([DEFAULT_RATE]);
    expect(defaultRates('client')).toEqual([DEFAULT_RATE, IMPLICIT_CLIENT_RATE]);
    expect(DEFAULT_RATE).toEqual({ max: 80, windowMs: 10_000 });
    expect(IMPLICIT_CLIENT_RATE).toEqual({ max: 250, windowMs: 3_600_000 });
  });
});

describe('Limiter: holds (a Retry-After)', () => {
  it('starts nothing before the hold ends; what is in flight goes on; a later hold extends it, an earlier one does not shorten it', async () => {
    const clock = new FakeClock(0);
    const limiter = new Limiter({ concurrency: 2, rates: [], clock });
    const first = track(limiter, clock, 1);
    await settle();
    expect(first.granted).toEqual([0]);
    limiter.holdUntil(1000);
    limiter.holdUntil(500);
    const t = track(limiter, clock, 3);
    await settle();
    expect(t.granted).toEqual([null, null, null]);
    await clock.advance(600);
    limiter.holdUntil(1500);
    await clock.advance(899);
    expect(t.granted).toEqual([null, null, null]);
    await clock.advance(1);
    // One place is still held by the first request: one starts now, the next when a place frees.
    expect(t.granted).toEqual([1500, null, null]);
    first.releases[0]?.();
    await settle();
    expect(t.granted).toEqual([1500, 1500, null]);
    expect(limiter.waiting).toBe(1);
  });

  it('with rate windows too: the later of the two', async () => {
    const clock = new FakeClock(0);
    const limiter = new Limiter({ concurrency: 10, rates: [{ max: 1, windowMs: 1000 }], clock });
    const t = track(limiter, clock, 3);
    await settle();
    limiter.holdUntil(300);
    await clock.advance(5000);
    expect(t.granted).toEqual([0, 1000, 2000]);
    limiter.holdUntil(6000);
    const u = track(limiter, clock, 1);
    await clock.advance(999);
    expect(u.granted).toEqual([null]);
    await clock.advance(1);
    expect(u.granted).toEqual([6000]);
  });
});

describe('Limiter: aborts', () => {
  it('rejects a waiter with the signal’s reason when it aborts, and gives its place to the next', async () => {
    const clock = new FakeClock(0);
    const limiter = new Limiter({ concurrency: 1, rates: [], clock });
    const first = await limiter.acquire();
    const c = new AbortController();
    const aborted = limiter.acquire(c.signal);
    const third = track(limiter, clock, 1);
    await settle();
    c.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(limiter.waiting).toBe(1);
    first();
    await settle();
    expect(third.granted[0]).toBe(0);
  });

  it('rejects at once with an aborted signal, and cancels its wake-up when the line empties', async () => {
    const clock = new FakeClock(0);
    const limiter = new Limiter({ concurrency: 5, rates: [{ max: 1, windowMs: 1000 }], clock });
    const reason = new Error('stop');
    await expect(limiter.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
    await limiter.acquire();
    const c = new AbortController();
    const waiting = limiter.acquire(c.signal);
    await settle();
    expect(clock.pending).toBe(1);
    c.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await settle();
    expect(clock.pending).toBe(0);
    expect(limiter.waiting).toBe(0);
  });
});

describe('Limiter: options', () => {
  it('refuses a concurrency or a window that is not a positive count', () => {
    const clock = new FakeClock();
    for (const bad of [
      { concurrency: 0, rates: [] },
      { concurrency: 1.5, rates: [] },
      { concurrency: 1, rates: [{ max: 0, windowMs: 10 }] },
      { concurrency: 1, rates: [{ max: 1, windowMs: 0 }] },
      { concurrency: 1, rates: [{ max: 1, windowMs: Infinity }] },
    ]) {
      expect(() => new Limiter({ ...bad, clock })).toThrow(LocalRefusal);
    }
  });
});
