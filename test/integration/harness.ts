/**
 * What the integration tests share: the real client (`src/api`) against the real sandbox (`src/sandbox`),
 * both on 127.0.0.1 — a client built for a fast suite, a browser played with plain `fetch` through the
 * sandbox's authorize page, a callback server that captures the redirect, a clock both sides read, and a
 * watch that collects every secret issued and everything shown, to prove the one never appears in the other.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { SmashrunClient } from '../../src/api/client.js';
import type { SmashrunClientOptions } from '../../src/api/client-options.js';
import { MemoryTokenStore, type StoredTokens, type TokenStore } from '../../src/api/tokens.js';
import type { FetchLike } from '../../src/api/transport.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/index.js';

/** The app the tests register with the sandbox. */
export const CLIENT_ID = 'runjson-integration';

/** A client secret of its own per run, with characters that URL and form encoding change. */
export function newClientSecret(): string {
  return `s3cr3t+${randomBytes(12).toString('base64url')}/=`;
}

/**
 * Real time plus an offset the test moves forward: the sandbox and the client read the same one, so token
 * lives and refreshes can be tested in milliseconds, while the sleeps of the limiter and the retries stay
 * real (a frozen clock would never let a rate window slide).
 */
export function shiftedClock(): { now: () => number; advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
  };
}

// ── The watch: secrets issued, and everything shown ─────────────────────────────────────────────────

/** Every secret issued in a test file, and every text shown there (errors, logs, stats, output). */
export class SecretWatch {
  readonly #secrets = new Set<string>();
  readonly #texts: { label: string; text: string }[] = [];
  #restore: (() => void) | null = null;

  /** How many secrets are watched (a test that watched none proves nothing). */
  get secretCount(): number {
    return this.#secrets.size;
  }

  /** How many texts were looked at. */
  get textCount(): number {
    return this.#texts.length;
  }

  /** Watches a token, code or secret, as it is and as URL and form encoding write it. */
  secret(...values: (string | null | undefined)[]): void {
    for (const v of values) {
      if (v === null || v === undefined || v === '') continue;
      this.#secrets.add(v);
      this.#secrets.add(encodeURIComponent(v));
      this.#secrets.add(new URLSearchParams([['', v]]).toString().slice(1));
    }
  }

  /** Watches the tokens of a store's value. */
  tokens(t: StoredTokens | null): void {
    if (t !== null) this.secret(t.accessToken, t.refreshToken);
  }

  /** Keeps a text that was shown (a log, a page, stats). */
  text(label: string, text: string): void {
    this.#texts.push({ label, text });
  }

  /** Keeps every way an error can be shown: message, stack, `String`, JSON, `inspect` (causes and hidden properties). */
  error(label: string, e: unknown): void {
    const err = e as Error | null;
    const shown = [String(e), JSON.stringify(e) ?? '', inspect(e, { depth: 20, showHidden: true })];
    if (err !== null && typeof err === 'object') {
      shown.push(err.message ?? '', err.stack ?? '');
      if (err.cause !== undefined) shown.push(inspect(err.cause, { depth: 20, showHidden: true }));
    }
    for (const text of shown) this.text(`${label} (error)`, text);
  }

