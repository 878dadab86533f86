/**
 * The loopback listener of `runjson login` (RFC 8252 §7.3): a node:http server on 127.0.0.1 and a free
 * port, where Smashrun sends the browser back after the user consents. It serves one path, `/callback`:
 *
 * - code flow: `GET /callback?code=…&state=…` (or `?error=…`) is the callback itself;
 * - implicit flow: `GET /callback` serves the page whose script posts the fragment back
 *   (`POST /callback`, form field `fragment`), since a browser never sends the fragment to a server.
 *
 * The callback is taken once: the first one that carries anything (a code, a token, an error or a state)
 * is handed to `onCallback`, and every later one gets `410 Gone`. A request with nothing in it (someone
 * opening the address by hand) is answered and does not count. Requests must name this listener as their
 * `Host` (a web page cannot reach it through a DNS name that points at 127.0.0.1), and a post must come
 * from the listener's own page when the browser says where it comes from (`Origin`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callbackPage, FRAGMENT_FIELD, PAGE_CSP, resultPage } from './pages.js';

/** The path Smashrun sends the browser back to. */
export const CALLBACK_PATH = '/callback';

/** The largest body a post of the fragment may have: a fragment of a few hundred bytes, with room to spare. */
const MAX_BODY_BYTES = 16 * 1024;

/** How a callback ended, as the browser's page shows it: plain text, never a token. */
export interface CallbackOutcome {
  ok: boolean;
  title: string;
  message: string;
}

/** What the listener is for. */
export interface LoopbackOptions {
  /** `token`: the implicit flow (the page posts the fragment); `code`: the code flow (the query is the callback). */
  flow: 'token' | 'code';
  /**
   * Called once, with the whole address the browser was sent back to (for the implicit flow, the callback
   * URL with the posted fragment after `#`). Its outcome is the page the browser shows. It should not
   * throw; if it does, the browser is told that the sign-in failed.
   */
  onCallback: (redirectedTo: string) => Promise<CallbackOutcome>;
}

/** A running loopback listener. */
export class LoopbackListener {
  /** `http://127.0.0.1:PORT/callback`: the redirect URI to send with the authorization request. */
  readonly redirectUri: string;
  /** Resolves when the one callback has been handled and its page sent. */
  readonly done: Promise<CallbackOutcome>;
  readonly #server: Server;
  readonly #origin: string;
  readonly #options: LoopbackOptions;
  #taken = false;
  #resolve: (outcome: CallbackOutcome) => void = () => undefined;

  private constructor(server: Server, port: number, options: LoopbackOptions) {
    this.#server = server;
    this.#origin = `http://127.0.0.1:${port}`;
    this.redirectUri = `${this.#origin}${CALLBACK_PATH}`;
    this.#options = options;
    this.done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Starts a listener on 127.0.0.1 and a port the system picks. */
  static async start(options: LoopbackOptions): Promise<LoopbackListener> {
    let listener: LoopbackListener | null = null;
    const server = createServer((req, res) => {
      // The listener exists before the server can accept a connection: `listen` has not called back yet.
      void (listener as LoopbackListener).#handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    listener = new LoopbackListener(server, (server.address() as AddressInfo).port, options);
    return listener;
  }

  /** Stops listening and closes every connection (a browser's keep-alive one included). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.headers.host !== this.#origin.slice('http://'.length)) return send(res, 400, fail('Wrong address', 'This listener answers only at 127.0.0.1.'));
      const url = new URL(req.url ?? '/', this.#origin);
      if (url.pathname !== CALLBACK_PATH) return send(res, 404, fail('Not found', 'runjson listens here only for the sign-in.'));
      if (this.#options.flow === 'token') await this.#implicit(req, res);
      else await this.#code(req, res, url);
    } catch {
      // A request that broke off halfway (the browser closed): nothing to answer, and the wait goes on.
      if (!res.headersSent) send(res, 400, fail('Bad request', 'runjson could not read this request.'));
    }
  }

  async #implicit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (this.#taken) return send(res, 410, alreadyDone());
      return send(res, 200, callbackPage(), { 'referrer-policy': 'same-origin' });
    }
    if (req.method !== 'POST') return send(res, 405, fail('Method not allowed', 'The sign-in page posts here; nothing else does.'), { allow: 'GET, POST' });
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.#origin) return send(res, 403, fail('Refused', 'Only runjson’s own sign-in page may post here.'));
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
      return send(res, 415, fail('Refused', 'The sign-in page posts a form; this is not one.'));
    }
    const body = await readBody(req);
    if (body === null) return send(res, 413, fail('Refused', 'This request is too large to be a sign-in.'));
    if (this.#taken) return send(res, 410, alreadyDone());
    const fragment = new URLSearchParams(body).get(FRAGMENT_FIELD) ?? '';
    if (fragment === '') return send(res, 400, fail('Nothing to sign in with', 'This address carries no sign-in: start again with runjson login.'));
    await this.#take(res, `${this.redirectUri}#${fragment}`);
  }

  async #code(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET') return send(res, 405, fail('Method not allowed', 'Smashrun sends the browser here with a GET.'), { allow: 'GET' });
    if (this.#taken) return send(res, 410, alreadyDone());
    const q = url.searchParams;
    if (!q.has('code') && !q.has('error') && !q.has('state')) {
      return send(res, 400, fail('Nothing to sign in with', 'This address carries no sign-in: start again with runjson login.'));
    }
    await this.#take(res, url.href);
  }

  /** Takes the callback: the first and only one. */
  async #take(res: ServerResponse, redirectedTo: string): Promise<void> {
    this.#taken = true;
    let outcome: CallbackOutcome;
    try {
      outcome = await this.#options.onCallback(redirectedTo);
    } catch {
      outcome = { ok: false, title: 'Sign-in failed', message: 'runjson could not finish the sign-in.' };
    }
    await new Promise<void>((resolve) => {
      res.once('close', resolve);
      send(res, outcome.ok ? 200 : 400, resultPage(outcome.ok, outcome.title, outcome.message));
    });
    this.#resolve(outcome);
  }
}

function fail(title: string, message: string): string {
  return resultPage(false, title, message);
}

function alreadyDone(): string {
  return resultPage(false, 'Already used', 'This sign-in was already handed to runjson; the terminal says how it ended.');
}

/** Sends an HTML page that no cache keeps and that runs nothing but its own script. */
function send(res: ServerResponse, status: number, page: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': PAGE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...headers,
  });
  res.end(page);
}

/** The request body as text, or `null` when it is longer than {@link MAX_BODY_BYTES}. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
