/**
 * OAuth without the network: the authorization URL, the redirect read back (query or fragment, state,
 * error redirects), the token answer and what is stored, and when a token is due for a refresh.
 */
import { describe, expect, it } from 'vitest';
import { SmashrunClient } from '../../src/api/client.js';
import { AuthError, LocalRefusal } from '../../src/api/errors.js';
import { authorizeUrl, DEFAULT_SCOPE, randomState, readRedirect, readTokenAnswer, tokensFrom } from '../../src/api/oauth.js';
import { MemoryTokenStore, refreshDue, TOKEN_LIFE_MS } from '../../src/api/tokens.js';

const SECRET = 'client-secret-5f2b9c';

describe('authorizeUrl', () => {
  it('builds the code-flow URL on the OAuth host, with a random state and without the secret', () => {
    const client = new SmashrunClient({ clientId: 'my-app', clientSecret: SECRET });
    const { url, state } = client.authorizeUrl({ redirectUri: 'https://app.example/cb?x=1', responseType: 'code' });
    const u = new URL(url);
    expect(u.origin + u.pathname).toBe('https://secure.smashrun.com/oauth2/authenticate');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      client_id: 'my-app',
      scope: 'read_activity write_activity',
      redirect_uri: 'https://app.example/cb?x=1',
      response_type: 'code',
      state,
    });
    expect(url).toContain('scope=read_activity%20write_activity');
    expect(state).toMatch(/^[0-9a-f]{32}$/);
    expect(url).not.toContain(SECRET);
    expect(client.authorizeUrl({ redirectUri: 'https://app.example/cb', responseType: 'code' }).state).not.toBe(state);
  });

  it('takes a given state and scope, the implicit flow, and another OAuth host', () => {
    const { url, state } = authorizeUrl('http://127.0.0.1:9/', 'client', { redirectUri: 'http://localhost/done', responseType: 'token', state: 'abc', scope: 'read_activity' });
    expect(state).toBe('abc');
    expect(url).toBe('http://127.0.0.1:9/oauth2/authenticate?client_id=client&scope=read_activity&redirect_uri=http%3A%2F%2Flocalhost%2Fdone&response_type=token&state=abc');
    expect(DEFAULT_SCOPE).toBe('read_activity write_activity');
  });

  it('refuses a bad response type, no redirect URI, an empty state', () => {
    expect(() => authorizeUrl('https://x', 'c', { redirectUri: 'https://a', responseType: 'password' as 'code' })).toThrow(LocalRefusal);
    expect(() => authorizeUrl('https://x', 'c', { redirectUri: '', responseType: 'code' })).toThrow(LocalRefusal);
    expect(() => authorizeUrl('https://x', 'c', { redirectUri: 'https://a', responseType: 'code', state: '' })).toThrow(LocalRefusal);
  });

  it('draws 128-bit states', () => {
    const seen = new Set(Array.from({ length: 200 }, randomState));
    expect(seen.size).toBe(200);
  });
});

describe('readRedirect', () => {
  it('reads a code from the query', () => {
    expect(readRedirect('https://app.example/cb?code=C0DE&state=s1', 's1')).toEqual({ flow: 'code', code: 'C0DE' });
    expect(readRedirect('?state=s1&code=C0DE', 's1')).toEqual({ flow: 'code', code: 'C0DE' });
  });

  it('reads an implicit token from the fragment', () => {
    const r = readRedirect('https://app.example/cb#access_token=T0KEN&token_type=bearer&expires_in=5184000&state=s1', 's1');
    expect(r).toEqual({ flow: 'token', answer: { accessToken: 'T0KEN', refreshToken: undefined, expiresInSeconds: 5184000, scope: undefined } });
    expect(readRedirect('#state=s1&access_token=T0KEN', 's1')).toMatchObject({ flow: 'token' });
  });

  it('refuses another state, or none, as forged', () => {
    for (const url of ['https://a/cb?code=C&state=other', 'https://a/cb?code=C', 'https://a/cb#access_token=T&state=other', 'https://a/cb#access_token=T']) {
      const e = catchError(() => readRedirect(url, 's1'));
      expect(e).toBeInstanceOf(AuthError);
      expect(e).toMatchObject({ code: 'state-mismatch' });
    }
  });

  it('reports an error redirect, in the query or the fragment, with its OAuth error', () => {
    expect(catchError(() => readRedirect('https://a/cb?error=access_denied&error_description=The+user+said+no&state=s1', 's1'))).toMatchObject({
      code: 'authorization-denied',
      oauthError: 'access_denied',
      message: expect.stringContaining('The user said no') as string,
    });
    expect(catchError(() => readRedirect('https://a/cb#error=access_denied&state=s1', 's1'))).toMatchObject({ code: 'authorization-denied' });
    // Without a state, the error is still the error; with another state, it may be forged.
    expect(catchError(() => readRedirect('https://a/cb?error=access_denied', 's1'))).toMatchObject({ code: 'authorization-denied' });
    expect(catchError(() => readRedirect('https://a/cb?error=access_denied&state=s2', 's1'))).toMatchObject({ code: 'state-mismatch' });
  });

  it('refuses a redirect with neither code, token nor error', () => {
    expect(catchError(() => readRedirect('https://a/cb?state=s1', 's1'))).toMatchObject({ code: 'bad-redirect' });
    expect(() => readRedirect('https://a/cb?state=s1&code=C', '')).toThrow(LocalRefusal);
  });
});

