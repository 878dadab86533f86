/** Running the built command (`dist/cli/main.js`) as a child process: batches need the worker threads, which run built JS. */
import { type SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/** The built executable. */
export const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

/** Throws a clear message when the build is missing (`npm test` builds first; else run `npm run build`). */
export function requireBuild(): void {
  if (!existsSync(MAIN) || !existsSync(join(ROOT, 'dist', 'batch', 'worker.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before these tests (npm test does it)');
  }
}

/** Result of a child run. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The cache folder of commands run by tests that name none: below the system's temp folder, so that no
 * test writes resume journals into the real home. A test that looks at journals gives its own
 * `XDG_CACHE_HOME` ({@link cacheEnv}).
 */
export const TEST_CACHE_HOME = join(tmpdir(), `runjson-test-cache-${process.getuid?.() ?? 'user'}`);

/** The environment of a command run, with `XDG_CACHE_HOME` set to `cacheHome`. */
export function cacheEnv(cacheHome: string = TEST_CACHE_HOME): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CACHE_HOME: cacheHome };
}

/** Runs `node dist/cli/main.js ...args` (with `XDG_CACHE_HOME` set to {@link TEST_CACHE_HOME} unless `options.env` is given). */
export function runBuilt(args: string[], options: SpawnOptions = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options, env: options.env ?? cacheEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
