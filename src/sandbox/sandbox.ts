/**
 * `startSandbox()`: a real HTTP server on a loopback address that answers as Smashrun does, as far as
 * docs/smashrun-api.md knows it — OAuth, the activities, the account — with its state in memory or in a
 * folder, faults injected on demand, and a request log that never holds a credential.
 *
 * Every answer goes through {@link SandboxServer.handle}: the route's handler returns a {@link Reply},
 * and this one place applies the faults, sends it and logs it.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivityJson } from '../index.js';
import { effectiveActivity } from './activity-views.js';
import { type UserInfo, period, userInfoOf } from './account.js';
import type { Ctx } from './context.js';
import { FaultInjector } from './faults.js';
import { HttpError, type Reply, errorReply } from './http.js';
import { type FaultOptions, type RequestLogEntry, type ResolvedSandboxOptions, type SandboxOptions, checkFaults, resolveSandboxOptions } from './options.js';
import { matchRoute, redactPath } from './routes.js';
import { Store } from './store.js';
import { type Caller, Credentials, DEFAULT_SCOPE, DEFAULT_USER, type IssuedToken } from './tokens.js';

/** A user, as tests see it: the `userinfo` document. */
export type SandboxUser = Readonly<UserInfo>;

/** A stored run, as tests see it (deleted runs are not listed). */
export interface SandboxActivity {
  /** The activity id, as the upload answer gives it (a numeric string). */
  readonly id: string;
  readonly userId: number;
  readonly userName: string;
  /** The client (app) that uploaded it. */
  readonly clientId: string;
  /** The externalId the client sent, or null. */
  readonly externalId: string | null;
  /** The format it was uploaded in: `fit`, `tcx`, `gpx` or `json`. */
  readonly format: string;
  /** When it was stored, and last changed (ms since the epoch, the sandbox's clock). */
  readonly createdMs: number;
  readonly updatedMs: number;
  /** Its Activity JSON as stored (the summary recomputed from the series; a PATCH's values shown). */
  readonly activity: Readonly<ActivityJson>;
}

/** Options of {@link Sandbox.issueToken}. */
export interface IssueTokenOptions {
  /** The user's name; a new name makes a new user. Default `runner`, the default user. */
  user?: string;
  /** The client (app) the token is issued to. Default `test-client`. */
  clientId?: string;
  /** Default `read_activity write_activity`. */
  scope?: string;
  /** Default the sandbox's `tokenLifetimeS` (`implicitTokenLifetimeS` for an implicit token). */
  lifetimeS?: number;
  /** An implicit-flow token: no refresh token, the hourly request limit. Default false. */
  implicit?: boolean;
}

