/**
 * What `runjson pull` shows: the progress of the runs being fetched (a bar on a terminal, one line per run
 * elsewhere, as `convert` does), the closing summary, and the `--report FILE` JSON.
 *
 * ```json
 * { "reportVersion": 1, "command": "pull", "startedAt": "…", "elapsedMs": 3412.5, "outDir": "smashrun",
 *   "to": "json", "since": null, "interrupted": false, "account": { "id": "1001", "userName": "runner" },
 *   "totals": { "listed": 42, "fetched": 12, "written": 10, "updated": 2, "upToDate": 30, "noRecordings": 0,
 *               "beforeSince": 0, "deletedMeanwhile": 0, "notFetched": 0, "failed": 0, "failures": {},
 *               "gone": 0, "runsWithWarnings": 1, "warnings": { "position-placeholder": 1 } },
 *   "runs": [ { "activityId": "1000001", "startDateTimeLocal": "2026-11-20T07:32:10-05:00", "status": "written", "fetched": true,
 *               "file": "smashrun/2026-11-20T07-32_1000001.json", "warnings": [], "positionPlaceholders": 0,
 *               "error": null } ],
 *   "gone": ["999"] }
 * ```
 */
import { join } from 'node:path';
import { type OutStream, plural } from '../io.js';
import { barText, ProgressView } from '../progress.js';
import type { PullOutcome, RunResult } from './pull-runs.js';

/** Version of the report layout. */
export const PULL_REPORT_VERSION = 1;

/** Counts of a finished pull. */
export interface PullTotals {
  /** Runs Smashrun lists. */
  listed: number;
  /** Runs whose detail was asked for. */
  fetched: number;
  written: number;
  updated: number;
  upToDate: number;
  noRecordings: number;
  beforeSince: number;
  deletedMeanwhile: number;
  notFetched: number;
  failed: number;
  /** Failures by error code. */
  failures: Record<string, number>;
  /** Runs the folder holds that Smashrun no longer lists. */
  gone: number;
  runsWithWarnings: number;
  /** For each warning code, the number of runs that have it. */
  warnings: Record<string, number>;
}

/** The totals of a pull. */
export function pullTotals(outcome: PullOutcome): PullTotals {
  const t: PullTotals = {
    listed: 0,
    fetched: 0,
    written: 0,
    updated: 0,
    upToDate: 0,
    noRecordings: 0,
    beforeSince: 0,
    deletedMeanwhile: 0,
    notFetched: 0,
    failed: 0,
    failures: {},
    gone: outcome.gone.length,
    runsWithWarnings: 0,
    warnings: {},
  };
  for (const r of outcome.results) {
    if (r.status !== 'deleted') t.listed++;
    if (r.fetched) t.fetched++;
    switch (r.status) {
      case 'written':
        t.written++;
        break;
      case 'updated':
        t.updated++;
        break;
      case 'up-to-date':
        t.upToDate++;
        break;
      case 'no-recordings':
        t.noRecordings++;
        break;
      case 'before-since':
        t.beforeSince++;
        break;
      case 'deleted':
        t.deletedMeanwhile++;
        break;
      case 'not-fetched':
        t.notFetched++;
        break;
      case 'failed': {
        t.failed++;
        const code = r.error?.code ?? 'failed';
        t.failures[code] = (t.failures[code] ?? 0) + 1;
        break;
      }
    }
    if (r.warnings.length > 0) t.runsWithWarnings++;
    for (const w of r.warnings) t.warnings[w.code] = (t.warnings[w.code] ?? 0) + 1;
  }
  return t;
}

/** Draws the progress of the runs being fetched, with the view of `convert` and a bar counting runs. */
export class PullProgress {
  private readonly view: ProgressView;
  private readonly outDir: string;
  private total = 0;
  private done = 0;
  private failed = 0;
  private readonly t0 = performance.now();

  constructor(out: OutStream, quiet: boolean, outDir: string) {
    // `[#####-----] 12/40  30%  3.1 runs/s  ETA 0:09  1 failed`.
    this.view = new ProgressView(out, quiet, (p, columns) => barText(p, columns, 'runs'));
    this.outDir = outDir;
  }

  /** The number of runs to fetch. */
  start(total: number): void {
    this.total = total;
  }

  /** After each run fetched. */
  update(r: RunResult): void {
    this.done++;
    if (r.status === 'failed') this.failed++;
    const p = { total: this.total, done: this.done, failed: this.failed, elapsedMs: performance.now() - this.t0 };
    this.view.item(r.status === 'failed', () => runLine(r, this.outDir), p);
  }

