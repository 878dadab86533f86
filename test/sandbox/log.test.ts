/**
 * The request log and the stats, and the promise that tokens, codes and client secrets never appear in
 * logs, errors or pages — only in the redirect and the token answer that deliver them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RequestLogEntry, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { bearer } from './sandbox-helpers.js';

const SECRET = 'sekrit-client-secret-4c1d';
const CALLBACK = 'http://127.0.0.1:9/cb';
let sandbox: Sandbox;
const lines: RequestLogEntry[] = [];
/** Every body the sandbox answered, except the token answers and redirects that deliver credentials. */
const answered: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ clients: { app: { secret: SECRET } }, onRequest: (e) => lines.push(e) });
});
afterAll(() => sandbox.close());

async function text(res: Response): Promise<string> {
  const t = await res.text();
  answered.push(t);
  return t;
}

describe('credentials stay out of logs, errors and pages', () => {
  it('through the whole flow, its errors and the token endpoints', async () => {
    const authorize = `${sandbox.authBase}/oauth2/authenticate?${new URLSearchParams({ client_id: 'app', redirect_uri: CALLBACK, response_type: 'code', state: 'st' })}`;
    const page = await text(await fetch(authorize));
    const consent = await fetch(`${sandbox.authBase}/oauth2/authenticate`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: 'app', redirect_uri: CALLBACK, response_type: 'code', state: 'st', decision: 'allow' }),
      redirect: 'manual',
    });
    const code = new URL(consent.headers.get('location') as string).searchParams.get('code') as string;
    const exchange = (c: string, secret = SECRET): Promise<Response> =>
      fetch(`${sandbox.authBase}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: c, client_id: 'app', client_secret: secret }) });
    const wrongSecret = await text(await exchange(code, `${SECRET}-wrong`));
    const tokens = await (await exchange(code)).json();
    const reused = await text(await exchange(code));
    const access = tokens.access_token as string;
    const refresh = tokens.refresh_token as string;
    await text(await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: bearer(access) }));
    await text(await fetch(`${sandbox.apiBase}/auth/${access}`, { method: 'DELETE' }));
    const revoked = await text(await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: bearer(access) }));
    const unknown = await text(await fetch(`${sandbox.apiBase}/auth/${access}`));
    await text(await fetch(`${sandbox.apiBase}/auth/${refresh}/whatever`, { headers: bearer(refresh) }));
    const badRefresh = await text(
      await fetch(`${sandbox.authBase}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: `${refresh}x`, client_id: 'app', client_secret: SECRET }) }),
    );

    expect(page).not.toContain(SECRET);
    for (const body of [wrongSecret, reused, revoked, unknown, badRefresh]) expect(JSON.parse(body).error).toBeTruthy();
    const secrets = [SECRET, code, access, refresh];
    const everything = [JSON.stringify(sandbox.requestLog), JSON.stringify(lines), JSON.stringify(sandbox.stats), ...answered].join('\n');
    for (const s of secrets) expect(everything).not.toContain(s);
    expect(sandbox.requestLog.some((e) => e.path === '/v1/auth/{token}')).toBe(true);
    expect(sandbox.stats.byPath['/v1/auth/{token}']).toBe(2);
  });
});

describe('the log and the stats', () => {
  it('one entry per request: method, path without its query, status; stats count by path', async () => {
    const s = await startSandbox();
    try {
      const t = s.issueToken().accessToken;
      await (await fetch(`${s.apiBase}/my/activities/search?page=0&count=5`, { headers: bearer(t) })).arrayBuffer();
      await (await fetch(`${s.apiBase}/my/activities/search?page=1&count=5`, { headers: bearer(t) })).arrayBuffer();
      await (await fetch(`${s.apiBase}/my/userinfo`)).arrayBuffer();
      expect(s.requestLog.map(({ seq, method, path, status }) => ({ seq, method, path, status }))).toEqual([
        { seq: 1, method: 'GET', path: '/v1/my/activities/search', status: 200 },
        { seq: 2, method: 'GET', path: '/v1/my/activities/search', status: 200 },
        { seq: 3, method: 'GET', path: '/v1/my/userinfo', status: 401 },
      ]);
      expect(s.stats).toEqual({ requests: 3, byPath: { '/v1/my/activities/search': 2, '/v1/my/userinfo': 1 } });
      expect(Object.isFrozen(s.requestLog)).toBe(true);
      s.resetStats();
      expect(s.stats.requests).toBe(0);
      expect(s.requestLog).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('the views tests get are read-only', async () => {
    const s = await startSandbox();
    try {
      const t = s.issueToken().accessToken;
      await fetch(`${s.apiBase}/my/activities`, { method: 'POST', headers: bearer(t), body: '{"startDateTimeLocal":"2024-01-01T07:00:00.000+01:00","recordingKeys":["duration","distance"],"recordingValues":[[0,1,2],[0,0.003,0.006]]}' });
      const [a] = s.activities;
      expect(Object.isFrozen(a)).toBe(true);
      expect(Object.isFrozen(a.activity.recordingValues[0])).toBe(true);
      expect(() => {
        (a.activity as { distance: number }).distance = 5;
      }).toThrow();
      expect(s.activities[0].activity.distance).toBe(0.006);
      expect(Object.isFrozen(s.users[0])).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('answers carry CORS headers, and a preflight is answered', async () => {
    const pre = await fetch(`${sandbox.apiBase}/my/activities`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
    const res = await fetch(`${sandbox.apiBase}/my/userinfo`);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