describe('token answers', () => {
  it('reads access_token, expires_in (number or text), refresh_token, scope', () => {
    expect(readTokenAnswer({ access_token: 'A', token_type: 'bearer', expires_in: '3600', refresh_token: 'R', scope: 'read_activity' })).toEqual({
      accessToken: 'A',
      refreshToken: 'R',
      expiresInSeconds: 3600,
      scope: 'read_activity',
    });
    expect(readTokenAnswer({ access_token: 'A', expires_in: 60 })).toMatchObject({ refreshToken: undefined, expiresInSeconds: 60 });
    expect(readTokenAnswer({ token_type: 'bearer' })).toBeNull();
    expect(readTokenAnswer('A')).toBeNull();
  });

  it('keeps the old refresh token when a refresh answer carries none', () => {
    const before = { accessToken: 'A1', refreshToken: 'R1', clientId: 'app', expiresAt: 5, issuedAt: 1 };
    expect(tokensFrom({ accessToken: 'A2', refreshToken: undefined, expiresInSeconds: 10, scope: undefined }, 'app', 1000, before)).toEqual({
      accessToken: 'A2',
      refreshToken: 'R1',
      clientId: 'app',
      issuedAt: 1000,
      expiresAt: 11_000,
    });
    expect(tokensFrom({ accessToken: 'A2', refreshToken: 'R2', expiresInSeconds: undefined, scope: undefined }, 'app', 1000, before)).toEqual({
      accessToken: 'A2',
      refreshToken: 'R2',
      clientId: 'app',
      issuedAt: 1000,
    });
  });
});

describe('refreshDue', () => {
  const week = 7 * 24 * 3600 * 1000;
  it('is due once less than half the life is left: a 12-week token after 6 weeks', () => {
    const issuedAt = 0;
    const t = { accessToken: 'A', clientId: 'app', issuedAt, expiresAt: issuedAt + TOKEN_LIFE_MS };
    expect(refreshDue(t, 5 * week)).toBe(false);
    expect(refreshDue(t, 6 * week)).toBe(false);
    expect(refreshDue(t, 6 * week + 1)).toBe(true);
    // Without issuedAt, the life is taken to be 12 weeks.
    expect(refreshDue({ accessToken: 'A', clientId: 'app', expiresAt: 12 * week }, 6 * week - 1)).toBe(false);
    expect(refreshDue({ accessToken: 'A', clientId: 'app', expiresAt: 12 * week }, 6 * week + 1)).toBe(true);
  });

  it('uses the token’s own life when it is known, and never refreshes a token of unknown expiry', () => {
    const hour = 3600_000;
    expect(refreshDue({ accessToken: 'A', clientId: 'app', issuedAt: 0, expiresAt: 2 * hour }, hour - 1)).toBe(false);
    expect(refreshDue({ accessToken: 'A', clientId: 'app', issuedAt: 0, expiresAt: 2 * hour }, hour + 1)).toBe(true);
    expect(refreshDue({ accessToken: 'A', clientId: 'app' }, 1e15)).toBe(false);
  });
});

describe('completeAuthorization, implicit flow', () => {
  it('stores the token from the fragment, with no refresh, and returns no token', async () => {
    const tokens = new MemoryTokenStore();
    const now = 1_700_000_000_000;
    const client = new SmashrunClient({ clientId: 'client', tokens, now: () => now });
    const { state } = client.authorizeUrl({ redirectUri: 'http://localhost/done', responseType: 'token' });
    const result = await client.completeAuthorization(`http://localhost/done#access_token=IMPLICIT-T0KEN&token_type=bearer&expires_in=5184000&state=${state}`, state);
    expect(result).toEqual({ flow: 'token', expiresAt: now + 5184000_000, refreshable: false, scope: undefined });
    expect(JSON.stringify(result)).not.toContain('IMPLICIT-T0KEN');
    expect(await tokens.get()).toEqual({ accessToken: 'IMPLICIT-T0KEN', clientId: 'client', issuedAt: now, expiresAt: now + 5184000_000 });
    await expect(client.completeAuthorization(`http://localhost/done#access_token=X&state=forged`, state)).rejects.toMatchObject({ code: 'state-mismatch' });
    expect((await tokens.get())?.accessToken).toBe('IMPLICIT-T0KEN');
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
