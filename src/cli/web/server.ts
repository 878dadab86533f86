/**
 * The page's local server (`runjson web`): the built page (dist/web) on a loopback port, under a strict
 * Content-Security-Policy (scripts and workers from this origin only: no `eval`, no WebAssembly, no
 * inline script or style), with the Smashrun API base it sends to in `config.json`. Only GET and HEAD;
 * only files inside the page's folder.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_API_BASE, DEFAULT_AUTH_BASE } from '../../api/client-options.js';
import { isLoopback } from '../../sandbox/options.js';

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  /** The built page; default the package's dist/web. */
  root?: string;
  /** A loopback address; default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Where the page sends runs; default Smashrun's. */
  apiBase?: string;
  authBase?: string;
}

/** A running page server. */
export interface WebServer {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  readonly port: number;
  /** The Content-Security-Policy the page is served under. */
  readonly csp: string;
  close(): Promise<void>;
}

/** Why the server did not start. */
export class WebServerError extends Error {
  override readonly name = 'WebServerError';
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The built page beside this module (dist/cli/web → dist/web), or dist/web of the checkout when run from source. */
export function defaultWebRoot(): string {
  const candidates = [new URL('../../web/', import.meta.url), new URL('../../../dist/web/', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((c) => existsSync(join(c, 'main.js'))) ?? candidates[0];
}

/** The page's policy: everything from this origin, requests to the API's origin, pictures from blobs. */
export function contentSecurityPolicy(apiBase: string): string {
  const api = new URL(apiBase).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob:",
    `connect-src 'self' blob: ${api}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Starts serving the page. @throws {WebServerError} not a loopback host, no built page, a bad base, the port taken. */
export async function startWebServer(options: WebServerOptions = {}): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new WebServerError(`host '${host}' is not a loopback address: the page is served on 127.0.0.1, ::1 or localhost only`);
  const root = resolve(options.root ?? defaultWebRoot());
  if (!existsSync(join(root, 'index.html')) || !existsSync(join(root, 'main.js'))) {
    throw new WebServerError(`the page is not built in ${root}: run \`npm run web\` in runjson's checkout`);
  }
  const apiBase = options.apiBase ?? DEFAULT_API_BASE;
  const authBase = options.authBase ?? DEFAULT_AUTH_BASE;
  for (const [name, base] of [['--api-base', apiBase], ['--auth-base', authBase]]) {
    if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) throw new WebServerError(`${name}: '${base}' is not an http(s) URL`);
  }
  const csp = contentSecurityPolicy(apiBase);
  const config = JSON.stringify({ apiBase: apiBase.replace(/\/+$/, ''), authBase: authBase.replace(/\/+$/, '') });
  let hosts: ReadonlySet<string> = new Set();
  const server = createServer((req, res) => {
    void serve(req, res, root, csp, config, hosts).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(new WebServerError(e.code === 'EADDRINUSE' ? `port ${options.port} is taken: pass --port 0 for a free one` : `cannot listen on ${host}: ${e.message}`)),
    );
    server.listen(options.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  hosts = new Set([shown, 'localhost', '127.0.0.1', '[::1]'].map((h) => `${h}:${port}`.toLowerCase()));
  return { url: `http://${shown}:${port}/`, port, csp, close: () => closeServer(server) };
}

async function serve(req: IncomingMessage, res: ServerResponse, root: string, csp: string, config: string, hosts: ReadonlySet<string>): Promise<void> {
  const headers = {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
    return;
  }
  // Only this server's own names: a page on another site that rebinds its name to 127.0.0.1 is refused.
  if (!hosts.has((req.headers.host ?? '').toLowerCase())) {
    res.writeHead(421, { ...headers, 'content-type': TYPES['.txt'] }).end('misdirected request\n');
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400, { ...headers, 'content-type': TYPES['.txt'] }).end('bad path\n');
    return;
  }
  let body: Buffer | string;
  let type: string;
  if (path === '/config.json') {
    body = config;
    type = TYPES['.json'];
  } else {
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    const info = file.startsWith(root + sep) ? await stat(file).catch(() => null) : null;
    if (info === null || !info.isFile()) {
      res.writeHead(404, { ...headers, 'content-type': TYPES['.txt'] }).end(req.method === 'HEAD' ? undefined : 'not found\n');
      return;
    }
    body = await readFile(file);
    type = TYPES[extname(file)] ?? 'application/octet-stream';
    // The page's own <meta> policy is for static hosting; here the header says it all (with this API's
    // origin, which the <meta> may not list: the two would both apply).
    if (file.endsWith('.html')) body = body.toString('utf8').replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n?/, '');
  }
  res.writeHead(200, { ...headers, 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((ok) => {
    server.close(() => ok());
    server.closeAllConnections();
  });
}
