/**
 * The Smashrun client's errors: one class per kind of failure, each with a stable `code` to branch on
 * (never the message text). Conversion keeps its own {@link ConvertError}; these are the client's layer.
 *
 * No error here ever carries an access token, a refresh token, an authorization code or the client
 * secret: messages are built from the method, a path in which a token is replaced by `{token}`, the
 * status and Smashrun's answer with every known secret replaced by `[redacted]` (`secrets.ts`); a
 * network failure's cause is summarised the same way instead of being attached as it came.
 *
 * An abort by the caller is not wrapped: the caller's `signal.reason` (a `DOMException` named
 * `AbortError` unless the caller gave another reason) is thrown as it is.
 */

/** Stable codes of the client's errors. */
export const SmashrunErrorCode = {
  /** Smashrun answered with an error status ({@link ApiError}). */
  Http: 'http-error',
  /** A success status whose body is not what the endpoint answers ({@link ApiError}). */
  BadResponse: 'bad-response',
  /** The answer is longer than `maxResponseBytes` ({@link ApiError}). */
  ResponseTooLarge: 'response-too-large',
  /** Smashrun refused an upload with a `validations` node ({@link SmashrunRejected}). */
  Rejected: 'rejected',
  /** 429, 5xx, network failures or timeouts until the attempts or the time ran out ({@link RetryExhausted}). */
  RetryExhausted: 'retry-exhausted',
  /**
   * A request that is not safe to repeat (an upload of a raw file) failed in a way that leaves open whether
   * Smashrun processed it: a lost answer, a timeout, a 5xx ({@link OutcomeUnknown}). Not retried.
   */
  OutcomeUnknown: 'outcome-unknown',
  /** The request could not be sent or its answer not read ({@link NetworkError}). */
  Network: 'network',
  /** No answer within `timeoutMs` ({@link NetworkError}). */
  Timeout: 'timeout',
  /** The client refused the call before sending anything ({@link LocalRefusal}). */
  RefusedLocally: 'refused-locally',
  /** No token is stored: authorize first ({@link AuthError}). */
  NoToken: 'no-token',
  /** The stored token has expired and cannot be refreshed ({@link AuthError}). */
  TokenExpired: 'token-expired',
  /** The redirect's `state` is not the one sent ({@link AuthError}). */
  StateMismatch: 'state-mismatch',
  /** The user (or Smashrun) refused the authorization: the redirect carries `error` ({@link AuthError}). */
  AuthorizationDenied: 'authorization-denied',
  /** The redirect carries neither a code, a token nor an error ({@link AuthError}). */
  BadRedirect: 'bad-redirect',
  /** The token endpoint refused to exchange the code ({@link AuthError}). */
  ExchangeFailed: 'exchange-failed',
  /** The token could not be refreshed ({@link AuthError}). */
  RefreshFailed: 'refresh-failed',
  /** Smashrun refused the token (401) after the one refresh, or where none is possible ({@link AuthError}). */
  Unauthorized: 'unauthorized',
} as const;
/** One of the {@link SmashrunErrorCode} values. */
export type SmashrunErrorCode = (typeof SmashrunErrorCode)[keyof typeof SmashrunErrorCode];

/** The codes of {@link AuthError}. */
export type AuthErrorCode =
  | typeof SmashrunErrorCode.NoToken
  | typeof SmashrunErrorCode.TokenExpired
  | typeof SmashrunErrorCode.StateMismatch
  | typeof SmashrunErrorCode.AuthorizationDenied
  | typeof SmashrunErrorCode.BadRedirect
  | typeof SmashrunErrorCode.ExchangeFailed
  | typeof SmashrunErrorCode.RefreshFailed
  | typeof SmashrunErrorCode.Unauthorized;

/** The codes of {@link ApiError}. */
export type ApiErrorCode = typeof SmashrunErrorCode.Http | typeof SmashrunErrorCode.BadResponse | typeof SmashrunErrorCode.ResponseTooLarge;

/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What every error of the client has: a stable {@link SmashrunErrorCode}. */
export abstract class SmashrunError extends Error {
  /** Stable code: branch on it. */
  abstract readonly code: SmashrunErrorCode;
}

/**
 * Smashrun answered, but not with what the call needed: an error status (`http-error`; a 401 becomes an
 * {@link AuthError} instead), a success whose body is not the endpoint's shape (`bad-response`), or an
 * answer past `maxResponseBytes` (`response-too-large`).
 */
