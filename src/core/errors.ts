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
  /** JSON pointer to the value, for Activity JSON input (e.g. `/laps/3/endDuration`). */
  path?: string;
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
  readonly path: string | undefined;

  constructor(code: ErrorCode, message: string, init: ConvertErrorInit = {}) {
    super(formatMessage(message, init), init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.format = init.format ?? null;
    this.offset = init.offset;
    this.line = init.line;
    this.column = init.column;
    this.path = init.path;
  }
}

/**
 * Whether `e` is a {@link ConvertError} — also one thrown by another copy of runjson (two versions in one
 * dependency tree, or a worker's bundle), where `instanceof` says no. Checks the name and a known code.
 */
export function isConvertError(e: unknown): e is ConvertError {
  if (e instanceof ConvertError) return true;
  if (e === null || typeof e !== 'object') return false;
  const x = e as { name?: unknown; code?: unknown };
  return x.name === 'ConvertError' && typeof x.code === 'string' && (Object.values(ErrorCode) as string[]).includes(x.code);
}

function formatMessage(message: string, where: ConvertErrorInit): string {
  const parts: string[] = [];
  if (where.format) parts.push(where.format.toUpperCase());
  if (where.line !== undefined) parts.push(`line ${where.line}${where.column !== undefined ? `, column ${where.column}` : ''}`);
  else if (where.offset !== undefined) parts.push(`byte ${where.offset}`);
  if (where.path !== undefined) parts.push(`at ${where.path}`);
  return parts.length > 0 ? `${message} (${parts.join(', ')})` : message;
}

/**
 * Every warning code runjson reports, with what it means. A warning is either a correction (values left
 * out, merged or changed: `strict` refuses them) or a note (information about how the input was read:
 * `strict` lets it pass). Codes are stable; the README lists them.
 */
