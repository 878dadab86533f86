/**
 * What `runjson upload` says of a batch: the lines while it runs (one per run, with the bar of `convert`
 * on a terminal), the closing summary, and the `--report FILE` JSON.
 *
 * ```json
 * { "reportVersion": 1, "command": "upload", "startedAt": "…", "elapsedMs": 812.4, "jobs": 2,
 *   "apiBase": "https://api.smashrun.com/v1", "dryRun": false, "force": false, "options": {}, "interrupted": false,
 *   "totals": { "files": 2, "runs": 2, "uploaded": 1, "updated": 0, "alreadySent": 1, "wouldSend": 0, "rejected": 0,
 *               "held": 0, "failedRuns": 0, "skippedFiles": 0, "failedFiles": 0, "filesWithWarnings": 0 },
 *   "files": [ { "input": "runs/a.fit", "relative": "a.fit", "status": "sent", "warnings": [],
 *                "runs": [ { "status": "uploaded", "externalId": "…", "activityId": "12345", "url": "https://…" } ] } ],
 *   "sharedExternalIds": [] }
 * ```
 *
 * Nothing here holds a token: the outcomes carry ids, URLs, Smashrun's validations and the client's
 * messages, which never include one.
 */
import type { ConvertOptions } from '../../convert/options.js';
import { barText } from '../progress.js';
import { clock, type OutStream, plural } from '../io.js';
import { type FileOutcome, fileOutcomeLines } from './sender.js';

/** A file's outcome with its place in the batch. */
export interface BatchOutcome extends FileOutcome {
  /** Position in the batch (input order). */
  index: number;
  /** Path relative to the input folder it was found in. */
  relative: string;
}

/** Two runs of the batch that Smashrun takes for one (same externalId). */
export interface SharedExternalId {
  externalId: string;
  /** The inputs that hold a run with this id, first seen first. */
  inputs: string[];
}

/** Counts of a finished batch. */
export interface UploadTotals {
  files: number;
  runs: number;
  uploaded: number;
  updated: number;
  alreadySent: number;
  wouldSend: number;
  rejected: number;
  held: number;
  failedRuns: number;
  skippedFiles: number;
  failedFiles: number;
  filesWithWarnings: number;
}

/** Counts of the outcomes. */
export function uploadTotals(files: FileOutcome[]): UploadTotals {
  const t: UploadTotals = {
    files: files.length,
    runs: 0,
    uploaded: 0,
    updated: 0,
    alreadySent: 0,
    wouldSend: 0,
    rejected: 0,
    held: 0,
    failedRuns: 0,
    skippedFiles: 0,
    failedFiles: 0,
    filesWithWarnings: 0,
  };
  for (const f of files) {
    if (f.status === 'skipped') t.skippedFiles++;
    if (f.status === 'failed') t.failedFiles++;
    if (f.warnings.length > 0) t.filesWithWarnings++;
    for (const r of f.runs) {
      t.runs++;
      if (r.status === 'uploaded') t.uploaded++;
      else if (r.status === 'updated') t.updated++;
      else if (r.status === 'already-sent') t.alreadySent++;
      else if (r.status === 'would-send') t.wouldSend++;
      else if (r.status === 'rejected') t.rejected++;
      else if (r.status === 'held') t.held++;
      else t.failedRuns++;
    }
  }
  return t;
}

/** Whether the batch went through: every file sent or skipped as not a run. */
export function allSent(t: UploadTotals): boolean {
  return t.rejected === 0 && t.held === 0 && t.failedRuns === 0 && t.failedFiles === 0;
}

