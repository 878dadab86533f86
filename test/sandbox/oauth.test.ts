/**
 * OAuth against a real sandbox, by hand with plain fetch: the code flow through the consent page (GET the
 * page, POST its form, follow the 302 to the app's callback), the exchange, refresh without a new refresh
 * token, status, revoke, expiry on an injected clock; the implicit flow; HTTP Basic; the errors.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { bearer, manualClock } from './sandbox-helpers.js';

const SECRET = 'app-secret-do-not-leak-7f3a';
const clock = manualClock();
let sandbox: Sandbox;
/** The app's callback: records the query of every request it receives. */
let callback: Server;
let callbackUrl: string;
const received: URL[] = [];

beforeAll(async () => {
  callback = createServer((req, res) => {
    received.push(new URL(req.url ?? '/', callbackUrl));
    res.end('ok');
  });
  await new Promise<void>((r) => callback.listen(0, '127.0.0.1', r));
  callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
  sandbox = await startSandbox({
    now: clock.now,
    clients: {
      myapp: { secret: SECRET, redirectUris: [callbackUrl] },
      client: { secret: 'unused' },
    },
  });
});
afterAll(async () => {
  await sandbox.close();
  await new Promise((r) => callback.close(r));
});

/** The hidden and text inputs of the page's form, as a browser would post them. */
function formFields(page: string): URLSearchParams {
  const fields = new URLSearchParams();
  for (const m of page.matchAll(/<input type="(?:hidden|text)" name="([^"]+)" value="([^"]*)"/g)) {
    fields.set(m[1], m[2].replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))));
  }
  return fields;
}

function authorizeUrl(params: Record<string, string>): string {
  return `${sandbox.authBase}/oauth2/authenticate?${new URLSearchParams(params)}`;
}

/** The code flow up to the code: GET the page, POST Allow, follow the redirect. */
async function codeFor(state: string, user?: string): Promise<string> {
  const page = await fetch(authorizeUrl({ client_id: 'myapp', scope: 'read_activity write_activity', redirect_uri: callbackUrl, response_type: 'code', state }));
  expect(page.status).toBe(200);
  const form = formFields(await page.text());
  form.set('decision', 'allow');
  if (user !== undefined) form.set('user', user);
  const consent = await fetch(`${sandbox.authBase}/oauth2/authenticate`, { method: 'POST', body: form, redirect: 'manual' });
  expect(consent.status).toBe(302);
  const location = consent.headers.get('location') as string;
  expect(location.startsWith(callbackUrl)).toBe(true);
  const before = received.length;
  await (await fetch(location)).text(); // the browser follows the redirect to the app
  const got = received[before];
  expect(got.searchParams.get('state')).toBe(state);
  return got.searchParams.get('code') as string;
}

