/** What the command line talks to: the streams, so tests can run commands in-process. */
import type { SmashrunClientOptions } from '../api/client-options.js';

/** An output stream. */
export interface OutStream {
  write(chunk: string | Uint8Array): unknown;
  /** True on a terminal (progress bar instead of plain lines). */
  isTTY?: boolean;
  /** Terminal width. */
  columns?: number;
}

/** Streams and signal of one command run. */
export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  /** Standard input, for `runjson convert -`. */
  stdin?: AsyncIterable<Uint8Array>;
  /** Aborts a running batch (the CLI's main wires it to SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /**
   * The environment, for where the resume journals go (`XDG_CACHE_HOME`, see `defaultJournalDir`).
   * Default: `process.env`.
   */
  env?: Record<string, string | undefined>;
  /**
   * Options for the Smashrun client of `upload`, `watch`, `pull`, … (retry policy, timeout, limits,
   * fetch): for a program that runs the commands in-process, and for tests. Default: the client's own.
   */
  smashrun?: Partial<Pick<SmashrunClientOptions, 'retry' | 'timeoutMs' | 'limits' | 'concurrency' | 'fetch' | 'now' | 'sleep' | 'random'>>;
}

/** `m:ss` or `h:mm:ss` for seconds. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** `n thing` / `n things`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
