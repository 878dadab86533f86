/**
 * OAuth end to end: the real client and the real sandbox, the user's part played with plain `fetch`
 * through the sandbox's consent page, the redirect caught by a real callback server. The code flow, the
 * implicit flow, refreshes ahead of expiry and after expiry (on a clock both sides read), a refresh on a
 * 401, and a refresh answer without a refresh token that leaves the old one working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmashrunClient } from '../../src/api/client.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import {
  CallbackServer,
  CLIENT_ID,
  caught,
  clientFor,
  consentInBrowser,
  newClientSecret,
  sandboxFor,
  SecretWatch,
  shiftedClock,
  type TokenAnswerSeen,
  type WatchedTokenStore,
} from './harness.js';

const HOUR_S = 3600;
const watch = new SecretWatch();
const secret = newClientSecret();
const clock = shiftedClock();
const callback = new CallbackServer();
let sandbox: Sandbox;

beforeAll(async () => {
  watch.captureOutput();
  await callback.start();
  // Tokens of an hour, on the shared clock: a test moves it by hours in an instant.
  sandbox = await sandboxFor(watch, secret, {
    now: clock.now,
    tokenLifetimeS: HOUR_S,
    clients: { [CLIENT_ID]: { secret, redirectUris: [callback.redirectUri] } },
  });
});
afterAll(async () => {
  watch.release();
  await sandbox.close();
  await callback.close();
});

/** Requests since `from` in the sandbox's log, as `METHOD path status`. */
function logSince(from: number): string[] {
  return sandbox.requestLog.slice(from).map((e) => `${e.method} ${e.path} ${String(e.status)}`);
}

/** A code-flow client signed in through the consent page as `user`. */
async function signedInByCode(user: string, answers: TokenAnswerSeen[] = []): Promise<{ client: SmashrunClient; store: WatchedTokenStore }> {
  const { client, store } = clientFor(sandbox, watch, { clientSecret: secret, now: clock.now, answers });
  const { url, state } = client.authorizeUrl({ redirectUri: callback.redirectUri, responseType: 'code' });
  const { landedAt, page } = await consentInBrowser(url, user);
  watch.text('consent page', page);
  const arrived = callback.seen.at(-1) as string;
  expect(arrived).toBe(landedAt);
  const code = new URL(arrived).searchParams.get('code');
  watch.secret(code);
  expect(code).toMatch(/^[\w-]{20,}$/);
  const result = await client.completeAuthorization(arrived, state, { redirectUri: callback.redirectUri });
  expect(result).toMatchObject({ flow: 'code', refreshable: true });
  return { client, store };
}

describe('the authorization code flow', () => {
  it('signs in through the consent page and the callback, and the client is that user', async () => {
    const { client, store } = await signedInByCode('ada');
    const info = await client.userInfo();
    expect(info).toMatchObject({ userName: 'ada', firstName: 'Ada', lastName: 'Sandbox' });
    expect(typeof info.id).toBe('string');
    expect(String(sandbox.users.find((u) => u.userName === 'ada')?.id)).toBe(info.id);
    // The client secret went to the token endpoint, never into a URL the browser saw.
    expect(callback.seen.join(' ')).not.toContain(encodeURIComponent(secret));
    const t = await store.get();
    expect(t).toMatchObject({ clientId: CLIENT_ID });
    expect(t?.refreshToken).toBeTruthy();
    expect((t?.expiresAt ?? 0) - (t?.issuedAt ?? 0)).toBe(HOUR_S * 1000);
  });

  it('refuses a redirect whose state is not the one sent, and a code used twice', async () => {
    const { client } = clientFor(sandbox, watch, { clientSecret: secret, now: clock.now });
    const { url, state } = client.authorizeUrl({ redirectUri: callback.redirectUri, responseType: 'code' });
    await consentInBrowser(url, 'ada');
    const arrived = callback.seen.at(-1) as string;
    watch.secret(new URL(arrived).searchParams.get('code'));
    const forged = await caught(watch, 'forged state', client.completeAuthorization(arrived, `${state}x`));
    expect(forged).toMatchObject({ name: 'AuthError', code: 'state-mismatch' });
    await client.completeAuthorization(arrived, state);
    const again = await caught(watch, 'code reused', clientFor(sandbox, watch, { clientSecret: secret }).client.completeAuthorization(arrived, state));
    expect(again).toMatchObject({ name: 'AuthError', code: 'exchange-failed', status: 400, oauthError: 'invalid_grant' });
  });
});

describe('the implicit flow (client id `client`)', () => {
  it('takes the token from the fragment the browser lands on, with no refresh token', async () => {
    const { client, store } = clientFor(sandbox, watch, { clientId: 'client', now: clock.now });
    const { url, state } = client.authorizeUrl({ redirectUri: callback.redirectUri, responseType: 'token' });
    const { landedAt, page } = await consentInBrowser(url, 'grace');
    watch.text('consent page', page);
    const fragment = new URLSearchParams(new URL(landedAt).hash.slice(1));
    watch.secret(fragment.get('access_token'));
    expect(fragment.get('token_type')).toBe('bearer');
    // The server behind the redirect URI never saw the token: it stays in the browser.
    expect(callback.seen.at(-1)).toBe(landedAt.split('#')[0]);
    const result = await client.completeAuthorization(landedAt, state);
    expect(result).toMatchObject({ flow: 'token', refreshable: false });
    expect(await client.userInfo()).toMatchObject({ userName: 'grace' });
    const t = await store.get();
    expect(t?.clientId).toBe('client');
    expect(t?.refreshToken).toBeUndefined();
  });
});

