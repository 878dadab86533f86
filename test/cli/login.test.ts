/**
 * `runjson login` end to end: the real command in-process in a temporary HOME, against the real sandbox,
 * the test playing the browser — the implicit flow (auto-approved, and through the consent page), the code
 * flow of a registered app with its secret from stdin, a pasted token; a forged state, a denied consent,
 * a post from another origin, the time running out and Ctrl-C, none of which leaves credentials behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCredentials } from '../../src/cli/account/credentials.js';
import { browserCommand } from '../../src/cli/login/open-browser.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { MAIN, requireBuild } from '../helpers/built.js';
import { atSmashrun, callbackPage, credentialsFile, filesBelow, followCode, modeOf, postFragment, Running, runToEnd, tempHome, Watch } from './login-harness.js';

const watch = new Watch();
const APP = 'runjson-app';
const SECRET = `s3cr3t+${randomBytes(12).toString('base64url')}/=`;
let auto: Sandbox;
let consent: Sandbox;

beforeAll(async () => {
  watch.secret(SECRET);
  auto = await startSandbox({ autoApprove: true, onRequest: (e) => watch.text('auto log', JSON.stringify(e)) });
  consent = await startSandbox({ clients: { [APP]: { secret: SECRET } }, onRequest: (e) => watch.text('consent log', JSON.stringify(e)) });
});
afterAll(async () => {
  await auto.close();
  await consent.close();
});

/** `--api-base` and `--auth-base` of a sandbox. */
function at(s: Sandbox): string[] {
  return ['--api-base', s.apiBase, '--auth-base', s.authBase];
}

/** The token in a redirect's fragment, watched. */
function tokenOf(landedAt: string): string {
  const token = new URLSearchParams(new URL(landedAt).hash.slice(1)).get('access_token') as string;
  watch.secret(token);
  return token;
}