export const WARNING_CODES = {
  // Damaged or unusual input.
  'crc-mismatch': 'a FIT header or file CRC does not match (the data is kept)',
  truncated: 'the input ends early: every complete message before the break is kept',
  'corrupt-data': 'FIT data broken mid-file: every message before the damage is kept, the rest ignored',
  'chained-file-broken': 'bytes after the FIT file(s) are not a FIT file: ignored',
  unfinalized: 'a FIT recording that was never finalized (data size 0): read to the end of the input',
  'no-session': 'a FIT file with no session message (the watch died): all records make one activity (note)',
  // Samples left out, merged or corrected.
  'record-without-time': 'FIT records with no timestamp cannot be placed in time: left out',
  'records-while-stopped': 'FIT records logged while the timer was stopped: left out',
  'records-merged': 'FIT records sharing a timestamp merged into one sample (note)',
  'merge-conflict': 'merged FIT records disagreed on a value: the first was kept',
  'time-backwards': 'samples earlier than the one before: left out (the clock of a run never decreases)',
  'time-jump': 'FIT records more than 30 days after the previous one: left out',
  'time-repeated': 'trackpoints at the same time as the one before (kept)',
  'no-time': 'trackpoints with no time cannot be placed on the clock: left out',
  'position-out-of-range': 'positions outside −90…90 / −180…180 (or with one coordinate missing): left out',
  'time-out-of-range': 'times before 1970 or after 2099 (garbage in a date field): left out',
  'not-finite': 'values that are not finite numbers (Infinity): left out',
  'distance-backwards': 'distance readings that would make distance go down (a device glitch): the fewest set to null',
  'distance-carried': 'samples after the last distance reading carry it (the last recording must equal the summary)',
  'altitude-placeholder': 'FIT altitude placeholders (raw 0, −500 m: "no altitude") read as missing (note)',
  'offset-disagrees': 'the source’s own UTC offset disagrees with the time zone at the run’s position, which wins (note)',
  'implausible-speed': 'a run with 5 consecutive km faster than the 5000 m world record: a ride or a GPS fault?',
  'bad-number': 'TCX/GPX values that are not numbers: left out',
  'not-a-number': 'Activity JSON recording values that are not numbers: read as missing (null)',
  'time-no-zone': 'TCX/GPX times without a time zone: read as UTC',
  'time-sub-ms': 'TCX/GPX times finer than a millisecond: rounded to the millisecond',
  'time-precision': 'Activity JSON clock values finer than a millisecond: rounded to the millisecond',
  'cadence-halved': 'two-legged running cadence halved to one leg',
  'tracks-overlap': 'GPX tracks overlapping in time: their earlier points left out',
  'heart-rate-merged': 'FIT records without heart rate got it from the strap’s stored `hr` messages (note)',
  'heart-rate-own-kept': 'FIT records kept their own heart rate where stored `hr` messages gave another (note)',
  'hr-messages-unusable': 'FIT `hr` messages (stored heart rate) that cannot be placed: left out',
  'heart-rate-recovery': 'heart rate logged after the end of the run kept as heart-rate recovery (note)',
  // What the output carries.
  'power-omitted': 'power values left out of the output (pass `includePower` to send them)',
  'notes-truncated': 'notes cut at 800 characters',
  'distance-from-positions': 'no distance series in the source: distance computed from positions (note)',
  'pauses-detected': 'pauses found by the gap rule in a source without pause markers (note)',
  'time-zone-unknown': 'no offset, position or `timeZone` to place the local start time: UTC',
  'not-carried': 'values the target format has no place for (TCX: temperature; GPX: distance; and Activity JSON fields such as howFelt or terrain): left out',
  'out-of-format-range': 'values outside what the target format can hold (TCX, GPX: heart rate 1–255, cadence 0–254, power 0–65535): left out',
  'longitude-wrapped': 'longitude 180° written as −180°, the same meridian (TCX allows −180 ≤ longitude < 180)',
  'pause-at-lap-start': 'pauses at a lap boundary, which TCX marks only by the lap’s elapsed time beyond its timer time (note)',
  'samples-without-position': 'samples without a position, which GPX cannot hold: left out of a GPX export',
  'laps-not-carried': 'laps a target format cannot hold (GPX): the run is written without them',
  'rounded-to-format': 'values rounded to what the target format holds (TCX, GPX heart rate, cadence, power: whole numbers)',
  'samples-same-time': 'samples in the same time step of the target format as the one before (FIT: one second): readers merge them into one',
  'pause-too-short': 'pauses shorter than the target format’s time step (FIT: one second): not written, readers see no pause there',
  // Laps, activities and parts of the input left aside.
  'empty-lap': 'laps with no sample of their own merged into the previous lap',
  'lap-out-of-range': 'laps ending beyond the run or before the lap before them: left out',
  'empty-activity': 'activities with no samples: left out',
  'other-sports-skipped': 'sessions of other sports in the file left out (note)',
  'sport-assumed': 'the file does not say its sport: taken as a run (note)',
  'courses-ignored': 'TCX courses are not runs: ignored (note)',
  'waypoints-ignored': 'GPX waypoints are not part of the run: ignored (note)',
  'routes-ignored': 'GPX routes are not part of the run: ignored (note)',
  // Activity JSON input.
  'bad-lap': 'laps without a known lapType and a numeric end: left out',
  'bad-pause-index': 'pause indexes out of range or out of order: left out',
  'unknown-series': 'recordings that are not Activity JSON series: left out',
  'unknown-value': 'Activity JSON fields with a value of the wrong type or outside their enum or range (howFelt, terrain, humidity…): left out',
  'bad-pass-through': 'songs or heartRateRecovery entries that are not flat objects of the documented fields: left out',
} as const;
/** A warning code (see {@link WARNING_CODES}). */
export type WarningCode = keyof typeof WARNING_CODES;

/** A problem that did not stop the conversion. Same-code warnings are merged and counted. */
export interface Warning extends Position {
  /** Stable, kebab-case code, e.g. `records-while-stopped`, `crc-mismatch` (see {@link WARNING_CODES}). */
  code: WarningCode;
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
  /**
   * The input's format, for the errors `strict` raises. Set when the input is sniffed, and for XML once the
   * root element says TCX or GPX.
   */
  format: SourceFormat | null;

  constructor(strict = false, format: SourceFormat | null = null) {
    this.strict = strict;
    this.format = format;
  }

  /**
   * Records `count` occurrences of a problem. With `strict`, throws a {@link ConvertError} (code
   * `strict`, or `errorCode` when given) instead.
   */
  warn(code: WarningCode, message: string, count = 1, where?: Position & { activity?: number }, errorCode?: ErrorCode): void {
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
    if (where?.path !== undefined) w.path = where.path;
    if (where?.activity !== undefined) w.activity = where.activity;
    this.index.set(key, w);
    this.warnings.push(w);
  }

  /** Like {@link warn}, but never throws: for notes that are information, not corrections. */
  note(code: WarningCode, message: string, count = 1, where?: Position & { activity?: number }): void {
    if (this.strict) return;
    this.warn(code, message, count, where);
  }
}