  /** Captures what is printed (console and the process's streams) until {@link release}. */
  captureOutput(): void {
    const con = console as unknown as Record<string, (...args: unknown[]) => void>;
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const saved = methods.map((m) => con[m]);
    methods.forEach((m, i) => {
      con[m] = (...args: unknown[]) => {
        this.text(`console.${m}`, args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 20 }))).join(' '));
        saved[i].apply(console, args);
      };
    });
    const streams = [process.stdout, process.stderr] as const;
    const writes = streams.map((s) => s.write);
    streams.forEach((s, i) => {
      s.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.text(i === 0 ? 'stdout' : 'stderr', typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        return (writes[i] as (...a: unknown[]) => boolean).call(s, chunk, ...rest);
      }) as typeof s.write;
    });
    this.#restore = () => {
      methods.forEach((m, i) => (con[m] = saved[i]));
      streams.forEach((s, i) => (s.write = writes[i]));
    };
  }

  /** Stops capturing output. */
  release(): void {
    this.#restore?.();
    this.#restore = null;
  }

  /** Where a watched secret appears: `label` per text that holds one (never the secret itself). */
  leaks(): string[] {
    const out: string[] = [];
    for (const { label, text } of this.#texts) {
      for (const s of this.#secrets) {
        if (text.includes(s)) {
          out.push(label);
          break;
        }
      }
    }
    return out;
  }

  /** Keeps what the sandbox shows: its request log, its stats, its users. */
  sandbox(sandbox: Sandbox): void {
    this.text('sandbox.requestLog', JSON.stringify(sandbox.requestLog));
    this.text('sandbox.stats', JSON.stringify(sandbox.stats));
    this.text('sandbox.users', JSON.stringify(sandbox.users));
    this.text('sandbox.faults', JSON.stringify(sandbox.faults));
  }
}

/** The error `p` rejects with, kept by the watch; fails when `p` resolves. */
export async function caught(watch: SecretWatch, label: string, p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    watch.error(label, e);
    return e;
  }
  throw new Error(`${label}: expected a failure`);
}

/** A {@link TokenStore} in memory that shows every token stored to the watch. */
export class WatchedTokenStore implements TokenStore {
  readonly #inner: MemoryTokenStore;
  readonly #watch: SecretWatch;
  /** Every value stored, in order (for the tests of refresh). */
  readonly history: StoredTokens[] = [];

  constructor(watch: SecretWatch, initial: StoredTokens | null = null) {
    this.#watch = watch;
    watch.tokens(initial);
    this.#inner = new MemoryTokenStore(initial);
  }

  get(): Promise<StoredTokens | null> {
    return this.#inner.get();
  }

  set(tokens: StoredTokens): Promise<void> {
    this.#watch.tokens(tokens);
    this.history.push({ ...tokens });
    return this.#inner.set(tokens);
  }

  clear(): Promise<void> {
    return this.#inner.clear();
  }
}

/** What the token endpoint answered, as the client's `fetch` saw it: the fields present, never their values. */
export interface TokenAnswerSeen {
  status: number;
  fields: string[];
}

/**
 * The platform's `fetch`, watching: every token the token endpoint answers goes to the watch (before the
 * client sees it), and the fields of each answer are kept for the refresh tests.
 */
export function watchedFetch(watch: SecretWatch, answers: TokenAnswerSeen[] = []): FetchLike {
  return async (url, init) => {
    const res = await fetch(url, init);
    if (new URL(url).pathname === '/oauth2/token') {
      const text = await res.clone().text();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // Not JSON: nothing to watch.
      }
      watch.secret(typeof body.access_token === 'string' ? body.access_token : null, typeof body.refresh_token === 'string' ? body.refresh_token : null);
      answers.push({ status: res.status, fields: Object.keys(body).sort() });
    }
    return res;
  };
}

/** Retries fast (a local server answers in a millisecond), within a budget well under the suite's. */
export const FAST_RETRY = { attempts: 5, baseMs: 10, capMs: 80, maxElapsedMs: 15_000 } as const;

/**
 * The real client against `sandbox`: fast retries, no rate window (the limiter has its own tests, and the
 * fixture test sends a few hundred requests), a watched token store and `fetch`.
 */
export function clientFor(sandbox: Sandbox, watch: SecretWatch, options: Partial<SmashrunClientOptions> & { stored?: StoredTokens | null; answers?: TokenAnswerSeen[] } = {}): { client: SmashrunClient; store: WatchedTokenStore } {
  const { stored, answers, ...rest } = options;
  const store = new WatchedTokenStore(watch, stored ?? null);
  const client = new SmashrunClient({
    clientId: CLIENT_ID,
    apiBase: sandbox.apiBase,
    authBase: sandbox.authBase,
    tokens: store,
    fetch: watchedFetch(watch, answers),
    retry: FAST_RETRY,
    limits: [],
    timeoutMs: 10_000,
    ...rest,
  });
  return { client, store };
}

