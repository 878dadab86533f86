/**
 * What the upload tests share: a temporary HOME signed in to a sandbox (the credentials file written as
 * `runjson login` would), the command run in-process with fast retry settings, and the Activity JSON
 * files the tests make themselves.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCredentials } from '../../src/cli/account/credentials.js';
import { credentialsPath, stateDir } from '../../src/cli/account/paths.js';
import type { CliIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { makeActivity } from '../helpers/make-activity.js';

/** A temporary HOME signed in to the sandbox. */
export interface Home {
  dir: string;
  env: Record<string, string>;
  /** The access token written to the credentials (for the leak checks). */
  token: string;
  /** The sandbox user. */
  userId: string;
  userName: string;
}

/** The temporary HOMEs made by this test file, removed by {@link removeHomes}. */
const made: string[] = [];

/** Removes the temporary HOMEs (call in `afterAll`). */
export async function removeHomes(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** A temporary HOME (config, state and cache folders under it), signed in to `sandbox` as `user`. */
export async function signedInHome(sandbox: Sandbox, user = 'runner'): Promise<Home> {
  const dir = await mkdtemp(join(tmpdir(), 'runjson-upload-'));
  made.push(dir);
  const env = { XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache'), HOME: dir };
  const t = sandbox.issueToken({ user, clientId: 'client' });
  await writeCredentials(credentialsPath(env), {
    version: 1,
    apiBase: sandbox.apiBase,
    authBase: sandbox.authBase,
    clientId: 'client',
    tokens: { accessToken: t.accessToken, clientId: 'client', expiresAt: Date.now() + 3600_000 },
    user: { id: String(t.userId), userName: t.userName },
  });
  return { dir, env, token: t.accessToken, userId: String(t.userId), userName: t.userName };
}

/** What a run of the command printed and returned. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Retry settings short enough for a test: a few attempts within two seconds. */
export const FAST = { retry: { baseMs: 5, maxElapsedMs: 2000 }, timeoutMs: 1000 } as const;

/** Runs `runjson ...argv` in-process in `home`. */
export async function runIn(home: Home, argv: string[], o: { tty?: boolean; signal?: AbortSignal; smashrun?: CliIo['smashrun'] } = {}): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const dec = new TextDecoder();
  const code = await run(argv, {
    stdout: { write: (c: string | Uint8Array) => (stdout += typeof c === 'string' ? c : dec.decode(c)) },
    stderr: { write: (c: string | Uint8Array) => (stderr += typeof c === 'string' ? c : dec.decode(c)), isTTY: o.tty === true, columns: 100 },
    env: home.env,
    smashrun: o.smashrun ?? FAST,
    ...(o.signal === undefined ? {} : { signal: o.signal }),
  });
  return { code, stdout, stderr };
}

/** The text of every file below the state folder (the sent journals). */
export async function journalTexts(home: Home): Promise<string[]> {
  const dir = join(stateDir(home.env), 'sent');
  const names = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
}

/** Writes `n` generated runs (seeds `from`…) into a new folder `name` of the HOME; returns the folder. */
export async function runsFolder(home: Home, name: string, n: number, from = 1, extra: Record<string, unknown> = {}): Promise<string> {
  const dir = join(home.dir, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const seed = from + i;
    await writeFile(join(dir, `run-${String(seed).padStart(3, '0')}.json`), JSON.stringify({ ...makeActivity({ seed, samples: 120 }), externalId: `${name}-${seed}`, ...extra }));
  }
  return dir;
}

/** A run at 10 m/s for 600 s: 5 km well under the world record, which the plausibility checks flag. */
export function implausibleRun(externalId: string): string {
  const doc = makeActivity({ seed: 7, samples: 600 });
  const values = doc.recordingValues as number[][];
  const duration = values[1];
  values[2] = duration.map((d) => Math.round(d * 10) / 1000);
  return JSON.stringify({ ...doc, externalId, distance: values[2][values[2].length - 1] });
}
