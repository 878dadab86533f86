/**
 * Tokens, codes and the client secret never appear in an error: not in its message, stack, `String(e)`,
 * `JSON.stringify(e)`, nor in what `util.inspect` shows (causes and hidden properties included). The
 * server here echoes everything it gets — the Authorization header, the path (which holds the token for
 * `/auth/{token}`), the form (refresh token, code, client secret) — into its answers, and the secrets
 * hold characters that URL and form encoding change.
 */
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmashrunClient } from '../../src/api/client.js';
import type { SmashrunClientOptions } from '../../src/api/client-options.js';
import { isSmashrunError } from '../../src/api/errors.js';
import { MemoryTokenStore } from '../../src/api/tokens.js';
import { json, type Seen, TestServer } from './test-server.js';

const ACCESS = 'acc+ess/T0KEN=alpha!1';
const REFRESH = 'ref(resh)+T0KEN/beta~2';
const FRESH = 'fresh*access+T0KEN/3';
const SECRET = 'client+secret/S3CR3T=gamma';
const CODE = 'auth+code/C0DE=delta';
const ALL = [ACCESS, REFRESH, FRESH, SECRET, CODE];
const FORMS = ALL.flatMap((s) => [s, encodeURIComponent(s), new URLSearchParams([['', s]]).toString().slice(1)]);

const server = new TestServer();
beforeAll(() => server.start());
afterAll(() => server.close());

/** Everything the request carried, sent back. */
function echo(res: ServerResponse, s: Seen, status: number, extra: Record<string, unknown> = {}): void {
  json(res, status, { error: 'echo', error_description: `${s.method} ${s.url} ${s.headers.authorization ?? ''} ${s.body.toString()}`, auth: s.headers.authorization, url: s.url, body: s.body.toString(), ...extra });
}

function client(options: Partial<SmashrunClientOptions> = {}): SmashrunClient {
  return new SmashrunClient({
    clientId: 'app',
    clientSecret: SECRET,
    apiBase: `${server.base}/v1`,
    authBase: server.base,
    tokens: new MemoryTokenStore({ accessToken: ACCESS, refreshToken: REFRESH, clientId: 'app' }),
    retry: { attempts: 2, baseMs: 1, capMs: 2 },
    ...options,
  });
}

/** Every way an error can be shown. */
function renderings(e: unknown): string[] {
  const err = e as Error;
  return [
    err.message,
    err.stack ?? '',
    String(e),
    JSON.stringify(e),
    inspect(e, { depth: 20, showHidden: true }),
    inspect(e, { depth: 20 }),
    err.cause === undefined ? '' : inspect(err.cause, { depth: 20, showHidden: true }),
  ];
}

function expectClean(e: unknown): void {
  expect(isSmashrunError(e)).toBe(true);
  for (const text of renderings(e)) for (const secret of FORMS) expect(text).not.toContain(secret);
}

const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );

describe('no secret in any error', () => {
  it('ApiError on a 4xx that echoes the Authorization header', async () => {
    server.reset((s, res) => echo(res, s, 400));
    const e = await failure(client().userInfo());
    expectClean(e);
    expect(JSON.stringify(e)).toContain('[redacted]');
  });

  it('AuthError refresh-failed, whose cause echoes the refresh form', async () => {
    server.reset((s, res) => echo(res, s, s.url === '/oauth2/token' ? 400 : 401));
    const e = await failure(client().userInfo());
    expect(e).toMatchObject({ code: 'refresh-failed' });
    expectClean(e);
    expect(inspect(e, { depth: 20 })).toContain('[redacted]');
  });

  it('AuthError unauthorized after a refresh that gave a new token', async () => {
    server.reset((s, res) => (s.url === '/oauth2/token' ? json(res, 200, { access_token: FRESH, expires_in: 3600 }) : echo(res, s, 401)));
    const e = await failure(client().userInfo());
    expect(e).toMatchObject({ code: 'unauthorized' });
    expectClean(e);
  });

  it('RetryExhausted and ApiError for /auth/{token}, whose path holds the token', async () => {
    server.reset((s, res) => echo(res, s, 503));
    const status = await failure(client().tokenStatus());
    expect(status).toMatchObject({ code: 'retry-exhausted', path: '/auth/{token}' });
    expectClean(status);
    server.reset((s, res) => echo(res, s, 418));
    const revoke = await failure(client().revoke());
    expect(revoke).toMatchObject({ code: 'http-error', path: '/auth/{token}' });
    expectClean(revoke);
  });

  it('network failures and timeouts on /auth/{token}', async () => {
    server.reset((s, res) => {
      res.socket?.destroy();
    });
    const dropped = await failure(client().revoke());
    expect(dropped).toMatchObject({ code: 'retry-exhausted', lastStatus: null });
    expectClean(dropped);
    server.reset(() => {
      // Never answers.
    });
    const late = await failure(client({ timeoutMs: 50 }).tokenStatus());
    expect(late).toMatchObject({ code: 'retry-exhausted', lastStatus: null });
    expect((late as Error).cause).toMatchObject({ code: 'timeout' });
    expectClean(late);
  });

  it('a fetch that fails with the URL in its message', async () => {
    // The platform's fetch names the URL it cannot parse: here one with the token in its path.
    const bad = await failure(client({ apiBase: 'http://exa mple.invalid/v1' }).tokenStatus());
    expectClean(bad);
    const own = await failure(
      client({
        fetch: (url) => Promise.reject(new RangeError(`cannot reach ${url} with ${SECRET}`)),
      }).tokenStatus(),
    );
    expect(own).toMatchObject({ code: 'network' });
    expectClean(own);
  });

  it('SmashrunRejected and bad-response on uploads', async () => {
    server.reset((s, res) => json(res, 200, { validations: { echoed: s.headers.authorization } }));
    const rejected = await failure(client().uploadJson('{"externalId":"a"}'));
    expect(rejected).toMatchObject({ code: 'rejected' });
    expectClean(rejected);
    server.reset((s, res) => echo(res, s, 200));
    const bad = await failure(client().uploadJson('{"externalId":"a"}'));
    expect(bad).toMatchObject({ code: 'bad-response' });
    expectClean(bad);
  });

  it('exchange-failed, whose answer echoes the code and the secret', async () => {
    server.reset((s, res) => echo(res, s, 400));
    const e = await failure(client({ tokens: new MemoryTokenStore() }).exchangeCode(CODE, { redirectUri: 'https://a/cb' }));
    expect(e).toMatchObject({ code: 'exchange-failed' });
    expectClean(e);
  });

  it('a forged redirect that carries a token', async () => {
    const c = client({ tokens: new MemoryTokenStore() });
    const e = await failure(c.completeAuthorization(`https://a/cb#access_token=${encodeURIComponent(ACCESS)}&state=forged`, 'expected'));
    expect(e).toMatchObject({ code: 'state-mismatch' });
    expectClean(e);
  });

  it('nor in what logging the client or its token store shows', () => {
    const tokens = new MemoryTokenStore({ accessToken: ACCESS, refreshToken: REFRESH, clientId: 'app' });
    const c = client({ tokens });
    for (const text of [inspect(c, { depth: 20, showHidden: true }), JSON.stringify(c), inspect(tokens, { depth: 20, showHidden: true }), JSON.stringify(tokens), String(c)]) {
      for (const secret of FORMS) expect(text).not.toContain(secret);
    }
  });
});
