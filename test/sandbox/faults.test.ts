/**
 * Each fault, deterministic: 429 with Retry-After past the rate, 5xx every n-th request or in a burst, a
 * connection dropped before any byte or after the headers, slow answers, and a POST stored whose answer
 * is lost — which a retry with the same externalId makes harmless. Faults change at run time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { makeActivity } from '../helpers/make-activity.js';
import { bearer, manualClock } from './sandbox-helpers.js';

const clock = manualClock();
let sandbox: Sandbox;
let token: string;

beforeAll(async () => {
  sandbox = await startSandbox({ now: clock.now });
  token = sandbox.issueToken().accessToken;
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.setFaults({}));

const get = (path = '/my/badges'): Promise<Response> => fetch(`${sandbox.apiBase}${path}`, { headers: bearer(token) });
const post = (doc: unknown): Promise<Response> => fetch(`${sandbox.apiBase}/my/activities`, { method: 'POST', headers: bearer(token), body: JSON.stringify(doc) });

async function statuses(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await get();
    await r.arrayBuffer();
    out.push(r.status);
  }
  return out;
}

describe('rateLimit', () => {
  it('429 with Retry-After past max requests in the window; the next window is open again', async () => {
    sandbox.setFaults({ rateLimit: { max: 3, windowMs: 10_000, retryAfterS: 7 } });
    expect(await statuses(3)).toEqual([200, 200, 200]);
    const over = await get();
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('7');
    expect((await over.json()).error).toBe('rate_limited');
    expect(sandbox.requestLog.at(-1)).toMatchObject({ status: 429, fault: 'rate-limit' });
    clock.advance(10_000);
    expect(await statuses(4)).toEqual([200, 200, 200, 429]);
  });

  it('without retryAfterS, Retry-After is the rest of the window', async () => {
    sandbox.setFaults({ rateLimit: { max: 1, windowMs: 60_000 } });
    await statuses(1);
    clock.advance(15_000);
    expect((await get()).headers.get('retry-after')).toBe('45');
  });
});

describe('errors', () => {
  it('every n-th request fails with the status', async () => {
    sandbox.setFaults({ errors: { status: 503, every: 3, retryAfterS: 2 } });
    expect(await statuses(7)).toEqual([200, 200, 503, 200, 200, 503, 200]);
    const log = sandbox.requestLog.filter((e) => e.fault === 'error');
    expect(log).toHaveLength(2);
  });

  it('a burst fails requests start … start+length−1', async () => {
    sandbox.setFaults({ errors: { status: 500, burst: { start: 2, length: 3 } } });
    expect(await statuses(6)).toEqual([200, 500, 500, 500, 200, 200]);
  });
});

describe('dropConnection', () => {
  it("at: 'start' — the socket is destroyed before any byte, and nothing is stored", async () => {
    sandbox.setFaults({ dropConnection: { every: 2 } });
    const before = sandbox.activities.length;
    const first = await post(makeActivity({ seed: 1 }));
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    await expect(post(makeActivity({ seed: 2 }))).rejects.toThrow();
    expect(sandbox.activities.length).toBe(before + 1);
    expect(sandbox.requestLog.at(-1)).toMatchObject({ method: 'POST', status: null, fault: 'drop' });
  });

  it("at: 'headers' — the status and headers arrive, the body is cut", async () => {
    sandbox.setFaults({ dropConnection: { every: 1, at: 'headers' } });
    const r = await get('/my/userinfo');
    expect(r.status).toBe(200);
    await expect(r.json()).rejects.toThrow();
    expect(sandbox.requestLog.at(-1)).toMatchObject({ status: 200, fault: 'drop' });
  });
});

describe('slowMs', () => {
  it('every answer waits', async () => {
    sandbox.setFaults({ slowMs: 150 });
    const t0 = performance.now();
    await (await get()).arrayBuffer();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });
});

describe('lostAnswer', () => {
  it('the POST is stored but its answer is lost; a retry with the same externalId updates that run', async () => {
    const s = await startSandbox({ faults: { lostAnswer: { every: 2 } } });
    try {
      const t = s.issueToken().accessToken;
      const send = (doc: unknown): Promise<Response> => fetch(`${s.apiBase}/my/activities`, { method: 'POST', headers: bearer(t), body: JSON.stringify(doc) });
      const a = makeActivity({ seed: 3 });
      const b = makeActivity({ seed: 4 });
      b.externalId = 'retry-me';
      expect((await send(a)).status).toBe(200);
      // Reads do not count: only writes.
      await (await fetch(`${s.apiBase}/my/userinfo`, { headers: bearer(t) })).arrayBuffer();
      await expect(send(b)).rejects.toThrow();
      expect(s.activities).toHaveLength(2);
      const lostId = s.activities.find((x) => x.externalId === 'retry-me')?.id;
      const retry = await send(b);
      expect((await retry.json()).activityIds).toEqual([lostId]);
      expect(s.activities).toHaveLength(2);
      expect(s.requestLog.filter((e) => e.fault === 'lost-answer')).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});

describe('scope and run-time changes', () => {
  it("faults apply to /v1 only, unless appliesTo: 'all'", async () => {
    sandbox.setFaults({ errors: { status: 500, every: 1 } });
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'a', client_secret: 'b' });
    expect((await fetch(`${sandbox.authBase}/oauth2/token`, { method: 'POST', body: form })).status).toBe(400);
    expect((await get()).status).toBe(500);
    sandbox.setFaults({ errors: { status: 500, every: 1 }, appliesTo: 'all' });
    expect((await fetch(`${sandbox.authBase}/oauth2/token`, { method: 'POST', body: form })).status).toBe(500);
  });

  it('setFaults replaces the faults and restarts their counters; bad settings are refused', async () => {
    sandbox.setFaults({ errors: { status: 503, every: 2 } });
    expect(await statuses(1)).toEqual([200]);
    sandbox.setFaults({ errors: { status: 503, every: 2 } });
    expect(await statuses(2)).toEqual([200, 503]);
    expect(sandbox.faults).toEqual({ errors: { status: 503, every: 2 } });
    sandbox.setFaults();
    expect(await statuses(2)).toEqual([200, 200]);
    expect(() => sandbox.setFaults({ errors: { status: 404 as 500, every: 1 } })).toThrow(expect.objectContaining({ code: 'bad-option' }));
    expect(() => sandbox.setFaults({ lostAnswer: { every: 0 } })).toThrow(expect.objectContaining({ code: 'bad-option' }));
  });
});
