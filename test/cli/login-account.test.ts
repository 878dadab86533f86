/**
 * `runjson whoami` and `runjson logout` against the real sandbox, in a temporary HOME, after a real
 * `runjson login`: what whoami shows (and its JSON), revocation seen from the sandbox's side, a server that
 * cannot be reached, and both commands when not logged in. No token or secret in any of it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCredentials, writeCredentials } from '../../src/cli/account/credentials.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { atSmashrun, credentialsFile, followCode, postFragment, Running, runToEnd, tempHome, Watch } from './login-harness.js';

const watch = new Watch();
const APP = 'runjson-app';
const SECRET = `s3cr3t+${randomBytes(12).toString('base64url')}/=`;
let sandbox: Sandbox;

beforeAll(async () => {
  watch.secret(SECRET);
  sandbox = await startSandbox({ autoApprove: true, clients: { [APP]: { secret: SECRET } }, onRequest: (e) => watch.text('sandbox log', JSON.stringify(e)) });
});
afterAll(async () => {
  await sandbox.close();
});

const AT = (): string[] => ['--api-base', sandbox.apiBase, '--auth-base', sandbox.authBase];

type Env = Record<string, string | undefined>;

/** A real `runjson login` by the implicit flow; returns the token, watched. */
async function loginImplicit(env: Env): Promise<string> {
  const login = new Running(['login', '--no-browser', ...AT()], env, watch);
  const landedAt = await atSmashrun(await login.authorizeUrl(), watch);
  const token = new URLSearchParams(new URL(landedAt).hash.slice(1)).get('access_token') as string;
  watch.secret(token);
  await postFragment(landedAt, watch);
  expect(await login.code).toBe(0);
  return token;
}

/** A real `runjson login` by the code flow; returns the tokens, watched. */
async function loginCode(env: Env): Promise<{ accessToken: string; refreshToken: string }> {
  const login = new Running(['login', '--no-browser', '--client-id', APP, '--client-secret', '-', ...AT()], env, watch, SECRET);
  const landedAt = await atSmashrun(await login.authorizeUrl(), watch);
  watch.secret(new URL(landedAt).searchParams.get('code'));
  await followCode(landedAt, watch);
  expect(await login.code).toBe(0);
  const t = (await readCredentials(credentialsFile(env)))?.tokens;
  watch.secret(t?.accessToken, t?.refreshToken);
  return { accessToken: t?.accessToken as string, refreshToken: t?.refreshToken as string };
}

/** What the sandbox says of a token: 200 live, 404 unknown, expired or revoked (its answer, which names the token, is not runjson's output). */
async function statusOf(token: string): Promise<number> {
  const res = await fetch(`${sandbox.apiBase}/auth/${encodeURIComponent(token)}`);
  await res.arrayBuffer();
  return res.status;
}

