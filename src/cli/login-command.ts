/**
 * `runjson login`, `runjson logout` and `runjson whoami`: signing in to Smashrun (or a sandbox) once, for
 * `upload`, `watch` and `pull`, and out again.
 *
 * `login` takes one of three ways: the implicit flow with the client id `client` (personal use, the
 * default), the code flow of a registered app (`--client-id`, `--client-secret`), or a token pasted from
 * Smashrun's API explorer (`--token`). The browser flows go through a loopback listener (`login/`). The
 * credentials file is written only once the account is known (one `userinfo` call), so a failed login
 * leaves the previous one as it was. No command here prints a token or the secret, whatever happens.
 */
import { SmashrunClient } from '../api/client.js';
import { DEFAULT_API_BASE, DEFAULT_AUTH_BASE } from '../api/client-options.js';
import { IMPLICIT_CLIENT_ID, MemoryTokenStore, refreshable } from '../api/tokens.js';
import type { UserInfo } from '../api/types.js';
import { ACCOUNT_FLAGS, type Account, basesOf, openAccount } from './account/connect.js';
import { type Credentials, deleteCredentials, readCredentials, writeCredentials } from './account/credentials.js';
import { credentialsPath } from './account/paths.js';
import { int, parse, UsageError } from './args.js';
import { HELP } from './help.js';
import type { CliIo } from './io.js';
import { signInWithBrowser } from './login/browser-flow.js';
import { accountName, failureMessage, flowOf, fromNow, hostOf, type LoginCredentials, type LoginFlow, utcDate } from './login/describe.js';
import { openBrowser } from './login/open-browser.js';

/** How long `login` waits for the browser by default, seconds. */
const DEFAULT_TIMEOUT_S = 300;

/**
 * The three commands make a few requests each, with someone waiting at the terminal: a Smashrun that
 * cannot be reached is reported within seconds rather than after the client's full minute of retries
 * (a caller's own options still win).
 */
const QUICK = { retry: { attempts: 3, maxElapsedMs: 10_000 }, timeoutMs: 10_000 } as const;

