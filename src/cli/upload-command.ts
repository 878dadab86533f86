/**
 * `runjson upload FILE|FOLDER...`: converts every run of the files and folders given and uploads each
 * one not yet sent to the signed-in account (see `upload/sender.ts` for what "sent" means, and
 * `upload/sent-journal.ts` for how a second run knows).
 *
 * Conversion runs ahead on worker threads (`convertFiles`, the bytes coming back to this thread) while
 * the uploads go through the client's limiter; at most {@link MAX_AHEAD} converted files wait for their
 * uploads, so memory stays bounded however large the folder.
 */
import { availableParallelism } from 'node:os';
import { stat } from 'node:fs/promises';
import { type FileResult, convertFiles } from '../batch/convert-files.js';
import { writeFileAtomic } from '../batch/write-atomic.js';
import { SmashrunError } from '../api/errors.js';
import { ACCOUNT_FLAGS } from './account/connect.js';
import { CONVERTER_FLAGS, converterOptions, int, parse, UsageError } from './args.js';
import { DEFAULT_TIMEOUT_S } from './convert-command.js';
import { HELP } from './help.js';
import type { CliIo } from './io.js';
import { errorOutcome, type FileOutcome, openSender, type Sender } from './upload/sender.js';
import { allSent, type BatchOutcome, buildUploadReport, type SharedExternalId, UploadProgress, uploadSummary, uploadTotals } from './upload/upload-report.js';