  /** A line of its own above the bar, even when quiet. */
  note(line: string): void {
    this.view.note(line);
  }

  /** Removes the bar (before the summary). */
  finish(): void {
    this.view.finish();
  }
}

/** One plain line for a fetched run. */
export function runLine(r: RunResult, outDir: string): string {
  const run = `run ${r.activityId}${r.startDateTimeLocal === null ? '' : ` (${r.startDateTimeLocal})`}`;
  const warn = r.warnings.length > 0 ? ` (${plural(r.warnings.length, 'warning')}: ${r.warnings.map((w) => w.code).join(', ')})` : '';
  switch (r.status) {
    case 'written':
    case 'updated':
      return `${r.status.padEnd(11)} ${run} -> ${join(outDir, r.file ?? '')}${warn}`;
    case 'no-recordings':
      return `skipped     ${run}: no recordings (entered by hand), no file`;
    case 'deleted':
      return `deleted     ${run}: deleted on Smashrun meanwhile`;
    case 'failed':
      return `failed      ${run}: ${r.error?.code ?? 'failed'}: ${r.error?.message ?? ''}`;
    default:
      return `${r.status.padEnd(11)} ${run}`;
  }
}

/** The closing summary. */
export function pullSummaryText(t: PullTotals, elapsedMs: number, outDir: string, reportPath?: string): string {
  const s = elapsedMs / 1000;
  const rate = s > 0 ? t.fetched / s : 0;
  const byCount = (m: Record<string, number>): string => {
    const all = Object.entries(m).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const shown = all.slice(0, 8).map(([k, n]) => `${k} ${n}`);
    if (all.length > 8) shown.push(`${all.length - 8} more`);
    return shown.join(', ');
  };
  const lines = [
    `runjson: ${plural(t.listed, 'run')} on Smashrun, ${t.fetched} fetched in ${s.toFixed(1)} s (${rate.toFixed(1)} runs/s) into ${outDir}`,
    `  written     ${t.written}`,
    `  updated     ${t.updated}`,
    `  up to date  ${t.upToDate}`,
  ];
  if (t.noRecordings > 0) lines.push(`  by hand     ${t.noRecordings} (no recordings: no file)`);
  if (t.beforeSince > 0) lines.push(`  before      ${t.beforeSince} (started before --since)`);
  if (t.deletedMeanwhile > 0) lines.push(`  deleted     ${t.deletedMeanwhile} (on Smashrun, while pulling)`);
  if (t.notFetched > 0) lines.push(`  not fetched ${t.notFetched}`);
  lines.push(`  failed      ${t.failed}${t.failed > 0 ? ` (${byCount(t.failures)})` : ''}`);
  if (t.gone > 0) lines.push(`  gone        ${t.gone} no longer on Smashrun (their files are kept)`);
  lines.push(`  warnings    ${t.runsWithWarnings} ${t.runsWithWarnings === 1 ? 'run' : 'runs'}${t.runsWithWarnings > 0 ? ` (${byCount(t.warnings)})` : ''}`);
  if (reportPath !== undefined) lines.push(`  report      ${reportPath}`);
  return lines.join('\n') + '\n';
}

/** The report document. */
export interface PullReport {
  reportVersion: number;
  command: 'pull';
  startedAt: string;
  elapsedMs: number;
  outDir: string;
  to: string;
  since: string | null;
  interrupted: boolean;
  account: PullOutcome['account'];
  totals: PullTotals;
  /** Every run Smashrun listed, in its order (newest first). */
  runs: (Omit<RunResult, 'file'> & { file: string | null })[];
  /** Runs the folder holds that Smashrun no longer lists. */
  gone: string[];
}

/** Builds the report. */
export function buildPullReport(
  outcome: PullOutcome,
  totals: PullTotals,
  meta: { startedAt: Date; elapsedMs: number; outDir: string; to: string; since: string | null; interrupted: boolean },
): PullReport {
  return {
    reportVersion: PULL_REPORT_VERSION,
    command: 'pull',
    startedAt: meta.startedAt.toISOString(),
    elapsedMs: Math.round(meta.elapsedMs * 1000) / 1000,
    outDir: meta.outDir,
    to: meta.to,
    since: meta.since,
    interrupted: meta.interrupted,
    account: outcome.account,
    totals,
    runs: outcome.results.map((r) => ({ ...r, file: r.file === null ? null : join(meta.outDir, r.file) })),
    gone: outcome.gone,
  };
}
