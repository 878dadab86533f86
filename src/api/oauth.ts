/**
 * OAuth 2.0 as Smashrun speaks it (docs/smashrun-api.md, "Hosts and authentication"), without the
 * network: the authorization URL, reading the redirect back (code in the query, or an implicit token in
 * the fragment), and the token endpoint's form and answer. The client (`client.ts`) sends what these
 * build.
 *
 * Spec: RFC 6749 — §4.1 (code), §4.2 (implicit: the answer is in the fragment), §4.1.2.1 and §4.2.2.1
 * (error redirects), §5 (token answers), §10.12 (`state` against forged redirects).
 */
import { AuthError, LocalRefusal, SmashrunErrorCode } from './errors.js';
import type { StoredTokens } from './tokens.js';

/** `code`: the authorization code flow (a server with a client secret); `token`: the implicit flow. */
export type ResponseType = 'code' | 'token';

/** Both scopes runjson needs: reading runs and uploading them. */
export const DEFAULT_SCOPE = 'read_activity write_activity';

/** What {@link authorizeUrl} needs besides the client. */
export interface AuthorizeOptions {
  /** Where Smashrun sends the user back (registered with Smashrun for the client id). */
  redirectUri: string;
  responseType: ResponseType;
  /** Sent and expected back; default 128 random bits from `crypto.getRandomValues`. */
  state?: string;
  /** Default {@link DEFAULT_SCOPE}. */
  scope?: string;
}

/** An authorization URL and the state to check the redirect against (keep it, e.g. in the session). */
export interface AuthorizeUrl {
  url: string;
  state: string;
}

/**
 * The URL to send the user to: `{authBase}/oauth2/authenticate?client_id=…&scope=…&redirect_uri=…&response_type=…&state=…`.
 * Values are percent-encoded (a space as `%20`, as Smashrun's documentation writes the scope). The
 * client secret is never part of it.
 */
export function authorizeUrl(authBase: string, clientId: string, options: AuthorizeOptions): AuthorizeUrl {
  if (options.responseType !== 'code' && options.responseType !== 'token') {
    throw new LocalRefusal('responseType', `responseType must be 'code' or 'token', not ${String(options.responseType)}`);
  }
  if (typeof options.redirectUri !== 'string' || options.redirectUri === '') throw new LocalRefusal('redirectUri', 'redirectUri is required');
  const state = options.state ?? randomState();
  if (state === '') throw new LocalRefusal('state', 'state must not be empty');
  const params: [string, string][] = [
    ['client_id', clientId],
    ['scope', options.scope ?? DEFAULT_SCOPE],
    ['redirect_uri', options.redirectUri],
    ['response_type', options.responseType],
    ['state', state],
  ];
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return { url: `${trimSlash(authBase)}/oauth2/authenticate?${query}`, state };
}

