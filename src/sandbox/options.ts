/**
 * The sandbox's options, their defaults, and the checks made before anything listens: a loopback host
 * only, client registrations that make sense, fault settings that are whole numbers.
 */
import { isIP } from 'node:net';

/** A client (an app) registered with the sandbox, as `--clients FILE` or `options.clients` gives it. */
export interface ClientRegistration {
  /** The client secret, checked at the token endpoint. Never printed, logged or shown on a page. */
  secret: string;
  /**
   * Redirect URIs the authorize endpoint accepts for this client (exact match). Absent: any absolute URI.
   */
  redirectUris?: string[];
}

/**
 * Faults the sandbox injects, each deterministic (counters, never chance), so a test is repeatable.
 *
 * `n` counts the requests the faults apply to (see {@link FaultOptions.appliesTo}) from the moment the
 * faults were set (`startSandbox`, `sandbox.setFaults`), starting at 1, every request counted whatever
 * became of it.
 */
export interface FaultOptions {
  /**
   * At most `max` requests per fixed window of `windowMs` (on the sandbox's clock, `options.now`); the
   * ones past it get `429` with `Retry-After: retryAfterS` (default: the seconds left in the window,
   * rounded up). A refused request does not use up the window.
   */
  rateLimit?: { max: number; windowMs: number; retryAfterS?: number };
  /**
   * Server errors: request `n` fails with `status` when `n` is a multiple of `every`, or when it lies in
   * `burst` (`start` ≤ n < `start + length`). `retryAfterS` adds a `Retry-After` header.
   */
  errors?: { status: 500 | 502 | 503 | 504; every?: number; burst?: { start: number; length: number }; retryAfterS?: number };
  /**
   * Request `n`, a multiple of `every`, loses its connection: `at: 'start'` (default) destroys the socket
   * before the request is handled or any byte is written (nothing is stored); `at: 'headers'` handles the
   * request, writes the status line and headers and half the body, then destroys the socket (an answer
   * without a body, such as a 204, then arrives whole).
   */
  dropConnection?: { every: number; at?: 'start' | 'headers' };
  /** Every request waits this long (real time) before it is handled. */
  slowMs?: number;
  /**
   * Of the writes (POST, PUT, PATCH, DELETE), counted on their own from 1, each multiple of `every` is
   * handled — a run is stored — and then its answer is lost: the socket is destroyed instead. The case
   * that makes `externalId` matter.
   */
  lostAnswer?: { every: number };
  /** Which requests the faults apply to: `'api'` (default) the `/v1/…` requests, `'all'` the OAuth endpoints too. */
  appliesTo?: 'api' | 'all';
}

/** One line of the request log: what a test may look at. Never holds a token, a code or a secret. */
export interface RequestLogEntry {
  /** 1 for the first request since the sandbox started (or since `resetStats`). */
  readonly seq: number;
  readonly method: string;
  /** The path without its query, with a token in it (`/v1/auth/{token}`) replaced by `{token}`. */
  readonly path: string;
  /** The status sent, or `null` when the connection was dropped before one was. */
  readonly status: number | null;
  /** The fault injected into this request, if any. */
  readonly fault?: 'rate-limit' | 'error' | 'drop' | 'lost-answer';
  /** Milliseconds (real time) from the request to its answer. */
  readonly ms: number;
  /**
   * For a 500 that was not injected: what went wrong inside the sandbox. With status `null` and no fault:
   * the client closed the connection before the answer could be sent.
   */
  readonly error?: string;
}

