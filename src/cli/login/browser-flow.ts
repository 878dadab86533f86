/**
 * The browser part of `runjson login`: a loopback listener, the authorization URL with a random state,
 * and a wait for the one callback — which ends in the callback handled, the time running out, or Ctrl-C,
 * the listener closed in every case.
 *
 * The login is saved only by the callback's handler (`finish`), and only while the wait has not ended: the
 * handler checks the signal before it writes, and the wait, once ended, lets a handler that is already
 * writing finish. So "timed out" never leaves credentials behind, and "logged in" is never reported for
 * credentials that were not written.
 */
import type { SmashrunClient } from '../../api/client.js';
import { failureMessage } from './describe.js';
import { type CallbackOutcome, LoopbackListener } from './loopback.js';

/** What the browser sign-in needs. */
export interface BrowserSignIn {
  /** A client whose token store is empty: the callback stores the tokens there. */
  client: SmashrunClient;
  /** `token`: the implicit flow; `code`: the code flow (the client has the secret). */
  responseType: 'token' | 'code';
  /** How long to wait for the callback, ms; 0: no limit. */
  timeoutMs: number;
  /** Ctrl-C. */
  signal: AbortSignal | undefined;
  /** Shows the authorization URL to the user (and opens the browser). */
  show: (url: string) => void;
  /**
   * Runs once the client holds the tokens: the rest of the login (the account, the credentials file).
   * Resolves with what the browser's page says; rejects to fail the login. It must not write anything
   * once `signal` has aborted.
   */
  finish: (signal: AbortSignal) => Promise<string>;
}

/** How the browser sign-in ended. */
export type BrowserResult = { how: 'signed-in' } | { how: 'failed'; error: unknown } | { how: 'timeout' } | { how: 'interrupted' };

/** Runs the sign-in in the browser; never leaves the listener open. */
export async function signInWithBrowser(o: BrowserSignIn): Promise<BrowserResult> {
  const ended = new AbortController();
  let state = '';
  let inFlight: Promise<CallbackOutcome> | null = null;
  let result: BrowserResult | null = null;

  const take = async (redirectedTo: string): Promise<CallbackOutcome> => {
    try {
      await o.client.completeAuthorization(redirectedTo, state, { redirectUri: listener.redirectUri, signal: ended.signal });
      const message = await o.finish(ended.signal);
      result = { how: 'signed-in' };
      return { ok: true, title: 'Signed in', message };
    } catch (e) {
      result = { how: 'failed', error: e };
      return { ok: false, title: 'Not signed in', message: `runjson is not signed in: ${failureMessage(e)}.` };
    }
  };
  const listener = await LoopbackListener.start({
    flow: o.responseType,
    onCallback: (redirectedTo) => (inFlight = take(redirectedTo)),
  });
  try {
    const auth = o.client.authorizeUrl({ redirectUri: listener.redirectUri, responseType: o.responseType });
    state = auth.state;
    o.show(auth.url);
    const how = await waitFor(listener.done, o.timeoutMs, o.signal);
    ended.abort(new Error(how === 'interrupted' ? 'interrupted' : 'the sign-in has ended'));
    if (inFlight !== null) await inFlight;
    // The handler sets the result before the listener reports the callback done, so `done` always has one.
    const r = result as BrowserResult | null;
    if (r !== null && (r.how === 'signed-in' || how === 'done')) return r;
    return { how: how === 'interrupted' ? 'interrupted' : 'timeout' };
  } finally {
    ended.abort();
    await listener.close();
  }
}

/** Resolves with what came first: the callback handled, the time out, or the signal. */
function waitFor(done: Promise<unknown>, timeoutMs: number, signal: AbortSignal | undefined): Promise<'done' | 'timeout' | 'interrupted'> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => end('interrupted');
    const end = (how: 'done' | 'timeout' | 'interrupted'): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(how);
    };
    if (signal?.aborted === true) return end('interrupted');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs > 0) timer = setTimeout(() => end('timeout'), timeoutMs);
    void done.then(() => end('done'));
  });
}
