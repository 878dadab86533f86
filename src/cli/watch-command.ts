/**
 * `runjson watch DIR...`: sends every new run to Smashrun as soon as it is whole — a watch's USB folder
 * (`GARMIN/Activity`), a phone's sync folder — and keeps going through a watch unplugged and plugged in
 * again, a network that is down, and restarts (the sent journal of `upload`). The loop is `watch/watcher.ts`.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveOptions } from '../convert/options.js';
import { ACCOUNT_FLAGS } from './account/connect.js';
import { credentialsPath } from './account/paths.js';
import { CONVERTER_FLAGS, converterOptions, int, parse, UsageError } from './args.js';
import { HELP } from './help.js';
import type { CliIo } from './io.js';
import { fileOutcomeLines, openSender, outcomeLine } from './upload/sender.js';
import { Watcher, type WatchTotals } from './watch/watcher.js';

const FLAGS = {
  ...CONVERTER_FLAGS,
  ...ACCOUNT_FLAGS,
  interval: { type: 'string' },
  settle: { type: 'string' },
  'retry-min': { type: 'string' },
  'retry-max': { type: 'string' },
  once: { type: 'boolean' },
  'new-only': { type: 'boolean' },
  'no-subfolders': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

/** Defaults of the timing flags, milliseconds. */
export const WATCH_DEFAULTS = { intervalMs: 2000, settleMs: 2000, retryMinMs: 5000, retryMaxMs: 300_000 } as const;

/** A file still not whole this many settle times after its last change is reported as incomplete. */
export const INCOMPLETE_AFTER_SETTLES = 10;

/** Runs `runjson watch`; returns the exit code. */
export async function watchCommand(args: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, FLAGS);
  if (v.help === true) {
    io.stdout.write(HELP.watch + '\n');
    return 0;
  }
  const convert = converterOptions(v);
  // One id for every run would make Smashrun keep only the last one.
  if (convert.externalId !== undefined) throw new UsageError('--external-id names one run: watch sends many (each run has its own)');
  const ms = (flag: string, min: number, fallback: number): number => int(v[flag] as string | undefined, `--${flag}`, min) ?? fallback;
  const intervalMs = ms('interval', 10, WATCH_DEFAULTS.intervalMs);
  const settleMs = ms('settle', 0, WATCH_DEFAULTS.settleMs);
  const retryMinMs = ms('retry-min', 1, WATCH_DEFAULTS.retryMinMs);
  const retryMaxMs = ms('retry-max', 1, WATCH_DEFAULTS.retryMaxMs);
  if (retryMaxMs < retryMinMs) throw new UsageError(`--retry-max (${retryMaxMs}) is below --retry-min (${retryMinMs})`);
  if (positionals.length === 0) throw new UsageError('watch: no folder (give the folders to watch; see runjson watch --help)');
  const dirs: string[] = [];
  const seen = new Set<string>();
  for (const dir of positionals) {
    const abs = resolve(dir);
    if (seen.has(abs)) continue;
    seen.add(abs);
    // A folder that is not there yet is waited for; a file is a mistake worth saying at once.
    if ((await stat(dir).catch(() => null))?.isFile() === true) throw new UsageError(`${dir} is a file: watch takes folders (runjson upload sends files)`);
    dirs.push(dir);
  }

  const dryRun = v['dry-run'] === true;
  let opened: Awaited<ReturnType<typeof openSender>>;
  try {
    opened = await openSender(v, io, { convert, dryRun, force: v.force === true });
  } catch (e) {
    // Ctrl-C while the account was being asked who it is: nothing was sent, nothing to say.
    if (io.signal?.aborted === true) return 0;
    throw e;
  }
  const { sender, close } = opened;
  const log = (line: string): void => {
    io.stdout.write(`${timestamp(new Date())}  ${line}\n`);
  };
  const watcher = new Watcher({
    dirs,
    intervalMs,
    settleMs,
    incompleteMs: Math.max(settleMs * INCOMPLETE_AFTER_SETTLES, intervalMs),
    retryMinMs,
    retryMaxMs,
    recursive: v['no-subfolders'] !== true,
    newOnly: v['new-only'] === true,
    maxBytes: resolveOptions(convert).limits.maxBytes,
    send: (path, signal) => sender.sendFile(path, signal),
    runLine: outcomeLine,
    fileLines: fileOutcomeLines,
    log,
    loginStamp: async () => {
      const s = await stat(credentialsPath(io.env ?? process.env)).catch(() => null);
      return s === null ? 'none' : `${s.size}:${s.mtimeMs}`;
    },
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  });
  const once = v.once === true;
  try {
    if (once) await watcher.once();
    else {
      log(`sending new runs${dryRun ? ' (dry run: nothing is sent)' : ''}; Ctrl-C to stop`);
      await watcher.run();
    }
  } catch (e) {
    // Aborted during an upload: the sender abandoned it before its journal line, so the run is sent
    // again next time (with the same externalId: Smashrun updates, nothing is stored twice).
    if (io.signal?.aborted !== true) throw e;
  } finally {
    await close();
  }
  log(`${once ? 'done' : 'stopped'}: ${totalsText(watcher.totals)}`);
  const t = watcher.totals;
  return once && t.failed + t.rejected + t.held + t.incomplete > 0 ? 1 : 0;
}

/** `2 uploaded, 1 rejected` — the counts that are not zero (`nothing new` when all are). */
export function totalsText(t: WatchTotals): string {
  const parts: string[] = [];
  const add = (n: number, what: string): void => {
    if (n > 0) parts.push(`${n} ${what}`);
  };
  add(t.uploaded, 'uploaded');
  add(t.updated, 'updated');
  add(t.wouldSend, 'would be sent');
  add(t.alreadySent, 'already sent');
  add(t.rejected, 'rejected');
  add(t.held, 'held');
  add(t.failed, 'failed');
  add(t.incomplete, 'incomplete');
  add(t.skipped, 'not runs');
  return parts.length === 0 ? 'nothing new' : parts.join(', ');
}

/** Local time, `2026-05-04 07:12:09`: a log line is read by the runner whose watch it is. */
export function timestamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