/** Whether anything still listens at `url`'s port. */
async function listening(url: string): Promise<boolean> {
  try {
    await (await fetch(url)).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

describe('the implicit flow (client id `client`)', () => {
  it('signs in when the browser hands the fragment over, writes 0600 credentials, and closes the listener', async () => {
    const { root, env } = await tempHome();
    const login = new Running(['login', '--no-browser', ...at(auto)], env, watch);
    const url = await login.authorizeUrl();
    expect(new URL(url).searchParams.get('client_id')).toBe('client');
    expect(new URL(url).searchParams.get('response_type')).toBe('token');
    const redirectUri = new URL(url).searchParams.get('redirect_uri') as string;
    expect(redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    const landedAt = await atSmashrun(url, watch);
    const token = tokenOf(landedAt);
    expect(landedAt.startsWith(`${redirectUri}#`)).toBe(true);

    // The page the browser gets: static, with the script that posts the fragment, allowed by its hash alone.
    const page = await callbackPage(landedAt, watch);
    expect(page.status).toBe(200);
    const script = /<script>([\s\S]*)<\/script>/.exec(page.text)?.[1] as string;
    expect(script).toContain('location.hash');
    expect(script).toContain("form.method = 'POST'");
    expect(page.csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(page.csp).toContain("default-src 'none'");

    // Another site's page posting to the listener is refused, and the login goes on waiting.
    const foreign = await postFragment(landedAt, watch, undefined, 'http://evil.example');
    expect(foreign.status).toBe(403);
    // Another path: 404.
    expect((await fetch(new URL('/other', redirectUri))).status).toBe(404);

    const result = await postFragment(landedAt, watch);
    expect(result.status).toBe(200);
    expect(result.text).toContain('logged in to');
    expect(result.text).not.toContain(token);
    expect(await login.code).toBe(0);
    const user = auto.users[0];
    expect(login.stdout).toMatch(new RegExp(`^Logged in to 127\\.0\\.0\\.1:\\d+ as runner \\(id ${user.id}\\); the token expires \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.\\n$`));

    const path = credentialsFile(env);
    expect(await modeOf(path)).toBe(0o600);
    expect(await modeOf(dirname(path))).toBe(0o700);
    const c = await readCredentials(path);
    expect(c).toMatchObject({ version: 1, apiBase: auto.apiBase, authBase: auto.authBase, clientId: 'client', user: { id: String(user.id), userName: 'runner' }, login: { flow: 'implicit' } });
    expect(c?.tokens?.accessToken).toBe(token);
    expect(c?.tokens?.refreshToken).toBeUndefined();
    expect(c?.clientSecret).toBeUndefined();
    // 60 days, the sandbox's implicit tokens.
    expect(Math.round(((c?.tokens?.expiresAt ?? 0) - Date.now()) / 86_400_000)).toBe(60);
    // Nothing beside the file: no temp file left in the folder, no token anywhere else in the HOME.
    const others = await filesBelow(root, path);
    for (const f of others) watch.text(f.path, f.text);
    expect(others.map((f) => f.path)).toEqual([]);

    // The listener is gone: a second post finds nobody.
    expect(await listening(redirectUri)).toBe(false);
  });

  it('signs in through the consent page as the user chosen there', async () => {
    const { env } = await tempHome();
    const login = new Running(['login', '--no-browser', ...at(consent)], env, watch);
    const landedAt = await atSmashrun(await login.authorizeUrl(), watch, { decision: 'allow', user: 'grace' });
    const token = tokenOf(landedAt);
    expect((await callbackPage(landedAt, watch)).status).toBe(200);
    expect((await postFragment(landedAt, watch)).status).toBe(200);
    expect(await login.code).toBe(0);
    const grace = consent.users.find((u) => u.userName === 'grace');
    expect(login.stdout).toContain(`as grace (id ${grace?.id})`);
    expect((await readCredentials(credentialsFile(env)))?.tokens?.accessToken).toBe(token);
  });

  it('takes the callback once: a second post is refused (410)', async () => {
    const { env } = await tempHome();
    const login = new Running(['login', '--no-browser', ...at(auto)], env, watch);
    const landedAt = await atSmashrun(await login.authorizeUrl(), watch);
    tokenOf(landedAt);
    // Smashrun slow to answer userinfo: the second post surely arrives while the first is being handled.
    auto.setFaults({ slowMs: 300 });
    try {
      const first = postFragment(landedAt, watch);
      await new Promise((r) => setTimeout(r, 100));
      const second = await postFragment(landedAt, watch);
      expect(second.status).toBe(410);
      expect(second.text).toContain('already handed to runjson');
      expect((await first).status).toBe(200);
    } finally {
      auto.setFaults({});
    }
    expect(await login.code).toBe(0);
  });

  it('refuses a request that names another host than 127.0.0.1 (DNS rebinding)', async () => {
    const { env } = await tempHome();
    const login = new Running(['login', '--no-browser', '--timeout', '5', ...at(auto)], env, watch);
    const redirectUri = new URL(new URL(await login.authorizeUrl()).searchParams.get('redirect_uri') as string);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: redirectUri.port, path: '/callback', headers: { host: `attacker.example:${redirectUri.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    login.controller.abort();
    expect(await login.code).toBe(130);
  });
});

describe('the code flow of a registered app', () => {
  it('reads the secret from stdin, exchanges the code, and keeps the secret for refreshes', async () => {
    const { root, env } = await tempHome();
    const login = new Running(['login', '--no-browser', '--client-id', APP, '--client-secret', '-', ...at(consent)], env, watch, `${SECRET}\n`);
    const url = await login.authorizeUrl();
    expect(new URL(url).searchParams.get('response_type')).toBe('code');
    expect(url).not.toContain(encodeURIComponent(SECRET));
    const landedAt = await atSmashrun(url, watch, { decision: 'allow', user: 'ada' });
    const code = new URL(landedAt).searchParams.get('code');
    watch.secret(code);
    expect(code).toBeTruthy();
    const page = await followCode(landedAt, watch);
    expect(page.status).toBe(200);
    expect(await login.code).toBe(0);
    expect(login.stdout).toMatch(/as ada \(id \d+\); the token expires .* UTC and is renewed before then\.\n$/);
    const c = await readCredentials(credentialsFile(env));
    watch.secret(c?.tokens?.accessToken, c?.tokens?.refreshToken);
    expect(c).toMatchObject({ clientId: APP, clientSecret: SECRET, login: { flow: 'code' }, user: { userName: 'ada' } });
    expect(c?.tokens?.refreshToken).toBeTruthy();
    // The listener is gone once the login ended: the same callback address finds nobody.
    expect(await listening(landedAt)).toBe(false);
    expect(await filesBelow(root, credentialsFile(env))).toEqual([]);
  });

  it('reports a wrong secret as a failed exchange, and writes nothing', async () => {
    const { env } = await tempHome();
    const wrong = `${SECRET}-wrong`;
    watch.secret(wrong);
    const login = new Running(['login', '--no-browser', '--client-id', APP, '--client-secret', wrong, ...at(consent)], env, watch);
    const landedAt = await atSmashrun(await login.authorizeUrl(), watch, { decision: 'allow' });
    watch.secret(new URL(landedAt).searchParams.get('code'));
    const page = await followCode(landedAt, watch);
    expect(page.status).toBe(400);
    expect(await login.code).toBe(1);
    expect(login.stderr).toContain('invalid_client');
    expect(await readCredentials(credentialsFile(env))).toBeNull();
  });
});

describe('a pasted token', () => {
  it('--token TOKEN: checked with userinfo, its expiry asked of Smashrun', async () => {
    const { env } = await tempHome();
    const t = auto.issueToken({ clientId: 'client', implicit: true, user: 'paste' });
    watch.secret(t.accessToken);
    const r = await runToEnd(['login', '--token', t.accessToken, ...at(auto)], env, watch);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Logged in to .* as paste \(id \d+\); the token expires .* UTC\.\n$/);
    const c = await readCredentials(credentialsFile(env));
    expect(c).toMatchObject({ clientId: 'client', login: { flow: 'pasted' }, tokens: { accessToken: t.accessToken } });
    expect(Math.abs((c?.tokens?.expiresAt ?? 0) - (Date.now() + t.expiresIn * 1000))).toBeLessThan(5000);
  });

  it('--token - reads it from stdin; an unknown token is refused and nothing is written', async () => {
    const { env } = await tempHome();
    const t = auto.issueToken({ clientId: 'client', implicit: true });
    watch.secret(t.accessToken);
    expect((await runToEnd(['login', '--token', '-', ...at(auto)], env, watch, `${t.accessToken}\n`)).code).toBe(0);
    expect((await readCredentials(credentialsFile(env)))?.tokens?.accessToken).toBe(t.accessToken);

    const other = await tempHome();
    const bogus = `bogus-${randomBytes(16).toString('hex')}`;
    watch.secret(bogus);
    const r = await runToEnd(['login', '--token', bogus, ...at(auto)], other.env, watch);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Smashrun refused the token (401)');
    expect(await readCredentials(credentialsFile(other.env))).toBeNull();
  });
});

describe('sign-ins that fail write nothing', () => {
  it('a forged state is refused: the page and the terminal say so', async () => {
    const { env } = await tempHome();
    const login = new Running(['login', '--no-browser', ...at(auto)], env, watch);
    const landedAt = await atSmashrun(await login.authorizeUrl(), watch);
    tokenOf(landedAt);
    const forged = new URLSearchParams(new URL(landedAt).hash.slice(1));
    forged.set('state', 'f'.repeat(32));
    const page = await postFragment(landedAt, watch, forged.toString());
    expect(page.status).toBe(400);
    expect(page.text).toContain('may be forged');
    expect(await login.code).toBe(1);
    expect(login.stderr).toContain('may be forged: nothing was saved');
    expect(await readCredentials(credentialsFile(env))).toBeNull();
  });

  it('a denied consent (implicit: the error in the fragment)', async () => {
    const { env } = await tempHome();
    const login = new Running(['login', '--no-browser', ...at(consent)], env, watch);
    const landedAt = await atSmashrun(await login.authorizeUrl(), watch, { decision: 'deny' });
    expect(new URL(landedAt).hash).toContain('error=access_denied');
    const page = await postFragment(landedAt, watch);
    expect(page.status).toBe(400);
    expect(await login.code).toBe(1);
    expect(login.stderr).toMatch(/not logged in to .*access_denied/);
    expect(await readCredentials(credentialsFile(env))).toBeNull();
  });

  it('a denied consent (code flow: the error in the query)', async () => {
    const { env } = await tempHome();
    const login = new Running(['login', '--no-browser', '--client-id', APP, '--client-secret', SECRET, ...at(consent)], env, watch);
    const landedAt = await atSmashrun(await login.authorizeUrl(), watch, { decision: 'deny' });
    expect((await followCode(landedAt, watch)).status).toBe(400);
    expect(await login.code).toBe(1);
    expect(login.stderr).toContain('access_denied');
    expect(await readCredentials(credentialsFile(env))).toBeNull();
  });

  it('the time runs out (--timeout): exit 1, the listener closed', async () => {
    const { env } = await tempHome();
    const login = new Running(['login', '--no-browser', '--timeout', '1', ...at(auto)], env, watch);
    const redirectUri = new URL(await login.authorizeUrl()).searchParams.get('redirect_uri') as string;
    expect(await listening(redirectUri)).toBe(true);
    expect(await login.code).toBe(1);
    expect(login.stderr).toContain('no sign-in came back within 1 s');
    expect(await listening(redirectUri)).toBe(false);
    expect(await readCredentials(credentialsFile(env))).toBeNull();
  });

  it('Ctrl-C: exit 130, the listener closed', async () => {
    const { env } = await tempHome();
    const login = new Running(['login', '--no-browser', ...at(auto)], env, watch);
    const redirectUri = new URL(await login.authorizeUrl()).searchParams.get('redirect_uri') as string;
    login.controller.abort(new Error('interrupted'));
    expect(await login.code).toBe(130);
    expect(login.stderr).toContain('interrupted: not logged in');
    expect(await listening(redirectUri)).toBe(false);
    expect(await readCredentials(credentialsFile(env))).toBeNull();
  });

  it('a failed login leaves the previous one as it was', async () => {
    const { env } = await tempHome();
    const t = auto.issueToken({ clientId: 'client', implicit: true });
    watch.secret(t.accessToken);
    expect((await runToEnd(['login', '--token', t.accessToken, ...at(auto)], env, watch)).code).toBe(0);
    const before = await readFile(credentialsFile(env), 'utf8');
    expect((await runToEnd(['login', '--no-browser', '--timeout', '1', ...at(auto)], env, watch)).code).toBe(1);
    expect(await readFile(credentialsFile(env), 'utf8')).toBe(before);
  });
});

describe('the browser', () => {
  it('is opened with the URL ($BROWSER here), which is printed too', async () => {
    const { root, env } = await tempHome();
    const seen = join(root, 'browser-saw');
    const browser = join(root, 'browser.sh');
    await writeFile(browser, `#!/bin/sh\nprintf '%s' "$1" > '${seen}'\n`);
    await chmod(browser, 0o755);
    const login = new Running(['login', ...at(auto)], { ...env, BROWSER: browser }, watch);
    const url = await login.authorizeUrl();
    expect(login.stderr).toContain('Opening a browser');
    let opened = '';
    for (let i = 0; i < 200 && opened === ''; i++) {
      opened = await readFile(seen, 'utf8').catch(() => '');
      if (opened === '') await new Promise((r) => setTimeout(r, 20));
    }
    expect(opened).toBe(url);
    // The browser does the rest.
    const landedAt = await atSmashrun(opened, watch);
    tokenOf(landedAt);
    expect((await postFragment(landedAt, watch)).status).toBe(200);
    expect(await login.code).toBe(0);
  });

  it('a browser that cannot be started is no error: the URL is there to open', async () => {
    const { env } = await tempHome();
    const login = new Running(['login', '--timeout', '1', ...at(auto)], { ...env, BROWSER: '/nonexistent/browser' }, watch);
    await login.authorizeUrl();
    expect(await login.code).toBe(1);
    expect(login.stderr).toContain('no sign-in came back within 1 s');
  });
});

describe('the runjson process', () => {
  /** `node dist/cli/main.js ...argv` with its stderr read as it comes. */
  function spawnBuilt(argv: string[], env: Record<string, string | undefined>): { child: ChildProcess; out: () => string; exit: Promise<number | null> } {
    requireBuild();
    const child = spawn(process.execPath, [MAIN, ...argv], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    void exit.then(() => watch.text(`process ${argv[0]}`, out));
    return { child, out: () => out, exit };
  }

  async function urlIn(out: () => string): Promise<string> {
    for (let i = 0; i < 500; i++) {
      const m = /^ {2}(http:\/\/\S+\/oauth2\/authenticate\?\S+)$/m.exec(out());
      if (m !== null) return m[1];
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no URL in the output: ${out()}`);
  }

  it('the code flow with the secret piped to stdin, as a user runs it', async () => {
    const { env } = await tempHome();
    const p = spawnBuilt(['login', '--no-browser', '--client-id', APP, '--client-secret', '-', ...at(consent)], env);
    p.child.stdin?.end(`${SECRET}\n`);
    const landedAt = await atSmashrun(await urlIn(p.out), watch, { decision: 'allow' });
    watch.secret(new URL(landedAt).searchParams.get('code'));
    expect((await followCode(landedAt, watch)).status).toBe(200);
    expect(await p.exit).toBe(0);
    expect(p.out()).toMatch(/Logged in to .* as runner/);
    const c = await readCredentials(credentialsFile(env));
    watch.secret(c?.tokens?.accessToken, c?.tokens?.refreshToken);
    expect(c?.clientSecret).toBe(SECRET);
  });

  it('SIGINT while waiting for the browser: exit 130, the listener closed', async () => {
    const { env } = await tempHome();
    const p = spawnBuilt(['login', '--no-browser', ...at(auto)], env);
    const redirectUri = new URL(await urlIn(p.out)).searchParams.get('redirect_uri') as string;
    expect(await listening(redirectUri)).toBe(true);
    p.child.kill('SIGINT');
    expect(await p.exit).toBe(130);
    expect(p.out()).toContain('interrupted: not logged in');
    expect(await listening(redirectUri)).toBe(false);
    expect(await readCredentials(credentialsFile(env))).toBeNull();
  });
});

describe('opening the browser', () => {
  const url = 'http://127.0.0.1:1/oauth2/authenticate?client_id=client&state=a&b=c';
  it('$BROWSER first, then the platform’s opener; on Windows, & escaped for cmd', () => {
    expect(browserCommand(url, { BROWSER: '/usr/bin/firefox' }, 'linux')).toEqual({ file: '/usr/bin/firefox', args: [url], verbatim: false });
    expect(browserCommand(url, {}, 'linux')).toEqual({ file: 'xdg-open', args: [url], verbatim: false });
    expect(browserCommand(url, { BROWSER: ' ' }, 'freebsd').file).toBe('xdg-open');
    expect(browserCommand(url, {}, 'darwin')).toEqual({ file: 'open', args: [url], verbatim: false });
    const win = browserCommand(url, {}, 'win32');
    expect(win.file).toBe('cmd');
    expect(win.args.at(-1)).toBe(url.replace(/&/g, '^&'));
  });
});

describe('usage', () => {
  it('login --help and runjson help login print the help', async () => {
    const { env } = await tempHome();
    for (const argv of [['login', '--help'], ['help', 'login'], ['logout', '--help'], ['whoami', '--help']]) {
      const r = await runToEnd(argv, env, watch);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: runjson (login|logout|whoami)/);
    }
  });

  it.each([
    [['login', '--client-secret', 'x'], '--client-secret needs --client-id'],
    [['login', '--client-id', 'a', '--client-secret', 'x', '--token', 'y'], 'choose one'],
    [['login', '--api-base', 'http://example.com/v1'], 'plain http only for a sandbox'],
    [['login', '--auth-base', 'not a url'], '--auth-base: expected a URL'],
    [['login', '--timeout', '-1'], '--timeout'],
    [['login', '--token', ''], '--token: expected the token'],
    [['login', 'extra'], "unexpected argument 'extra'"],
  ])('%j is a usage error', async (argv, said) => {
    const { env } = await tempHome();
    const r = await runToEnd(argv, env, watch);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(said);
  });

  it('--token - with nothing on stdin is a usage error', async () => {
    const { env } = await tempHome();
    const r = await runToEnd(['login', '--token', '-', ...at(auto)], env, watch, '\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('standard input is empty');
  });
});

describe('secrets', () => {
  it('no token, code or secret appears in any output, page or log of this file', () => {
    for (const s of [auto, consent]) watch.text('sandbox log', JSON.stringify(s.requestLog));
    expect(watch.secrets.size).toBeGreaterThan(10);
    expect(watch.texts.length).toBeGreaterThan(40);
    expect(watch.leaks()).toEqual([]);
  });
});
