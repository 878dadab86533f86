/**
 * The pages `runjson login` shows in the browser: the callback page of the implicit flow, whose one small
 * script hands the URL fragment (where Smashrun puts the token, RFC 6749 §4.2.2) to the loopback listener,
 * and the page that says how the sign-in ended. No page ever holds a token, a code or the secret: the
 * callback page is the same static text for everyone, and the result page shows only a name and a message.
 */
import { createHash } from 'node:crypto';

/** The name of the form field that carries the fragment back to the listener. */
export const FRAGMENT_FIELD = 'fragment';

/**
 * The callback page's script. It first takes the fragment out of the address bar (so the token is not left
 * in the tab's history), then posts it as an ordinary form to the same path: a form post navigates to the
 * listener's answer, so the result page is a page of its own and no HTML is built in the browser.
 */
const CALLBACK_SCRIPT = `(function () {
  var fragment = location.hash.replace(/^#/, '');
  history.replaceState(null, '', location.pathname);
  var form = document.createElement('form');
  form.method = 'POST';
  form.action = location.pathname;
  var field = document.createElement('input');
  field.type = 'hidden';
  field.name = '${FRAGMENT_FIELD}';
  field.value = fragment;
  form.appendChild(field);
  document.body.appendChild(form);
  form.submit();
})();`;

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}h1{font-size:1.3rem}.note{color:#666;font-size:.9rem}';

/**
 * The Content-Security-Policy of the pages: nothing loads from anywhere, the one inline script is allowed by
 * its hash (so no other script could run even if text were ever injected), and forms post only back to the
 * listener.
 */
export const PAGE_CSP = `default-src 'none'; script-src 'sha256-${createHash('sha256').update(CALLBACK_SCRIPT).digest('base64')}'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

/**
 * The page the browser lands on in the implicit flow: it posts the fragment to the listener. Served with
 * `Referrer-Policy: same-origin`, not `no-referrer`: under `no-referrer` a browser sends `Origin: null`
 * with a form's post, and the listener could no longer tell its own page from another site's.
 */
export function callbackPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>runjson: signing in…</title><style>${STYLE}</style></head>
<body>
  <h1>Signing in to runjson…</h1>
  <noscript><p>This page needs JavaScript to hand the sign-in to runjson in your terminal. Without it, get a
  token from Smashrun's API explorer and run <code>runjson login --token -</code>.</p></noscript>
  <script>${CALLBACK_SCRIPT}</script>
</body>
</html>
`;
}

/** The page that ends the sign-in: `ok` true when runjson is signed in. `message` is plain text. */
export function resultPage(ok: boolean, title: string, message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>runjson: ${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
  <h1>${escapeHtml(title)}</h1>
  <p>${escapeHtml(message)}</p>
  <p class="note">${ok ? 'You can close this page and go back to the terminal.' : 'Go back to the terminal: runjson says there what to do next.'}</p>
</body>
</html>
`;
}

/** Text for HTML, every character that could open markup escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
