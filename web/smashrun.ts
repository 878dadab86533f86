/**
 * The page's way to Smashrun: the implicit flow with the client id `client` (Smashrun's flow for
 * JavaScript pages) in a popup whose redirect is this same page, the token kept for the tab only
 * (sessionStorage), and uploads through runjson's client with its limiter and retries.
 *
 * A popup, not a redirect of the page itself: the runs on the page stay where they are while the runner
 * signs in. The popup lands on this page with the answer in its fragment, hands it to the page that opened
 * it (same origin only) and closes.
 */
import {
  AuthError,
  IMPLICIT_CLIENT_ID,
  NetworkError,
  RetryExhausted,
  SmashrunClient,
  SmashrunError,
  SmashrunRejected,
  type StoredTokens,
  type TokenStore,
} from '../src/api/index.js';

/** Where the page sends runs: Smashrun, or a sandbox (`runjson web --api-base`). */
export interface PageConfig {
  apiBase: string;
  authBase: string;
}

export const SMASHRUN: PageConfig = { apiBase: 'https://api.smashrun.com/v1', authBase: 'https://secure.smashrun.com' };

const TOKEN_KEY = 'runjson.smashrun.token';
const STATE_KEY = 'runjson.smashrun.state';
const MESSAGE = 'runjson-oauth-redirect';

