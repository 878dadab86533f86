/**
 * A real HTTP server on 127.0.0.1 and a free port, for the client's tests: each test sets `handle`, and
 * the server records every request (method, path, headers, body, arrival time on its own clock) and how
 * many were in flight at once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server saw it. */
export interface Seen {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** Arrival, ms on the server's clock (`performance.now()`). */
  at: number;
}

export type Handler = (seen: Seen, res: ServerResponse, req: IncomingMessage) => void | Promise<void>;

export class TestServer {
  readonly seen: Seen[] = [];
  inFlight = 0;
  maxInFlight = 0;
  handle: Handler = (_s, res) => json(res, 404, { error: 'no handler' });
  private server: Server | null = null;
  private port = 0;

  /** Starts listening; resolves with `http://127.0.0.1:<port>`. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      let done = false;
      const end = (): void => {
        if (done) return;
        done = true;
        this.inFlight--;
      };
      res.on('finish', end);
      res.on('close', end);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: performance.now() };
        this.seen.push(seen);
        Promise.resolve(this.handle(seen, res, req)).catch((e: unknown) => {
          if (!res.headersSent) json(res, 599, { error: String(e) });
        });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.base;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Forgets what was seen, and sets a new handler. */
  reset(handle: Handler): void {
    this.seen.length = 0;
    this.maxInFlight = 0;
    this.handle = handle;
  }

  /** Requests seen whose path starts with `prefix`. */
  count(prefix: string): number {
    return this.seen.filter((s) => s.url.startsWith(prefix)).length;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (s === null) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** Answers JSON. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The form of a `application/x-www-form-urlencoded` body. */
export function form(seen: Seen): URLSearchParams {
  return new URLSearchParams(seen.body.toString('utf8'));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
