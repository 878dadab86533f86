/**
 * The client's tokens in use: the bearer token for the next request (refreshed ahead of expiry), the one
 * refresh after a 401, the code exchange and the refresh at the token endpoint. One refresh at a time:
 * requests that find the token due, or meet a 401, together wait for the same refresh.
 *
 * Every token and code that passes through is added to the client's {@link Secrets}, so that no error
 * can show it.
 */
import type { Clock } from './clock.js';
import { ApiError, type AuthErrorCode, AuthError, isSmashrunError, SmashrunErrorCode } from './errors.js';
import { oauthErrorOf, readTokenAnswer, type TokenAnswer, tokenForm, tokensFrom, trimSlash } from './oauth.js';
import type { Secrets } from './secrets.js';
import { expired, refreshable, refreshDue, type StoredTokens, type TokenStore } from './tokens.js';
import type { Transport } from './transport.js';

/** What an authorization or refresh gave, without the tokens themselves (safe to log). */
export interface AuthorizationResult {
  /** How the token came: the code flow, the implicit flow, a refresh, or {@link Authorizer.setToken}. */
  flow: 'code' | 'token' | 'refresh' | 'set';
  /** When the access token expires, epoch ms, where known. */
  expiresAt: number | undefined;
  /** Whether the client can refresh it (a refresh token, and a client secret to send with it). */
  refreshable: boolean;
  /** The scope the token endpoint or redirect named, where it named one. */
  scope: string | undefined;
}

/** What {@link Authorizer} needs. */
export interface AuthorizerOptions {
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly authBase: string;
  readonly store: TokenStore;
  readonly secrets: Secrets;
  readonly clock: Clock;
  readonly transport: Transport;
}

/** After a failed refresh ahead of expiry (the token still valid), the next try waits this long. */
const AHEAD_RETRY_MS = 10 * 60 * 1000;

/** Holds the token logic of one client. */
export class Authorizer {
  readonly #o: AuthorizerOptions;
  #refreshing: Promise<StoredTokens> | null = null;
  /** No refresh ahead of expiry before this time (epoch ms): the last one failed. */
  #aheadBlockedUntil = -Infinity;

  constructor(options: AuthorizerOptions) {
    this.#o = options;
    options.secrets.add(options.clientSecret);
  }

