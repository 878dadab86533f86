/**
 * Users, clients and credentials: minting codes and tokens, checking client secrets, and finding the
 * (user, client) a request's `Authorization` header belongs to. Codes and tokens are 32 random bytes in
 * base64url; the store keeps only their hashes.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HourlyLimit } from './faults.js';
import { HttpError } from './http.js';
import type { ResolvedSandboxOptions } from './options.js';
import { type CodeRecord, type Store, type TokenRecord, type UserRecord, hashSecret } from './store.js';

/** The user every flow uses unless told otherwise. */
export const DEFAULT_USER = 'runner';
/** The scope granted when a request names none. */
export const DEFAULT_SCOPE = 'read_activity write_activity';

/** A token minted for a test, as {@link Sandbox.issueToken} returns it. */
export interface IssuedToken {
  accessToken: string;
  /** null for implicit-flow tokens. */
  refreshToken: string | null;
  tokenType: 'bearer';
  /** Seconds. */
  expiresIn: number;
  userId: number;
  userName: string;
  clientId: string;
  scope: string;
}

/** Who a request is: its user and the token it came with. */
export interface Caller {
  user: UserRecord;
  token: TokenRecord;
}

/** Credentials over the store. */
export class Credentials {
  private readonly limit: HourlyLimit | null;

  constructor(
    private readonly store: Store,
    private readonly options: ResolvedSandboxOptions,
  ) {
    this.limit = options.implicitRequestsPerHour === null ? null : new HourlyLimit(options.implicitRequestsPerHour, options.now);
  }

  /** The user named `userName`, created when new. Returns it and whether it was created (to be saved). */
  user(userName: string = DEFAULT_USER): { user: UserRecord; created: boolean } {
    const found = this.store.userByName(userName);
    if (found !== undefined) return { user: found, created: false };
    const now = this.options.now();
    const id = this.store.takeUserId();
    const name = userName.replace(/[^\p{L}\p{N}]+/gu, ' ').trim() || 'Runner';
    const user: UserRecord = {
      id,
      userName,
      firstName: name.charAt(0).toUpperCase() + name.slice(1),
      lastName: 'Sandbox',
      registeredMs: now,
      lastRunDataUpdatedMs: now,
    };
    this.store.users.set(id, user);
    return { user, created: true };
  }

