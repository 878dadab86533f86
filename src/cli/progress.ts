/**
 * Progress of a batch on stderr: on a terminal, one bar redrawn at most ten times a second (items done /
 * total, items per second, ETA, failures so far) with failures printed above it; elsewhere (a log, CI), one
 * plain line per item. `convert` draws its files with it, `pull` its runs (`pull/pull-report.ts`), each with
 * its own lines and bar text. The closing summary of `convert` is printed by {@link summaryText}.
 */
import type { BatchProgress, FileResult } from '../batch/convert-files.js';
import { clock, type OutStream, plural } from './io.js';

/** The counts the bar shows. */
export type BarProgress = Pick<BatchProgress, 'total' | 'done' | 'failed' | 'elapsedMs'>;

/** The bar's text for the counts, in at most `columns` characters where it can. */
export type BarTextOf = (p: BarProgress, columns: number) => string;

/** Draws the progress of a batch. */
export class ProgressView {
  private readonly out: OutStream;
  private readonly tty: boolean;
  private readonly quiet: boolean;
  private readonly bar: BarTextOf;
  private lastDraw = 0;
  private barShown = false;

  /** `bar` gives the bar's text: by default {@link barText}, counting files. */
  constructor(out: OutStream, quiet: boolean, bar: BarTextOf = barText) {
    this.out = out;
    this.tty = out.isTTY === true;
    this.quiet = quiet;
    this.bar = bar;
  }

  /** Called after each file of `convert`. */
  update(p: BatchProgress): void {
    const r = p.last;
    this.item(r.status === 'failed', () => fileLine(r), p);
  }

  /**
   * Called after each item (a file, a run): `line` gives its plain line, printed when it `failed` (even when
   * quiet, above the bar on a terminal) and, unless quiet, for every item when not on a terminal. On a
   * terminal the bar is then redrawn from `p`: after a printed line, for the last item, or when the last
   * drawing is at least 100 ms old.
   */
  item(failed: boolean, line: () => string, p: BarProgress): void {
    const text = this.quiet ? (failed ? line() : null) : this.tty && !failed ? null : line();
    if (text !== null) {
      this.clearBar();
      this.out.write(text + '\n');
    }
    if (!this.tty) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && p.done < p.total && text === null) return;
    this.lastDraw = now;
    this.out.write('\r\x1b[K' + this.bar(p, this.out.columns || 80));
    this.barShown = true;
  }

  /** Prints a line of its own above the bar (a notice that is not about one item), even when quiet. */
  note(line: string): void {
    this.clearBar();
    this.out.write(line + '\n');
  }

  /** Removes the bar (before the summary). */
  finish(): void {
    this.clearBar();
  }

  private clearBar(): void {
    if (this.barShown) this.out.write('\r\x1b[K');
    this.barShown = false;
  }
}

/** The bar: `[#####-----] 120/430  28%  33.1 files/s  ETA 0:09  2 failed` (`runs/s` with `unit` 'runs'). */
export function barText(p: BarProgress, columns: number, unit = 'files'): string {
  const rate = p.elapsedMs > 0 ? (p.done / p.elapsedMs) * 1000 : 0;
  const eta = rate > 0 ? (p.total - p.done) / rate : NaN;
  const pct = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 100;
  const tail = ` ${p.done}/${p.total} ${String(pct).padStart(3)}%  ${rate.toFixed(1)} ${unit}/s  ETA ${clock(eta)}${p.failed > 0 ? `  ${p.failed} failed` : ''}`;
  const width = Math.max(10, Math.min(40, columns - tail.length - 3));
  const filled = p.total > 0 ? Math.round((p.done / p.total) * width) : width;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}`;
}

/** One plain line for a finished file. */
export function fileLine(r: FileResult): string {
  switch (r.status) {
    case 'converted': {
      const where = r.outputs.length > 0 ? ` -> ${r.outputs.join(', ')}` : '';
      const warn = r.warnings.length > 0 ? `, ${plural(r.warnings.length, 'warning')}` : '';
      return `converted   ${r.input}${where} (${plural(r.activities, 'activity', 'activities')}${warn})`;
    }
    case 'up-to-date':
      return `up-to-date  ${r.input}`;
    case 'skipped':
      return `skipped     ${r.input}: ${r.error.code}: ${r.error.message}`;
    case 'failed':
      return `failed      ${r.input}: ${r.error.code}: ${r.error.message}`;
  }
}

/** Counts of a finished batch. */
export interface BatchTotals {
  files: number;
  converted: number;
  activities: number;
  skipped: number;
  upToDate: number;
  failed: number;
  /** Failures by error code. */
  failures: Record<string, number>;
  /** Files with warnings. */
  filesWithWarnings: number;
  /** For each warning code, the number of files that have it. */
  warnings: Record<string, number>;
  bytes: number;
}

/** Totals of a list of results. */
export function totals(results: FileResult[]): BatchTotals {
  const t: BatchTotals = {
    files: results.length,
    converted: 0,
    activities: 0,
    skipped: 0,
    upToDate: 0,
    failed: 0,
    failures: {},
    filesWithWarnings: 0,
    warnings: {},
    bytes: 0,
  };
  for (const r of results) {
    t.bytes += r.bytes;
    t.activities += r.activities;
    if (r.status === 'converted') t.converted++;
    else if (r.status === 'skipped') t.skipped++;
    else if (r.status === 'up-to-date') t.upToDate++;
    else {
      t.failed++;
      t.failures[r.error.code] = (t.failures[r.error.code] ?? 0) + 1;
    }
    if (r.warnings.length > 0) t.filesWithWarnings++;
    for (const w of r.warnings) t.warnings[w.code] = (t.warnings[w.code] ?? 0) + 1;
  }
  return t;
}

/** The closing summary. */
export function summaryText(t: BatchTotals, elapsedMs: number, jobs: number, reportPath?: string): string {
  const s = elapsedMs / 1000;
  const rate = s > 0 ? t.files / s : 0;
  const mbs = s > 0 ? t.bytes / 1e6 / s : 0;
  // Most frequent first; the first eight codes (the report has them all).
  const byCount = (m: Record<string, number>): string => {
    const all = Object.entries(m).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const shown = all.slice(0, 8).map(([k, n]) => `${k} ${n}`);
    if (all.length > 8) shown.push(`${all.length - 8} more`);
    return shown.join(', ');
  };
  const lines = [
    `runjson: ${plural(t.files, 'file')} in ${s.toFixed(1)} s (${rate.toFixed(1)} files/s, ${mbs.toFixed(1)} MB/s, ${plural(jobs, 'worker')})`,
    `  converted   ${t.converted} (${plural(t.activities, 'activity', 'activities')})`,
    `  skipped     ${t.skipped} not running`,
  ];
  if (t.upToDate > 0) lines.push(`  up to date  ${t.upToDate}`);
  lines.push(`  failed      ${t.failed}${t.failed > 0 ? ` (${byCount(t.failures)})` : ''}`);
  lines.push(`  warnings    ${t.filesWithWarnings} ${t.filesWithWarnings === 1 ? 'file' : 'files'}${t.filesWithWarnings > 0 ? ` (${byCount(t.warnings)})` : ''}`);
  if (reportPath !== undefined) lines.push(`  report      ${reportPath}`);
  return lines.join('\n') + '\n';
}