/** Options of {@link startSandbox}; every field is optional. */
export interface SandboxOptions {
  /** TCP port; 0 (default) picks a free one (see `sandbox.url`). */
  port?: number;
  /** A loopback address: `127.0.0.1` (default), another `127.x.y.z`, `::1` or `localhost`. Anything else is refused. */
  host?: string;
  /**
   * A folder to keep the state in (runs, users, tokens, weights), so that a restarted sandbox finds it
   * again: one JSON file per run in `runs/` and `index.json`, each written atomically (temp file + rename).
   * Absent: memory only.
   */
  dataDir?: string;
  /** Skip the consent page: the authorize endpoint redirects at once, as if the user had allowed. */
  autoApprove?: boolean;
  /** Registered clients by client id. Absent: any client id is accepted, with any non-empty secret. */
  clients?: Record<string, ClientRegistration>;
  /** Lifetime of access tokens from the code flow and refresh, seconds. Default 12 weeks. */
  tokenLifetimeS?: number;
  /** Lifetime of implicit-flow tokens, seconds. Default 60 days. */
  implicitTokenLifetimeS?: number;
  /** Lifetime of authorization codes, seconds. Default 600. */
  codeLifetimeS?: number;
  /**
   * Requests an hour allowed to one implicit-flow token (Smashrun limits the `client` client id to 250);
   * past it, `429`. `null` lifts the limit. Default 250.
   */
  implicitRequestsPerHour?: number | null;
  /**
   * Whether a refresh answer carries a new refresh token (and the old one stops working). Default false:
   * as Smashrun's own sample, the answer has none and the old refresh token stays valid.
   */
  rotateRefreshTokens?: boolean;
  /** Largest request body accepted for an upload, bytes (larger: `413`). Default 64 MiB. */
  maxUploadBytes?: number;
  /** Faults to inject from the start; `sandbox.setFaults` changes them at run time. */
  faults?: FaultOptions;
  /** The clock (ms since the epoch): token expiry, timestamps, rate windows. Default `Date.now`. */
  now?: () => number;
  /** Called with each request log entry as it is written (the command prints them). */
  onRequest?: (entry: RequestLogEntry) => void;
}

/** Options with their defaults applied. */
export interface ResolvedSandboxOptions {
  port: number;
  host: string;
  dataDir: string | null;
  autoApprove: boolean;
  clients: ReadonlyMap<string, ClientRegistration> | null;
  tokenLifetimeS: number;
  implicitTokenLifetimeS: number;
  codeLifetimeS: number;
  implicitRequestsPerHour: number | null;
  rotateRefreshTokens: boolean;
  maxUploadBytes: number;
  faults: FaultOptions;
  now: () => number;
  onRequest: ((entry: RequestLogEntry) => void) | null;
}

/** Stable codes of {@link SandboxError}. */
export const SandboxErrorCode = {
  /** The host is not a loopback address: the sandbox never listens on a network. */
  NotLoopback: 'not-loopback',
  /** An option has a value the sandbox cannot use. */
  BadOption: 'bad-option',
  /** The data folder cannot be read or holds state of another version. */
  DataDir: 'data-dir',
} as const;
/** One of the {@link SandboxErrorCode} values. */
export type SandboxErrorCode = (typeof SandboxErrorCode)[keyof typeof SandboxErrorCode];

/** What {@link startSandbox} throws for options it cannot start with. Branch on `code`. */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  readonly code: SandboxErrorCode;

  constructor(code: SandboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export const TWELVE_WEEKS_S = 12 * 7 * 24 * 3600;
export const SIXTY_DAYS_S = 60 * 24 * 3600;

/**
 * Applies the defaults and checks the options.
 *
 * @throws {SandboxError} `not-loopback` for a host that is not a loopback address, `bad-option` otherwise.
 */
export function resolveSandboxOptions(o: SandboxOptions = {}): ResolvedSandboxOptions {
  const host = o.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw new SandboxError(SandboxErrorCode.NotLoopback, `host '${host}' is not a loopback address: the sandbox listens on 127.0.0.1, ::1 or localhost only`);
  }
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw bad(`port must be a whole number from 0 to 65535, not ${String(port)}`);
  const clients = o.clients === undefined ? null : checkClients(o.clients);
  return {
    port,
    host,
    dataDir: o.dataDir ?? null,
    autoApprove: o.autoApprove ?? false,
    clients,
    tokenLifetimeS: positive(o.tokenLifetimeS, TWELVE_WEEKS_S, 'tokenLifetimeS'),
    implicitTokenLifetimeS: positive(o.implicitTokenLifetimeS, SIXTY_DAYS_S, 'implicitTokenLifetimeS'),
    codeLifetimeS: positive(o.codeLifetimeS, 600, 'codeLifetimeS'),
    implicitRequestsPerHour: o.implicitRequestsPerHour === null ? null : positive(o.implicitRequestsPerHour, 250, 'implicitRequestsPerHour'),
    rotateRefreshTokens: o.rotateRefreshTokens ?? false,
    maxUploadBytes: positive(o.maxUploadBytes, 64 << 20, 'maxUploadBytes'),
    faults: checkFaults(o.faults ?? {}),
    now: o.now ?? Date.now,
    onRequest: o.onRequest ?? null,
  };
}