describe('runjson whoami', () => {
  it('shows the account, the server, the flow and the expiry after an implicit login — never the token', async () => {
    const { env } = await tempHome();
    const token = await loginImplicit(env);
    const r = await runToEnd(['whoami'], env, watch);
    expect(r.code).toBe(0);
    const id = String(sandbox.users[0].id);
    expect(r.stdout).toMatch(new RegExp(`^Logged in to 127\\.0\\.0\\.1:\\d+ as runner \\(id ${id}\\)\\n`));
    expect(r.stdout).toContain(`  server    ${sandbox.apiBase} (sign-in: ${sandbox.authBase})`);
    expect(r.stdout).toContain('  flow      implicit (browser, personal use), client id client');
    expect(r.stdout).toMatch(/ {2}expires {3}\d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 60 days\)/);
    expect(r.stdout).toContain('  renewed   no: run runjson login again before it expires');
    expect(r.stdout).toContain(`  file      ${credentialsFile(env)}`);
    expect(r.stdout).not.toContain(token);
  });

  it('--json: the same, machine-readable, with no token in it', async () => {
    const { env } = await tempHome();
    await loginImplicit(env);
    const r = await runToEnd(['whoami', '--json'], env, watch);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({
      loggedIn: true,
      credentials: credentialsFile(env),
      apiBase: sandbox.apiBase,
      authBase: sandbox.authBase,
      clientId: 'client',
      flow: 'implicit',
      user: { id: String(sandbox.users[0].id), userName: 'runner' },
      confirmed: true,
      expiresFrom: 'stored',
      refreshable: false,
    });
    expect(Date.parse(j.expiresAt as string)).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    expect(Object.keys(j).some((k) => /token|secret/i.test(k))).toBe(false);
  });

  it('a registered app’s login is renewed; its secret is never shown', async () => {
    const { env } = await tempHome();
    await loginCode(env);
    const r = await runToEnd(['whoami'], env, watch);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`flow      code (registered app), client id ${APP}`);
    expect(r.stdout).toContain('renewed   yes');
    const j = JSON.parse((await runToEnd(['whoami', '--json'], env, watch)).stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ flow: 'code', refreshable: true, confirmed: true });
  });

  it('credentials written by hand, without an expiry: asked of Smashrun; the flow unknown', async () => {
    const { env } = await tempHome();
    const t = sandbox.issueToken({ clientId: 'client', implicit: true, user: 'hand' });
    watch.secret(t.accessToken);
    await writeCredentials(credentialsFile(env), { version: 1, apiBase: sandbox.apiBase, authBase: sandbox.authBase, clientId: 'client', tokens: { accessToken: t.accessToken, clientId: 'client' } });
    const j = JSON.parse((await runToEnd(['whoami', '--json'], env, watch)).stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ flow: null, expiresFrom: 'smashrun', confirmed: true, user: { userName: 'hand' } });
    expect(Math.abs(Date.parse(j.expiresAt as string) - (Date.now() + t.expiresIn * 1000))).toBeLessThan(5000);
  });

  it('a token revoked elsewhere: exit 1, the account as of the login, and why', async () => {
    const { env } = await tempHome();
    const token = await loginImplicit(env);
    expect((await fetch(`${sandbox.apiBase}/auth/${encodeURIComponent(token)}`, { method: 'DELETE' })).status).toBe(204);
    const r = await runToEnd(['whoami'], env, watch);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/as runner \(id \d+\) at login, but Smashrun did not confirm it now: Smashrun refused the token \(401\)/);
    const j = JSON.parse((await runToEnd(['whoami', '--json'], env, watch)).stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ confirmed: false, user: { userName: 'runner' } });
    expect(j.problem).toContain('401');
  });

  it('a token past its expiry: exit 1, and log in again', async () => {
    const { env } = await tempHome();
    const t = sandbox.issueToken({ clientId: 'client', implicit: true });
    watch.secret(t.accessToken);
    const expiresAt = Date.now() - 3_600_000;
    await writeCredentials(credentialsFile(env), { version: 1, apiBase: sandbox.apiBase, authBase: sandbox.authBase, clientId: 'client', tokens: { accessToken: t.accessToken, clientId: 'client', expiresAt } });
    const r = await runToEnd(['whoami'], env, watch);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('did not confirm it now: the stored token has expired');
    expect(r.stdout).toMatch(/ {2}expired {3}\d{4}-\d\d-\d\d \d\d:\d\d UTC \(60 minutes ago\)\n/);
  });

  it('pointed at another server than the one logged in to: says so (exit 1)', async () => {
    const { env } = await tempHome();
    await loginImplicit(env);
    const r = await runToEnd(['whoami', '--api-base', 'http://127.0.0.1:9/v1'], env, watch);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`logged in to ${sandbox.apiBase}, not http://127.0.0.1:9/v1`);
  });
});

