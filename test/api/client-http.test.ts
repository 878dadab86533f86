/**
 * The client against a real HTTP server on 127.0.0.1: what is retried and how long it waits (measured on
 * the server's clock), the 401 → refresh → one more try, refreshes ahead of expiry, two requests in
 * flight at most, timeouts and aborts.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmashrunClient } from '../../src/api/client.js';
import type { SmashrunClientOptions } from '../../src/api/client-options.js';
import { ApiError, AuthError, NetworkError, OutcomeUnknown, RetryExhausted } from '../../src/api/errors.js';
import { MemoryTokenStore, type StoredTokens } from '../../src/api/tokens.js';
import { form, json, type Seen, sleep, TestServer } from './test-server.js';

const SECRET = 'sec-7d1e0a55c2';
const OLD = 'access-old-4b8e1f';
const NEW = 'access-new-93c0d2';
const REFRESH = 'refresh-1-e6a7b0';
const WEEK = 7 * 24 * 3600 * 1000;

const server = new TestServer();
beforeAll(() => server.start());
afterAll(() => server.close());

function client(options: Partial<SmashrunClientOptions> & { stored?: StoredTokens | null } = {}): { c: SmashrunClient; tokens: MemoryTokenStore } {
  const { stored, ...rest } = options;
  const tokens = new MemoryTokenStore(stored === undefined ? { accessToken: OLD, refreshToken: REFRESH, clientId: 'app' } : stored);
  const c = new SmashrunClient({
    clientId: 'app',
    clientSecret: SECRET,
    apiBase: `${server.base}/v1`,
    authBase: server.base,
    tokens,
    retry: { baseMs: 5, capMs: 20 },
    ...rest,
  });
  return { c, tokens };
}

const bearer = (s: Seen): string | undefined => s.headers.authorization;
const api = (s: Seen): boolean => s.url.startsWith('/v1/');

/** The token endpoint: gives NEW for a refresh, with or without a new refresh token. */
function tokenEndpoint(res: ServerResponse, seen: Seen, withRefreshToken: boolean): void {
  const f = form(seen);
  if (f.get('grant_type') !== 'refresh_token' || f.get('refresh_token') !== REFRESH || f.get('client_secret') !== SECRET) {
    json(res, 400, { error: 'invalid_grant', error_description: 'unknown refresh token' });
    return;
  }
  json(res, 200, { access_token: NEW, token_type: 'bearer', expires_in: 12 * WEEK / 1000, ...(withRefreshToken ? { refresh_token: 'refresh-2-77aa01' } : {}) });
}

