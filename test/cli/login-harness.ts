/**
 * What the tests of `runjson login`, `logout` and `whoami` share: the real command run in-process in a
 * temporary HOME with its output read while it runs (the command is still waiting for the browser when
 * the test reads the URL), the browser played with plain `fetch` — the page's script done by hand, as it
 * would do it — and a watch over every secret issued and every text shown.
 */
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/run.js';
import type { CliIo } from '../../src/cli/io.js';

/** Fast client options for a local sandbox: short retries, short timeouts, no rate window. */
export const FAST = { retry: { attempts: 3, baseMs: 5, capMs: 20, maxElapsedMs: 2000 }, timeoutMs: 2000, limits: [] } as const;

/** Every secret issued in a test file, and every text shown there. */
export class Watch {
  readonly secrets = new Set<string>();
  readonly texts: { label: string; text: string }[] = [];

  secret(...values: (string | null | undefined)[]): void {
    for (const v of values) {
      if (v === null || v === undefined || v === '') continue;
      this.secrets.add(v);
      this.secrets.add(encodeURIComponent(v));
    }
  }

  text(label: string, text: string): void {
    this.texts.push({ label, text });
  }

  /** Labels of the texts that hold a watched secret. */
  leaks(): string[] {
    return this.texts.filter(({ text }) => [...this.secrets].some((s) => text.includes(s))).map(({ label }) => label);
  }
}

/** A temporary HOME: the XDG folders below a fresh temp folder, never the real home. */
export async function tempHome(): Promise<{ root: string; env: Record<string, string | undefined> }> {
  const root = await mkdtemp(join(tmpdir(), 'runjson-login-'));
  return {
    root,
    env: {
      HOME: root,
      PATH: process.env.PATH,
      XDG_CONFIG_HOME: join(root, 'config'),
      XDG_STATE_HOME: join(root, 'state'),
      XDG_CACHE_HOME: join(root, 'cache'),
    },
  };
}

/** The credentials file of a temp HOME. */
export function credentialsFile(env: Record<string, string | undefined>): string {
  return join(env.XDG_CONFIG_HOME as string, 'runjson', 'credentials.json');
}

/** A command running in-process: its output so far, its exit code when it ends. */
export class Running {
  stdout = '';
  stderr = '';
  readonly code: Promise<number>;
  readonly controller = new AbortController();

  constructor(argv: string[], env: Record<string, string | undefined>, watch: Watch, stdin?: string) {
    const dec = new TextDecoder();
    const text = (c: string | Uint8Array): string => (typeof c === 'string' ? c : dec.decode(c));
    const io: CliIo = {
      stdout: { write: (c) => (this.stdout += text(c)) },
      stderr: { write: (c) => (this.stderr += text(c)), isTTY: false, columns: 100 },
      ...(stdin === undefined
        ? {}
        : {
            stdin: (async function* () {
              yield new TextEncoder().encode(stdin);
            })(),
          }),
      signal: this.controller.signal,
      env,
      smashrun: FAST,
    };
    const label = `runjson ${argv[0]}`;
    this.code = run(argv, io).finally(() => {
      watch.text(`${label} stdout`, this.stdout);
      watch.text(`${label} stderr`, this.stderr);
    });
  }

  /** Waits until the output matches `re` (the command goes on running). */
  async waitFor(re: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
    const until = Date.now() + ms;
    for (;;) {
      const m = re.exec(this.stderr + this.stdout);
      if (m !== null) return m;
      if (Date.now() > until) throw new Error(`no ${String(re)} in the output within ${ms} ms:\n${this.stderr}${this.stdout}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The authorization URL the command printed. */
  async authorizeUrl(): Promise<string> {
    return (await this.waitFor(/^ {2}(http:\/\/\S+\/oauth2\/authenticate\?\S+)$/m))[1];
  }
}

/** Runs a command to its end. */
export async function runToEnd(argv: string[], env: Record<string, string | undefined>, watch: Watch, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = new Running(argv, env, watch, stdin);
  const code = await r.code;
  return { code, stdout: r.stdout, stderr: r.stderr };
}

/** Decodes what an HTML page escapes. */
function unescapeHtml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * The user at Smashrun's authorize URL: with `decision`, the consent page is read and its form posted back
 * (as `user`); without, the sandbox approves at once. Resolves with where Smashrun sends the browser back.
 */
export async function atSmashrun(authorizeUrl: string, watch: Watch, consent?: { decision: 'allow' | 'deny'; user?: string }): Promise<string> {
  const first = await fetch(authorizeUrl, { redirect: 'manual' });
  if (consent === undefined) {
    await first.arrayBuffer();
    const location = first.headers.get('location');
    if (first.status !== 302 || location === null) throw new Error(`the authorize URL answered ${first.status}, not a redirect`);
    return location;
  }
  const page = await first.text();
  watch.text('consent page', page);
  if (first.status !== 200) throw new Error(`the consent page answered ${first.status}`);
  const form = /<form[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page);
  if (form === null) throw new Error('the consent page has no form');
  const fields = new URLSearchParams();
  for (const m of form[2].matchAll(/<input\b([^>]*)>/gi)) {
    const name = /\bname="([^"]*)"/.exec(m[1]);
    const value = /\bvalue="([^"]*)"/.exec(m[1]);
    if (name !== null) fields.set(unescapeHtml(name[1]), value === null ? '' : unescapeHtml(value[1]));
  }
  if (consent.user !== undefined) fields.set('user', consent.user);
  fields.set('decision', consent.decision);
  const posted = await fetch(new URL(unescapeHtml(form[1]), authorizeUrl), { method: 'POST', body: fields, redirect: 'manual' });
  await posted.arrayBuffer();
  const location = posted.headers.get('location');
  if (posted.status !== 302 || location === null) throw new Error(`the consent form answered ${posted.status}, not a redirect`);
  return location;
}

/** A page the listener answered: status, headers, text. */
export interface Page {
  status: number;
  csp: string | null;
  text: string;
}

async function pageOf(res: Response, watch: Watch, label: string): Promise<Page> {
  const text = await res.text();
  watch.text(label, text);
  return { status: res.status, csp: res.headers.get('content-security-policy'), text };
}

/** The browser at the callback of the implicit flow: GET the page (the fragment stays in the browser). */
export async function callbackPage(landedAt: string, watch: Watch): Promise<Page> {
  return pageOf(await fetch(landedAt.split('#')[0]), watch, 'callback page');
}

/**
 * What the callback page's script does: the fragment posted as the form field `fragment` to the page's
 * own path, with the `Origin` a browser sends for a form of that page (or `origin`).
 */
export async function postFragment(landedAt: string, watch: Watch, fragment = new URL(landedAt).hash.slice(1), origin = new URL(landedAt).origin): Promise<Page> {
  const u = new URL(landedAt);
  const res = await fetch(`${u.origin}${u.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams([['fragment', fragment]]).toString(),
  });
  return pageOf(res, watch, 'result page');
}

/** The browser following a code-flow redirect to the listener. */
export async function followCode(landedAt: string, watch: Watch): Promise<Page> {
  return pageOf(await fetch(landedAt), watch, 'result page');
}

/** Every file below `root` but `except`, with its text (for the watch), and the names. */
export async function filesBelow(root: string, except: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (p !== except) out.push({ path: p, text: await readFile(p, 'utf8') });
    }
  };
  await walk(root);
  return out;
}

/** Permission bits of a path. */
export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}
