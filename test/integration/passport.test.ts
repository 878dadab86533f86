/**
 * An OAuth client runjson did not write — `passport-smashrun`, the Passport strategy Smashrun apps use —
 * completes the code flow against the sandbox: it builds the authorize URL, the user consents on the
 * sandbox's page, it exchanges the code and calls the API with `Authorization: OAuth <token>`. So the
 * sandbox speaks OAuth as other clients expect it, not only as runjson's client does.
 *
 * The strategy's `userProfile` fetches Smashrun's real URL, so the test calls the strategy's OAuth2 object
 * (`_oauth2`) for the API call, as `userProfile` itself does, with the sandbox's URL.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { CallbackServer, CLIENT_ID, consentInBrowser, newClientSecret, sandboxFor, SecretWatch } from './harness.js';

// passport-smashrun is CommonJS without types: what this file uses of it is typed here, and the `any`s
// (the strategy's callbacks and its OAuth2 object, as the library defines them) stay in this file.
type Callback = (err: any, ...results: any[]) => void;
interface OAuth2 {
  getOAuthAccessToken(code: string, params: Record<string, string>, cb: (err: any, accessToken?: string, refreshToken?: string, results?: any) => void): void;
  get(url: string, accessToken: string, cb: (err: any, body?: string, res?: any) => void): void;
}
interface Strategy {
  name: string;
  _oauth2: OAuth2;
  authenticate(req: any, options?: any): void;
  redirect(url: string): void;
  success(user: any, info?: any): void;
  fail(challenge?: any, status?: number): void;
  error(err: any): void;
}
type StrategyClass = new (options: Record<string, unknown>, verify: (...args: any[]) => void) => Strategy;
const { Strategy: SmashrunStrategy } = createRequire(import.meta.url)('passport-smashrun') as { Strategy: StrategyClass };

const watch = new SecretWatch();
const secret = newClientSecret();
const callback = new CallbackServer();
let sandbox: Sandbox;

beforeAll(async () => {
  watch.captureOutput();
  await callback.start();
  sandbox = await sandboxFor(watch, secret, { clients: { [CLIENT_ID]: { secret, redirectUris: [callback.redirectUri] } } });
});
afterAll(async () => {
  watch.release();
  await sandbox.close();
  await callback.close();
});

function strategy(options: Record<string, unknown> = {}, verify: (...args: any[]) => void = (_a, _r, _p, done: Callback) => done(null, {})): Strategy {
  return new SmashrunStrategy(
    {
      clientID: CLIENT_ID,
      clientSecret: secret,
      callbackURL: callback.redirectUri,
      tokenURL: `${sandbox.authBase}/oauth2/token`,
      authorizationURL: `${sandbox.authBase}/oauth2/authenticate`,
      ...options,
    },
    verify,
  );
}

/** The authorize URL the strategy redirects the browser to (what `passport.authenticate('smashrun')` does). */
function authorizeUrlOf(s: Strategy, state: string): string {
  let location = '';
  s.redirect = (url) => {
    location = url;
  };
  s.authenticate({ query: {} }, { state, scope: 'read_activity write_activity' });
  return location;
}

/** The user consents in the browser; resolves with the code the callback received. */
async function codeFrom(s: Strategy, state: string): Promise<string> {
  const url = authorizeUrlOf(s, state);
  expect(new URL(url).searchParams.get('client_id')).toBe(CLIENT_ID);
  const { page } = await consentInBrowser(url, 'passport-runner');
  watch.text('consent page', page);
  const back = new URL(callback.seen.at(-1) as string);
  expect(back.searchParams.get('state')).toBe(state);
  const code = back.searchParams.get('code') as string;
  watch.secret(code);
  return code;
}

const exchange = (o: OAuth2, code: string, params: Record<string, string>): Promise<{ accessToken: string; refreshToken: string | undefined; results: Record<string, unknown> }> =>
  new Promise((resolve, reject) =>
    o.getOAuthAccessToken(code, params, (err, accessToken, refreshToken, results) => {
      if (err) return reject(new Error(`token endpoint: ${String(err.statusCode)}`));
      watch.secret(accessToken, refreshToken);
      resolve({ accessToken: accessToken as string, refreshToken, results: results as Record<string, unknown> });
    }),
  );

