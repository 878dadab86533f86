/**
 * How a pulled run is named and recognised: its file name (sorting by date, unique by Smashrun id), the
 * fingerprint of its summary (what says that Smashrun changed it), and `--since`.
 */
import { createHash } from 'node:crypto';
import { parseLocalTime } from '../../activity-json/local-time.js';
import type { ActivitySummary } from '../../api/types.js';
import { UsageError } from '../args.js';

/** A Smashrun id as a key: ids come as numbers in some answers and as strings in others. */
export function idKey(id: ActivitySummary['activityId']): string {
  return String(id);
}

/**
 * The file stem of a run: `2026-11-20T07-32_1000001` — the local start time to the minute (so that a
 * folder listing sorts by date, as the runner lived it), then the Smashrun id (so that two runs started
 * in the same minute, or a run whose start cannot be read — `undated_…` — still get names of their own).
 * The id comes from the network: anything but letters, digits, `-` and `_` is not put in a file name,
 * the id's hash is used instead.
 */
export function runStem(start: string | null | undefined, id: string): string {
  const m = typeof start === 'string' ? /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})/.exec(start) : null;
  const when = m === null ? 'undated' : `${m[1]}T${m[2]}-${m[3]}`;
  const safeId = /^[0-9A-Za-z_-]{1,64}$/.test(id) ? id : `id-${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
  return `${when}_${safeId}`;
}

/**
 * A fingerprint of a run's summary as Smashrun lists it (16 hex digits of a SHA-256 of its JSON with the
 * keys sorted): a PATCH of the notes, the distance or the start, or a new upload of the run, changes it.
 */
export function summaryFingerprint(summary: ActivitySummary): string {
  return createHash('sha256').update(canonical(summary)).digest('hex').slice(0, 16);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * `--since`: a date (`2026-01-01`) or a date-time. A date, or a date-time without an offset, is a wall
 * time and is compared with each run's own local start (a run at 07:00 in Tokyo on New Year's Day started
 * on or after `2026-01-01`, wherever the pull runs); a date-time with an offset or `Z` is an instant and
 * is compared with each run's instant.
 */
export interface Since {
  /** As given. */
  text: string;
  /** ms: an instant when `instant`, else a wall time read as UTC. */
  ms: number;
  instant: boolean;
}

/** Reads `--since`. @throws {UsageError} not a date or an ISO 8601 date-time. */
export function parseSince(text: string): Since {
  const t = parseLocalTime(/^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()}T00:00` : text);
  if (t === null) throw new UsageError(`--since: expected a date (YYYY-MM-DD) or an ISO 8601 date-time, got '${text}'`);
  return t.offset === null ? { text, ms: t.epochMs, instant: false } : { text, ms: t.epochMs, instant: true };
}

/**
 * Whether a run that started at `start` (its `startDateTimeLocal`) is on or after `since`. A start that
 * cannot be read is kept: a pull errs on the side of having the run.
 */
export function startedSince(start: string | null | undefined, since: Since): boolean {
  const t = typeof start === 'string' ? parseLocalTime(start) : null;
  if (t === null) return true;
  // parseLocalTime gives the instant; the wall time is the instant moved by the run's own offset.
  const ms = since.instant ? t.epochMs : t.epochMs + (t.offset ?? 0) * 60_000;
  return ms >= since.ms;
}
