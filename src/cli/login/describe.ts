/**
 * What `login`, `logout` and `whoami` say about an account: how the user logged in (kept in the
 * credentials file beside the tokens), when the token expires, and a failure in one line. Nothing here
 * ever formats a token or the secret: only names, ids, dates and the client's own error messages, which
 * never hold one (src/api/errors.ts).
 */
import { isSmashrunError, SmashrunErrorCode } from '../../api/errors.js';
import type { Credentials } from '../account/credentials.js';

/** How the user logged in: the implicit flow, the code flow of a registered app, or a pasted token. */
export type LoginFlow = 'implicit' | 'code' | 'pasted';

/**
 * The credentials file as `login` writes it: the shared fields, and `login` saying how and when. The
 * other commands read the file as {@link Credentials} and keep unknown fields when they write it back
 * (a refresh spreads what it read), so `login` survives refreshes.
 */
export interface LoginCredentials extends Credentials {
  login: { flow: LoginFlow; at: string };
}

/** How the user logged in, as the file says; `null` for a file written by something other than `login`. */
export function flowOf(credentials: Credentials): LoginFlow | null {
  const login = (credentials as Partial<LoginCredentials>).login;
  const flow = typeof login === 'object' && login !== null ? login.flow : undefined;
  return flow === 'implicit' || flow === 'code' || flow === 'pasted' ? flow : null;
}

/** `api.smashrun.com` for `https://api.smashrun.com/v1`: the server as a person names it. */
export function hostOf(base: string): string {
  try {
    return new URL(base).host;
  } catch {
    return base;
  }
}

/** `2027-01-30 06:12 UTC`: a date that reads the same on every machine. */
export function utcDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `in 59 days`, `in 3 hours`, `2 days ago`: how far `ms` is from `now`. */
export function fromNow(ms: number, now: number): string {
  const d = ms - now;
  const abs = Math.abs(d);
  const [n, unit] = abs >= 2 * 86_400_000 ? [Math.round(abs / 86_400_000), 'day'] : abs >= 2 * 3_600_000 ? [Math.round(abs / 3_600_000), 'hour'] : [Math.max(1, Math.round(abs / 60_000)), 'minute'];
  const span = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return d >= 0 ? `in ${span}` : `${span} ago`;
}

/** The account as a person names it: `runner (id 1001)`. */
export function accountName(user: { id: string; userName?: string } | undefined): string {
  if (user === undefined) return 'an unknown account';
  return user.userName !== undefined && user.userName !== '' ? `${user.userName} (id ${user.id})` : `id ${user.id}`;
}

/**
 * One line for a failure of the sign-in, for the terminal and the browser's page. The client's errors
 * are safe to show as they are; a state mismatch gets the words a user needs.
 */
export function failureMessage(e: unknown): string {
  if (isSmashrunError(e)) {
    if (e.code === SmashrunErrorCode.StateMismatch) return 'the sign-in came back with another state than runjson sent, so it may be forged: nothing was saved';
    if (e.code === SmashrunErrorCode.Unauthorized) return 'Smashrun refused the token (401): it is wrong, expired or revoked';
    return e.message;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}