const get = (o: OAuth2, url: string, token: string): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) =>
    o.get(url, token, (err, body) => {
      if (err) return reject(new Error(`GET: ${String(err.statusCode)}`));
      resolve(JSON.parse(body as string) as Record<string, unknown>);
    }),
  );

describe('passport-smashrun against the sandbox', () => {
  it('exchanges the code, refreshes, and reads the account with Authorization: OAuth <token>', async () => {
    const s = strategy();
    expect(s.name).toBe('smashrun');
    const code = await codeFrom(s, 'st-1');
    const first = await exchange(s._oauth2, code, { grant_type: 'authorization_code', redirect_uri: callback.redirectUri });
    expect(first.accessToken).toMatch(/^[\w-]{20,}$/);
    expect(first.refreshToken).toMatch(/^[\w-]{20,}$/);
    expect(first.results).toMatchObject({ token_type: 'bearer' });

    const from = sandbox.requestLog.length;
    const me = await get(s._oauth2, `${sandbox.apiBase}/my/userinfo`, first.accessToken);
    expect(me).toMatchObject({ userName: 'passport-runner', firstName: 'Passport runner' });
    expect(String(me.id)).toBe(String(sandbox.users.find((u) => u.userName === 'passport-runner')?.id));
    expect(sandbox.requestLog.slice(from).map((e) => `${e.method} ${e.path} ${String(e.status)}`)).toEqual(['GET /v1/my/userinfo 200']);

    // Its refresh: the answer carries no refresh token (as Smashrun's sample), and the new token works.
    const second = await exchange(s._oauth2, first.refreshToken as string, { grant_type: 'refresh_token' });
    expect(second.refreshToken).toBeUndefined();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(await get(s._oauth2, `${sandbox.apiBase}/my/userinfo`, second.accessToken)).toMatchObject({ userName: 'passport-runner' });
  });

  it('runs the strategy’s own callback step: code in the query → token exchange → verify → success', async () => {
    const seen: { accessToken?: string; refreshToken?: string } = {};
    // skipUserProfile: the profile step would call Smashrun's real URL.
    const s = strategy({ skipUserProfile: true }, (accessToken: string, refreshToken: string, _profile: unknown, done: Callback) => {
      watch.secret(accessToken, refreshToken);
      Object.assign(seen, { accessToken, refreshToken });
      done(null, { id: 'app-user-1' });
    });
    const code = await codeFrom(s, 'st-2');
    const outcome = await new Promise<{ user?: unknown; error?: unknown; failed?: unknown }>((resolve) => {
      s.success = (user) => resolve({ user });
      s.error = (error) => resolve({ error });
      s.fail = (failed) => resolve({ failed: failed ?? 'fail' });
      s.authenticate({ query: { code, state: 'st-2' } }, {});
    });
    expect(outcome).toEqual({ user: { id: 'app-user-1' } });
    expect(seen.accessToken).toMatch(/^[\w-]{20,}$/);
    const me = await get(s._oauth2, `${sandbox.apiBase}/my/userinfo`, seen.accessToken as string);
    expect(me).toMatchObject({ userName: 'passport-runner' });
  });

  it('is refused a code used twice, and an unknown token (401)', async () => {
    const s = strategy();
    const code = await codeFrom(s, 'st-3');
    await exchange(s._oauth2, code, { grant_type: 'authorization_code', redirect_uri: callback.redirectUri });
    await expect(exchange(s._oauth2, code, { grant_type: 'authorization_code', redirect_uri: callback.redirectUri })).rejects.toThrow('token endpoint: 400');
    await expect(get(s._oauth2, `${sandbox.apiBase}/my/userinfo`, 'not-a-token-at-all')).rejects.toThrow('GET: 401');
  });
});

describe('secrets', () => {
  it('no token, code or secret in the sandbox’s log, stats, pages or this file’s output', () => {
    watch.sandbox(sandbox);
    expect(watch.secretCount).toBeGreaterThan(10);
    expect(watch.leaks()).toEqual([]);
  });
});
