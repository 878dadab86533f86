/**
 * `runjson pull [-o DIR] [--since DATE] [--to FORMAT]`: a copy of the account's runs on Smashrun, one file
 * per run, brought up to date by each pull (see `pull/pull-runs.ts` for what is asked of Smashrun, and
 * `pull/pull-state.ts` for what the folder remembers).
 */
import { DEFAULT_CONCURRENCY } from '../api/limiter.js';
import { AuthError, isSmashrunError } from '../api/errors.js';
import { writeFileAtomic } from '../batch/write-atomic.js';
import { TARGET_FORMATS } from '../encode/registry.js';
import { ACCOUNT_FLAGS, openAccount } from './account/connect.js';
import { oneOf, parse, UsageError } from './args.js';
import { HELP } from './help.js';
import type { CliIo } from './io.js';
import { buildPullReport, PullProgress, pullSummaryText, pullTotals } from './pull/pull-report.js';
import { type PullOutcome, pullRuns } from './pull/pull-runs.js';
import { parseSince } from './pull/run-names.js';

const FLAGS = {
  ...ACCOUNT_FLAGS,
  'out-dir': { type: 'string', short: 'o' },
  since: { type: 'string' },
  to: { type: 'string' },
  report: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/** The output folder when `-o` is not given: `smashrun`, in the current folder. */
export const DEFAULT_PULL_DIR = 'smashrun';

/** Runs `runjson pull`; returns the exit code. */
export async function pullCommand(args: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, FLAGS);
  if (v.help === true) {
    io.stdout.write(HELP.pull + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`pull takes no arguments (got '${positionals[0]}'): the folder is -o DIR`);
  const to = oneOf(v.to as string | undefined, TARGET_FORMATS, '--to') ?? 'json';
  const sinceText = v.since as string | undefined;
  const since = sinceText === undefined ? null : parseSince(sinceText);
  const outDir = (v['out-dir'] as string | undefined) ?? DEFAULT_PULL_DIR;
  if (outDir === '') throw new UsageError('-o: the folder name is empty');
  const reportPath = v.report as string | undefined;
  const quiet = v.quiet === true;
  const { client } = await openAccount(v, io);

  const startedAt = new Date();
  const t0 = performance.now();
  const progress = new PullProgress(io.stderr, quiet, outDir);
  let outcome: PullOutcome;
  try {
    outcome = await pullRuns({
      client,
      outDir,
      to,
      since,
      concurrency: io.smashrun?.concurrency ?? DEFAULT_CONCURRENCY,
      signal: io.signal,
      now: io.smashrun?.now ?? Date.now,
      onPlan: (n) => progress.start(n),
      onRun: (r) => progress.update(r),
      onNote: (line) => progress.note(line),
    });
  } catch (e) {
    progress.finish();
    if (io.signal?.aborted === true) {
      io.stderr.write('runjson: interrupted before any run was fetched\n');
      return 130;
    }
    // Before any run: the account, the list or the search could not be read; or the folder not made.
    if (isSmashrunError(e)) {
      io.stderr.write(`runjson: could not list the runs on ${client.apiBase}: ${e.message}${loginHint(e)}\n`);
      return 1;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && e instanceof Error) {
      io.stderr.write(`runjson: ${outDir}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  progress.finish();
  const elapsedMs = performance.now() - t0;
  const t = pullTotals(outcome);

  let reportFailed = false;
  if (reportPath !== undefined) {
    const report = buildPullReport(outcome, t, { startedAt, elapsedMs, outDir, to, since: sinceText ?? null, interrupted: outcome.interrupted });
    try {
      await writeFileAtomic(reportPath, JSON.stringify(report, null, 2) + '\n');
    } catch (e) {
      io.stderr.write(`runjson: could not write the report ${reportPath}: ${(e as Error).message}\n`);
      reportFailed = true;
    }
  }
  io.stderr.write(pullSummaryText(t, elapsedMs, outDir, reportFailed ? undefined : reportPath));
  if (outcome.stoppedBy !== null) {
    io.stderr.write(`runjson: stopped: ${outcome.stoppedBy.message}${loginHint(outcome.stoppedBy)}\n`);
    return 1;
  }
  if (outcome.interrupted) {
    io.stderr.write('runjson: interrupted; run the same command again to continue\n');
    return 130;
  }
  return t.failed > 0 || reportFailed ? 1 : 0;
}

/** What to do about a refused token. */
function loginHint(e: unknown): string {
  return e instanceof AuthError ? '; sign in again with `runjson login`' : '';
}