const FLAGS = {
  ...CONVERTER_FLAGS,
  ...ACCOUNT_FLAGS,
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
  report: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/**
 * Converted files waiting for (or in) their uploads. The client sends two requests at a time; a few more
 * converted files keep it busy without holding a folder's worth of Activity JSON in memory.
 */
export const MAX_AHEAD = 4;

/** Runs `runjson upload`; returns the exit code. */
export async function uploadCommand(args: string[], io: CliIo): Promise<number> {
  const { values: v, positionals: inputs } = parse(args, FLAGS);
  if (v.help === true) {
    io.stdout.write(HELP.upload + '\n');
    return 0;
  }
  const options = converterOptions(v);
  // Default: the cores, at most 4 — conversion outruns two uploads in flight long before that.
  const jobs = int(v.jobs as string | undefined, '--jobs', 0, 1024) ?? Math.min(4, availableParallelism());
  const reportPath = v.report as string | undefined;
  const quiet = v.quiet === true;
  const dryRun = v['dry-run'] === true;
  const force = v.force === true;
  if (inputs.length === 0) throw new UsageError('upload: no input (give files or folders; see runjson upload --help)');
  if (inputs.includes('-')) throw new UsageError("upload: '-' (standard input) is not taken: give files or folders");
  // One id for many runs would make Smashrun take them for one (it updates by externalId).
  if (options.externalId !== undefined && (inputs.length > 1 || (await stat(inputs[0]).catch(() => null))?.isDirectory() === true)) {
    throw new UsageError('--external-id names one run: give it with a single file');
  }

  let opened: Awaited<ReturnType<typeof openSender>>;
  try {
    opened = await openSender(v, io, { convert: options, dryRun, force });
  } catch (e) {
    // Naming the account (when the credentials do not) needs Smashrun: unreachable or refused, one line.
    if (!(e instanceof SmashrunError)) throw e;
    io.stderr.write(`runjson: could not ask Smashrun which account this is: ${e.message}\n`);
    return 1;
  }
  const { sender, journal, close } = opened;
  const startedAt = new Date();
  const t0 = performance.now();
  const progress = new UploadProgress(io.stdout, io.stderr, quiet);
  const outcomes: BatchOutcome[] = [];
  const shared = new SharedIds();
  let interrupted = false;
  let usedJobs = jobs;
  try {
    if (dryRun && journal.path === null) progress.note('runjson: the credentials do not name the account: the dry run checks against no journal');
    interrupted = await sendAll(inputs, io, sender, { jobs, convert: options }, (n) => {
      progress.total = n;
      usedJobs = Math.min(jobs, Math.max(1, n));
    }, (outcome) => {
      outcomes.push(outcome);
      for (const note of shared.add(outcome)) progress.note(note);
      progress.file(outcome);
    });
  } finally {
    progress.finish();
    await close();
  }
  const elapsedMs = performance.now() - t0;
  const totals = uploadTotals(outcomes);

  let reportFailed = false;
  if (reportPath !== undefined) {
    const report = buildUploadReport(outcomes, shared.list(), { startedAt, elapsedMs, jobs: usedJobs, apiBase: sender.apiBase, dryRun, force, options, interrupted });
    try {
      await writeFileAtomic(reportPath, JSON.stringify(report, null, 2) + '\n');
    } catch (e) {
      io.stderr.write(`runjson: could not write the report ${reportPath}: ${(e as Error).message}\n`);
      reportFailed = true;
    }
  }
  io.stderr.write(uploadSummary(totals, elapsedMs, usedJobs, dryRun, reportFailed ? undefined : reportPath));
  if (interrupted) {
    io.stderr.write('runjson: interrupted; run the same command again to send the rest (what was sent is not sent twice)\n');
    return 130;
  }
  return allSent(totals) && !reportFailed ? 0 : 1;
}

/**
 * Converts the inputs (on `jobs` workers, or in this thread with 0) and sends each file's runs, at most
 * {@link MAX_AHEAD} files at a time. Returns true when interrupted.
 */
async function sendAll(
  inputs: string[],
  io: CliIo,
  sender: Sender,
  o: { jobs: number; convert: ReturnType<typeof converterOptions> },
  planned: (files: number) => void,
  done: (outcome: BatchOutcome) => void,
): Promise<boolean> {
  const pending = new Set<Promise<void>>();
  let aborted = false;
  const send = async (r: FileResult): Promise<void> => {
    let outcome: FileOutcome;
    try {
      if (r.status === 'converted' || r.status === 'up-to-date') outcome = await sender.sendConverted(r.input, r.data, r.warnings, io.signal);
      else outcome = errorOutcome(r.input, r.error, r.warnings);
    } catch (e) {
      if (io.signal?.aborted !== true) throw e;
      aborted = true;
      return;
    }
    done({ ...outcome, index: r.index, relative: r.relative });
  };
  const dispatch = async (r: FileResult): Promise<void> => {
    while (pending.size >= MAX_AHEAD) await Promise.race(pending);
    const p: Promise<void> = send(r).finally(() => pending.delete(p));
    pending.add(p);
  };
  // Files are sent in input order, whatever order the workers finish them in: of two files with one
  // externalId, the first in the batch is the one sent, the same one on every run (see Sender). The
  // files held back are at most those convertFiles has in flight.
  const early = new Map<number, FileResult>();
  let next = 0;
  let first = true;
  try {
    for await (const r of convertFiles(inputs, {
      ...o.convert,
      concurrency: o.jobs,
      // As convert: a file that takes longer on its worker fails (`timeout`) rather than stall the batch.
      timeoutMs: o.jobs > 0 ? DEFAULT_TIMEOUT_S * 1000 : undefined,
      signal: io.signal,
      onProgress: (p) => {
        if (first) planned(p.total);
        first = false;
      },
    })) {
      early.set(r.index, r);
      for (let ready = early.get(next); ready !== undefined; ready = early.get(next)) {
        early.delete(next++);
        await dispatch(ready);
      }
    }
  } catch (e) {
    if (io.signal?.aborted !== true) throw e;
    aborted = true;
  } finally {
    // Files held back for their turn (only after an abort or an error: else none is left); after an
    // abort, send() stops at once and they are left for the next run.
    for (const index of [...early.keys()].sort((a, b) => a - b)) await dispatch(early.get(index) as FileResult);
    await Promise.allSettled(pending);
  }
  return aborted;
}

/**
 * Runs of the batch that share an externalId: Smashrun keeps one run per id (a second POST updates the
 * first), so two files that give the same id — a file and its copy, or two exports of one run — are one
 * run there. Said once per id as it is seen, and listed in the report.
 */
class SharedIds {
  readonly #seen = new Map<string, string[]>();

  /** Notes for the runs of `f` whose id was already seen in this batch. */
  add(f: FileOutcome): string[] {
    const notes: string[] = [];
    for (const r of f.runs) {
      if (r.externalId === null) continue;
      const inputs = this.#seen.get(r.externalId);
      if (inputs === undefined) {
        this.#seen.set(r.externalId, [f.input]);
        continue;
      }
      inputs.push(f.input);
      notes.push(`note: ${f.input} holds the same run as ${inputs[0]} (externalId ${r.externalId}): Smashrun keeps them as one run`);
    }
    return notes;
  }

  list(): SharedExternalId[] {
    return [...this.#seen].filter(([, inputs]) => inputs.length > 1).map(([externalId, inputs]) => ({ externalId, inputs }));
  }
}
