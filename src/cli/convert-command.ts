/**
 * `runjson convert INPUT... [-o OUTDIR] [--to FORMAT]`: one file to stdout, or files and folders into
 * OUTDIR on worker threads (see `convertFiles`), in any target format of the encoder registry.
 */
import { availableParallelism } from 'node:os';
import { stat } from 'node:fs/promises';
import { type FileResult, conversionResult, convertFiles, newFileResultBase } from '../batch/convert-files.js';
import { defaultJournalDir } from '../batch/journal-path.js';
import { writeFileAtomic } from '../batch/write-atomic.js';
import { convert } from '../index.js';
import { ConvertError } from '../core/errors.js';
import type { ConvertOptions } from '../convert/options.js';
import { encodeAll } from '../convert/result.js';
import { TARGET_FORMATS, type TargetFormat } from '../encode/registry.js';
import { type TaskError, toTaskError } from '../batch/convert-task.js';
import { CONVERTER_FLAGS, converterOptions, int, num, oneOf, parse, UsageError } from './args.js';
import { HELP } from './help.js';
import type { CliIo } from './io.js';
import { ProgressView, summaryText, totals } from './progress.js';
import { buildReport } from './report.js';

const FLAGS = {
  ...CONVERTER_FLAGS,
  'out-dir': { type: 'string', short: 'o' },
  to: { type: 'string' },
  jobs: { type: 'string', short: 'j' },
  resume: { type: 'boolean' },
  report: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'max-worker-memory': { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** Seconds a file may take in a batch before it fails with `timeout` (0 = no limit). */
export const DEFAULT_TIMEOUT_S = 300;

/** Runs `runjson convert`; returns the exit code. */
export async function convertCommand(args: string[], io: CliIo): Promise<number> {
  const { values: v, positionals: inputs } = parse(args, FLAGS);
  if (v.help === true) {
    io.stdout.write(HELP.convert + '\n');
    return 0;
  }
  const options = converterOptions(v);
  const to = oneOf(v.to as string | undefined, TARGET_FORMATS, '--to') ?? 'json';
  const outDir = v['out-dir'] as string | undefined;
  const jobs = int(v.jobs as string | undefined, '--jobs', 1, 1024) ?? availableParallelism();
  const maxWorkerMemoryMb = int(v['max-worker-memory'] as string | undefined, '--max-worker-memory', 16);
  const timeoutS = num(v.timeout as string | undefined, '--timeout', 0) ?? DEFAULT_TIMEOUT_S;
  const reportPath = v.report as string | undefined;
  const quiet = v.quiet === true;
  if (inputs.length === 0) throw new UsageError('convert: no input (give files or folders; see runjson convert --help)');
  if (v.resume === true && outDir === undefined) throw new UsageError('--resume needs -o OUTDIR');
  if (inputs.includes('-')) {
    if (inputs.length > 1 || outDir !== undefined) throw new UsageError("'-' (standard input) is converted alone, to stdout");
    return convertStdin(io, options, to, quiet);
  }
  const firstIsFolder = (await stat(inputs[0]).catch(() => null))?.isDirectory() === true;
  if (outDir === undefined) {
    if (inputs.length > 1) throw new UsageError('several inputs need -o OUTDIR (only one file can go to stdout)');
    if (firstIsFolder) throw new UsageError(`${inputs[0]} is a folder: give -o OUTDIR`);
  }
  // One id for many runs would make Smashrun take them for one (it de-duplicates on externalId).
  if (options.externalId !== undefined && (inputs.length > 1 || firstIsFolder)) {
    throw new UsageError('--external-id names one run: give it with a single file');
  }

  const startedAt = new Date();
  const t0 = performance.now();
  const results: FileResult[] = [];
  const progress = outDir === undefined ? null : new ProgressView(io.stderr, quiet);
  let interrupted = false;
  try {
    for await (const r of convertFiles(inputs, {
      ...options,
      outDir,
      to,
      // One file to stdout converts in this thread: a worker would only add its start-up time.
      concurrency: outDir === undefined ? 0 : jobs,
      resume: v.resume === true,
      journalDir: defaultJournalDir(io.env),
      // Above the progress bar, and said even with --quiet: the batch goes on, but resume will know less.
      onJournalError: (e) => progress?.note(`runjson: ${e.message}`),
      maxWorkerMemoryMb,
      timeoutMs: timeoutS > 0 ? timeoutS * 1000 : undefined,
      signal: io.signal,
      onProgress: (p) => progress?.update(p),
    })) {
      results.push(r);
    }
  } catch (e) {
    if (!io.signal?.aborted) throw e;
    interrupted = true;
  }
  progress?.finish();
  const elapsedMs = performance.now() - t0;
  const t = totals(results);
  // Workers actually started: convertFiles starts no more than there are files.
  const usedJobs = outDir === undefined ? 0 : Math.min(jobs, Math.max(1, t.files));

  if (outDir === undefined && results.length === 1) writeSingle(results[0], to, io, quiet);
  let reportFailed = false;
  if (reportPath !== undefined) {
    const report = buildReport(results, t, { startedAt, elapsedMs, jobs: usedJobs, outDir: outDir ?? null, options, to, interrupted });
    try {
      await writeFileAtomic(reportPath, JSON.stringify(report, null, 2) + '\n');
    } catch (e) {
      io.stderr.write(`runjson: could not write the report ${reportPath}: ${(e as Error).message}\n`);
      reportFailed = true;
    }
  }
  if (outDir !== undefined) io.stderr.write(summaryText(t, elapsedMs, usedJobs, reportFailed ? undefined : reportPath));
  if (interrupted) {
    io.stderr.write('runjson: interrupted; run again with --resume to continue\n');
    return 130;
  }
  return t.failed > 0 || reportFailed ? 1 : 0;
}

/** `runjson convert -`: standard input (any format, gzip too) to stdout, streamed into the converter. */
async function convertStdin(io: CliIo, options: ConvertOptions, to: TargetFormat, quiet: boolean): Promise<number> {
  if (io.stdin === undefined) throw new UsageError('no standard input here');
  const t0 = performance.now();
  const base = newFileResultBase(0, '-', '-');
  let error: TaskError | null = null;
  try {
    const result = await convert(io.stdin, options);
    base.format = result.format;
    base.activities = result.activities.length;
    const encoded = encodeAll(result, options.strict === true, (a, report) => a.toBytes(to, { report }));
    base.data = encoded.outputs;
    base.warnings = encoded.warnings;
  } catch (e) {
    if (!(e instanceof ConvertError)) throw e;
    error = toTaskError(e);
  }
  // Read and converted together, in this thread, with no wait.
  const ms = performance.now() - t0;
  base.timings = { readMs: 0, convertMs: ms, writeMs: 0, workMs: ms, waitMs: 0, totalMs: ms };
  const r = conversionResult(base, error);
  writeSingle(r, to, io, quiet);
  return r.status === 'failed' ? 1 : 0;
}

/**
 * One file, no -o: its output to stdout, the rest to stderr. Several activities of Activity JSON join into
 * one array; in any other format each activity is a document of its own (outputs are one per activity),
 * and documents written one after the other would not read back, so a file of several needs -o.
 */
function writeSingle(r: FileResult, to: TargetFormat, io: CliIo, quiet: boolean): void {
  if (r.status === 'failed') {
    io.stderr.write(`runjson: ${r.input}: ${r.error.code}: ${r.error.message}\n`);
    return;
  }
  if (r.status === 'skipped') {
    io.stderr.write(`runjson: ${r.input}: skipped: ${r.error.message}\n`);
    return;
  }
  if (to !== 'json' && r.data.length > 1) {
    throw new UsageError(`${r.input} holds ${r.data.length} activities: --to ${to} writes one file per activity; give -o OUTDIR`);
  }
  if (r.data.length === 1) {
    io.stdout.write(r.data[0]);
  } else {
    io.stdout.write('[');
    r.data.forEach((d, i) => {
      if (i > 0) io.stdout.write(',');
      io.stdout.write(d);
    });
    io.stdout.write(']');
  }
  // A closing newline after JSON text (as ever); other formats are written exactly as encoded.
  if (to === 'json') io.stdout.write('\n');
  if (!quiet) {
    for (const w of r.warnings) {
      const where = w.activity !== undefined ? ` (activity ${w.activity + 1})` : '';
      io.stderr.write(`warning: ${w.code} x${w.count}${where}: ${w.message}\n`);
    }
  }
}