/** The closing summary (stderr). */
export function uploadSummary(t: UploadTotals, elapsedMs: number, jobs: number, dryRun: boolean, reportPath?: string): string {
  const lines = [
    `runjson: ${plural(t.files, 'file')}, ${plural(t.runs, 'run')} in ${clock(elapsedMs / 1000)} (${jobs === 0 ? 'converted in this thread' : plural(jobs, 'worker')})`,
  ];
  if (dryRun) lines.push(`  would send    ${t.wouldSend} (dry run: nothing sent)`);
  else {
    lines.push(`  uploaded      ${t.uploaded}`);
    lines.push(`  updated       ${t.updated}`);
  }
  lines.push(`  already sent  ${t.alreadySent}`);
  if (t.rejected > 0) lines.push(`  rejected      ${t.rejected} (Smashrun's validations above)`);
  if (t.held > 0) lines.push(`  held          ${t.held} (flagged by the plausibility checks: send with --force)`);
  lines.push(`  skipped       ${t.skippedFiles} not running`);
  lines.push(`  failed        ${t.failedFiles} ${t.failedFiles === 1 ? 'file' : 'files'}, ${plural(t.failedRuns, 'run')}`);
  lines.push(`  warnings      ${t.filesWithWarnings} ${t.filesWithWarnings === 1 ? 'file' : 'files'}`);
  if (reportPath !== undefined) lines.push(`  report        ${reportPath}`);
  return lines.join('\n') + '\n';
}

/** The `--report FILE` document. */
export function buildUploadReport(
  files: BatchOutcome[],
  shared: SharedExternalId[],
  meta: { startedAt: Date; elapsedMs: number; jobs: number; apiBase: string; dryRun: boolean; force: boolean; options: ConvertOptions; interrupted: boolean },
): Record<string, unknown> {
  const sorted = [...files].sort((a, b) => a.index - b.index).map(({ index: _index, ...rest }) => rest);
  return {
    reportVersion: 1,
    command: 'upload',
    startedAt: meta.startedAt.toISOString(),
    elapsedMs: Math.round(meta.elapsedMs * 1000) / 1000,
    jobs: meta.jobs,
    apiBase: meta.apiBase,
    dryRun: meta.dryRun,
    force: meta.force,
    options: meta.options,
    interrupted: meta.interrupted,
    totals: uploadTotals(files),
    files: sorted,
    sharedExternalIds: shared,
  };
}

/**
 * The lines of a running batch: each file's lines on `out` (stdout: they are the command's result), and
 * on a terminal the bar of `convert` on `err` below them. With `quiet`, only what went wrong is printed.
 */
export class UploadProgress {
  readonly #out: OutStream;
  readonly #err: OutStream;
  readonly #quiet: boolean;
  readonly #tty: boolean;
  readonly #started = performance.now();
  #total = 0;
  #done = 0;
  #failed = 0;
  #barShown = false;

  constructor(out: OutStream, err: OutStream, quiet: boolean) {
    this.#out = out;
    this.#err = err;
    this.#quiet = quiet;
    this.#tty = err.isTTY === true;
  }

  /** The number of files in the batch, once planned. */
  set total(n: number) {
    this.#total = n;
  }

  /** Called once per file, when its runs are done. */
  file(f: FileOutcome): void {
    this.#done++;
    const bad = f.status === 'failed' || f.status === 'partial';
    if (bad) this.#failed++;
    if (!this.#quiet || bad) {
      const lines = fileOutcomeLines(f).filter((_, i) => !this.#quiet || f.runs.length === 0 || isBad(f.runs[i].status));
      if (lines.length > 0) {
        this.#clearBar();
        this.#out.write(lines.join('\n') + '\n');
      }
    }
    this.#drawBar();
  }

  /** A line of its own (a notice not about one run), even when quiet. */
  note(line: string): void {
    this.#clearBar();
    this.#err.write(line + '\n');
    this.#drawBar();
  }

  /** Removes the bar (before the summary). */
  finish(): void {
    this.#clearBar();
  }

  #drawBar(): void {
    if (!this.#tty) return;
    const total = Math.max(this.#total, this.#done);
    const p = { total, done: this.#done, failed: this.#failed, elapsedMs: performance.now() - this.#started };
    this.#err.write('\r\x1b[K' + barText(p, this.#err.columns || 80));
    this.#barShown = true;
  }

  #clearBar(): void {
    if (this.#barShown) this.#err.write('\r\x1b[K');
    this.#barShown = false;
  }
}

function isBad(status: string): boolean {
  return status === 'rejected' || status === 'held' || status === 'failed';
}
