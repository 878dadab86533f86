/**
 * The Smashrun client of a command: the bases from `--api-base` / `--auth-base` or the credentials file,
 * the tokens from the credentials file (through {@link FileTokenStore}, so a refresh is written back).
 */
import { SmashrunClient } from '../../api/client.js';
import { DEFAULT_API_BASE, DEFAULT_AUTH_BASE, type SmashrunClientOptions } from '../../api/client-options.js';
import type { CliIo } from '../io.js';
import { type Credentials, FileTokenStore, readCredentials } from './credentials.js';
import { credentialsPath } from './paths.js';

/** `--api-base` and `--auth-base`, taken by every command that talks to Smashrun. */
export const ACCOUNT_FLAGS = {
  'api-base': { type: 'string' },
  'auth-base': { type: 'string' },
} as const;

/** The command cannot reach the account: not logged in, or logged in to another server. Exit code 1. */
export class AccountError extends Error {
  override readonly name = 'AccountError';
}

/** The bases a command is pointed at: the flags, else `fallback` (the credentials'), else Smashrun's. */
export function basesOf(values: Record<string, string | boolean | undefined>, fallback?: { apiBase: string; authBase: string }): { apiBase: string; authBase: string } {
  const api = values['api-base'];
  const auth = values['auth-base'];
  return {
    apiBase: trimSlash(typeof api === 'string' ? api : (fallback?.apiBase ?? DEFAULT_API_BASE)),
    authBase: trimSlash(typeof auth === 'string' ? auth : (fallback?.authBase ?? DEFAULT_AUTH_BASE)),
  };
}

/** A signed-in account: its client, what the credentials file says, and where the file is. */
export interface Account {
  client: SmashrunClient;
  credentials: Credentials;
  path: string;
}

/**
 * The client of the signed-in account.
 *
 * @throws {AccountError} no credentials (or no token in them), or the flags point at another server than
 * the one signed in to; {@link CredentialsError} an unreadable credentials file.
 */
export async function openAccount(values: Record<string, string | boolean | undefined>, io: CliIo): Promise<Account> {
  const path = credentialsPath(io.env ?? process.env);
  const credentials = await readCredentials(path);
  if (credentials === null || credentials.tokens === null) throw new AccountError('not logged in: run `runjson login` first');
  const { apiBase, authBase } = basesOf(values, credentials);
  if (apiBase !== trimSlash(credentials.apiBase) || authBase !== trimSlash(credentials.authBase)) {
    throw new AccountError(`logged in to ${credentials.apiBase}, not ${apiBase}: run \`runjson login --api-base ${apiBase} --auth-base ${authBase}\``);
  }
  const client = new SmashrunClient({
    ...io.smashrun,
    clientId: credentials.clientId,
    ...(credentials.clientSecret === undefined ? {} : { clientSecret: credentials.clientSecret }),
    apiBase,
    authBase,
    tokens: new FileTokenStore(path, credentials),
  });
  return { client, credentials, path };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