/** The token in the tab's sessionStorage: gone when the tab closes. */
export class SessionTokenStore implements TokenStore {
  async get(): Promise<StoredTokens | null> {
    const text = sessionStorage.getItem(TOKEN_KEY);
    if (text === null) return null;
    try {
      return JSON.parse(text) as StoredTokens;
    } catch {
      return null;
    }
  }
  async set(tokens: StoredTokens): Promise<void> {
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify(tokens));
  }
  async clear(): Promise<void> {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

/**
 * When this page was opened as the sign-in popup and has come back with Smashrun's answer: hands the
 * answer to the page that opened it and closes. True when it did (the page then shows nothing else).
 */
export function handOverRedirect(): boolean {
  if (!/^#(.*&)?(access_token|error)=/.test(location.hash)) return false;
  const url = location.href;
  // The token leaves the address at once: not in the history, not in a bookmark.
  history.replaceState(null, '', location.pathname + location.search);
  const opener = window.opener as Window | null;
  if (opener !== null) {
    opener.postMessage({ type: MESSAGE, url }, location.origin);
    window.close();
  } else {
    document.title = 'runjson — sign-in finished';
    document.body.replaceChildren(Object.assign(document.createElement('p'), { textContent: 'Smashrun answered, but the page that asked for the sign-in is gone. Close this window and connect again from runjson’s page.' }));
  }
  return true;
}

/** What happened to one run sent. */
export type SendStatus = 'sent' | 'updated' | 'already-sent' | 'rejected' | 'failed';
export interface SendOutcome {
  status: SendStatus;
  activityId?: string;
  url?: string;
  /** rejected: Smashrun's validations, verbatim. */
  validations?: unknown;
  /** failed: why. */
  reason?: string;
}

/** What was sent from this browser: externalId → Smashrun's id and a hash of the bytes sent. */
interface SentEntry {
  activityId: string;
  sha256: string;
}

/** The account the page sends to. */
export class Connection {
  readonly config: PageConfig;
  readonly client: SmashrunClient;
  #user: Promise<{ id: string; userName: string | undefined } | null> | undefined;

  constructor(config: PageConfig) {
    this.config = config;
    this.client = new SmashrunClient({ clientId: IMPLICIT_CLIENT_ID, apiBase: config.apiBase, authBase: config.authBase, tokens: new SessionTokenStore() });
  }

  /** Whether the tab holds a token. */
  async connected(): Promise<boolean> {
    return sessionStorage.getItem(TOKEN_KEY) !== null;
  }

  /**
   * Opens Smashrun's sign-in in a popup and resolves once the token is kept (or rejects: the runner
   * denied, closed the popup, or the popup was blocked).
   */
  connect(): Promise<void> {
    this.#user = undefined;
    const redirectUri = location.origin + location.pathname;
    const { url, state } = this.client.authorizeUrl({ redirectUri, responseType: 'token' });
    sessionStorage.setItem(STATE_KEY, state);
    const popup = window.open(url, 'runjson-smashrun', 'popup,width=520,height=680');
    if (popup === null) return Promise.reject(new Error('the sign-in window was blocked: allow pop-ups for this page and try again'));
    return new Promise((resolve, reject) => {
      const closed = setInterval(() => {
        if (popup.closed) finish(new Error('the sign-in window was closed before Smashrun answered'));
      }, 500);
      const onMessage = (e: MessageEvent<unknown>): void => {
        const data = e.data as { type?: unknown; url?: unknown } | null;
        if (e.origin !== location.origin || data === null || typeof data !== 'object' || data.type !== MESSAGE || typeof data.url !== 'string') return;
        clearInterval(closed);
        const expected = sessionStorage.getItem(STATE_KEY) ?? '';
        sessionStorage.removeItem(STATE_KEY);
        this.client.completeAuthorization(data.url, expected).then(
          () => finish(null),
          (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
        );
      };
      const finish = (err: Error | null): void => {
        clearInterval(closed);
        window.removeEventListener('message', onMessage);
        if (err === null) resolve();
        else reject(err);
      };
      window.addEventListener('message', onMessage);
    });
  }

  /** The account signed in to (userinfo), once asked per sign-in; null when Smashrun could not be asked. */
  async #account(): Promise<{ id: string; userName: string | undefined } | null> {
    this.#user ??= this.client.userInfo().then(
      (info) => ({ id: info.id, userName: typeof info.userName === 'string' && info.userName !== '' ? info.userName : undefined }),
      () => null,
    );
    const a = await this.#user;
    if (a === null) this.#user = undefined; // asked again next time
    return a;
  }

  /** The account's user name (for the links to runs on Smashrun). */
  async userName(): Promise<string | undefined> {
    return (await this.#account())?.userName;
  }

  /** Revokes the token and forgets it. */
  async disconnect(): Promise<void> {
    try {
      await this.client.revoke();
    } finally {
      sessionStorage.removeItem(TOKEN_KEY);
      this.#user = undefined;
    }
  }

  /**
   * Sends one run's Activity JSON, unless this browser sent these same bytes before (`already-sent`);
   * other bytes under an externalId sent before are an update (Smashrun takes a second POST with the same
   * externalId as one).
   */
  async send(bytes: Uint8Array): Promise<SendOutcome> {
    const externalId = externalIdOf(bytes);
    const sha256 = await sha256Hex(bytes);
    // This browser's record is per account: another account signed in here has not been sent anything.
    const key = await this.#sentKey();
    const known = key === null || externalId === null ? undefined : readSent(key)[externalId];
    if (known !== undefined && known.sha256 === sha256) return { status: 'already-sent', activityId: known.activityId, url: await this.runUrl(known.activityId) };
    try {
      const answer = await this.client.uploadJson(bytes);
      if (key !== null && externalId !== null) {
        // Read again just before writing: other sends may have written meanwhile.
        const sent = readSent(key);
        sent[externalId] = { activityId: answer.activityId, sha256 };
        localStorage.setItem(key, JSON.stringify(sent));
      }
      return { status: known === undefined ? 'sent' : 'updated', activityId: answer.activityId, url: await this.runUrl(answer.activityId) };
    } catch (e) {
      if (e instanceof SmashrunRejected) return { status: 'rejected', validations: e.validations };
      if (e instanceof AuthError) {
        // Expired or revoked (implicit tokens cannot be refreshed): forgotten, so the next send signs in again.
        sessionStorage.removeItem(TOKEN_KEY);
        this.#user = undefined;
        return { status: 'failed', reason: `${e.message} (send it again to sign in again)` };
      }
      if (e instanceof NetworkError || e instanceof RetryExhausted || e instanceof SmashrunError) return { status: 'failed', reason: e.message };
      return { status: 'failed', reason: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  }

  /** Where to see a run: its page on Smashrun, or the API's document for another base (a sandbox). */
  async runUrl(activityId: string): Promise<string> {
    const id = encodeURIComponent(activityId);
    if (this.config.apiBase === SMASHRUN.apiBase) {
      const user = await this.userName().catch(() => undefined);
      if (user !== undefined) return `https://smashrun.com/${encodeURIComponent(user)}/run/${id}`;
    }
    return `${this.config.apiBase}/my/activities/${id}`;
  }

  /** Where this browser's record of the account's sends is kept; null when the account is not known. */
  async #sentKey(): Promise<string | null> {
    const account = await this.#account();
    return account === null ? null : `runjson.sent:${this.config.apiBase}:${account.id}`;
  }
}

/** externalId → what was sent, from `localStorage`. */
function readSent(key: string): Record<string, SentEntry> {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? '{}') as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, SentEntry>) : {};
  } catch {
    return {};
  }
}

/** The externalId of a converted run's Activity JSON (the converter always writes one). */
function externalIdOf(bytes: Uint8Array): string | null {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { externalId?: unknown };
    return typeof doc.externalId === 'string' && doc.externalId !== '' ? doc.externalId : null;
  } catch {
    return null;
  }
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const copy = new Uint8Array(bytes);
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', copy));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}
