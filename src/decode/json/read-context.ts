/**
 * What the readers of one Activity JSON activity share: the report, the limits, where the activity sits in
 * the document (for JSON pointers and messages), and the two ways out — a typed refusal with a position, or
 * a counted correction with the position of its first occurrence.
 */
import { ConvertError, ErrorCode, type Report, type WarningCode } from '../../core/errors.js';
import type { Limits } from '../limits.js';
import { escapeSegment } from './json-pointer.js';

/** One activity being read. */
export interface ReadContext {
  report: Report;
  limits: Limits;
  /** JSON pointer of the activity in the document: `''`, or `/3` in an array of activities. */
  base: string;
  /** Position in an array of activities (for messages), or undefined for a single object. */
  index: number | undefined;
  /** Which activity of the result warnings concern (set when the document holds several). */
  activity: number | undefined;
}

/** The JSON pointer of a value of the activity, e.g. `at(ctx, 'recordingValues', 1, 17)`. */
export function at(ctx: ReadContext, ...segments: readonly (string | number)[]): string {
  let out = ctx.base;
  for (const s of segments) out += '/' + escapeSegment(s);
  return out;
}

/** A refusal: `invalid-activity` at `path` (a pointer made by {@link at}). */
export function invalid(ctx: ReadContext, message: string, path: string): ConvertError {
  const text = ctx.index === undefined ? message : `activity ${ctx.index}: ${message}`;
  return new ConvertError(ErrorCode.Invalid, text, { format: 'json', path });
}

/** A refusal: `limit-exceeded` at `path`. */
export function overLimit(ctx: ReadContext, message: string, path: string): ConvertError {
  const text = ctx.index === undefined ? message : `activity ${ctx.index}: ${message}`;
  return new ConvertError(ErrorCode.Limit, text, { format: 'json', path });
}

/**
 * Counts corrections of one kind while reading, and reports them once at the end with the place of the
 * first: `const c = tally(); … add(c, path) …; flush(ctx, c, 'not-finite', '…')`.
 */
export interface Tally {
  count: number;
  first: string | undefined;
}

/** A new, empty {@link Tally}. */
export function tally(): Tally {
  return { count: 0, first: undefined };
}

/** Adds one occurrence at `path` (a pointer, or a function making it: only called for the first). */
export function add(t: Tally, path: string | (() => string)): void {
  if (t.count++ === 0) t.first = typeof path === 'string' ? path : path();
}

/** Reports what `t` counted (nothing when it counted nothing). */
export function flush(ctx: ReadContext, t: Tally, code: WarningCode, message: string): void {
  if (t.count === 0) return;
  const where: { activity?: number; path?: string } = {};
  if (ctx.activity !== undefined) where.activity = ctx.activity;
  if (t.first !== undefined) where.path = t.first;
  ctx.report.warn(code, message, t.count, where);
}