export class ApiError extends SmashrunError {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  /** The HTTP status. */
  readonly status: number;
  readonly method: HttpMethod;
  /** The path below the API base, with any token replaced by `{token}`. */
  readonly path: string;
  /** Smashrun's answer: parsed JSON, or the text when it is not JSON; secrets replaced by `[redacted]`. */
  readonly body: unknown;

  constructor(code: ApiErrorCode, init: { status: number; method: HttpMethod; path: string; body: unknown; detail?: string }) {
    super(`${init.method} ${init.path}: ${init.detail ?? `Smashrun answered ${init.status}`}${summary(init.body)}`);
    this.code = code;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.body = init.body;
  }
}

/**
 * Smashrun refused an upload: HTTP 200 with a `validations` node instead of `activityIds`. The node is
 * kept verbatim: its inner shape is not published, so nothing more is assumed than that it is there.
 */
export class SmashrunRejected extends SmashrunError {
  override readonly name = 'SmashrunRejected';
  readonly code = SmashrunErrorCode.Rejected;
  /** Smashrun's `validations` node, as it came. */
  readonly validations: unknown;
  readonly path: string;

  constructor(path: string, validations: unknown) {
    super(`POST ${path}: Smashrun refused the activity${summary(validations)}`);
    this.validations = validations;
    this.path = path;
  }
}

/**
 * Authorization failed: no token, an expired one that cannot be refreshed, a redirect that does not
 * match (`state-mismatch`) or says no (`authorization-denied`, with the OAuth `error`), a token request
 * the token endpoint refused (`exchange-failed`, `refresh-failed`, with its status and OAuth `error`),
 * or a 401 after the one refresh (`unauthorized`).
 */
export class AuthError extends SmashrunError {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  /** The HTTP status of the answer behind the failure, where there was one. */
  readonly status: number | undefined;
  /** The OAuth `error` value (`access_denied`, `invalid_grant`…), where the redirect or the answer gave one. */
  readonly oauthError: string | undefined;

  constructor(code: AuthErrorCode, message: string, init: { status?: number; oauthError?: string; cause?: unknown } = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = init.status;
    this.oauthError = init.oauthError;
  }
}

/**
 * A request that kept failing in a way worth retrying (429, 5xx, network, timeout) until the attempts or the time
 * allowed ran out (`retry.attempts`, `retry.maxElapsedMs`). A class of its own rather than an
 * {@link ApiError} with a flag: the last failure may have had no status at all. `lastStatus` is the last
 * answer's status (`null` when the last failure was the network: then `cause` is a {@link NetworkError});
 * `retryAfterMs` is the wait the last answer's `Retry-After` asked for (`null` without one) — when it is
 * longer than the time left, the client gives up at once rather than wait, and a caller may come back then.
 */
export class RetryExhausted extends SmashrunError {
  override readonly name = 'RetryExhausted';
  readonly code = SmashrunErrorCode.RetryExhausted;
  /** Requests sent, the first one included. */
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly method: HttpMethod;
  /** The path below the API base, with any token replaced by `{token}`. */
  readonly path: string;
  /** The last answer's body (secrets replaced), or `null` after a network failure. */
  readonly body: unknown;
  readonly retryAfterMs: number | null;