describe('refreshes', () => {
  it('ahead of expiry past half the token’s life, then after expiry — the old refresh token serving both', async () => {
    const answers: TokenAnswerSeen[] = [];
    const { client, store } = await signedInByCode('ada', answers);
    const first = (await store.get()) as NonNullable<Awaited<ReturnType<typeof store.get>>>;
    expect(answers).toEqual([{ status: 200, fields: ['access_token', 'expires_in', 'refresh_token', 'token_type'] }]);

    // Past half the hour: the client refreshes before the request, though the token is still valid.
    clock.advance(31 * 60 * 1000);
    let from = sandbox.requestLog.length;
    expect((await client.userInfo()).userName).toBe('ada');
    expect(logSince(from)).toEqual(['POST /oauth2/token 200', 'GET /v1/my/userinfo 200']);
    const second = (await store.get()) as typeof first;
    expect(second.accessToken).not.toBe(first.accessToken);
    // Smashrun's refresh answer has no refresh token: the client keeps the one it had.
    expect(answers[1]).toEqual({ status: 200, fields: ['access_token', 'expires_in', 'token_type'] });
    expect(second.refreshToken).toBe(first.refreshToken);

    // Past expiry: the token is refreshed (with that same refresh token, still valid) before it is sent.
    clock.advance(2 * HOUR_S * 1000);
    from = sandbox.requestLog.length;
    expect((await client.userInfo()).userName).toBe('ada');
    expect(logSince(from)).toEqual(['POST /oauth2/token 200', 'GET /v1/my/userinfo 200']);
    const third = (await store.get()) as typeof first;
    expect(third.refreshToken).toBe(first.refreshToken);
    expect(new Set([first.accessToken, second.accessToken, third.accessToken]).size).toBe(3);
    // No 401 was ever met on the way: the refreshes came ahead.
    expect(sandbox.requestLog.slice(from).every((e) => e.status !== 401)).toBe(true);
  });

  it('on a 401: the access token revoked on the server side, one refresh, then success', async () => {
    const { client, store } = await signedInByCode('ada');
    const before = (await store.get()) as NonNullable<Awaited<ReturnType<typeof store.get>>>;
    // Revoked behind the client's back (the user unlinked the app, say).
    const revoked = await fetch(`${sandbox.apiBase}/auth/${encodeURIComponent(before.accessToken)}`, { method: 'DELETE', headers: { authorization: `Bearer ${before.accessToken}` } });
    expect(revoked.status).toBe(204);
    const from = sandbox.requestLog.length;
    expect((await client.userInfo()).userName).toBe('ada');
    expect(logSince(from)).toEqual(['GET /v1/my/userinfo 401', 'POST /oauth2/token 200', 'GET /v1/my/userinfo 200']);
    const after = await store.get();
    expect(after?.accessToken).not.toBe(before.accessToken);
    expect(after?.refreshToken).toBe(before.refreshToken);
  });

  it('on a 401 when the refresh token is revoked too: one refresh tried, then AuthError', async () => {
    const { client, store } = await signedInByCode('ada');
    const t = await store.get();
    // Revoking the refresh token revokes every access token of its grant.
    const r = await fetch(`${sandbox.apiBase}/auth/${encodeURIComponent(t?.refreshToken ?? '')}`, { method: 'DELETE' });
    expect(r.status).toBe(204);
    const from = sandbox.requestLog.length;
    const e = await caught(watch, 'revoked grant', client.userInfo());
    expect(e).toMatchObject({ name: 'AuthError', code: 'refresh-failed', status: 400, oauthError: 'invalid_grant' });
    expect(logSince(from)).toEqual(['GET /v1/my/userinfo 401', 'POST /oauth2/token 400']);
  });

  it('tokenStatus and revoke speak of the stored token without showing it', async () => {
    const { client, store } = await signedInByCode('ada');
    const status = await client.tokenStatus();
    expect(status).toMatchObject({ clientId: CLIENT_ID, scope: 'read_activity write_activity' });
    expect(JSON.stringify(status)).not.toContain((await store.get())?.accessToken);
    expect(await client.revoke()).toBe(true);
    expect(await store.get()).toBeNull();
    expect(await caught(watch, 'after revoke', client.userInfo())).toMatchObject({ name: 'AuthError', code: 'no-token' });
  });
});

describe('secrets', () => {
  it('no token, code or secret in any error, log, stats, page or output of this file', () => {
    watch.sandbox(sandbox);
    expect(watch.secretCount).toBeGreaterThan(20);
    expect(watch.leaks()).toEqual([]);
  });
});
