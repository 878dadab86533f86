/**
 * OAuth 2.0 as Smashrun serves it (docs/smashrun-api.md, "Hosts and authentication"): the authorize
 * endpoint (consent page, code and implicit flows), the token endpoint (code exchange, refresh), and the
 * token status and revoke endpoints under `/v1/auth/{token}`.
 *
 * Errors follow RFC 6749: an authorize request that names no valid client or redirect URI gets an error
 * page (never a redirect to an unchecked URI); any other authorize error goes back to the app as
 * `error=…&state=…`; the token endpoint answers `400 {"error", "error_description"}` (`401` with a
 * `WWW-Authenticate` challenge when HTTP Basic credentials fail, §5.2).
 */
import { authorizeErrorPage, type AuthorizeRequest, consentPage } from './pages.js';
import { type Ctx, MAX_SMALL_BODY } from './context.js';
import { HttpError, type Reply, empty, html, json, parseForm, readBody, redirect } from './http.js';
import { hashSecret } from './store.js';
import { DEFAULT_SCOPE, DEFAULT_USER } from './tokens.js';

/** `GET /oauth2/authenticate`: the consent page, or (auto-approve) the redirect at once. */
export function authorizeGet(ctx: Ctx): Reply {
  const q = ctx.url.searchParams;
  const r = authorizeRequest(ctx, q);
  if (!('clientId' in r)) return r;
  if (ctx.options.autoApprove) return approve(ctx, r, q.get('user') ?? DEFAULT_USER);
  return html(200, consentPage(r, q.get('user') ?? DEFAULT_USER));
}

/** `POST /oauth2/authenticate`: the consent form, allowed or denied. */
export async function authorizePost(ctx: Ctx): Promise<Reply> {
  const form = parseForm(ctx.req, await readBody(ctx.req, MAX_SMALL_BODY));
  const r = authorizeRequest(ctx, form);
  if (!('clientId' in r)) return r;
  const decision = form.get('decision');
  if (decision === 'deny') return redirect(back(r, { error: 'access_denied', error_description: 'the user denied access' }));
  if (decision !== 'allow') return html(400, authorizeErrorPage('The form was posted without a decision: choose Allow or Deny.'));
  const user = (form.get('user') ?? '').trim();
  return approve(ctx, r, user === '' ? DEFAULT_USER : user);
}

/**
 * The request's parameters, checked in RFC 6749's order: the client and the redirect URI first (an error
 * page when either is wrong), then the response type (an error sent back to the app).
 */
function authorizeRequest(ctx: Ctx, q: URLSearchParams): AuthorizeRequest | Reply {
  const clientId = q.get('client_id') ?? '';
  const redirectUri = q.get('redirect_uri') ?? '';
  const responseType = q.get('response_type') ?? '';
  if (clientId === '') return html(400, authorizeErrorPage('The request names no client_id.'));
  const implicit = responseType === 'token';
  if (!(implicit ? ctx.creds.implicitClientOk(clientId) : ctx.creds.clientOk(clientId))) {
    return html(400, authorizeErrorPage(`The client '${clientId}' is not registered with this sandbox.`));
  }
  if (redirectUri === '') return html(400, authorizeErrorPage('The request names no redirect_uri.'));
  if (!ctx.creds.redirectOk(clientId, redirectUri)) {
    return html(400, authorizeErrorPage(`The redirect_uri is not an absolute URI registered for the client '${clientId}'.`));
  }
  const scope = (q.get('scope') ?? '').trim() || DEFAULT_SCOPE;
  const r: AuthorizeRequest = { clientId, redirectUri, responseType, scope, state: q.get('state') };
  if (responseType !== 'code' && responseType !== 'token') {
    return redirect(back(r, { error: 'unsupported_response_type', error_description: "response_type must be 'code' or 'token'" }));
  }
  return r;
}

/** The user allowed: a code (code flow) or a token (implicit flow) goes back to the app. */
function approve(ctx: Ctx, r: AuthorizeRequest, userName: string): Reply {
  const { user } = ctx.creds.user(userName);
  if (r.responseType === 'token') {
    const t = ctx.creds.issue(user, r.clientId, r.scope, { implicit: true });
    ctx.store.save();
    return redirect(back(r, { access_token: t.accessToken, token_type: 'bearer', expires_in: String(t.expiresIn) }));
  }
  const code = ctx.creds.code(user, r.clientId, r.redirectUri, r.scope);
  ctx.store.save();
  return redirect(back(r, { code }));
}

/**
 * The redirect URI with `params` and the state: in the query for the code flow, in the fragment for the
 * implicit flow (RFC 6749 §4.2.2), where the token stays in the browser.
 */
function back(r: AuthorizeRequest, params: Record<string, string>): string {
  const u = new URL(r.redirectUri);
  const all = r.state === null ? params : { ...params, state: r.state };
  if (r.responseType === 'token') u.hash = new URLSearchParams(all).toString();
  else for (const [k, v] of Object.entries(all)) u.searchParams.append(k, v);
  return u.toString();
}