describe('retries', () => {
  it('waits out a 429’s Retry-After (measured on the server’s clock), even with no backoff drawn', async () => {
    server.reset((s, res) => {
      if (server.seen.length === 1) json(res, 429, { error: 'slow down' }, { 'Retry-After': '1' });
      else json(res, 200, { id: 'u1' });
    });
    const { c } = client({ random: () => 0 });
    expect((await c.userInfo()).id).toBe('u1');
    expect(server.seen.length).toBe(2);
    expect(server.seen[1].at - server.seen[0].at).toBeGreaterThanOrEqual(995);
  });

  it('holds its other requests during a Retry-After too, not only the one that met it', async () => {
    server.reset((s, res) => {
      if (server.seen.length === 1) json(res, 429, { error: 'slow down' }, { 'Retry-After': '0.3' });
      else json(res, 200, []);
    });
    const { c } = client({ concurrency: 1, random: () => 0 });
    await Promise.all([c.badges(), c.weights(), c.badges()]);
    expect(server.seen.length).toBe(4);
    // Without the hold, the weights would have gone out at once, only to meet the same 429.
    for (const s of server.seen.slice(1)) expect(s.at - server.seen[0].at).toBeGreaterThanOrEqual(295);
  });

  it('rides out a burst of 5xx, then succeeds', async () => {
    server.reset((s, res) => {
      const n = server.seen.length;
      if (n <= 3) json(res, [500, 502, 503][n - 1], { error: 'busy' });
      else json(res, 200, { id: 'u1' });
    });
    const { c } = client();
    expect((await c.userInfo()).id).toBe('u1');
    expect(server.seen.length).toBe(4);
  });

  it('retries a connection dropped before the answer, and one dropped mid-answer', async () => {
    server.reset((s, res) => {
      if (server.seen.length === 1) res.socket?.destroy();
      else json(res, 200, { id: 'u1' });
    });
    expect((await client().c.userInfo()).id).toBe('u1');
    expect(server.seen.length).toBe(2);

    server.reset((s, res) => {
      if (server.seen.length === 1) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"id": "half');
        setTimeout(() => res.socket?.destroy(), 10);
      } else json(res, 200, { id: 'u1' });
    });
    expect((await client().c.userInfo()).id).toBe('u1');
    expect(server.seen.length).toBe(2);
  });

  it('never retries another 4xx', async () => {
    for (const status of [400, 403, 404, 409, 415, 422]) {
      server.reset((s, res) => json(res, status, { error: 'no' }));
      const e = await client()
        .c.userInfo()
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ApiError);
      expect(e).toMatchObject({ code: 'http-error', status, method: 'GET', path: '/my/userinfo', body: { error: 'no' } });
      expect(server.seen.length).toBe(1);
    }
  });

  it('gives up after the attempts allowed with RetryExhausted', async () => {
    server.reset((s, res) => json(res, 503, { error: 'down' }));
    const e = await client({ retry: { attempts: 3, baseMs: 1 } })
      .c.listActivities()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RetryExhausted);
    expect(e).toMatchObject({ code: 'retry-exhausted', attempts: 3, lastStatus: 503, path: '/my/activities', body: { error: 'down' } });
    expect(server.seen.length).toBe(3);
  });

  it('retries POST uploads too (they are idempotent by externalId)', async () => {
    server.reset((s, res) => {
      if (server.seen.length === 1) json(res, 503, {});
      else json(res, 200, { activityIds: ['77'] });
    });
    const body = '{"externalId":"x-1","startDateTimeLocal":"2024-01-01T00:00:00Z"}';
    expect(await client().c.uploadJson(body)).toEqual({ activityId: '77', activityIds: ['77'] });
    expect(server.seen.map((s) => s.body.toString())).toEqual([body, body]);
  });
});

describe('raw file uploads (no externalId): retried after a 429 only', () => {
  const gpx = '<gpx version="1.1"><trk><trkseg></trkseg></trk></gpx>';

  it('retries a 429, waiting out its Retry-After', async () => {
    server.reset((s, res) => {
      if (server.seen.length === 1) json(res, 429, { error: 'slow down' }, { 'Retry-After': '0.2' });
      else json(res, 200, { activityIds: ['9'] });
    });
    expect(await client({ random: () => 0 }).c.uploadXml(gpx, 'gpx')).toEqual({ activityId: '9', activityIds: ['9'] });
    expect(server.seen.length).toBe(2);
    expect(server.seen[1].at - server.seen[0].at).toBeGreaterThanOrEqual(195);
  });

  it('sends a GPX, TCX or FIT upload once after a 5xx, a dropped connection or a timeout: OutcomeUnknown', async () => {
    const fit = new Uint8Array([14, 16, 0, 0, 0, 0, 0, 0, 46, 70, 73, 84, 0, 0]);
    const uploads = [(c: SmashrunClient) => c.uploadXml(gpx, 'gpx'), (c: SmashrunClient) => c.uploadXml('<TrainingCenterDatabase/>', 'tcx'), (c: SmashrunClient) => c.uploadFit(fit)];
    const faults: [string, (res: ServerResponse) => void, number | null, string | null][] = [
      ['503', (res) => json(res, 503, { error: 'busy' }), 503, null],
      ['500', (res) => json(res, 500, { error: 'oops' }), 500, null],
      ['drop', (res) => res.socket?.destroy(), null, 'network'],
      ['timeout', () => undefined, null, 'timeout'],
    ];
    for (const upload of uploads) {
      for (const [, fault, status, cause] of faults) {
        server.reset((s, res) => fault(res));
        const e = await upload(client({ timeoutMs: 150 }).c).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(OutcomeUnknown);
        expect(e).toMatchObject({ code: 'outcome-unknown', attempts: 1, lastStatus: status, method: 'POST', path: '/my/activities' });
        if (cause !== null) expect((e as Error).cause).toMatchObject({ name: 'NetworkError', code: cause });
        expect(server.seen.length).toBe(1);
      }
    }
  });

  it('an Activity JSON upload, by contrast, is retried after each of them', async () => {
    const body = '{"externalId":"x-2"}';
    let n = 0;
    server.reset((s, res) => {
      n++;
      if (n === 1) json(res, 503, {});
      else if (n === 2) res.socket?.destroy();
      else if (n === 3) {
        // No answer: the attempt times out.
      } else json(res, 200, { activityIds: ['78'] });
    });
    expect((await client({ timeoutMs: 150 }).c.uploadJson(body)).activityId).toBe('78');
    expect(server.seen.map((s) => s.body.toString())).toEqual([body, body, body, body]);
  });
});