async function token(body: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${sandbox.authBase}/oauth2/token`, { method: 'POST', body: new URLSearchParams(body), headers });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

describe('authorization code flow', () => {
  it('consent page → code → tokens → refresh (no new refresh token) → status → revoke → 401', async () => {
    const page = await (await fetch(authorizeUrl({ client_id: 'myapp', redirect_uri: callbackUrl, response_type: 'code', state: 's<1>' }))).text();
    expect(page).toContain('<form method="post" action="/oauth2/authenticate">');
    expect(page).toContain('value="allow"');
    expect(page).toContain('value="deny"');
    expect(page).toContain('s&#60;1&#62;'); // the state is escaped
    expect(page).not.toContain(SECRET);

    const code = await codeFor('xyz');
    // The exchange: client credentials in the body, no redirect_uri.
    const t = await token({ grant_type: 'authorization_code', code, client_id: 'myapp', client_secret: SECRET });
    expect(t.status).toBe(200);
    expect(t.headers.get('cache-control')).toBe('no-store');
    expect(t.body).toMatchObject({ token_type: 'bearer', expires_in: 12 * 7 * 24 * 3600 });
    expect(typeof t.body.access_token).toBe('string');
    expect(typeof t.body.refresh_token).toBe('string');

    // The code is single-use.
    const again = await token({ grant_type: 'authorization_code', code, client_id: 'myapp', client_secret: SECRET });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');

    const me = await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: bearer(t.body.access_token) });
    expect(me.status).toBe(200);
    expect((await me.json()).userName).toBe('runner');

    // Refresh: the answer carries no refresh token; the old one stays valid.
    const r1 = await token({ grant_type: 'refresh_token', refresh_token: t.body.refresh_token, client_id: 'myapp', client_secret: SECRET });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).toBeUndefined();
    expect(r1.body.access_token).not.toBe(t.body.access_token);
    // …and sent as `code`, as some clients do.
    const r2 = await token({ grant_type: 'refresh_token', code: t.body.refresh_token, client_id: 'myapp', client_secret: SECRET });
    expect(r2.status).toBe(200);

    const status = await fetch(`${sandbox.apiBase}/auth/${r1.body.access_token}`);
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ token: r1.body.access_token, expiresIn: 12 * 7 * 24 * 3600, scope: 'read_activity write_activity', clientId: 'myapp' });

    const revoke = await fetch(`${sandbox.apiBase}/auth/${r1.body.access_token}`, { method: 'DELETE' });
    expect(revoke.status).toBe(204);
    expect((await fetch(`${sandbox.apiBase}/auth/${r1.body.access_token}`)).status).toBe(404);
    const after = await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: bearer(r1.body.access_token) });
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: 'invalid_token' });
    expect(after.headers.get('www-authenticate')).toContain('Bearer');
    // The other tokens of the grant still work.
    expect((await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: bearer(r2.body.access_token) })).status).toBe(200);
  });

  it('tokens expire on the sandbox clock; refresh tokens do not', async () => {
    const code = await codeFor('exp');
    const t = await token({ grant_type: 'authorization_code', code, client_id: 'myapp', client_secret: SECRET, redirect_uri: callbackUrl });
    expect(t.status).toBe(200);
    clock.advance(12 * 7 * 24 * 3600 * 1000 - 1000);
    expect((await fetch(`${sandbox.apiBase}/auth/${t.body.access_token}`)).status).toBe(200);
    expect((await (await fetch(`${sandbox.apiBase}/auth/${t.body.access_token}`)).json()).expiresIn).toBe(1);
    clock.advance(1000);
    expect((await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: bearer(t.body.access_token) })).status).toBe(401);
    expect((await fetch(`${sandbox.apiBase}/auth/${t.body.access_token}`)).status).toBe(404);
    const r = await token({ grant_type: 'refresh_token', refresh_token: t.body.refresh_token, client_id: 'myapp', client_secret: SECRET });
    expect(r.status).toBe(200);
    expect((await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: bearer(r.body.access_token) })).status).toBe(200);
  });

  it('codes are short-lived, bound to their client and redirect URI', async () => {
    const late = await codeFor('late');
    clock.advance(601_000);
    expect((await token({ grant_type: 'authorization_code', code: late, client_id: 'myapp', client_secret: SECRET })).body.error).toBe('invalid_grant');
    const code = await codeFor('wrong-uri');
    const bad = await token({ grant_type: 'authorization_code', code, client_id: 'myapp', client_secret: SECRET, redirect_uri: 'http://127.0.0.1/elsewhere' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_grant');
  });

  it('client credentials as HTTP Basic; wrong ones are invalid_client (401 with a challenge for Basic, 400 in the body)', async () => {
    const code = await codeFor('basic');
    const basic = `Basic ${Buffer.from(`myapp:${SECRET}`).toString('base64')}`;
    const t = await token({ grant_type: 'authorization_code', code }, { authorization: basic });
    expect(t.status).toBe(200);
    expect(typeof t.body.refresh_token).toBe('string');
    const r = await token({ grant_type: 'refresh_token', refresh_token: t.body.refresh_token }, { authorization: basic });
    expect(r.status).toBe(200);

    const wrongBasic = await token({ grant_type: 'refresh_token', refresh_token: t.body.refresh_token }, { authorization: `Basic ${Buffer.from('myapp:nope').toString('base64')}` });
    expect(wrongBasic.status).toBe(401);
    expect(wrongBasic.body.error).toBe('invalid_client');
    expect(wrongBasic.headers.get('www-authenticate')).toContain('Basic');
    const wrongBody = await token({ grant_type: 'refresh_token', refresh_token: t.body.refresh_token, client_id: 'myapp', client_secret: 'nope' });
    expect(wrongBody.status).toBe(400);
    expect(wrongBody.body.error).toBe('invalid_client');
    // A refresh token of another client does not work for this one.
    const other = await token({ grant_type: 'refresh_token', refresh_token: t.body.refresh_token, client_id: 'client', client_secret: 'unused' });
    expect(other.body.error).toBe('invalid_grant');
    expect((await token({ grant_type: 'password', client_id: 'myapp', client_secret: SECRET })).body.error).toBe('unsupported_grant_type');
    expect((await token({ client_id: 'myapp', client_secret: SECRET })).body.error).toBe('invalid_request');
  });

  it('deny sends error=access_denied with the state back to the app', async () => {
    const page = await (await fetch(authorizeUrl({ client_id: 'myapp', redirect_uri: callbackUrl, response_type: 'code', state: 'no' }))).text();
    const form = formFields(page);
    form.set('decision', 'deny');
    const res = await fetch(`${sandbox.authBase}/oauth2/authenticate`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location') as string);
    expect(loc.searchParams.get('error')).toBe('access_denied');
    expect(loc.searchParams.get('state')).toBe('no');
    expect(loc.searchParams.get('code')).toBeNull();
  });

  it('an unknown client or an unregistered redirect URI gets an error page, never a redirect', async () => {
    const unknown = await fetch(authorizeUrl({ client_id: 'nobody', redirect_uri: callbackUrl, response_type: 'code' }), { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
    const elsewhere = await fetch(authorizeUrl({ client_id: 'myapp', redirect_uri: 'https://evil.example/cb', response_type: 'code' }), { redirect: 'manual' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
    const badType = await fetch(authorizeUrl({ client_id: 'myapp', redirect_uri: callbackUrl, response_type: 'magic', state: 't' }), { redirect: 'manual' });
    expect(badType.status).toBe(302);
    expect(new URL(badType.headers.get('location') as string).searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('each token belongs to its user: the consent form names the user', async () => {
    const code = await codeFor('ana', 'ana');
    const t = await token({ grant_type: 'authorization_code', code, client_id: 'myapp', client_secret: SECRET });
    const me = await (await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: bearer(t.body.access_token) })).json();
    expect(me.userName).toBe('ana');
    expect(typeof me.id).toBe('number');
    expect(sandbox.users.map((u) => u.userName)).toContain('ana');
  });
});

describe('implicit flow', () => {
  it('redirects with the token in the fragment; no refresh token; 60 days', async () => {
    const page = await (await fetch(authorizeUrl({ client_id: 'client', redirect_uri: 'http://127.0.0.1:9/page.html', response_type: 'token', state: 'imp' }))).text();
    const form = formFields(page);
    form.set('decision', 'allow');
    const res = await fetch(`${sandbox.authBase}/oauth2/authenticate`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location') as string);
    expect(loc.search).toBe('');
    const frag = new URLSearchParams(loc.hash.slice(1));
    expect(frag.get('token_type')).toBe('bearer');
    expect(frag.get('expires_in')).toBe(String(60 * 24 * 3600));
    expect(frag.get('state')).toBe('imp');
    expect(frag.get('refresh_token')).toBeNull();
    const me = await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: bearer(frag.get('access_token') as string) });
    expect(me.status).toBe(200);
  });

  it('implicit tokens are limited to 250 requests an hour', async () => {
    const s = await startSandbox({ now: clock.now });
    try {
      const { accessToken } = s.issueToken({ clientId: 'client', implicit: true });
      for (let i = 0; i < 250; i++) expect((await fetch(`${s.apiBase}/my/badges`, { headers: bearer(accessToken) })).status).toBe(200);
      const over = await fetch(`${s.apiBase}/my/badges`, { headers: bearer(accessToken) });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      clock.advance(3_600_000);
      expect((await fetch(`${s.apiBase}/my/badges`, { headers: bearer(accessToken) })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('implicitRequestsPerHour', () => {
  it('counts requests, not lookups of the caller (a detail endpoint looks it up twice)', async () => {
    const s = await startSandbox({ implicitRequestsPerHour: 2 });
    try {
      const { accessToken } = s.issueToken({ clientId: 'client', implicit: true });
      const up = await fetch(`${s.apiBase}/my/activities`, {
        method: 'POST',
        headers: bearer(accessToken),
        body: '{"startDateTimeLocal":"2024-01-01T07:00:00.000+01:00","recordingKeys":["duration","distance"],"recordingValues":[[0,1,2],[0,0.003,0.006]]}',
      });
      const id = (await up.json()).activityIds[0];
      expect((await fetch(`${s.apiBase}/my/activities/${id}/notables`, { headers: bearer(accessToken) })).status).toBe(200);
      expect((await fetch(`${s.apiBase}/my/activities/${id}/notables`, { headers: bearer(accessToken) })).status).toBe(429);
      // Tokens of the code flow have no hourly limit.
      const { accessToken: code } = s.issueToken();
      for (let i = 0; i < 5; i++) expect((await fetch(`${s.apiBase}/my/badges`, { headers: bearer(code) })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('the Authorization header', () => {
  it('takes Bearer and OAuth (passport-smashrun); 401 without a token or with an unknown one', async () => {
    const { accessToken } = sandbox.issueToken();
    expect((await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: { authorization: `OAuth ${accessToken}` } })).status).toBe(200);
    expect((await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: { authorization: `bearer ${accessToken}` } })).status).toBe(200);
    const none = await fetch(`${sandbox.apiBase}/my/userinfo`);
    expect(none.status).toBe(401);
    expect((await none.json()).error).toBe('invalid_token');
    expect((await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: bearer('made-up') })).status).toBe(401);
  });

  it('auto-approve redirects at once, for the user the request names', async () => {
    const s = await startSandbox({ autoApprove: true });
    try {
      const res = await fetch(`${s.authBase}/oauth2/authenticate?${new URLSearchParams({ client_id: 'any', redirect_uri: 'http://127.0.0.1:9/cb', response_type: 'code', state: 'a', user: 'bo' })}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const code = new URL(res.headers.get('location') as string).searchParams.get('code') as string;
      // Without registered clients, any client id with a non-empty secret.
      const t = await fetch(`${s.authBase}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: 'any', client_secret: 'whatever' }) });
      const body = await t.json();
      expect(t.status).toBe(200);
      const me = await (await fetch(`${s.apiBase}/my/userinfo`, { headers: bearer(body.access_token) })).json();
      expect(me.userName).toBe('bo');
      for (const uri of ['javascript:alert(1)', 'data:text/html,x', 'not a uri']) {
        const r = await fetch(`${s.authBase}/oauth2/authenticate?${new URLSearchParams({ client_id: 'any', redirect_uri: uri, response_type: 'code' })}`, { redirect: 'manual' });
        expect(r.status).toBe(400);
      }
      const app = await fetch(`${s.authBase}/oauth2/authenticate?${new URLSearchParams({ client_id: 'any', redirect_uri: 'myapp://done', response_type: 'code' })}`, { redirect: 'manual' });
      expect(app.headers.get('location')).toMatch(/^myapp:\/\/done\?code=/);
      const noSecret = await fetch(`${s.authBase}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: body.refresh_token, client_id: 'any' }) });
      expect(noSecret.status).toBe(400);
    } finally {
      await s.close();
    }
  });

  it('rotateRefreshTokens: a refresh answer carries a new refresh token and the old one stops working', async () => {
    const s = await startSandbox({ rotateRefreshTokens: true });
    try {
      const { refreshToken } = s.issueToken({ clientId: 'app' });
      const refresh = (rt: string): Promise<Response> =>
        fetch(`${s.authBase}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt, client_id: 'app', client_secret: 'x' }) });
      const r = await (await refresh(refreshToken as string)).json();
      expect(typeof r.refresh_token).toBe('string');
      expect((await refresh(refreshToken as string)).status).toBe(400);
      expect((await refresh(r.refresh_token)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
