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
 *                "timings": { "readMs": 0.2, "convertMs": 3.1, "writeMs": 0.4, "workMs": 3.8, "waitMs": 52.6,
 *                             "totalMs": 56.4 } } ] }
 * ```
 *
 * `options` echoes the converter's options given, and `to` when the target format is not Activity JSON.
 * Timings are those of `FileTimings`, each rounded to the microsecond, `totalMs` the sum of the rounded
 * `waitMs` and `workMs` so that the numbers shown add up.
 */
import type { FileResult } from '../batch/convert-files.js';
import type { ConvertOptions } from '../convert/options.js';
import type { TargetFormat } from '../encode/registry.js';
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
  /** The converter's options given, and `to` when the target format is not `json`. */
  options: ConvertOptions & { to?: TargetFormat };
  /** True when the run was interrupted (SIGINT/SIGTERM) before every file was done. */
  interrupted: boolean;
  totals: BatchTotals;
  files: ReportFile[];
}

/** One file in the report. */
export type ReportFile = Omit<FileResult, 'data' | 'index'>;

/** Builds the report. */
export function buildReport(
  results: FileResult[],
  totals: BatchTotals,
  meta: { startedAt: Date; elapsedMs: number; jobs: number; outDir: string | null; options: ConvertOptions; to: TargetFormat; interrupted: boolean },
): BatchReport {
  const files = [...results]
    .sort((a, b) => a.index - b.index)
    .map(({ data: _data, index: _index, timings, ...rest }) => {
      const waitMs = round(timings.waitMs);
      const workMs = round(timings.workMs);
      return {
        ...rest,
        timings: {
          readMs: round(timings.readMs),
          convertMs: round(timings.convertMs),
          writeMs: round(timings.writeMs),
          workMs,
          waitMs,
          totalMs: round(waitMs + workMs),
        },
      };
    });
  return {
    reportVersion: REPORT_VERSION,
    command: 'convert',
    startedAt: meta.startedAt.toISOString(),
    elapsedMs: round(meta.elapsedMs),
    jobs: meta.jobs,
    outDir: meta.outDir,
    options: meta.to === 'json' ? meta.options : { ...meta.options, to: meta.to },
    interrupted: meta.interrupted,
    totals,
    files,
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