/** Runs `runjson login`. */
export async function loginCommand(args: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, {
    ...ACCOUNT_FLAGS,
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    token: { type: 'string' },
    'no-browser': { type: 'boolean' },
    timeout: { type: 'string' },
  });
  if (v.help === true) {
    io.stdout.write(HELP.login + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`login: unexpected argument '${positionals[0]}'`);
  const { apiBase, authBase } = basesOf(v);
  checkBase(apiBase, '--api-base');
  checkBase(authBase, '--auth-base');
  const timeoutS = int(v.timeout as string | undefined, '--timeout', 0) ?? DEFAULT_TIMEOUT_S;
  const idFlag = v['client-id'] as string | undefined;
  const secretFlag = v['client-secret'] as string | undefined;
  const tokenFlag = v.token as string | undefined;
  if (secretFlag !== undefined && idFlag === undefined) throw new UsageError('--client-secret needs --client-id (the registered app the secret belongs to)');
  if (secretFlag !== undefined && tokenFlag !== undefined) throw new UsageError('--token and --client-secret are two ways to log in: choose one');
  if (idFlag !== undefined && idFlag.trim() === '') throw new UsageError('--client-id: expected a client id, got an empty one');
  const clientId = idFlag?.trim() ?? IMPLICIT_CLIENT_ID;
  const secret = secretFlag === '-' ? await readSecretLine(io, '--client-secret -') : secretFlag;
  if (secret === '') throw new UsageError('--client-secret: expected the secret, got an empty one');

  const store = new MemoryTokenStore();
  const client = new SmashrunClient({ ...quick(io).smashrun, clientId, ...(secret === undefined ? {} : { clientSecret: secret }), apiBase, authBase, tokens: store });
  const path = credentialsPath(io.env ?? process.env);
  const host = hostOf(apiBase);

  /** The account, then the file: the login is saved only when the token is known to work. */
  const save = async (flow: LoginFlow, signal: AbortSignal | undefined): Promise<LoginCredentials> => {
    const info = await client.userInfo(signal === undefined ? {} : { signal });
    let tokens = await store.get();
    if (tokens === null) throw new Error('no token was stored');
    if (flow === 'pasted' && tokens.expiresAt === undefined) {
      // A pasted token comes without its expiry: Smashrun's token status says how long it has left.
      const status = await client.tokenStatus(signal === undefined ? {} : { signal }).catch(() => null);
      const left = status?.expiresIn;
      if (typeof left === 'number' && Number.isFinite(left) && left > 0) tokens = { ...tokens, expiresAt: Date.now() + left * 1000 };
    }
    signal?.throwIfAborted();
    const credentials: LoginCredentials = {
      version: 1,
      apiBase,
      authBase,
      clientId,
      ...(flow === 'code' && secret !== undefined ? { clientSecret: secret } : {}),
      tokens,
      user: userOf(info),
      login: { flow, at: new Date().toISOString() },
    };
    await writeCredentials(path, credentials);
    return credentials;
  };

  if (tokenFlag !== undefined) {
    const token = tokenFlag === '-' ? await readSecretLine(io, '--token -') : tokenFlag.trim();
    if (token === '') throw new UsageError('--token: expected the token, got an empty one');
    await client.setToken(token, { clientId });
    try {
      io.stdout.write(loggedIn(await save('pasted', io.signal)) + '\n');
      return 0;
    } catch (e) {
      if (io.signal?.aborted === true) return interrupted(io);
      io.stderr.write(`runjson: login: not logged in to ${host}: ${failureMessage(e)}\n`);
      return 1;
    }
  }

  const flow: LoginFlow = secret === undefined ? 'implicit' : 'code';
  let saved: LoginCredentials | null = null;
  const result = await signInWithBrowser({
    client,
    responseType: flow === 'implicit' ? 'token' : 'code',
    timeoutMs: timeoutS * 1000,
    signal: io.signal,
    show: (url) => {
      const wait = timeoutS === 0 ? ' (Ctrl-C stops)' : ` (runjson waits ${timeoutS} s; Ctrl-C stops)`;
      if (v['no-browser'] === true) {
        io.stderr.write(`To log in to ${host}, open this address in a browser${wait}:\n  ${url}\n`);
      } else {
        io.stderr.write(`Opening a browser to log in to ${host}. If none opens, go to this address${wait}:\n  ${url}\n`);
        openBrowser(url, io.env ?? process.env);
      }
    },
    finish: async (signal) => {
      saved = await save(flow, signal);
      return `runjson is logged in to ${host} as ${accountName(saved.user)}.`;
    },
  });
  // Set by `finish`, which TypeScript cannot see run.
  const done = saved as LoginCredentials | null;
  switch (result.how) {
    case 'signed-in':
      io.stdout.write(loggedIn(done as LoginCredentials) + '\n');
      return 0;
    case 'failed':
      io.stderr.write(`runjson: login: not logged in to ${host}: ${failureMessage(result.error)}\n`);
      return 1;
    case 'timeout':
      io.stderr.write(`runjson: login: no sign-in came back within ${timeoutS} s: not logged in (run runjson login again; --timeout SECONDS waits longer)\n`);
      return 1;
    case 'interrupted':
      return interrupted(io);
  }
}

/** Runs `runjson logout`: revokes the token at Smashrun and deletes the credentials file. */
export async function logoutCommand(args: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, { ...ACCOUNT_FLAGS });
  if (v.help === true) {
    io.stdout.write(HELP.logout + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`logout: unexpected argument '${positionals[0]}'`);
  const path = credentialsPath(io.env ?? process.env);
  const stored = await readCredentials(path);
  if (stored === null || stored.tokens === null) {
    if (stored !== null) await deleteCredentials(path);
    io.stdout.write('Not logged in: nothing to do.\n');
    return 0;
  }
  const { client, credentials } = await openAccount(v, quick(io));
  const host = hostOf(credentials.apiBase);
  const tokens = stored.tokens;
  let revoked = false;
  let failure: unknown = null;
  try {
    const signal = io.signal === undefined ? {} : { signal: io.signal };
    revoked = await client.revoke(signal);
    // Revoking the access token leaves a code-flow grant's refresh token valid; revoking that ends the grant.
    if (tokens.refreshToken !== undefined && tokens.refreshToken !== '') {
      const grant = new SmashrunClient({
        ...quick(io).smashrun,
        clientId: credentials.clientId,
        apiBase: credentials.apiBase,
        authBase: credentials.authBase,
        tokens: new MemoryTokenStore({ accessToken: tokens.refreshToken, clientId: tokens.clientId }),
      });
      revoked = (await grant.revoke(signal)) || revoked;
    }
  } catch (e) {
    failure = e;
  }
  // Deleted whatever Smashrun said: the user asked not to be logged in on this machine any more.
  await deleteCredentials(path);
  if (failure !== null) {
    if (io.signal?.aborted === true) {
      io.stderr.write(`runjson: logout: interrupted: ${path} is removed, the token was not revoked at ${host}\n`);
      return 130;
    }
    const until = tokens.expiresAt === undefined ? '' : ` until ${utcDate(tokens.expiresAt)}`;
    io.stderr.write(
      `runjson: logout: logged out here (${path} removed), but the token could not be revoked at ${host}: ${failureMessage(failure)}\n` +
        `It stays valid${until} unless you revoke runjson's access in your Smashrun account's settings.\n`,
    );
    return 1;
  }
  io.stdout.write(
    revoked
      ? `Logged out of ${host} (${accountName(credentials.user)}): the token is revoked and ${path} removed.\n`
      : `Logged out of ${host} (${accountName(credentials.user)}): Smashrun no longer knew the token (expired or revoked already); ${path} removed.\n`,
  );
  return 0;
}