  constructor(init: {
    attempts: number;
    lastStatus: number | null;
    method: HttpMethod;
    path: string;
    body: unknown;
    retryAfterMs: number | null;
    why: string;
    cause?: NetworkError;
  }) {
    const last = init.lastStatus === null ? (init.cause?.message ?? 'network failure') : `status ${init.lastStatus}`;
    super(`${init.method} ${init.path}: gave up after ${init.attempts} attempt${init.attempts === 1 ? '' : 's'} (${init.why}); last: ${last}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.attempts = init.attempts;
    this.lastStatus = init.lastStatus;
    this.method = init.method;
    this.path = init.path;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * The request could not be sent or its answer not read (`network`), or no answer came within the timeout
 * (`timeout`). Both are retried like a dropped connection (a timeout is one, seen from the client), and end,
 * after the retries, as the `cause` of a {@link RetryExhausted} — or of an {@link OutcomeUnknown} for a
 * request that is not safe to repeat. The failure of the platform's `fetch` is summarised in the message
 * (with secrets replaced), not attached.
 */
export class NetworkError extends SmashrunError {
  override readonly name = 'NetworkError';
  readonly code: typeof SmashrunErrorCode.Network | typeof SmashrunErrorCode.Timeout;
  readonly method: HttpMethod;
  readonly path: string;

  constructor(code: typeof SmashrunErrorCode.Network | typeof SmashrunErrorCode.Timeout, init: { method: HttpMethod; path: string; detail: string }) {
    super(`${init.method} ${init.path}: ${init.detail}`);
    this.code = code;
    this.method = init.method;
    this.path = init.path;
  }
}

/**
 * A request that is not safe to send twice — an upload of a raw TCX, GPX or FIT file, which carries no
 * `externalId` for Smashrun to recognise a repeat by — failed in a way that leaves open whether Smashrun
 * processed it: the connection dropped or timed out after the request was sent (`lastStatus` `null`,
 * `cause` the {@link NetworkError}), or Smashrun answered a 5xx (`lastStatus`, `body`). The client does not
 * send it again: a repeat could store the run twice. Look at the runs (`search({ fromDate })`, or
 * `listActivities`) before uploading it again — or upload the converted Activity JSON, which is safe to
 * repeat. (A 429 says the request was not processed: it is retried as usual, so `attempts` may be above 1.)
 */
export class OutcomeUnknown extends SmashrunError {
  override readonly name = 'OutcomeUnknown';
  readonly code = SmashrunErrorCode.OutcomeUnknown;
  /** Requests sent, the first one included. */
  readonly attempts: number;
  /** The status of the answer behind the failure (a 5xx), or `null` when no whole answer came. */
  readonly lastStatus: number | null;
  readonly method: HttpMethod;
  /** The path below the API base. */
  readonly path: string;
  /** The answer's body (secrets replaced), or `null` after a network failure. */
  readonly body: unknown;

  constructor(init: { attempts: number; lastStatus: number | null; method: HttpMethod; path: string; body: unknown; cause?: NetworkError }) {
    const last = init.lastStatus === null ? (init.cause?.message ?? 'network failure') : `status ${init.lastStatus}`;
    super(
      `${init.method} ${init.path}: the outcome is unknown (${last}): Smashrun may have stored it; not sent again, since a repeat could store it twice`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.attempts = init.attempts;
    this.lastStatus = init.lastStatus;
    this.method = init.method;
    this.path = init.path;
    this.body = init.body;
  }
}

/**
 * A call refused before anything was sent: a field `patchActivity` cannot change, a `count` over 100, a
 * page, date, weight or id that is not one. `argument` names what was refused.
 */
export class LocalRefusal extends SmashrunError {
  override readonly name = 'LocalRefusal';
  readonly code = SmashrunErrorCode.RefusedLocally;
  /** The argument or field refused (`count`, `notes`, `activityId`…). */
  readonly argument: string;

  constructor(argument: string, message: string) {
    super(message);
    this.argument = argument;
  }
}

/**
 * Whether `e` is one of the client's errors — also one thrown by another copy of runjson, where
 * `instanceof` says no. Checks the name and a known code.
 */
export function isSmashrunError(e: unknown): e is SmashrunError {
  if (e instanceof SmashrunError) return true;
  if (e === null || typeof e !== 'object') return false;
  const x = e as { name?: unknown; code?: unknown };
  return typeof x.name === 'string' && NAMES.has(x.name) && typeof x.code === 'string' && CODES.has(x.code);
}

const NAMES = new Set(['ApiError', 'SmashrunRejected', 'AuthError', 'RetryExhausted', 'OutcomeUnknown', 'NetworkError', 'LocalRefusal']);
const CODES = new Set<string>(Object.values(SmashrunErrorCode));

/** A short view of an answer for a message: the OAuth or API error text when there is one, else the start. */
function summary(body: unknown): string {
  if (body === null || body === undefined || body === '') return '';
  let text: string;
  if (typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const said = [b.error, b.error_description, b.message].filter((v): v is string => typeof v === 'string');
    text = said.length > 0 ? said.join(': ') : JSON.stringify(body);
  } else {
    text = typeof body === 'string' ? body : JSON.stringify(body);
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text === '' ? '' : ` — ${text.length > 200 ? text.slice(0, 200) + '…' : text}`;
}