/** 128 random bits from `crypto.getRandomValues`, as 32 hex digits. */
export function randomState(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** What a redirect carried once its state checked out. */
export type Redirect =
  | { flow: 'code'; code: string }
  | { flow: 'token'; answer: TokenAnswer };

/**
 * Reads the URL Smashrun redirected to: `?code=…&state=…` (code flow), `#access_token=…&state=…`
 * (implicit flow), or `error=…` in either place. Takes a whole URL, or just its query or fragment part
 * (`?code=…`, `#access_token=…`).
 *
 * The state is checked first: a redirect that carries a state other than `expectedState`, or a code or
 * token without one, is refused as forged. An error redirect without a state is reported as the error.
 *
 * @throws {AuthError} `state-mismatch`, `authorization-denied` (with `oauthError`, e.g. `access_denied`),
 * `bad-redirect` (neither code, token nor error).
 */
export function readRedirect(redirectedTo: string, expectedState: string): Redirect {
  if (typeof expectedState !== 'string' || expectedState === '') {
    throw new LocalRefusal('expectedState', 'expectedState is required: the state authorizeUrl returned');
  }
  const url = new URL(redirectedTo, 'http://redirect.invalid/');
  const query = url.searchParams;
  const fragment = new URLSearchParams(url.hash.startsWith('#') ? url.hash.slice(1) : url.hash);
  const get = (name: string): string | null => fragment.get(name) ?? query.get(name);

  const state = get('state');
  const error = get('error');
  if (state !== null ? state !== expectedState : error === null) {
    throw new AuthError(SmashrunErrorCode.StateMismatch, state === null ? 'the redirect carries no state: it may be forged' : 'the redirect carries another state than the one sent: it may be forged');
  }
  if (error !== null) {
    const description = get('error_description');
    throw new AuthError(SmashrunErrorCode.AuthorizationDenied, `Smashrun did not authorize the client: ${shown(error)}${description === null ? '' : ` (${shown(description)})`}`, {
      oauthError: shown(error),
    });
  }
  const accessToken = fragment.get('access_token');
  if (accessToken !== null && accessToken !== '') {
    return { flow: 'token', answer: answerFrom(accessToken, fragment.get('refresh_token'), fragment.get('expires_in'), fragment.get('scope')) };
  }
  const code = query.get('code');
  if (code !== null && code !== '') return { flow: 'code', code };
  throw new AuthError(SmashrunErrorCode.BadRedirect, 'the redirect carries neither an authorization code, an access token nor an error');
}

/** A token endpoint's answer, or an implicit redirect's fragment, read. */
export interface TokenAnswer {
  accessToken: string;
  refreshToken: string | undefined;
  expiresInSeconds: number | undefined;
  scope: string | undefined;
}

/**
 * Reads a token endpoint's JSON answer (`access_token`, `expires_in`, `refresh_token`?, `scope`?);
 * `null` when it has no access token.
 */
export function readTokenAnswer(body: unknown): TokenAnswer | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.access_token !== 'string' || b.access_token === '') return null;
  const refresh = typeof b.refresh_token === 'string' ? b.refresh_token : null;
  const expiresIn = typeof b.expires_in === 'number' || typeof b.expires_in === 'string' ? String(b.expires_in) : null;
  return answerFrom(b.access_token, refresh, expiresIn, typeof b.scope === 'string' ? b.scope : null);
}

/**
 * The tokens to store after an answer at `now`. A refresh answer without a refresh token keeps the
 * previous one (Smashrun's own sample answer has none: the refresh token stays valid).
 */
export function tokensFrom(answer: TokenAnswer, clientId: string, now: number, previous: StoredTokens | null = null): StoredTokens {
  const t: StoredTokens = { accessToken: answer.accessToken, clientId, issuedAt: now };
  const refreshToken = answer.refreshToken ?? previous?.refreshToken;
  if (refreshToken !== undefined) t.refreshToken = refreshToken;
  if (answer.expiresInSeconds !== undefined) t.expiresAt = now + answer.expiresInSeconds * 1000;
  return t;
}

/** The form of a token request (`application/x-www-form-urlencoded`). */
export function tokenForm(fields: Record<string, string | undefined>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
  return form;
}

/** The OAuth `error` and `error_description` of a token endpoint's error answer, where it has them. */
export function oauthErrorOf(body: unknown): { error?: string; description?: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  const out: { error?: string; description?: string } = {};
  if (typeof b.error === 'string') out.error = shown(b.error);
  if (typeof b.error_description === 'string') out.description = shown(b.error_description);
  return out;
}

function answerFrom(accessToken: string, refreshToken: string | null, expiresIn: string | null, scope: string | null): TokenAnswer {
  const seconds = expiresIn === null ? NaN : Number(expiresIn);
  return {
    accessToken,
    refreshToken: refreshToken === null || refreshToken === '' ? undefined : refreshToken,
    expiresInSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : undefined,
    scope: scope ?? undefined,
  };
}

/** Text from a redirect or an answer, for a message: printable, and short. */
function shown(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > 200 ? clean.slice(0, 200) + '…' : clean;
}

/** `base` without trailing slashes. */
export function trimSlash(base: string): string {
  return base.replace(/\/+$/, '');
}