/** What `whoami --json` prints: never a token or the secret. */
export interface WhoamiJson {
  loggedIn: boolean;
  credentials: string;
  apiBase?: string;
  authBase?: string;
  clientId?: string;
  flow?: LoginFlow | null;
  user?: { id: string; userName?: string; firstName?: string; lastName?: string };
  /** Whether Smashrun answered `userinfo` with this token just now. */
  confirmed?: boolean;
  problem?: string;
  expiresAt?: string | null;
  /** Where the expiry comes from: the login (`stored`), or Smashrun's token status just now. */
  expiresFrom?: 'stored' | 'smashrun' | null;
  refreshable?: boolean;
}

/** Runs `runjson whoami`: the account, the server, the flow and the token's expiry — never the token. */
export async function whoamiCommand(args: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, { ...ACCOUNT_FLAGS, json: { type: 'boolean' } });
  if (v.help === true) {
    io.stdout.write(HELP.whoami + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`whoami: unexpected argument '${positionals[0]}'`);
  const json = v.json === true;
  const path = credentialsPath(io.env ?? process.env);
  const stored = await readCredentials(path);
  if (stored === null || stored.tokens === null) {
    if (json) io.stdout.write(JSON.stringify({ loggedIn: false, credentials: path } satisfies WhoamiJson, null, 2) + '\n');
    else io.stderr.write('Not logged in: run `runjson login`.\n');
    return 1;
  }
  const account = await openAccount(v, quick(io));
  const signal = io.signal === undefined ? {} : { signal: io.signal };
  let info: UserInfo | null = null;
  let problem: string | undefined;
  try {
    info = await account.client.userInfo(signal);
  } catch (e) {
    if (io.signal?.aborted === true) return interrupted(io);
    problem = failureMessage(e);
  }
  const report = await whoamiReport(account, path, info, problem, signal);
  io.stdout.write(json ? JSON.stringify(report, null, 2) + '\n' : whoamiText(report));
  return report.confirmed === true ? 0 : 1;
}

async function whoamiReport(account: Account, path: string, info: UserInfo | null, problem: string | undefined, signal: { signal?: AbortSignal }): Promise<WhoamiJson> {
  // The file again: a refresh during `userinfo` may have renewed the token and its expiry.
  const now = (await readCredentials(path)) ?? account.credentials;
  const tokens = now.tokens ?? account.credentials.tokens;
  let expiresAt = tokens?.expiresAt ?? null;
  let expiresFrom: WhoamiJson['expiresFrom'] = expiresAt === null ? null : 'stored';
  if (expiresAt === null && info !== null) {
    const status = await account.client.tokenStatus(signal).catch(() => null);
    const left = status?.expiresIn;
    if (typeof left === 'number' && Number.isFinite(left) && left > 0) {
      expiresAt = Date.now() + left * 1000;
      expiresFrom = 'smashrun';
    }
  }
  const user = info !== null ? { ...userOf(info), ...named(info) } : now.user;
  return {
    loggedIn: true,
    credentials: path,
    apiBase: now.apiBase,
    authBase: now.authBase,
    clientId: now.clientId,
    flow: flowOf(now),
    ...(user === undefined ? {} : { user }),
    confirmed: info !== null,
    ...(problem === undefined ? {} : { problem }),
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    expiresFrom,
    refreshable: tokens !== null && refreshable(tokens) && now.clientSecret !== undefined,
  };
}

