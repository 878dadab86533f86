/**
 * `runjson sandbox`: the built command starts, prints its URL and bases, serves, logs requests without
 * tokens, and stops on a signal; in-process, its usage errors.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { MAIN, cacheEnv, requireBuild } from '../helpers/built.js';
import { makeActivity } from '../helpers/make-activity.js';
import { bearer } from './sandbox-helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runjson-sandbox-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the built command; resolves once it has printed its URL. */
function startChild(args: string[]): Promise<{ child: ChildProcess; url: string; stdout: () => string; stderr: () => string }> {
  const child = spawn(process.execPath, [MAIN, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: cacheEnv() });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out} ${err}`)), 20_000);
    child.on('exit', (code) => reject(new Error(`exited early (${code}): ${err}`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m !== null && out.includes('Ctrl-C')) {
        clearTimeout(timer);
        resolve({ child, url: m[1], stdout: () => out, stderr: () => err });
      }
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('runjson sandbox (built)', () => {
  beforeAll(requireBuild);

  it('prints its URL and bases, serves the API and OAuth, and stops on SIGTERM', async () => {
    const clients = join(dir, 'clients.json');
    writeFileSync(clients, JSON.stringify({ myapp: { secret: 'cli-secret-99', redirectUris: ['http://127.0.0.1:9/cb'] } }));
    const { child, url, stdout, stderr } = await startChild(['--port', '0', '--auto-approve', '--clients', clients, '--data', join(dir, 'state')]);
    try {
      expect(stdout()).toContain(`api base   ${url}/v1`);
      expect(stdout()).toContain(`auth base  ${url}`);
      expect(stdout()).toContain('myapp');
      expect(stdout()).not.toContain('cli-secret-99');
      const auth = await fetch(`${url}/oauth2/authenticate?${new URLSearchParams({ client_id: 'myapp', redirect_uri: 'http://127.0.0.1:9/cb', response_type: 'code', state: 's' })}`, { redirect: 'manual' });
      expect(auth.status).toBe(302);
      const code = new URL(auth.headers.get('location') as string).searchParams.get('code') as string;
      const basic = `Basic ${Buffer.from('myapp:cli-secret-99').toString('base64')}`;
      const t = await (await fetch(`${url}/oauth2/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'authorization_code', code }) })).json();
      const posted = await (await fetch(`${url}/v1/my/activities`, { method: 'POST', headers: bearer(t.access_token), body: JSON.stringify(makeActivity({ seed: 1 })) })).json();
      expect(posted.activityIds).toHaveLength(1);
      await fetch(`${url}/v1/auth/${t.access_token}`);
      // Let the request lines reach stderr.
      await new Promise((r) => setTimeout(r, 100));
      expect(stderr()).toMatch(/POST \/v1\/my\/activities 200/);
      expect(stderr()).toContain('GET /v1/auth/{token} 200');
      expect(stderr()).not.toContain(t.access_token);
      expect(stderr()).not.toContain(code);
    } finally {
      const done = exited(child);
      child.kill('SIGTERM');
      expect(await done).toBe(0);
    }
    expect(stderr()).toContain('stopped');
  });
});

describe('runjson sandbox (in-process)', () => {
  const io = (): { out: string[]; err: string[]; io: Parameters<typeof run>[1] } => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: { write: (c) => out.push(String(c)) }, stderr: { write: (c) => err.push(String(c)) } } };
  };

  it('usage errors exit 2: a host that is not loopback, a bad clients file, a bad port, an argument', async () => {
    const bad = join(dir, 'bad-clients.json');
    writeFileSync(bad, JSON.stringify({ app: { secret: '' } }));
    for (const args of [['--host', '0.0.0.0'], ['--clients', bad], ['--clients', join(dir, 'missing.json')], ['--port', 'x'], ['extra'], ['--nope']]) {
      const c = io();
      expect(await run(['sandbox', ...args], c.io)).toBe(2);
      expect(c.err.join('')).toContain('Try: runjson sandbox --help');
    }
  });

  it('--help prints the command\'s help; it runs until its signal aborts', async () => {
    const c = io();
    expect(await run(['sandbox', '--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('Usage: runjson sandbox');
    const main = io();
    expect(await run(['--help'], main.io)).toBe(0);
    expect(main.out.join('')).toContain('runjson sandbox');

    const controller = new AbortController();
    const s = io();
    const running = run(['sandbox', '--port', '0', '-q'], { ...s.io, signal: controller.signal });
    for (let i = 0; i < 100 && !s.out.join('').includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (\S+)/.exec(s.out.join(''))?.[1] as string;
    expect((await fetch(`${url}/v1/my/userinfo`)).status).toBe(401);
    controller.abort();
    expect(await running).toBe(0);
    expect(s.err.join('')).toBe('runjson sandbox: stopped\n');
  });
});
