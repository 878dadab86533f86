/**
 * What the tests of `runjson pull` share: a sandbox on a clock the test moves, an account signed in by
 * writing the credentials file into a temporary HOME, runs uploaded through the real client, the command
 * run in-process, and every text the command showed or wrote kept for the token check.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmashrunClient } from '../../src/api/client.js';
import { MemoryTokenStore } from '../../src/api/tokens.js';
import type { FetchLike } from '../../src/api/transport.js';
import { writeCredentials } from '../../src/cli/account/credentials.js';
import { credentialsPath } from '../../src/cli/account/paths.js';
import { run } from '../../src/cli/run.js';
import type { Activity } from '../../src/core/activity.js';
import { convertSync } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

/** Real time plus an offset the test moves forward; the sandbox and the command read the same one. */
export class TestClock {
  offset = 0;
  readonly now = (): number => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** One command run. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** A signed-in account on a sandbox, in a temporary HOME. */
export class PullWorld {
  readonly clock = new TestClock();
  sandbox!: Sandbox;
  /** The client the test uploads with (not the command's). */
  client!: SmashrunClient;
  home = '';
  env: Record<string, string> = {};
  token = '';
  /** Everything the commands printed, for the token check. */
  readonly shown: string[] = [];
  /** Called on each request the sandbox handles (a test sets it to interrupt a pull). */
  onRequest: (method: string, path: string) => void = () => undefined;

  async start(): Promise<void> {
    this.home = await mkdtemp(join(tmpdir(), 'runjson-pull-'));
    this.env = {
      HOME: this.home,
      XDG_CONFIG_HOME: join(this.home, 'config'),
      XDG_STATE_HOME: join(this.home, 'state'),
      XDG_CACHE_HOME: join(this.home, 'cache'),
    };
    this.sandbox = await startSandbox({
      port: 0,
      now: this.clock.now,
      onRequest: (e) => this.onRequest(e.method, e.path),
    });
    const issued = this.sandbox.issueToken({ clientId: 'client' });
    this.token = issued.accessToken;
    const expiresAt = this.clock.now() + issued.expiresIn * 1000;
    await writeCredentials(credentialsPath(this.env), {
      version: 1,
      apiBase: this.sandbox.apiBase,
      authBase: this.sandbox.authBase,
      clientId: 'client',
      tokens: { accessToken: this.token, clientId: 'client', expiresAt },
      user: { id: '1', userName: 'runner' },
    });
    this.client = new SmashrunClient({
      clientId: 'client',
      apiBase: this.sandbox.apiBase,
      authBase: this.sandbox.authBase,
      tokens: new MemoryTokenStore({ accessToken: this.token, clientId: 'client', expiresAt }),
      limits: [],
      now: this.clock.now,
    });
  }

  async stop(): Promise<void> {
    await this.sandbox.close();
    await rm(this.home, { recursive: true, force: true });
  }

  /** A folder below HOME. */
  dir(name: string): string {
    if (this.home === '') throw new Error('the world is not started: no HOME yet');
    return join(this.home, name);
  }

  /** Runs `runjson ...argv` in this process, as the signed-in user. */
  async cli(argv: string[], o: { signal?: AbortSignal; env?: Record<string, string>; fetch?: FetchLike; tty?: boolean } = {}): Promise<Ran> {
    const out: string[] = [];
    const err: string[] = [];
    const text = (c: string | Uint8Array): string => (typeof c === 'string' ? c : new TextDecoder().decode(c));
    const code = await run(argv, {
      stdout: { write: (c: string | Uint8Array) => out.push(text(c)) },
      stderr: { write: (c: string | Uint8Array) => err.push(text(c)), isTTY: o.tty === true, columns: 100 },
      env: o.env ?? this.env,
      ...(o.signal === undefined ? {} : { signal: o.signal }),
      smashrun: {
        // A local server: fast retries, no rate window (the limiter has its own tests).
        retry: { attempts: 4, baseMs: 5, capMs: 40, maxElapsedMs: 3000 },
        timeoutMs: 5000,
        limits: [],
        now: this.clock.now,
        ...(o.fetch === undefined ? {} : { fetch: o.fetch }),
      },
    });
    const ran = { code, stdout: out.join(''), stderr: err.join('') };
    this.shown.push(ran.stdout, ran.stderr);
    return ran;
  }

  /** The request log from entry `from` on, as `METHOD path`. */
  requestsSince(from: number): string[] {
    return this.sandbox.requestLog.slice(from).map((e) => `${e.method} ${e.path}`);
  }

  /** Every file below `dir`, with its text, for the token check. */
  async texts(dir: string): Promise<{ path: string; text: string }[]> {
    const out: { path: string; text: string }[] = [];
    for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
      const path = join(e.parentPath, e.name);
      if (e.isFile()) out.push({ path, text: `${path}\n${await readFile(path, 'utf8')}` });
    }
    return out;
  }
}

/** What runjson reads from Activity JSON bytes (the bytes uploaded, or a pulled file). */
export function readJson(bytes: Uint8Array | string): Activity {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const activities = convertSync(b, { format: 'json', includePower: true }).activities;
  if (activities.length !== 1) throw new Error(`expected one activity, got ${activities.length}`);
  return activities[0].activity;
}

/** The pulled files of a folder (its runs: not the hidden state file). */
export async function runFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
}