/** Whether `host` names this machine only: `localhost`, `127.0.0.0/8` or `::1`. */
export function isLoopback(host: string): boolean {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (h.toLowerCase() === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./i.test(h);
  return false;
}

/**
 * Checks fault settings: counters are whole numbers ≥ 1, statuses server errors.
 *
 * @throws {SandboxError} `bad-option`.
 */
export function checkFaults(f: FaultOptions): FaultOptions {
  const count = (v: unknown, name: string): void => {
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 1)) throw bad(`faults.${name} must be a whole number ≥ 1`);
  };
  if (f.rateLimit !== undefined) {
    count(f.rateLimit.max, 'rateLimit.max');
    count(f.rateLimit.windowMs, 'rateLimit.windowMs');
    if (f.rateLimit.retryAfterS !== undefined && !(f.rateLimit.retryAfterS >= 0)) throw bad('faults.rateLimit.retryAfterS must be ≥ 0');
  }
  if (f.errors !== undefined) {
    if (![500, 502, 503, 504].includes(f.errors.status)) throw bad('faults.errors.status must be 500, 502, 503 or 504');
    count(f.errors.every, 'errors.every');
    if (f.errors.burst !== undefined) {
      count(f.errors.burst.start, 'errors.burst.start');
      count(f.errors.burst.length, 'errors.burst.length');
    }
    if (f.errors.every === undefined && f.errors.burst === undefined) throw bad('faults.errors needs every or burst');
  }
  if (f.dropConnection !== undefined) {
    count(f.dropConnection.every, 'dropConnection.every');
    if (f.dropConnection.at !== undefined && f.dropConnection.at !== 'start' && f.dropConnection.at !== 'headers') {
      throw bad("faults.dropConnection.at must be 'start' or 'headers'");
    }
  }
  if (f.lostAnswer !== undefined) count(f.lostAnswer.every, 'lostAnswer.every');
  if (f.slowMs !== undefined && !(f.slowMs >= 0)) throw bad('faults.slowMs must be ≥ 0');
  if (f.appliesTo !== undefined && f.appliesTo !== 'api' && f.appliesTo !== 'all') throw bad("faults.appliesTo must be 'api' or 'all'");
  return f;
}

/**
 * Checks client registrations (as `--clients FILE` holds them: `{ "<clientId>": { "secret": "…",
 * "redirectUris": ["…"] } }`). Messages name the client id, never the secret.
 *
 * @throws {SandboxError} `bad-option`.
 */
export function checkClients(raw: unknown): ReadonlyMap<string, ClientRegistration> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad('clients must be an object: { "<client id>": { "secret": "…" } }');
  const out = new Map<string, ClientRegistration>();
  for (const [id, reg] of Object.entries(raw as Record<string, unknown>)) {
    if (id === '') throw bad('a client id is empty');
    const r = reg as Partial<ClientRegistration> | null;
    if (r === null || typeof r !== 'object' || typeof r.secret !== 'string' || r.secret === '') throw bad(`client '${id}' needs a non-empty string secret`);
    if (r.redirectUris !== undefined) {
      if (!Array.isArray(r.redirectUris) || !r.redirectUris.every((u) => typeof u === 'string' && URL.canParse(u))) {
        throw bad(`client '${id}': redirectUris must be a list of absolute URIs`);
      }
    }
    out.set(id, { secret: r.secret, ...(r.redirectUris === undefined ? {} : { redirectUris: [...r.redirectUris] }) });
  }
  return out;
}

function positive(v: number | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (!(Number.isFinite(v) && v > 0)) throw bad(`${name} must be a number > 0`);
  return v;
}

function bad(message: string): SandboxError {
  return new SandboxError(SandboxErrorCode.BadOption, message);
}
