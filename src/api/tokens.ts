/**
 * Where the client keeps its tokens, and when they are due for a refresh.
 *
 * The store is an interface so that a page can keep tokens in memory or session storage and the command
 * line in a file; the client reads it before each request (another process may have refreshed) and
 * writes it after each authorization and refresh. {@link MemoryTokenStore} is the default.
 */

/** The tokens of one authorization. */
export interface StoredTokens {
  /** The bearer token sent with each request. */
  accessToken: string;
  /** Absent for implicit-flow tokens (client id `client`), which cannot be refreshed. */
  refreshToken?: string;
  /** When the access token expires, epoch ms (absent when unknown). */
  expiresAt?: number;
  /** When the access token was issued, epoch ms: with `expiresAt`, gives its life (see {@link refreshDue}). */
  issuedAt?: number;
  /** The client id the token was issued to. */
  clientId: string;
}

/** Keeps the tokens between requests (and, for a persistent store, between runs). */
export interface TokenStore {
  /** The stored tokens, or `null` when there are none. */
  get(): Promise<StoredTokens | null>;
  /** Replaces the stored tokens. */
  set(tokens: StoredTokens): Promise<void>;
  /** Forgets the tokens. */
  clear(): Promise<void>;
}

/** A {@link TokenStore} in memory: the tokens last as long as the object. */
export class MemoryTokenStore implements TokenStore {
  // A private field (#): `console.log(store)` and `util.inspect` do not show it.
  #tokens: StoredTokens | null;

  /** @param initial - tokens to start with (e.g. a token pasted by the user). */
  constructor(initial: StoredTokens | null = null) {
    this.#tokens = initial === null ? null : { ...initial };
  }

  /** The stored tokens (a copy), or `null`. */
  get(): Promise<StoredTokens | null> {
    return Promise.resolve(this.#tokens === null ? null : { ...this.#tokens });
  }

  /** Replaces the stored tokens (with a copy). */
  set(tokens: StoredTokens): Promise<void> {
    this.#tokens = { ...tokens };
    return Promise.resolve();
  }

  /** Forgets the tokens. */
  clear(): Promise<void> {
    this.#tokens = null;
    return Promise.resolve();
  }
}

/** Smashrun's access tokens last 12 weeks (docs/smashrun-api.md): the life assumed when only `expiresAt` is known. */
export const TOKEN_LIFE_MS = 12 * 7 * 24 * 3600 * 1000;

/** The client id of the implicit flow for personal scripts and pages: its tokens have no refresh. */
export const IMPLICIT_CLIENT_ID = 'client';

/**
 * Whether a token is due for a refresh at `now`: once less than half its life is left (a 12-week token
 * after 6 weeks), so that a client that runs now and then never meets an expired token. The life is
 * `expiresAt − issuedAt` when both are known, else {@link TOKEN_LIFE_MS}. A token without `expiresAt`
 * is never due (it is refreshed on a 401).
 */
export function refreshDue(tokens: StoredTokens, now: number): boolean {
  if (tokens.expiresAt === undefined) return false;
  const life = tokens.issuedAt !== undefined && tokens.expiresAt > tokens.issuedAt ? tokens.expiresAt - tokens.issuedAt : TOKEN_LIFE_MS;
  return tokens.expiresAt - now < life / 2;
}

/** Whether the token has expired at `now` (unknown expiry: no). */
export function expired(tokens: StoredTokens, now: number): boolean {
  return tokens.expiresAt !== undefined && tokens.expiresAt <= now;
}

/** Whether the tokens can be refreshed at all: a refresh token, not of the implicit client id. */
export function refreshable(tokens: StoredTokens): boolean {
  return tokens.refreshToken !== undefined && tokens.refreshToken !== '' && tokens.clientId !== IMPLICIT_CLIENT_ID;
}
