/**
 * Errors and the conversion report.
 *
 * One error class, {@link ConvertError}, with a stable `code` that callers and tests branch on (never the
 * message text), the input format and, where there is one, the position in the input. Problems that do
 * not stop a conversion are {@link Warning}s: every value that is left out or corrected is counted there.
 */

/** Stable error codes of {@link ConvertError}. */
export const ErrorCode = {
  /** The input is none of the formats runjson reads. */
  UnknownFormat: 'unknown-format',
  /** The input is empty. */
  Empty: 'empty-input',
  /** The input breaks its format's syntax (FIT header, XML, JSON). */
  Malformed: 'malformed',
  /** The input ends before its format says it should (only fatal where nothing usable was read, or with `strict`). */
  Truncated: 'truncated',
  /** A checksum does not match (fatal only with `strict`). */
  Checksum: 'checksum',
  /** The file is well formed but holds no activity (a FIT monitoring file, a TCX course). */
  NotAnActivity: 'not-an-activity',
  /** The activity is not a run, and the options do not ask for other sports. */
  NotRunning: 'not-running',
  /** The activity holds no samples. */
  NoSamples: 'no-samples',
  /** An Activity JSON document breaks the rules of the spec (see `validate`). */
  Invalid: 'invalid-activity',
  /** The input trips one of the configured limits (bytes, records, depth, string length…). */
  Limit: 'limit-exceeded',
  /** A feature runjson does not handle here (e.g. gzip in the synchronous API outside Node). */
  Unsupported: 'unsupported',
  /** A warning turned into an error by the `strict` option. */
  Strict: 'strict',
} as const;
/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The input formats runjson reads. */
export type SourceFormat = 'fit' | 'tcx' | 'gpx' | 'json';

/** Where in the input something happened: a byte offset (binary formats) or a line and column (text). */
export interface Position {
  /** Byte offset from the start of the input. */
  offset?: number;
  /** 1-based line, for text formats. */
  line?: number;
  /** 1-based column, for text formats. */
  column?: number;
}

/** Options accepted by the {@link ConvertError} constructor. */
export interface ConvertErrorInit extends Position {
  format?: SourceFormat | null;
  cause?: unknown;
}

/** The one error class runjson throws. Branch on {@link ConvertError.code}. */
export class ConvertError extends Error {
  override readonly name = 'ConvertError';
  readonly code: ErrorCode;
  readonly format: SourceFormat | null;
  readonly offset: number | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(code: ErrorCode, message: string, init: ConvertErrorInit = {}) {
    super(formatMessage(message, init), init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.format = init.format ?? null;
    this.offset = init.offset;
    this.line = init.line;
    this.column = init.column;
  }
}

function formatMessage(message: string, where: ConvertErrorInit): string {
  const parts: string[] = [];
  if (where.format) parts.push(where.format.toUpperCase());
  if (where.line !== undefined) parts.push(`line ${where.line}${where.column !== undefined ? `, column ${where.column}` : ''}`);
  else if (where.offset !== undefined) parts.push(`byte ${where.offset}`);
  return parts.length > 0 ? `${message} (${parts.join(', ')})` : message;
}

/** A problem that did not stop the conversion. Same-code warnings are merged and counted. */
export interface Warning extends Position {
  /** Stable, kebab-case code, e.g. `records-while-stopped`, `crc-mismatch`. */
  code: string;
  /** Human text of the first occurrence. */
  message: string;
  /** How many values or events this warning stands for. */
  count: number;
  /** Which activity of the result it concerns, where it concerns one. */
  activity?: number;
}

/**
 * Collects warnings for one conversion. Warnings with the same code (and activity) are merged: the count
 * grows, the first message and position are kept, so memory stays bounded whatever the input.
 */
export class Report {
  readonly warnings: Warning[] = [];
  private readonly index = new Map<string, Warning>();
  private readonly strict: boolean;
  private readonly format: SourceFormat | null;

  constructor(strict = false, format: SourceFormat | null = null) {
    this.strict = strict;
    this.format = format;
  }

  /**
   * Records `count` occurrences of a problem. With `strict`, throws a {@link ConvertError} (code
   * `strict`, or `errorCode` when given) instead.
   */
  warn(code: string, message: string, count = 1, where?: Position & { activity?: number }, errorCode?: ErrorCode): void {
    if (count <= 0) return;
    if (this.strict) {
      throw new ConvertError(errorCode ?? ErrorCode.Strict, `${message} [${code}]`, { ...where, format: this.format });
    }
    const key = where?.activity === undefined ? code : `${code}#${where.activity}`;
    const seen = this.index.get(key);
    if (seen) {
      seen.count += count;
      return;
    }
    const w: Warning = { code, message, count };
    if (where?.offset !== undefined) w.offset = where.offset;
    if (where?.line !== undefined) w.line = where.line;
    if (where?.column !== undefined) w.column = where.column;
    if (where?.activity !== undefined) w.activity = where.activity;
    this.index.set(key, w);
    this.warnings.push(w);
  }

  /** Like {@link warn}, but never throws: for notes that are information, not corrections. */
  note(code: string, message: string, count = 1, where?: Position & { activity?: number }): void {
    if (this.strict) return;
    this.warn(code, message, count, where);
  }
}
