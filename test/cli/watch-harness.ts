/**
 * What the `watch` tests share: an account of its own per test (a sandbox user, a temporary HOME with
 * its credentials file), the command running in-process until the test stops it, and files written the
 * way a watch or a slow copy writes them.
 */
import { mkdir, mkdtemp, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCredentials } from '../../src/cli/account/credentials.js';
import { credentialsPath } from '../../src/cli/account/paths.js';
import type { CliIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import type { Sandbox, SandboxActivity } from '../../src/sandbox/index.js';

/** The client's options for a fast suite: retries in milliseconds, a short timeout. */
export const FAST: NonNullable<CliIo['smashrun']> = { retry: { baseMs: 5, capMs: 20, maxElapsedMs: 300 }, timeoutMs: 1000 };

/** Timing flags for a fast watch: incomplete after 10 × settle = 1.5 s. */
export const QUICK = ['--interval', '50', '--settle', '150', '--retry-min', '100', '--retry-max', '400'];

/** A signed-in account in a temporary HOME, and a folder to watch. */
export interface TestAccount {
  env: Record<string, string | undefined>;
  home: string;
  /** The folder to watch (not created). */
  dir: string;
  userName: string;
  token: string;
}

let accounts = 0;

/** A new sandbox user, signed in through a credentials file in a new temporary HOME. */
export async function newAccount(sandbox: Sandbox, label: string): Promise<TestAccount> {
  const home = await mkdtemp(join(tmpdir(), `runjson-watch-${label}-`));
  const env = { XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), XDG_CACHE_HOME: join(home, 'cache') };
  const userName = `watcher${++accounts}${label.replace(/\W/g, '')}`;
  const t = sandbox.issueToken({ user: userName, clientId: 'client' });
  await writeCredentials(credentialsPath(env), {
    version: 1,
    apiBase: sandbox.apiBase,
    authBase: sandbox.authBase,
    clientId: 'client',
    tokens: { accessToken: t.accessToken, clientId: 'client', expiresAt: Date.now() + t.expiresIn * 1000 },
    user: { id: String(t.userId), userName: t.userName },
  });
  return { env, home, dir: join(home, 'watched'), userName, token: t.accessToken };
}

/** The runs the sandbox holds for a user. */
export function runsOf(sandbox: Sandbox, userName: string): SandboxActivity[] {
  return sandbox.activities.filter((a) => a.userName === userName);
}

/** What a finished command run printed and returned. */
export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** Every output of every command run in a test file, for the check that no token appears in any. */
export const allOutputs: string[] = [];

/** `runjson ...argv` running in-process until {@link RunningCommand.stop}. */
export class RunningCommand {
  readonly #out: string[] = [];
  readonly #err: string[] = [];
  readonly #controller = new AbortController();
  readonly #done: Promise<number>;
  #code: number | null = null;

  constructor(argv: string[], env: Record<string, string | undefined>, smashrun: CliIo['smashrun'] = FAST) {
    const text = (c: string | Uint8Array): string => (typeof c === 'string' ? c : new TextDecoder().decode(c));
    this.#done = run(argv, {
      stdout: { write: (c: string | Uint8Array) => this.#out.push(text(c)) },
      stderr: { write: (c: string | Uint8Array) => this.#err.push(text(c)) },
      env,
      signal: this.#controller.signal,
      smashrun,
    }).then((code) => {
      this.#code = code;
      allOutputs.push(this.stdout, this.stderr);
      return code;
    });
  }

  get stdout(): string {
    return this.#out.join('');
  }

  get stderr(): string {
    return this.#err.join('');
  }

  /** The exit code once the command returned, else null. */
  get code(): number | null {
    return this.#code;
  }

  /** Lines of stdout that match `re`. */
  lines(re: RegExp): string[] {
    return this.stdout.split('\n').filter((l) => re.test(l));
  }

  /** Waits until `n` lines of stdout match `re` (default 1); throws with the output after `timeoutMs`. */
  async waitFor(re: RegExp, n = 1, timeoutMs = 8000): Promise<string[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines(re);
      if (found.length >= n) return found;
      if (this.#code !== null || Date.now() > until) {
        throw new Error(`waited for ${n} × ${re} (${this.#code !== null ? `exited ${this.#code}` : 'timed out'}); stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      await delay(20);
    }
  }

  /** Ctrl-C: aborts and waits for the exit code. */
  async stop(): Promise<Finished> {
    this.#controller.abort(new Error('interrupted'));
    const code = await this.#done;
    return { code, stdout: this.stdout, stderr: this.stderr };
  }

  /** Waits for the command to end on its own (`--once`). */
  async finished(): Promise<Finished> {
    const code = await this.#done;
    return { code, stdout: this.stdout, stderr: this.stderr };
  }
}

/** `runjson ...argv` to its end. */
export function runToEnd(argv: string[], env: Record<string, string | undefined>, smashrun: CliIo['smashrun'] = FAST): Promise<Finished> {
  return new RunningCommand(argv, env, smashrun).finished();
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Writes `bytes` to `path` in `chunks` pieces with `pauseMs` between them, as a slow copy does; returns
 * the time (epoch ms) just after the last write.
 */
export async function writeSlowly(path: string, bytes: Uint8Array, chunks: number, pauseMs: number): Promise<number> {
  const h = await open(path, 'w');
  try {
    const step = Math.ceil(bytes.length / chunks);
    for (let at = 0; at < bytes.length; at += step) {
      if (at > 0) await delay(pauseMs);
      await h.write(bytes.subarray(at, Math.min(bytes.length, at + step)));
      await h.sync();
    }
  } finally {
    await h.close();
  }
  return Date.now();
}

/** Makes `dir` and copies `files` (name → bytes) into it. */
export async function fill(dir: string, files: Record<string, Uint8Array>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    const h = await open(join(dir, name), 'w');
    await h.write(bytes);
    await h.close();
  }
}
