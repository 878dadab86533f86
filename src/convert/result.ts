/**
 * What a conversion gives: each activity in columns with its summary, and its bytes in any target format
 * of the encoder registry one call away.
 */
import type { ActivityJson } from '../activity-json/types.js';
import type { Activity } from '../core/activity.js';
import { Report, type SourceFormat, type Warning } from '../core/errors.js';
import { type Summary, summarize } from '../core/summary.js';
import { toActivityJson } from '../encode/json/to-activity-json.js';
import { encodeToBytes } from '../encode/encoder.js';
import { type TargetFormat, encoderFor } from '../encode/registry.js';

/** One converted activity. */
export interface ConvertedActivity {
  /** The activity in columns. */
  readonly activity: Activity;
  /** Its summary, recomputed from the series (spec §6). */
  readonly summary: Summary;
  /** Activity JSON text, written straight from the columns (the fast path). */
  toJson(): string;
  /**
   * The activity in a target format (default Activity JSON, what an uploader sends), as bytes of their
   * exact size.
   *
   * What the format cannot hold (a GPX sample without a position, a heart rate of 0 in TCX, laps in GPX…)
   * is counted in `options.report` when one is given: pass a {@link Report} to hear of it (the batch and
   * the `runjson` command add these to the file's warnings). A strict report refuses instead.
   *
   * @throws {ConvertError} `unsupported` for a format runjson does not write, or for a run the format cannot
   * hold at all (GPX without positions); `strict` from a strict report.
   */
  toBytes(to?: TargetFormat, options?: { report?: Report }): Uint8Array;
  /**
   * Hands `use` the bytes of {@link toBytes} as views valid only during the call (the encoder's own
   * buffer, reused by the next conversion): for writing them straight to a file or socket without a copy.
   * `use` is called once per chunk the encoder writes, in order (once for Activity JSON).
   */
  withBytes<T>(use: (bytes: Uint8Array) => T, to?: TargetFormat, options?: { report?: Report }): T;
  /** Activity JSON as a plain object (parsed from {@link toJson}, so the two always agree). */
  toObject(): ActivityJson;
}

/** What `convert()`, `convertSync()` and `ConvertSession.finish()` return. */
export interface ConvertResult {
  /** The format the input turned out to be. */
  format: SourceFormat;
  /** The activities found, in file order (one file may hold several runs). */
  activities: ConvertedActivity[];
  /** Every value left out or corrected, and other notes, merged and counted. */
  warnings: Warning[];
}

/** The activities of a finished conversion, with their outputs one call away. */
export function convertResult(format: SourceFormat, activities: readonly Activity[], warnings: Warning[], includePower: boolean): ConvertResult {
  return { format, activities: activities.map((a) => converted(a, includePower)), warnings };
}

function converted(activity: Activity, includePower: boolean): ConvertedActivity {
  const summary = summarize(activity);
  const options = { includePower, summary };
  return {
    activity,
    summary,
    toJson: () => toActivityJson(activity, options),
    toBytes: (to = 'json', extra = {}) =>
      encodeToBytes((sink) => encoderFor(to).encode(activity, extra.report === undefined ? options : { ...options, report: extra.report }, sink)),
    withBytes: <T>(use: (bytes: Uint8Array) => T, to: TargetFormat = 'json', extra: { report?: Report } = {}): T => {
      let out: T | undefined;
      encoderFor(to).encode(activity, extra.report === undefined ? options : { ...options, report: extra.report }, (c) => {
        out = use(c);
      });
      return out as T;
    },
    toObject: () => JSON.parse(toActivityJson(activity, options)) as ActivityJson,
  };
}

/**
 * Encodes each activity of `result` in `to` through `encodeOne(activity, report)`, and adds what the
 * format could not hold to `warnings` (a copy of the conversion's, each new one marked with its activity
 * when the file holds several). A `strict` report turns such a value into a `strict` ConvertError.
 */
export function encodeAll<T>(result: ConvertResult, strict: boolean, encodeOne: (a: ConvertedActivity, report: Report) => T): { outputs: T[]; warnings: Warning[] } {
  const warnings = result.warnings.slice();
  const outputs = result.activities.map((a, i) => {
    const report = new Report(strict, result.format);
    const out = encodeOne(a, report);
    for (const w of report.warnings) warnings.push(result.activities.length > 1 ? { ...w, activity: i } : w);
    return out;
  });
  return { outputs, warnings };
}
