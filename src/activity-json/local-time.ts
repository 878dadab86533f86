/**
 * Activity JSON's `startDateTimeLocal`: the wall time where the run happened, with its UTC offset and
 * milliseconds, e.g. `2014-07-01T09:28:56.321-10:00` (spec §2). Text in, text out: no time-zone data here
 * (the zone lookups are in `core/time.ts`).
 */

/** Formats an instant (ms since the epoch) as local ISO 8601 with offset (minutes east of UTC). */
export function formatLocalTime(epochMs: number, offsetMinutes: number): string {
  const d = new Date(epochMs + offsetMinutes * 60_000);
  const y = d.getUTCFullYear();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    (y < 0 ? '-' + pad(-y, 6) : y > 9999 ? '+' + pad(y, 6) : pad(y, 4)) +
    '-' +
    pad(d.getUTCMonth() + 1, 2) +
    '-' +
    pad(d.getUTCDate(), 2) +
    'T' +
    pad(d.getUTCHours(), 2) +
    ':' +
    pad(d.getUTCMinutes(), 2) +
    ':' +
    pad(d.getUTCSeconds(), 2) +
    '.' +
    pad(d.getUTCMilliseconds(), 3) +
    sign +
    pad(Math.floor(abs / 60), 2) +
    ':' +
    pad(abs % 60, 2)
  );
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const LOCAL_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A parsed local time: the instant and the offset, or `null` offset when the text had none. */
export interface ParsedLocalTime {
  epochMs: number;
  offset: number | null;
}

/**
 * Parses an ISO 8601 date-time with optional offset. Without an offset, the wall time is read as UTC and
 * `offset` is null. Returns null when the text is not such a date-time.
 */
export function parseLocalTime(text: string): ParsedLocalTime | null {
  const m = LOCAL_RE.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const ms = frac === undefined ? 0 : Math.round(Number('0.' + frac) * 1000);
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, s === undefined ? 0 : +s, ms);
  if (!Number.isFinite(wall) || +mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 24 || +mi > 59 || (s !== undefined && +s > 60)) {
    return null;
  }
  if (tz === undefined) return { epochMs: wall, offset: null };
  let offset = 0;
  if (tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    offset = sign * (Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2, 4)) : 0));
  }
  return { epochMs: wall - offset * 60_000, offset };
}
