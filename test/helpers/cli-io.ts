/** Runs the command line in-process, capturing stdout and stderr. */
import { run } from '../../src/cli/run.js';
import { cacheEnv } from './built.js';

/** What one command run printed and returned. */
export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `runjson ...argv` in this process, with `env` as its environment (default: this process's, with
 * `XDG_CACHE_HOME` below the temp folder, so that no resume journal lands in the real home).
 */
export async function runCli(argv: string[], tty = false, stdin?: Uint8Array[], env: Record<string, string | undefined> = cacheEnv()): Promise<Captured> {
  const out: Uint8Array[] = [];
  const err: string[] = [];
  const enc = new TextEncoder();
  const code = await run(argv, {
    stdout: { write: (c: string | Uint8Array) => out.push(typeof c === 'string' ? enc.encode(c) : c.slice()) },
    stderr: { write: (c: string | Uint8Array) => err.push(typeof c === 'string' ? c : new TextDecoder().decode(c)), isTTY: tty, columns: 100 },
    stdin:
      stdin === undefined
        ? undefined
        : (async function* () {
            for (const c of stdin) yield c;
          })(),
    env,
  });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: err.join('') };
}