describe('a 401: one refresh, one more try', () => {
  it('refreshes on a 401 and sends the request again with the new token', async () => {
    server.reset((s, res) => {
      if (s.url === '/oauth2/token') tokenEndpoint(res, s, false);
      else if (bearer(s) === `Bearer ${NEW}`) json(res, 200, { id: 'u1' });
      else json(res, 401, { error: 'invalid_token' });
    });
    const { c, tokens } = client();
    expect((await c.userInfo()).id).toBe('u1');
    expect(server.seen.map((s) => `${s.method} ${s.url} ${bearer(s) ?? ''}`.trim())).toEqual([
      `GET /v1/my/userinfo Bearer ${OLD}`,
      'POST /oauth2/token',
      `GET /v1/my/userinfo Bearer ${NEW}`,
    ]);
    const f = form(server.seen[1]);
    expect(Object.fromEntries(f)).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH, client_id: 'app', client_secret: SECRET });
    expect(server.seen[1].headers['content-type']).toBe('application/x-www-form-urlencoded');
    // The answer had no refresh token: the old one is kept.
    expect(await tokens.get()).toMatchObject({ accessToken: NEW, refreshToken: REFRESH, clientId: 'app' });
  });

  it('stores the new refresh token when the answer has one', async () => {
    server.reset((s, res) => {
      if (s.url === '/oauth2/token') tokenEndpoint(res, s, true);
      else json(res, 200, { id: 'u1' });
    });
    const { c, tokens } = client();
    await c.refresh();
    expect(await tokens.get()).toMatchObject({ accessToken: NEW, refreshToken: 'refresh-2-77aa01' });
  });

  it('fails with AuthError unauthorized on a 401 after the refresh, after exactly one refresh', async () => {
    server.reset((s, res) => (s.url === '/oauth2/token' ? tokenEndpoint(res, s, false) : json(res, 401, { error: 'invalid_token' })));
    const e = await client()
      .c.userInfo()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
    expect(e).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(server.seen.filter(api).length).toBe(2);
    expect(server.count('/oauth2/token')).toBe(1);
  });

  it('fails with refresh-failed when the token endpoint refuses the refresh', async () => {
    server.reset((s, res) => (s.url === '/oauth2/token' ? json(res, 400, { error: 'invalid_grant', error_description: 'revoked' }) : json(res, 401, {})));
    const e = await client()
      .c.userInfo()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'AuthError', code: 'refresh-failed', status: 400, oauthError: 'invalid_grant' });
    expect(server.seen.length).toBe(2);
  });

  it('never refreshes an implicit token (client id `client`): a 401 is an AuthError at once', async () => {
    server.reset((s, res) => json(res, 401, { error: 'invalid_token' }));
    const e = await client({ clientId: 'client', clientSecret: undefined, stored: { accessToken: OLD, clientId: 'client' } })
      .c.userInfo()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'AuthError', code: 'unauthorized' });
    expect(server.seen.length).toBe(1);
  });

  it('shares one refresh among requests that meet a 401 together', async () => {
    server.reset(async (s, res) => {
      if (s.url === '/oauth2/token') {
        await sleep(30);
        tokenEndpoint(res, s, false);
      } else if (bearer(s) === `Bearer ${NEW}`) json(res, 200, { id: 'u1' });
      else json(res, 401, {});
    });
    const { c } = client();
    const infos = await Promise.all(Array.from({ length: 6 }, () => c.userInfo()));
    expect(infos.every((i) => i.id === 'u1')).toBe(true);
    expect(server.count('/oauth2/token')).toBe(1);
  });
});