function whoamiText(r: WhoamiJson): string {
  const host = hostOf(r.apiBase ?? DEFAULT_API_BASE);
  const who = accountName(r.user);
  const fullName = [r.user?.firstName, r.user?.lastName].filter((s) => s !== undefined && s !== '').join(' ');
  const now = Date.now();
  const at = r.expiresAt === null || r.expiresAt === undefined ? null : Date.parse(r.expiresAt);
  const expires = at === null ? 'expires   unknown (Smashrun did not say)' : `${at > now ? 'expires ' : 'expired '}  ${utcDate(at)} (${fromNow(at, now)})`;
  const flows: Record<LoginFlow, string> = { implicit: 'implicit (browser, personal use)', code: 'code (registered app)', pasted: 'pasted token' };
  const lines = [
    r.confirmed === true ? `Logged in to ${host} as ${who}` : `Logged in to ${host} as ${who} at login, but Smashrun did not confirm it now: ${r.problem ?? 'no answer'}`,
    ...(fullName === '' ? [] : [`  name      ${fullName}`]),
    `  server    ${r.apiBase ?? DEFAULT_API_BASE} (sign-in: ${r.authBase ?? DEFAULT_AUTH_BASE})`,
    `  flow      ${r.flow === null || r.flow === undefined ? 'unknown' : flows[r.flow]}, client id ${r.clientId ?? IMPLICIT_CLIENT_ID}`,
    `  ${expires}`,
    `  renewed   ${r.refreshable === true ? 'yes: runjson refreshes the token before it expires' : 'no: run runjson login again before it expires'}`,
    `  file      ${r.credentials}`,
  ];
  return lines.join('\n') + '\n';
}

/** `Logged in to api.smashrun.com as runner (id 1001); the token expires 2027-01-30 06:12 UTC.` */
function loggedIn(c: Credentials): string {
  const t = c.tokens;
  const expiry =
    t?.expiresAt === undefined
      ? 'Smashrun did not say when the token expires'
      : `the token expires ${utcDate(t.expiresAt)}${refreshable(t) && c.clientSecret !== undefined ? ' and is renewed before then' : ''}`;
  return `Logged in to ${hostOf(c.apiBase)} as ${accountName(c.user)}; ${expiry}.`;
}

function userOf(info: UserInfo): { id: string; userName?: string } {
  return typeof info.userName === 'string' && info.userName !== '' ? { id: info.id, userName: info.userName } : { id: info.id };
}

function named(info: UserInfo): { firstName?: string; lastName?: string } {
  return {
    ...(typeof info.firstName === 'string' ? { firstName: info.firstName } : {}),
    ...(typeof info.lastName === 'string' ? { lastName: info.lastName } : {}),
  };
}

function interrupted(io: CliIo): number {
  io.stderr.write('runjson: login: interrupted: not logged in\n');
  return 130;
}

/** The io with the quick client options, the caller's own on top. */
function quick(io: CliIo): CliIo {
  return { ...io, smashrun: { ...QUICK, ...io.smashrun, retry: { ...QUICK.retry, ...io.smashrun?.retry } } };
}

/**
 * A base must be an http(s) URL; plain http only on this machine (a sandbox), because the token and the
 * secret travel in it.
 */
function checkBase(base: string, flag: string): void {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`${flag}: expected a URL, got '${base}'`);
  }
  if (url.protocol === 'https:') return;
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol === 'http:' && loopback) return;
  throw new UsageError(`${flag}: expected an https URL (plain http only for a sandbox on this machine), got '${base}'`);
}

/**
 * The first line of standard input: a token or secret given as `-`, so it stays out of the shell's history
 * and of `ps`. At most 8 KiB are read.
 */
async function readSecretLine(io: CliIo, flag: string): Promise<string> {
  if (io.stdin === undefined) throw new UsageError(`${flag}: there is no standard input to read it from`);
  const dec = new TextDecoder();
  let text = '';
  for await (const chunk of io.stdin) {
    text += dec.decode(chunk, { stream: true });
    if (text.includes('\n') || text.length > 8192) break;
  }
  const line = text.split(/\r?\n/)[0].trim();
  if (line === '') throw new UsageError(`${flag}: standard input is empty`);
  return line;
}