/** `POST /oauth2/token`: exchanges a code, or a refresh token, for an access token. */
export async function tokenEndpoint(ctx: Ctx): Promise<Reply> {
  const form = parseForm(ctx.req, await readBody(ctx.req, MAX_SMALL_BODY));
  const clientId = client(ctx, form);
  const grant = form.get('grant_type');
  if (grant === null || grant === '') throw tokenError('invalid_request', 'grant_type is missing');
  const now = ctx.options.now();
  if (grant === 'authorization_code') {
    const code = form.get('code');
    if (code === null || code === '') throw tokenError('invalid_request', 'code is missing');
    const rec = ctx.store.codes.get(hashSecret(code));
    if (rec === undefined || rec.used || rec.expiresMs <= now) throw tokenError('invalid_grant', 'the code is unknown, used or expired');
    if (rec.clientId !== clientId) throw tokenError('invalid_grant', 'the code was issued to another client');
    const redirectUri = form.get('redirect_uri');
    // Not required at exchange; when sent, it must be the one the code was issued for.
    if (redirectUri !== null && redirectUri !== '' && redirectUri !== rec.redirectUri) throw tokenError('invalid_grant', 'redirect_uri differs from the one the code was issued for');
    rec.used = true;
    const user = ctx.store.users.get(rec.userId);
    if (user === undefined) throw tokenError('invalid_grant', 'the code belongs to no user');
    const t = ctx.creds.issue(user, clientId, rec.scope);
    ctx.store.save();
    return tokenAnswer(t.accessToken, t.expiresIn, t.refreshToken);
  }
  if (grant === 'refresh_token') {
    // Some clients send the refresh token as `code`.
    const refresh = form.get('refresh_token') || form.get('code');
    if (refresh === null || refresh === '') throw tokenError('invalid_request', 'refresh_token is missing');
    const rec = ctx.creds.live(refresh, 'refresh');
    if (rec === undefined) throw tokenError('invalid_grant', 'the refresh token is unknown or revoked');
    if (rec.clientId !== clientId) throw tokenError('invalid_grant', 'the refresh token was issued to another client');
    const user = ctx.store.users.get(rec.userId);
    if (user === undefined) throw tokenError('invalid_grant', 'the refresh token belongs to no user');
    if (ctx.options.rotateRefreshTokens) {
      rec.revoked = true;
      const t = ctx.creds.issue(user, clientId, rec.scope);
      ctx.store.save();
      return tokenAnswer(t.accessToken, t.expiresIn, t.refreshToken);
    }
    const t = ctx.creds.issue(user, clientId, rec.scope, { refresh: false, grant: rec.hash });
    ctx.store.save();
    return tokenAnswer(t.accessToken, t.expiresIn, null);
  }
  throw tokenError('unsupported_grant_type', "grant_type must be 'authorization_code' or 'refresh_token'");
}

/**
 * The client of a token request, from HTTP Basic or from the body (`client_id`, `client_secret`).
 *
 * @throws {HttpError} `invalid_client`: `401` with a challenge for Basic credentials, `400` for the body's.
 */
function client(ctx: Ctx, form: URLSearchParams): string {
  const auth = ctx.req.headers.authorization ?? '';
  const basic = /^Basic\s+(\S+)\s*$/i.exec(auth);
  if (basic !== null) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = colon < 0 ? '' : formDecode(decoded.slice(0, colon));
    const secret = colon < 0 ? '' : formDecode(decoded.slice(colon + 1));
    const bodyId = form.get('client_id');
    if (!ctx.creds.clientOk(id, secret) || (bodyId !== null && bodyId !== '' && bodyId !== id)) {
      throw new HttpError(401, 'invalid_client', 'the client credentials are not valid', { 'www-authenticate': 'Basic realm="runjson sandbox"' });
    }
    return id;
  }
  const id = form.get('client_id') ?? '';
  if (id === '') throw tokenError('invalid_client', 'no client credentials: send client_id and client_secret, or HTTP Basic');
  if (!ctx.creds.clientOk(id, form.get('client_secret') ?? '')) throw tokenError('invalid_client', 'the client credentials are not valid');
  return id;
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function tokenAnswer(accessToken: string, expiresIn: number, refreshToken: string | null): Reply {
  const body: Record<string, unknown> = { access_token: accessToken, token_type: 'bearer', expires_in: expiresIn };
  if (refreshToken !== null) body.refresh_token = refreshToken;
  return json(200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
}

function tokenError(error: string, description: string): HttpError {
  return new HttpError(400, error, description, { 'cache-control': 'no-store' });
}

/** `GET /v1/auth/{token}`: a live access token's details; `404` when it is unknown, expired or revoked. */
export function tokenStatus(ctx: Ctx): Reply {
  const rec = ctx.creds.live(ctx.params.token, 'access');
  if (rec === undefined) throw new HttpError(404, 'not_found', 'the token is unknown, expired or revoked');
  const expiresIn = Math.max(0, Math.floor(((rec.expiresMs as number) - ctx.options.now()) / 1000));
  return json(200, { token: ctx.params.token, expiresIn, scope: rec.scope, clientId: rec.clientId }, { 'cache-control': 'no-store' });
}

/** `DELETE /v1/auth/{token}`: revokes an access token (or a refresh token and the access tokens of its grant). */
export function tokenRevoke(ctx: Ctx): Reply {
  if (!ctx.creds.revoke(ctx.params.token)) throw new HttpError(404, 'not_found', 'the token is unknown or already revoked');
  ctx.store.save();
  return empty(204);
}