/** Counts of requests, for tests. */
export interface SandboxStats {
  readonly requests: number;
  /** Requests by path (without the query; a token in the path shown as `{token}`). */
  readonly byPath: Readonly<Record<string, number>>;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The API base, `url + '/v1'`: where a client's `https://api.smashrun.com/v1` goes. */
  readonly apiBase: string;
  /** The OAuth base, `url`: `/oauth2/authenticate` and `/oauth2/token` below it. */
  readonly authBase: string;
  /** The users, in the order they were created. */
  readonly users: readonly SandboxUser[];
  /** The live runs of every user, in the order they were created. */
  readonly activities: readonly SandboxActivity[];
  /** The request log, oldest first (the last 10,000 requests). */
  readonly requestLog: readonly RequestLogEntry[];
  readonly stats: SandboxStats;
  /** The faults in force. */
  readonly faults: Readonly<FaultOptions>;
  /** Mints a token for a user without the browser dance. */
  issueToken(options?: IssueTokenOptions): IssuedToken;
  /** Replaces the faults (none: `{}`) and starts their counters again. */
  setFaults(faults?: FaultOptions): void;
  /** Sets the goal `GET /v1/my/goals/{year}[/{month}]` answers (any JSON value; `null` unsets it). */
  setGoal(options: { user?: string; year: number; month?: number; goal: unknown }): void;
  /** Empties the request log and the stats. */
  resetStats(): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** The request log keeps this many entries. */
const LOG_CAP = 10_000;

/**
 * Starts a sandbox.
 *
 * @example
 * ```ts
 * import { startSandbox } from 'runjson/sandbox';
 *
 * const sandbox = await startSandbox({ autoApprove: true });
 * const { accessToken } = sandbox.issueToken();
 * const res = await fetch(`${sandbox.apiBase}/my/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
 * await sandbox.close();
 * ```
 * @throws {SandboxError} for a host that is not loopback, a bad option, a data folder that cannot be read.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveSandboxOptions(options);
  const server = new SandboxServer(resolved);
  await server.listen();
  return server;
}

class SandboxServer implements Sandbox {
  url = '';
  apiBase = '';
  authBase = '';
  private readonly server: Server;
  private readonly store: Store;
  private readonly creds: Credentials;
  private readonly injector: FaultInjector;
  private log: RequestLogEntry[] = [];
  private seq = 0;
  private requests = 0;
  private byPath = new Map<string, number>();

  constructor(private readonly options: ResolvedSandboxOptions) {
    this.store = new Store(options.dataDir);
    this.creds = new Credentials(this.store, options);
    if (this.creds.user(DEFAULT_USER).created) this.store.save();
    this.injector = new FaultInjector(options.faults, options.now);
    this.server = createServer((req, res) => {
      // handle() answers every error of a route itself; what is left (an onRequest callback that throws)
      // must not become an unhandled rejection that stops the process.
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        const a = this.server.address() as AddressInfo;
        this.url = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
        this.apiBase = `${this.url}/v1`;
        this.authBase = this.url;
        resolve();
      });
    });
  }

  get users(): readonly SandboxUser[] {
    return Object.freeze([...this.store.users.values()].map((u) => Object.freeze(userInfoOf(u))));
  }

  get activities(): readonly SandboxActivity[] {
    const out: SandboxActivity[] = [];
    for (const r of this.store.runs.values()) {
      if (r.deleted) continue;
      out.push(
        deepFreeze({
          id: String(r.id),
          userId: r.userId,
          userName: this.store.users.get(r.userId)?.userName ?? '',
          clientId: r.clientId,
          externalId: r.externalId,
          format: r.format,
          createdMs: r.createdMs,
          updatedMs: r.updatedMs,
          activity: structuredClone(effectiveActivity(r)),
        }),
      );
    }
    return Object.freeze(out);
  }

  get requestLog(): readonly RequestLogEntry[] {
    return Object.freeze(this.log.slice());
  }

  get stats(): SandboxStats {
    return Object.freeze({ requests: this.requests, byPath: Object.freeze(Object.fromEntries(this.byPath)) });
  }

  get faults(): Readonly<FaultOptions> {
    return this.injector.current;
  }

  issueToken(o: IssueTokenOptions = {}): IssuedToken {
    const { user } = this.creds.user(o.user ?? DEFAULT_USER);
    const t = this.creds.issue(user, o.clientId ?? 'test-client', o.scope ?? DEFAULT_SCOPE, { implicit: o.implicit ?? false, ...(o.lifetimeS === undefined ? {} : { lifetimeS: o.lifetimeS }) });
    this.store.save();
    return t;
  }

  setFaults(faults: FaultOptions = {}): void {
    this.injector.set(checkFaults(faults));
  }

  setGoal(o: { user?: string; year: number; month?: number; goal: unknown }): void {
    const { user } = this.creds.user(o.user ?? DEFAULT_USER);
    const key = period(String(o.year), o.month === undefined ? undefined : String(o.month));
    this.store.goals = this.store.goals.filter((g) => !(g.userId === user.id && g.period === key));
    if (o.goal !== null && o.goal !== undefined) this.store.goals.push({ userId: user.id, period: key, goal: structuredClone(o.goal) });
    this.store.save();
  }

  resetStats(): void {
    this.log = [];
    this.seq = 0;
    this.requests = 0;
    this.byPath = new Map();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Handles one request: faults, the route, the answer, the log. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const path = redactPath(url.pathname);
    this.requests++;
    this.byPath.set(path, (this.byPath.get(path) ?? 0) + 1);
    const done = (status: number | null, extra: { fault?: RequestLogEntry['fault']; error?: string } = {}): void => {
      this.record({ seq: ++this.seq, method, path, status, ...extra, ms: Math.round((performance.now() - t0) * 1000) / 1000 });
    };

    if (method === 'OPTIONS') {
      // CORS preflight, for pages that call the sandbox from another origin.
      this.send(res, { status: 204, headers: { 'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE', 'access-control-allow-headers': 'Authorization, Content-Type', 'access-control-max-age': '600' }, body: new Uint8Array(0) });
      return done(204);
    }

    const faulted = this.injector.appliesTo(url.pathname);
    if (faulted) {
      if (this.injector.slowMs > 0) await new Promise((r) => setTimeout(r, this.injector.slowMs));
      const d = this.injector.before();
      if (d.kind === 'rate-limit') {
        this.send(res, errorReply(429, 'rate_limited', 'too many requests: slow down', { 'retry-after': String(d.retryAfterS) }));
        return done(429, { fault: 'rate-limit' });
      }
      if (d.kind === 'error') {
        const headers: Record<string, string> = d.retryAfterS === undefined ? {} : { 'retry-after': String(d.retryAfterS) };
        this.send(res, errorReply(d.status, 'server_error', `injected fault (errors.${d.rule})`, headers));
        return done(d.status, { fault: 'error' });
      }
      if (d.kind === 'drop') {
        req.socket.destroy();
        return done(null, { fault: 'drop' });
      }
    }

    let reply: Reply;
    let error: string | undefined;
    try {
      const m = matchRoute(method, url.pathname);
      if ('status' in m) {
        reply = m.status === 405 ? errorReply(405, 'method_not_allowed', 'this path does not take this method', { allow: m.allow ?? '' }) : errorReply(404, 'not_found', 'no such endpoint');
      } else {
        // The caller is looked up once per request: an implicit token's hourly count must not go up twice.
        let caller: Caller | undefined;
        const ctx: Ctx = { req, url, params: m.params, store: this.store, creds: this.creds, options: this.options, caller: () => (caller ??= this.creds.caller(req)) };
        reply = await m.handler(ctx);
      }
    } catch (e) {
      if (e instanceof HttpError) reply = e.reply;
      else {
        reply = errorReply(500, 'server_error', 'the sandbox failed on this request');
        // Messages of the sandbox's own code and runjson's never hold a token or a secret.
        error = e instanceof Error ? e.message : String(e);
      }
    }

    const after = faulted ? this.injector.answer(method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE') : null;
    if (req.socket.destroyed) {
      // The client went away first (its timeout, an abort), often while the handler still read the body:
      // no answer can be sent, so none is logged as sent, and what failed is the connection, not the sandbox.
      return done(null, { error: 'the client closed the connection before the answer' });
    }
    if (after?.lose) {
      res.destroy();
      return done(null, { fault: 'lost-answer' });
    }
    if (after?.cutAfterHeaders) {
      res.writeHead(reply.status, { ...CORS, ...reply.headers, 'content-length': String(reply.body.length) });
      res.flushHeaders();
      res.write(reply.body.subarray(0, reply.body.length >> 1), () => res.destroy());
      return done(reply.status, { fault: 'drop' });
    }
    this.send(res, reply);
    done(reply.status, error === undefined ? {} : { error });
  }

  private send(res: ServerResponse, reply: Reply): void {
    res.writeHead(reply.status, { ...CORS, ...reply.headers, 'content-length': String(reply.body.length) });
    res.end(reply.body);
  }

  private record(entry: RequestLogEntry): void {
    const e = Object.freeze(entry);
    this.log.push(e);
    if (this.log.length > LOG_CAP) this.log.splice(0, this.log.length - LOG_CAP);
    this.options.onRequest?.(e);
  }
}

/** Headers on every answer: pages of any origin may call the sandbox and read `Retry-After` and `Location`. */
const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Retry-After, Location' };

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}