describe('runjson logout', () => {
  it('revokes the token at Smashrun and deletes the credentials file', async () => {
    const { env } = await tempHome();
    const token = await loginImplicit(env);
    expect(await statusOf(token)).toBe(200);
    const from = sandbox.requestLog.length;
    const r = await runToEnd(['logout'], env, watch);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Logged out of 127\.0\.0\.1:\d+ \(runner \(id \d+\)\): the token is revoked and .*credentials\.json removed\.\n$/);
    expect(sandbox.requestLog.slice(from).map((e) => `${e.method} ${e.path} ${String(e.status)}`)).toEqual(['DELETE /v1/auth/{token} 204']);
    expect(await statusOf(token)).toBe(404);
    expect(existsSync(credentialsFile(env))).toBe(false);
    const who = await runToEnd(['whoami'], env, watch);
    expect(who.code).toBe(1);
    expect(who.stderr).toContain('Not logged in');
  });

  it('a registered app’s refresh token is revoked too: the grant is over', async () => {
    const { env } = await tempHome();
    const { accessToken, refreshToken } = await loginCode(env);
    expect((await runToEnd(['logout'], env, watch)).code).toBe(0);
    expect(await statusOf(accessToken)).toBe(404);
    const refresh = await fetch(`${sandbox.authBase}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: APP, client_secret: SECRET }),
    });
    const said = (await refresh.json()) as { error?: string; access_token?: string };
    watch.secret(said.access_token);
    expect(refresh.status).toBe(400);
    expect(said.error).toBe('invalid_grant');
  });

  it('a token Smashrun no longer knows: logged out all the same (exit 0), and said', async () => {
    const { env } = await tempHome();
    const token = await loginImplicit(env);
    await fetch(`${sandbox.apiBase}/auth/${encodeURIComponent(token)}`, { method: 'DELETE' });
    const r = await runToEnd(['logout'], env, watch);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Smashrun no longer knew the token');
    expect(existsSync(credentialsFile(env))).toBe(false);
  });

  it('Smashrun out of reach: the file is deleted anyway, and the token said to be still valid (exit 1)', async () => {
    const { env } = await tempHome();
    const gone = await startSandbox({ autoApprove: true });
    const t = gone.issueToken({ clientId: 'client', implicit: true });
    watch.secret(t.accessToken);
    expect((await runToEnd(['login', '--token', t.accessToken, '--api-base', gone.apiBase, '--auth-base', gone.authBase], env, watch)).code).toBe(0);
    await gone.close();
    const r = await runToEnd(['logout'], env, watch);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/logged out here \(.*credentials\.json removed\), but the token could not be revoked at 127\.0\.0\.1:\d+: /);
    expect(r.stderr).toMatch(/It stays valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(existsSync(credentialsFile(env))).toBe(false);
  });
});

describe('not logged in', () => {
  it('whoami: exit 1 (and --json says loggedIn false); logout: nothing to do, exit 0', async () => {
    const { env } = await tempHome();
    const who = await runToEnd(['whoami'], env, watch);
    expect(who.code).toBe(1);
    expect(who.stderr).toBe('Not logged in: run `runjson login`.\n');
    const json = await runToEnd(['whoami', '--json'], env, watch);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ loggedIn: false, credentials: credentialsFile(env) });
    const out = await runToEnd(['logout'], env, watch);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('Not logged in: nothing to do.\n');
  });

  it('a credentials file that is not one: a one-line error naming it, exit 1', async () => {
    const { env } = await tempHome();
    await writeCredentials(credentialsFile(env), { version: 1, apiBase: sandbox.apiBase, authBase: sandbox.authBase, clientId: 'client', tokens: null });
    await writeFile(credentialsFile(env), '{ broken');
    const r = await runToEnd(['whoami'], env, watch);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`runjson: ${credentialsFile(env)}: is not JSON: log in again (runjson login) to replace it\n`);
  });
});

describe('secrets', () => {
  it('no token or secret appears in any output, page or log of this file', () => {
    watch.text('sandbox log', JSON.stringify(sandbox.requestLog));
    expect(watch.secrets.size).toBeGreaterThan(10);
    expect(watch.leaks()).toEqual([]);
  });
});
