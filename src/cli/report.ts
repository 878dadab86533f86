/**
 * The `--report FILE` JSON: one entry per file, in input order.
 *
 * ```json
 * { "reportVersion": 1, "command": "convert", "startedAt": "…", "elapsedMs": 1234.5, "jobs": 2,
 *   "outDir": "json", "options": { "timeZone": "Europe/Paris" }, "interrupted": false,
 *   "totals": { "files": 3, "converted": 1, "activities": 1, "skipped": 1, "upToDate": 0, "failed": 1,
 *               "failures": { "malformed": 1 }, "filesWithWarnings": 1, "warnings": { "power-omitted": 1 }, "bytes": 5120 },
 *   "files": [ { "input": "…/run.fit", "relative": "run.fit", "status": "converted", "format": "fit",
 *                "activities": 1, "outputs": ["json/run.json"], "bytes": 4096,
 *                "warnings": [{ "code": "power-omitted", "message": "…", "count": 3000 }], "error": null,
 *                "timings": { "readMs": 0.2, "convertMs": 3.1, "writeMs": 0.4, "totalMs": 4.0 } } ] }
 * ```
 */
import type { FileResult } from '../batch/convert-files.js';
import type { ConvertOptions } from '../convert/options.js';
import type { BatchTotals } from './progress.js';

/** Version of the report layout. */
export const REPORT_VERSION = 1;

/** The report document. */
export interface BatchReport {
  reportVersion: number;
  command: 'convert';
  startedAt: string;
  elapsedMs: number;
  jobs: number;
  outDir: string | null;
  options: ConvertOptions;
  /** True when the run was interrupted (SIGINT/SIGTERM) before every file was done. */
  interrupted: boolean;
  totals: BatchTotals;
  files: ReportFile[];
}

/** One file in the report. */
export type ReportFile = Omit<FileResult, 'json' | 'index'>;

/** Builds the report. */
export function buildReport(
  results: FileResult[],
  totals: BatchTotals,
  meta: { startedAt: Date; elapsedMs: number; jobs: number; outDir: string | null; options: ConvertOptions; interrupted: boolean },
): BatchReport {
  const files = [...results]
    .sort((a, b) => a.index - b.index)
    .map(({ json: _json, index: _index, timings, ...rest }) => ({
      ...rest,
      timings: {
        readMs: round(timings.readMs),
        convertMs: round(timings.convertMs),
        writeMs: round(timings.writeMs),
        totalMs: round(timings.totalMs),
      },
    }));
  return {
    reportVersion: REPORT_VERSION,
    command: 'convert',
    startedAt: meta.startedAt.toISOString(),
    elapsedMs: round(meta.elapsedMs),
    jobs: meta.jobs,
    outDir: meta.outDir,
    options: meta.options,
    interrupted: meta.interrupted,
    totals,
    files,
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