describe('refresh ahead of expiry', () => {
  it('refreshes a token past half its life before the request', async () => {
    server.reset((s, res) => (s.url === '/oauth2/token' ? tokenEndpoint(res, s, false) : json(res, 200, { id: 'u1' })));
    const now = Date.now();
    const { c } = client({ stored: { accessToken: OLD, refreshToken: REFRESH, clientId: 'app', issuedAt: now - 7 * WEEK, expiresAt: now + 5 * WEEK } });
    await c.userInfo();
    expect(server.seen.map((s) => s.url)).toEqual(['/oauth2/token', '/v1/my/userinfo']);
    expect(bearer(server.seen[1])).toBe(`Bearer ${NEW}`);
  });

  it('leaves a token with more than half its life alone', async () => {
    server.reset((s, res) => json(res, 200, { id: 'u1' }));
    const now = Date.now();
    const { c } = client({ stored: { accessToken: OLD, refreshToken: REFRESH, clientId: 'app', issuedAt: now - 5 * WEEK, expiresAt: now + 7 * WEEK } });
    await c.userInfo();
    expect(server.seen.map((s) => s.url)).toEqual(['/v1/my/userinfo']);
  });

  it('goes on with a still-valid token when the refresh ahead fails, and does not try again at once', async () => {
    server.reset((s, res) => (s.url === '/oauth2/token' ? json(res, 400, { error: 'invalid_grant' }) : json(res, 200, { id: 'u1' })));
    const now = Date.now();
    const { c } = client({ stored: { accessToken: OLD, refreshToken: REFRESH, clientId: 'app', issuedAt: now - 10 * WEEK, expiresAt: now + 2 * WEEK } });
    await c.userInfo();
    await c.userInfo();
    expect(server.seen.map((s) => s.url)).toEqual(['/oauth2/token', '/v1/my/userinfo', '/v1/my/userinfo']);
    expect(server.seen.filter(api).every((s) => bearer(s) === `Bearer ${OLD}`)).toBe(true);
  });

  it('refuses to send an expired token that cannot be refreshed, and a missing one', async () => {
    server.reset((s, res) => json(res, 200, {}));
    const expired = client({ stored: { accessToken: OLD, clientId: 'client', expiresAt: Date.now() - 1000 } }).c;
    await expect(expired.userInfo()).rejects.toMatchObject({ name: 'AuthError', code: 'token-expired' });
    await expect(client({ stored: null }).c.userInfo()).rejects.toMatchObject({ name: 'AuthError', code: 'no-token' });
    expect(server.seen.length).toBe(0);
  });
});

describe('the limiter in flight', () => {
  it('has at most two requests in flight by default (the server counts them)', async () => {
    server.reset(async (s, res) => {
      await sleep(40);
      json(res, 200, { id: 'u1' });
    });
    const { c } = client();
    await Promise.all(Array.from({ length: 8 }, () => c.userInfo()));
    expect(server.seen.length).toBe(8);
    expect(server.maxInFlight).toBe(2);
  });

  it('has one in flight with concurrency: 1', async () => {
    server.reset(async (s, res) => {
      await sleep(20);
      json(res, 200, []);
    });
    const { c } = client({ concurrency: 1 });
    await Promise.all(Array.from({ length: 4 }, () => c.badges()));
    expect(server.maxInFlight).toBe(1);
  });
});

