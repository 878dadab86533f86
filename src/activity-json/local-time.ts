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
 * `offset` is null. Returns null when the text is not such a date-time: a month, day (30 February), hour,
 * minute or second that does not exist, `24:00` with anything after it, an offset past ±23:59.
 *
 * The year is the one written, 0000 included: `Date.UTC` would read years 0–99 as 1900–1999, so the
 * instant is built with `setUTCFullYear`, which takes the year as it is.
 */
export function parseLocalTime(text: string): ParsedLocalTime | null {
  const m = LOCAL_RE.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const month = +mo;
  const day = +d;
  const hour = +h;
  const minute = +mi;
  const second = s === undefined ? 0 : +s;
  const ms = frac === undefined ? 0 : Math.round(Number('0.' + frac) * 1000);
  if (month < 1 || month > 12 || day < 1 || hour > 24 || minute > 59 || second > 60) return null;
  if (hour === 24 && (minute !== 0 || second !== 0 || ms !== 0)) return null;
  const date = new Date(0);
  date.setUTCFullYear(+y, month - 1, day);
  if (date.getUTCDate() !== day) return null; // 30 February, 31 April…
  const wall = date.setUTCHours(hour, minute, second, ms);
  if (!Number.isFinite(wall)) return null;
  if (tz === undefined) return { epochMs: wall, offset: null };
  let offset = 0;
  if (tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const offHours = Number(digits.slice(0, 2));
    const offMinutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    // No offset has an hour past 23 or a minute past 59 (and +00:99 could not be written back as read).
    if (offHours > 23 || offMinutes > 59) return null;
    offset = sign * (offHours * 60 + offMinutes);
  }
  return { epochMs: wall - offset * 60_000, offset };
}
