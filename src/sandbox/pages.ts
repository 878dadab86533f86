/**
 * The sandbox's pages: its home page, and those of the authorize endpoint — the consent page
 * (Allow / Deny) and the error page for a request that cannot be sent back to its app. Plain HTML with one form that posts back to the same path, so an
 * HTTP client playing the browser can read the hidden fields, post them with `decision=allow`, and follow
 * the `302`. Everything shown comes from the request and is escaped; no secret is ever on a page.
 */
import { escapeHtml } from './http.js';

/** The authorize request, as the consent form carries it back. */
export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  responseType: string;
  scope: string;
  state: string | null;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}code{background:#f3f3f3;padding:0 .2em}label{display:block;margin:1rem 0}
button{font-size:1rem;padding:.4rem 1.2rem;margin-right:.6rem}.note{color:#666;font-size:.85rem}`;

/** The consent page: who asks, for what, as which user; Allow and Deny post the form back. */
export function consentPage(r: AuthorizeRequest, userName: string): string {
  const hidden = (name: string, value: string | null): string =>
    value === null ? '' : `    <input type="hidden" name="${name}" value="${escapeHtml(value)}">\n`;
  const scopes = r.scope
    .split(/\s+/)
    .filter((s) => s !== '')
    .map((s) => `<li><code>${escapeHtml(s)}</code></li>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>runjson sandbox: authorize ${escapeHtml(r.clientId)}</title><style>${STYLE}</style></head>
<body>
  <h1>Authorize <code>${escapeHtml(r.clientId)}</code></h1>
  <p>The app <code>${escapeHtml(r.clientId)}</code> asks to use this account:</p>
  <ul>${scopes}</ul>
  <form method="post" action="/oauth2/authenticate">
${hidden('client_id', r.clientId)}${hidden('redirect_uri', r.redirectUri)}${hidden('response_type', r.responseType)}${hidden('scope', r.scope)}${hidden('state', r.state)}    <label>Sign in as <input type="text" name="user" value="${escapeHtml(userName)}" autocomplete="off"></label>
    <button type="submit" name="decision" value="allow">Allow</button>
    <button type="submit" name="decision" value="deny">Deny</button>
  </form>
  <p class="note">runjson sandbox: a stand-in for Smashrun on this machine. Allow sends you back to
  <code>${escapeHtml(r.redirectUri)}</code>.</p>
</body>
</html>
`;
}

/** The page for an authorize request that names no valid client or redirect URI: nothing is sent back to the app. */
export function authorizeErrorPage(message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>runjson sandbox: cannot authorize</title><style>${STYLE}</style></head>
<body>
  <h1>This authorization request cannot be completed</h1>
  <p>${escapeHtml(message)}</p>
  <p class="note">runjson sandbox: the app is not told, because the request does not say where to send it safely.</p>
</body>
</html>
`;
}

/** `GET /`: what the sandbox is and where its endpoints are, for a person who opens its URL. */
export function homePage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>runjson sandbox</title><style>${STYLE}</style></head>
<body>
  <h1>runjson sandbox</h1>
  <p>A stand-in for Smashrun's API on this machine, for testing Smashrun clients and uploaders.</p>
  <ul>
    <li>API base: <code>/v1</code> (e.g. <code>GET /v1/my/userinfo</code>, <code>POST /v1/my/activities</code>)</li>
    <li>Authorize: <code>/oauth2/authenticate</code></li>
    <li>Token: <code>/oauth2/token</code></li>
  </ul>
</body>
</html>
`;
}