  /**
   * The access token for the next request. A token past half its life is refreshed first; if that
   * refresh fails while the token is still valid, the token is used and no refresh ahead is tried again
   * for 10 minutes.
   *
   * @throws {AuthError} `no-token`; `token-expired` (expired, and no refresh possible); `refresh-failed`
   * (expired, and the refresh failed).
   */
  async bearer(signal?: AbortSignal): Promise<string> {
    const t = await this.load();
    if (t === null) throw new AuthError(SmashrunErrorCode.NoToken, 'no token is stored: authorize the client first (authorizeUrl, completeAuthorization) or set a token');
    const now = this.#o.clock.now();
    const isExpired = expired(t, now);
    if (refreshDue(t, now) && this.canRefresh(t) && (isExpired || now >= this.#aheadBlockedUntil)) {
      try {
        return (await this.refreshShared(signal)).accessToken;
      } catch (e) {
        if (isExpired || !isSmashrunError(e)) throw e;
        this.#aheadBlockedUntil = this.#o.clock.now() + AHEAD_RETRY_MS;
        return t.accessToken;
      }
    }
    if (isExpired) throw new AuthError(SmashrunErrorCode.TokenExpired, 'the stored token has expired and cannot be refreshed: authorize again');
    return t.accessToken;
  }

  /**
   * After a 401 to a request sent with `used`: the token to try once more — the stored one if another
   * request has refreshed meanwhile, else a refreshed one.
   *
   * @throws {AuthError} `unauthorized` when the token cannot be refreshed; `refresh-failed`.
   */
  async afterUnauthorized(used: string, signal?: AbortSignal): Promise<string> {
    const t = await this.load();
    if (t === null) throw new AuthError(SmashrunErrorCode.NoToken, 'no token is stored: authorize the client first');
    if (t.accessToken !== used) return t.accessToken;
    if (!this.canRefresh(t)) throw new AuthError(SmashrunErrorCode.Unauthorized, 'Smashrun refused the token (401), and it cannot be refreshed: authorize again', { status: 401 });
    return (await this.refreshShared(signal)).accessToken;
  }

  /**
   * Refreshes the token now (joining a refresh under way). The answer's refresh token replaces the
   * stored one; an answer without one keeps it.
   *
   * @throws {AuthError} `no-token`, `refresh-failed` (no refresh token, no client secret, or the token
   * endpoint refused or could not be reached: the cause says which).
   */
  async refresh(signal?: AbortSignal): Promise<AuthorizationResult> {
    const t = await this.refreshShared(signal);
    return this.result('refresh', t, undefined);
  }

  /**
   * Exchanges an authorization code for tokens and stores them.
   *
   * @param redirectUri - sent when given (Smashrun does not require it at exchange).
   * @throws {AuthError} `exchange-failed`.
   */
  async exchangeCode(code: string, redirectUri: string | undefined, signal?: AbortSignal): Promise<AuthorizationResult> {
    this.#o.secrets.add(code);
    const { clientId, clientSecret } = this.#o;
    const answer = await this.tokenRequest(
      SmashrunErrorCode.ExchangeFailed,
      { grant_type: 'authorization_code', code, client_id: clientId, client_secret: clientSecret, redirect_uri: redirectUri },
      signal,
    );
    const t = tokensFrom(answer, clientId, this.#o.clock.now());
    await this.save(t);
    return this.result('code', t, answer.scope);
  }

  /** Stores the token of an implicit-flow redirect. */
  async acceptImplicit(answer: TokenAnswer): Promise<AuthorizationResult> {
    this.#o.secrets.add(answer.accessToken);
    this.#o.secrets.add(answer.refreshToken);
    const t = tokensFrom(answer, this.#o.clientId, this.#o.clock.now());
    await this.save(t);
    return this.result('token', t, answer.scope);
  }

  /** Stores a token obtained elsewhere (pasted by the user, kept by another program). */
  async setToken(t: StoredTokens): Promise<AuthorizationResult> {
    await this.save(t);
    return this.result('set', t, undefined);
  }

  /** The stored tokens, their secrets registered. */
  async load(): Promise<StoredTokens | null> {
    const t = await this.#o.store.get();
    if (t !== null) {
      this.#o.secrets.add(t.accessToken);
      this.#o.secrets.add(t.refreshToken);
    }
    return t;
  }

  private async save(t: StoredTokens): Promise<void> {
    this.#o.secrets.add(t.accessToken);
    this.#o.secrets.add(t.refreshToken);
    await this.#o.store.set(t);
  }

  private canRefresh(t: StoredTokens): boolean {
    return refreshable(t) && this.#o.clientSecret !== undefined;
  }

  private result(flow: AuthorizationResult['flow'], t: StoredTokens, scope: string | undefined): AuthorizationResult {
    return { flow, expiresAt: t.expiresAt, refreshable: this.canRefresh(t), scope };
  }

  /** One refresh for all who need one now; each waiter may stop waiting on its own signal. */
  private refreshShared(signal?: AbortSignal): Promise<StoredTokens> {
    if (this.#refreshing === null) {
      // Not tied to the first caller's signal: the others wait on it too, and a token once obtained is stored.
      this.#refreshing = this.refreshNow().finally(() => {
        this.#refreshing = null;
      });
    }
    return untilAborted(this.#refreshing, signal);
  }

  private async refreshNow(): Promise<StoredTokens> {
    const t = await this.load();
    if (t === null) throw new AuthError(SmashrunErrorCode.NoToken, 'no token is stored: authorize the client first');
    if (!refreshable(t)) {
      throw new AuthError(SmashrunErrorCode.RefreshFailed, 'the token cannot be refreshed: it has no refresh token (tokens of the implicit flow, client id "client", never have one)');
    }
    if (this.#o.clientSecret === undefined) throw new AuthError(SmashrunErrorCode.RefreshFailed, 'a refresh needs the client secret, and the client has none');
    const answer = await this.tokenRequest(SmashrunErrorCode.RefreshFailed, {
      grant_type: 'refresh_token',
      refresh_token: t.refreshToken,
      client_id: this.#o.clientId,
      client_secret: this.#o.clientSecret,
    });
    // Stored under the client id that refreshed it; the old refresh token is kept when the answer has none.
    const next = tokensFrom(answer, this.#o.clientId, this.#o.clock.now(), t);
    await this.save(next);
    return next;
  }

  /** POSTs the form to the token endpoint and reads the answer. */
  private async tokenRequest(code: AuthErrorCode, fields: Record<string, string | undefined>, signal?: AbortSignal): Promise<TokenAnswer> {
    const what = code === SmashrunErrorCode.RefreshFailed ? 'refresh' : 'code exchange';
    const path = '/oauth2/token';
    let answer;
    try {
      answer = await this.#o.transport.send({
        method: 'POST',
        url: `${trimSlash(this.#o.authBase)}${path}`,
        shownPath: path,
        // Sending it twice makes nothing twice: a code is exchanged once (a repeat is refused), and a refresh
        // only mints another access token.
        idempotent: true,
        headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: tokenForm(fields),
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      if (!isSmashrunError(e)) throw e;
      throw new AuthError(code, `the token ${what} failed: ${e.message}`, { cause: e });
    }
    if (answer.status !== 200) {
      const body = this.#o.transport.errorBody(answer);
      const said = oauthErrorOf(body);
      const cause = new ApiError(SmashrunErrorCode.Http, { status: answer.status, method: 'POST', path, body });
      throw new AuthError(code, `the token endpoint refused the ${what} (${answer.status}${said.error ? ` ${said.error}` : ''}${said.description ? `: ${said.description}` : ''})`, {
        status: answer.status,
        ...(said.error ? { oauthError: said.error } : {}),
        cause,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      parsed = null;
    }
    const read = readTokenAnswer(parsed);
    if (read === null) throw new AuthError(code, `the token endpoint's answer to the ${what} has no access_token`, { status: answer.status });
    this.#o.secrets.add(read.accessToken);
    this.#o.secrets.add(read.refreshToken);
    return read;
  }
}

/** `p`, or the signal's reason as soon as it aborts (`p` goes on). */
function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