  /**
   * Whether `clientId` may use the sandbox with `secret` (`secret` undefined: only whether the id is
   * known, for the authorize endpoint). Without registered clients, any id with any non-empty secret.
   */
  clientOk(clientId: string, secret?: string): boolean {
    if (clientId === '') return false;
    const clients = this.options.clients;
    if (clients === null) return secret === undefined || secret !== '';
    const reg = clients.get(clientId);
    if (reg === undefined) return false;
    if (secret === undefined) return true;
    const a = Buffer.from(reg.secret);
    const b = Buffer.from(secret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Whether `clientId` is known to take the implicit flow (the public client `client` always is). */
  implicitClientOk(clientId: string): boolean {
    return clientId === 'client' || this.clientOk(clientId);
  }

  /**
   * Whether `redirectUri` is one the client registered (when it registered none: any absolute URI but a
   * `javascript:`, `data:`, `vbscript:` or `file:` one — http(s) and apps' own schemes such as `myapp://`).
   */
  redirectOk(clientId: string, redirectUri: string): boolean {
    if (!URL.canParse(redirectUri)) return false;
    if (/^(javascript|data|vbscript|file):$/i.test(new URL(redirectUri).protocol)) return false;
    const reg = this.options.clients?.get(clientId);
    return reg?.redirectUris === undefined || reg.redirectUris.includes(redirectUri);
  }

  /** Mints an authorization code. */
  code(user: UserRecord, clientId: string, redirectUri: string, scope: string): string {
    const code = secret();
    const rec: CodeRecord = { hash: hashSecret(code), userId: user.id, clientId, redirectUri, scope, expiresMs: this.options.now() + this.options.codeLifetimeS * 1000, used: false };
    this.store.codes.set(rec.hash, rec);
    this.dropStaleCodes();
    return code;
  }

  /** Mints an access token (and a refresh token unless `implicit` or `refresh: false`). */
  issue(user: UserRecord, clientId: string, scope: string, o: { implicit?: boolean; refresh?: boolean; lifetimeS?: number; grant?: string | null } = {}): IssuedToken {
    const now = this.options.now();
    const implicit = o.implicit ?? false;
    const lifetimeS = o.lifetimeS ?? (implicit ? this.options.implicitTokenLifetimeS : this.options.tokenLifetimeS);
    let refreshToken: string | null = null;
    let grant = o.grant ?? null;
    if (!implicit && (o.refresh ?? true)) {
      refreshToken = secret();
      grant = hashSecret(refreshToken);
      this.store.tokens.set(grant, { hash: grant, kind: 'refresh', userId: user.id, clientId, scope, issuedMs: now, expiresMs: null, revoked: false, implicit: false, grant });
    }
    const accessToken = secret();
    const hash = hashSecret(accessToken);
    this.store.tokens.set(hash, { hash, kind: 'access', userId: user.id, clientId, scope, issuedMs: now, expiresMs: now + lifetimeS * 1000, revoked: false, implicit, grant });
    return { accessToken, refreshToken, tokenType: 'bearer', expiresIn: Math.round(lifetimeS), userId: user.id, userName: user.userName, clientId, scope };
  }

  /** The live token `token` of `kind` (not revoked, not expired), or undefined. */
  live(token: string, kind: TokenRecord['kind']): TokenRecord | undefined {
    const rec = this.store.tokens.get(hashSecret(token));
    if (rec === undefined || rec.kind !== kind || rec.revoked) return undefined;
    if (rec.expiresMs !== null && rec.expiresMs <= this.options.now()) return undefined;
    return rec;
  }

  /** Revokes `token` (an access token; or a refresh token, with every access token of its grant). Returns whether it existed. */
  revoke(token: string): boolean {
    const rec = this.store.tokens.get(hashSecret(token));
    if (rec === undefined || rec.revoked) return false;
    rec.revoked = true;
    if (rec.kind === 'refresh') for (const t of this.store.tokens.values()) if (t.grant === rec.hash) t.revoked = true;
    return true;
  }

  /**
   * The caller of an API request, from `Authorization: Bearer <token>` (or `OAuth <token>`, which
   * passport-smashrun sends).
   *
   * @throws {HttpError} `401` for a missing, unknown, expired or revoked token; `429` past the hourly limit of an implicit token.
   */
  caller(req: IncomingMessage): Caller {
    const header = req.headers.authorization ?? '';
    const m = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
    const challenge = { 'www-authenticate': 'Bearer realm="runjson sandbox", error="invalid_token"' };
    if (m === null) {
      throw new HttpError(401, 'invalid_token', header === '' ? 'no access token: send Authorization: Bearer <token>' : 'the Authorization header is not Bearer <token>', {
        'www-authenticate': 'Bearer realm="runjson sandbox"',
      });
    }
    const token = this.live(m[1], 'access');
    if (token === undefined) throw new HttpError(401, 'invalid_token', 'the access token is unknown, expired or revoked', challenge);
    const user = this.store.users.get(token.userId);
    if (user === undefined) throw new HttpError(401, 'invalid_token', 'the access token belongs to no user', challenge);
    if (token.implicit && this.limit !== null) {
      const wait = this.limit.take(token.hash);
      if (wait !== null) throw new HttpError(429, 'rate_limited', 'this token has made its requests for the hour', { 'retry-after': String(wait) });
    }
    return { user, token };
  }

  /** Forgets codes that can no longer be exchanged. */
  private dropStaleCodes(): void {
    const now = this.options.now();
    for (const [hash, c] of this.store.codes) if (c.used || c.expiresMs <= now) this.store.codes.delete(hash);
  }
}

function secret(): string {
  return randomBytes(32).toString('base64url');
}
