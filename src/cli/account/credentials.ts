/**
 * The credentials file of the Smashrun commands (`credentials.json` in the config folder, `paths.ts`):
 * which Smashrun (or sandbox) the user signed in to, as which app, and the tokens. Written atomically
 * with mode 0600 (its folder 0700), so that it is never readable by another user, not even half-written.
 *
 * ```json
 * { "version": 1, "apiBase": "https://api.smashrun.com/v1", "authBase": "https://secure.smashrun.com",
 *   "clientId": "client", "tokens": { "accessToken": "…", "expiresAt": 1767225600000, "clientId": "client" },
 *   "user": { "id": "1001", "userName": "runner" } }
 * ```
 *
 * `clientSecret` is kept only for a registered app's code flow (a refresh needs it). Nothing here ever
 * prints the file's tokens or secret: errors name the file and what is wrong with it, never its content.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StoredTokens, TokenStore } from '../../api/tokens.js';
import { writeFileAtomic } from '../../batch/write-atomic.js';

/** What the credentials file holds. */
export interface Credentials {
  version: 1;
  /** The API base the tokens are for (`https://api.smashrun.com/v1`, or a sandbox's). */
  apiBase: string;
  /** The OAuth base (`https://secure.smashrun.com`, or a sandbox's). */
  authBase: string;
  /** The app's client id (`client` for the implicit flow). */
  clientId: string;
  /** A registered app's secret, for refreshes (code flow only). */
  clientSecret?: string;
  /** The tokens; `null` once they are cleared. */
  tokens: StoredTokens | null;
  /** The account, as `userinfo` said at login (for `whoami` and the sent journal's name). */
  user?: { id: string; userName?: string };
}

/** The credentials file is unreadable or not one of ours. Says where, never what it holds. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** Reads the credentials file; `null` when there is none. @throws {CredentialsError} */
export async function readCredentials(path: string): Promise<Credentials | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CredentialsError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new CredentialsError(path, 'is not JSON: log in again (runjson login) to replace it');
  }
  if (!isCredentials(doc)) throw new CredentialsError(path, 'is not a runjson credentials file: log in again (runjson login) to replace it');
  return doc;
}

/** Writes the credentials file atomically, mode 0600, its folder made 0700 when missing. */
export async function writeCredentials(path: string, credentials: Credentials): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, JSON.stringify(credentials, null, 2) + '\n', 0o600);
}

/** Deletes the credentials file (none: nothing to do). */
export async function deleteCredentials(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** The file's permission bits (`0o600` expected), or `null` when there is no file. */
export async function credentialsMode(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return null;
  }
}

/**
 * A {@link TokenStore} over the credentials file: the client reads it before each request (another
 * runjson process — `watch` beside an `upload` — may have refreshed) and writes it after a refresh, the
 * rest of the file kept as it is. Tokens are held in a private field only while a call runs.
 */
export class FileTokenStore implements TokenStore {
  readonly #path: string;
  /** The rest of the file, for writes when the file went away meanwhile. */
  readonly #base: Credentials;

  constructor(path: string, credentials: Credentials) {
    this.#path = path;
    this.#base = { ...credentials, tokens: null };
  }

  async get(): Promise<StoredTokens | null> {
    return (await readCredentials(this.#path))?.tokens ?? null;
  }

  async set(tokens: StoredTokens): Promise<void> {
    const now = (await readCredentials(this.#path)) ?? this.#base;
    await writeCredentials(this.#path, { ...now, tokens: { ...tokens } });
  }

  async clear(): Promise<void> {
    const now = await readCredentials(this.#path);
    if (now !== null) await writeCredentials(this.#path, { ...now, tokens: null });
  }
}

function isCredentials(x: unknown): x is Credentials {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Record<string, unknown>;
  if (c.version !== 1 || typeof c.apiBase !== 'string' || typeof c.authBase !== 'string' || typeof c.clientId !== 'string') return false;
  if (c.clientSecret !== undefined && typeof c.clientSecret !== 'string') return false;
  if (c.tokens !== null) {
    if (typeof c.tokens !== 'object' || c.tokens === undefined) return false;
    const t = c.tokens as Record<string, unknown>;
    if (typeof t.accessToken !== 'string' || typeof t.clientId !== 'string') return false;
  }
  return true;
}
