/**
 * How a `SmashrunClient` is built, and the defaults: Smashrun's hosts, the timeout, the longest
 * answer read. The limiter's and the retry policy's defaults live with them (`limiter.ts`, `retry.ts`).
 */
import type { FetchLike } from './transport.js';
import type { RateWindow } from './limiter.js';
import type { RetryPolicy } from './retry.js';
import type { TokenStore } from './tokens.js';
import type { CallOptions } from './types.js';

/** Smashrun's API. */
export const DEFAULT_API_BASE = 'https://api.smashrun.com/v1';
/** Smashrun's OAuth host (`/oauth2/authenticate`, `/oauth2/token`). */
export const DEFAULT_AUTH_BASE = 'https://secure.smashrun.com';
/** How long one attempt may take, answer included. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The longest answer read (all summaries of a long-time runner are a few MB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** How to build a {@link SmashrunClient}. */
export interface SmashrunClientOptions {
  /** The client id Smashrun issued, or `client` for the implicit flow of personal scripts and pages. */
  clientId: string;
  /** The client secret (code flow and refresh). Never sent to the browser in a URL, never shown in an error. */
  clientSecret?: string;
  /** Default {@link DEFAULT_API_BASE}; a sandbox's `…/v1` in tests. */
  apiBase?: string;
  /** Default {@link DEFAULT_AUTH_BASE}. */
  authBase?: string;
  /** Where tokens live; default a {@link MemoryTokenStore}. */
  tokens?: TokenStore;
  /** Default the platform's `fetch`. */
  fetch?: FetchLike;
  /** Rate windows; default 80 requests per 10 s, and 250 an hour for the client id `client`. `[]`: none. */
  limits?: readonly RateWindow[];
  /** Retry policy; fields left out come from `DEFAULT_RETRY` (5 attempts, 1 s base, 30 s cap, 60 s in all). */
  retry?: Partial<RetryPolicy>;
  /** Requests in flight at most; default 2. */
  concurrency?: number;
  /** Milliseconds an attempt may take; default 30 000 (`Infinity`: none). */
  timeoutMs?: number;
  /** The longest answer read, in bytes; default 64 MiB. */
  maxResponseBytes?: number;
  /** The clock (epoch ms); for tests. Pair it with `sleep` so that waits pass on the same clock. */
  now?: () => number;
  /** Waits `ms` on the clock, rejecting with `signal.reason` on abort; for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1), for the retry jitter; for tests. */
  random?: () => number;
}

/** What `completeAuthorization` and `exchangeCode` take besides the code. */
export interface ExchangeOptions extends CallOptions {
  /** Sent with the exchange when given (Smashrun does not require it). */
  redirectUri?: string;
}

/** A token obtained elsewhere, for `setToken`. */
export interface TokenInput {
  refreshToken?: string;
  /** When it expires, epoch ms. */
  expiresAt?: number;
  /** Or: seconds from now until it expires. */
  expiresInSeconds?: number;
  /** The client id it was issued to; default the client's. */
  clientId?: string;
}
