/**
 * `runjson web` and its server: the page on loopback under its Content-Security-Policy, the API base in
 * config.json, nothing outside the page's folder, GET and HEAD only; the command's usage errors, and its
 * run until the signal. (The page itself is driven in Chromium in test/web/.)
 */
import { execFileSync, spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { contentSecurityPolicy, startWebServer, type WebServer, WebServerError } from '../../src/cli/web/server.js';
import { MAIN, cacheEnv, requireBuild } from '../helpers/built.js';
import { ROOT } from '../helpers/paths.js';

let dir: string;
let page: string;
let server: WebServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runjson-web-cli-'));
  page = join(dir, 'page');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), page], { stdio: 'ignore' });
  writeFileSync(join(dir, 'secret.txt'), 'outside the page');
  server = await startWebServer({ root: page, apiBase: 'http://127.0.0.1:9/v1', authBase: 'http://127.0.0.1:9' });
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The status of GET `path` sent as it is (with another Host header when given). */
function rawStatus(port: number, path: string, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, method: 'GET', ...(host === undefined ? {} : { headers: { host } }) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    r.on('error', reject);
    r.end();
  });
}

describe('the page server', () => {
  it('serves the page under a policy that allows scripts from itself only, and requests to the API', async () => {
    const r = await fetch(server.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(contentSecurityPolicy('http://127.0.0.1:9/v1'));
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' blob: http://127.0.0.1:9;");
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|wasm-unsafe-eval/);
    const html = await r.text();
    expect(html).toContain('<script type="module" src="main.js"></script>');
    // The page's own <meta> policy (for static hosting) is left out: the header, with this API's origin, rules.
    expect(readFileSync(join(page, 'index.html'), 'utf8')).toContain('http-equiv="Content-Security-Policy"');
    expect(html).not.toContain('http-equiv="Content-Security-Policy"');
    const js = await fetch(new URL('worker.js', server.url));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(csp);
    expect(await (await fetch(new URL('config.json', server.url))).json()).toEqual({ apiBase: 'http://127.0.0.1:9/v1', authBase: 'http://127.0.0.1:9' });
  });

  it('serves nothing outside the page, and only GET and HEAD', async () => {
    // Raw paths, as a client that does not normalise them sends them.
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/missing.js', '/chunks']) {
      expect(await rawStatus(server.port, path), path).toBe(404);
    }
    expect(await rawStatus(server.port, '/%E0%A4%A')).toBe(400);
    // A name that is not this server's (DNS rebinding): refused; its own names are served.
    expect(await rawStatus(server.port, '/', `evil.example:${server.port}`)).toBe(421);
    for (const name of ['127.0.0.1', 'localhost']) expect(await rawStatus(server.port, '/', `${name}:${server.port}`)).toBe(200);
    expect((await fetch(server.url, { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await fetch(server.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses a host that is not loopback, and a folder without the built page', async () => {
    await expect(startWebServer({ root: page, host: '0.0.0.0' })).rejects.toThrow(WebServerError);
    await expect(startWebServer({ root: dir })).rejects.toThrow(/the page is not built in .*npm run web/);
  });
});

describe('runjson web', () => {
  const io = (): { out: string[]; err: string[]; io: Parameters<typeof run>[1] } => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: { write: (c) => out.push(String(c)) }, stderr: { write: (c) => err.push(String(c)) } } };
  };

  it('usage errors exit 2: a host that is not loopback, a base that is not http(s), a bad port, an argument', async () => {
    for (const args of [['--host', '0.0.0.0'], ['--api-base', 'ftp://x'], ['--auth-base', 'nope'], ['--port', 'x'], ['extra'], ['--nope']]) {
      const c = io();
      expect(await run(['web', ...args], c.io), args.join(' ')).toBe(2);
      expect(c.err.join('')).toContain('Try: runjson web --help');
    }
  });

  it('--help prints the help; it serves the page until its signal aborts', async () => {
    const c = io();
    expect(await run(['web', '--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('Usage: runjson web');
    const main = io();
    expect(await run(['--help'], main.io)).toBe(0);
    expect(main.out.join('')).toContain('runjson web');

    const controller = new AbortController();
    const s = io();
    const running = run(['web', '--port', '0', '--root', page, '--api-base', 'http://localhost:7/v1'], { ...s.io, signal: controller.signal });
    for (let i = 0; i < 100 && !s.out.join('').includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 20));
    const url = /runjson page at (\S+)/.exec(s.out.join(''))?.[1] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const config = await (await fetch(`${url}config.json`)).json();
    expect(config.apiBase).toBe('http://localhost:7/v1');
    controller.abort();
    expect(await running).toBe(0);
    expect(s.err.join('')).toBe('runjson web: stopped\n');
  });

  it('the built command serves the page built beside it (dist/web), and stops on SIGTERM', async () => {
    requireBuild();
    const child = spawn(process.execPath, [MAIN, 'web', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: cacheEnv() });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
        child.on('exit', (code) => reject(new Error(`exited early (${code})`)));
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /runjson page at (\S+)/.exec(out);
          if (m !== null) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
      });
      for (const file of ['', 'main.js', 'worker.js', 'style.css']) expect((await fetch(url + file)).status, file).toBe(200);
      expect(await (await fetch(`${url}config.json`)).json()).toEqual({ apiBase: 'https://api.smashrun.com/v1', authBase: 'https://secure.smashrun.com' });
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('says so when the page is not built', async () => {
    const c = io();
    expect(await run(['web', '--port', '0', '--root', dir], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/^runjson: web: the page is not built in /);
  });
});