describe('timeouts and aborts', () => {
  it('ends an attempt after timeoutMs and retries it, as a dropped connection', async () => {
    server.reset((s, res) => {
      // The first attempt never answers; the second does.
      if (server.seen.length > 1) json(res, 200, []);
    });
    const started = performance.now();
    expect(await client({ timeoutMs: 150 }).c.badges()).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(server.seen.length).toBe(2);
  });

  it('gives up on timeouts after the attempts allowed, with the timeout as the cause', async () => {
    server.reset(() => {
      // Never answers.
    });
    const started = performance.now();
    const e = await client({ timeoutMs: 100, retry: { attempts: 3, baseMs: 5, capMs: 20 } })
      .c.badges()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RetryExhausted);
    expect(e).toMatchObject({ code: 'retry-exhausted', attempts: 3, lastStatus: null, method: 'GET', path: '/my/badges' });
    expect((e as Error).cause).toBeInstanceOf(NetworkError);
    expect((e as Error).cause).toMatchObject({ code: 'timeout', method: 'GET', path: '/my/badges' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(server.seen.length).toBe(3);
  });

  it('bounds the time spent on timeouts by maxElapsedMs', async () => {
    server.reset(() => {
      // Never answers.
    });
    const e = await client({ timeoutMs: 100, retry: { attempts: 50, baseMs: 5, capMs: 20, maxElapsedMs: 250 } })
      .c.badges()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'retry-exhausted', lastStatus: null });
    // Each attempt takes 100 ms: no retry starts whose wait would end past 250 ms.
    expect(server.seen.length).toBeLessThanOrEqual(3);
  });

  it('does not retry after the caller aborted, even when the attempt had timed out too', async () => {
    server.reset(() => {
      // Never answers.
    });
    const ctl = new AbortController();
    const p = client({ timeoutMs: 60 }).c.badges({ signal: ctl.signal });
    setTimeout(() => ctl.abort(), 90);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    const seen = server.seen.length;
    await sleep(150);
    expect(server.seen.length).toBe(seen);
    expect(seen).toBeLessThanOrEqual(2);
  });

  it('passes the caller’s abort through as it is, during a request', async () => {
    server.reset(() => {
      // Never answers.
    });
    const c = new AbortController();
    const p = client().c.badges({ signal: c.signal });
    setTimeout(() => c.abort(), 50);
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DOMException);
    expect((e as DOMException).name).toBe('AbortError');
    const reason = new Error('user closed the page');
    const c2 = new AbortController();
    const p2 = client().c.badges({ signal: c2.signal });
    setTimeout(() => c2.abort(reason), 50);
    await expect(p2).rejects.toBe(reason);
  });

  it('gives up its place in line on abort, and sends nothing', async () => {
    server.reset(async (s, res) => {
      await sleep(100);
      json(res, 200, []);
    });
    const { c } = client({ concurrency: 1 });
    const first = c.badges();
    const ctl = new AbortController();
    const second = c.weights({ signal: ctl.signal });
    setTimeout(() => ctl.abort(), 20);
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    await first;
    expect(server.seen.map((s) => s.url)).toEqual(['/v1/my/badges']);
  });

  it('refuses an answer longer than maxResponseBytes', async () => {
    server.reset((s, res) => json(res, 200, Array.from({ length: 1000 }, (_, i) => ({ activityId: i }))));
    await expect(client({ maxResponseBytes: 1000 }).c.listActivities()).rejects.toMatchObject({ name: 'ApiError', code: 'response-too-large' });
    expect(server.seen.length).toBe(1);
    // Without a Content-Length: counted while read, and the rest not read.
    server.reset((s, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('[');
      for (let i = 0; i < 200; i++) res.write(`{"activityId": ${i}},`);
      res.end('{"activityId": 0}]');
    });
    await expect(client({ maxResponseBytes: 1000 }).c.listActivities()).rejects.toMatchObject({ name: 'ApiError', code: 'response-too-large' });
    expect((await client({ maxResponseBytes: 10_000 }).c.listActivities()).length).toBe(201);
  });
});