/** A sandbox with the integration app registered, its log and every request shown to the watch. */
export async function sandboxFor(watch: SecretWatch, secret: string, options: SandboxOptions = {}): Promise<Sandbox> {
  watch.secret(secret);
  return startSandbox({
    port: 0,
    clients: { [CLIENT_ID]: { secret } },
    onRequest: (entry) => watch.text('onRequest', JSON.stringify(entry)),
    ...options,
  });
}

/** A token minted by the sandbox for the integration app, stored in a client as `setToken` takes it. */
export async function signIn(sandbox: Sandbox, watch: SecretWatch, client: SmashrunClient, user?: string): Promise<void> {
  const t = sandbox.issueToken({ clientId: CLIENT_ID, ...(user === undefined ? {} : { user }) });
  watch.secret(t.accessToken, t.refreshToken);
  await client.setToken(t.accessToken, { ...(t.refreshToken === null ? {} : { refreshToken: t.refreshToken }), expiresInSeconds: t.expiresIn });
}

// ── Playing the browser ─────────────────────────────────────────────────────────────────────────────

/** A tiny app server on 127.0.0.1 whose `/callback` captures the URL the browser was sent to. */
export class CallbackServer {
  /** Every URL requested, absolute (the fragment never reaches a server). */
  readonly seen: string[] = [];
  #server: Server | null = null;
  #base = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.seen.push(`${this.#base}${req.url ?? '/'}`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>signed in</title><p>You may close this page.</p>');
    });
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** Where the app asks Smashrun to send the user back. */
  get redirectUri(): string {
    return `${this.#base}/callback`;
  }

  async close(): Promise<void> {
    const s = this.#server;
    if (s === null) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** Decodes what `escapeHtml` writes (`&#NN;`) and the named entities a page may use. */
function unescapeHtml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The consent form of an authorize page: where it posts, and its fields. */
export function readConsentForm(page: string): { action: string; fields: URLSearchParams } {
  const form = /<form[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page);
  if (form === null) throw new Error('the page has no form');
  const fields = new URLSearchParams();
  for (const m of form[2].matchAll(/<input\b([^>]*)>/gi)) {
    const name = /\bname="([^"]*)"/.exec(m[1]);
    const value = /\bvalue="([^"]*)"/.exec(m[1]);
    if (name !== null) fields.set(unescapeHtml(name[1]), value === null ? '' : unescapeHtml(value[1]));
  }
  return { action: unescapeHtml(form[1]), fields };
}

/**
 * The user's part of an authorization, as a browser does it with plain `fetch`: opens the authorize URL,
 * reads the consent page, posts its form with Allow (as `user`), and follows the redirect back to the app.
 * Resolves with the address the browser ends at — with the fragment, for the implicit flow, as the page
 * there would read it from `location.href` — and the consent page, for the watch.
 */
export async function consentInBrowser(authorizeUrl: string, user = 'runner'): Promise<{ landedAt: string; page: string }> {
  const pageRes = await fetch(authorizeUrl, { redirect: 'manual' });
  const page = await pageRes.text();
  if (pageRes.status !== 200) throw new Error(`the authorize page answered ${pageRes.status}`);
  const { action, fields } = readConsentForm(page);
  fields.set('user', user);
  fields.set('decision', 'allow');
  const posted = await fetch(new URL(action, authorizeUrl), { method: 'POST', body: fields, redirect: 'manual' });
  await posted.arrayBuffer();
  const location = posted.headers.get('location');
  if (posted.status !== 302 || location === null) throw new Error(`the consent form answered ${posted.status}, not a redirect`);
  // The browser follows the redirect: the app's callback gets the query, never the fragment.
  const landed = await fetch(location);
  await landed.arrayBuffer();
  return { landedAt: location, page };
}
