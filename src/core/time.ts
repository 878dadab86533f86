/**
 * Time zones: the zone at a position (offline lookup) and the offset in effect in a zone at an instant
 * (DST-aware). The text form of a local time is Activity JSON's (`activity-json/local-time.ts`).
 */
import tzLookup from '@photostructure/tz-lookup';

const formatterCache = new Map<string, Intl.DateTimeFormat>();

/**
 * Offset from UTC (minutes) in effect in the IANA time zone `zone` at instant `epochMs`, DST included.
 * Throws a RangeError for an unknown zone.
 *
 * Read from the formatter's `longOffset` time-zone name ("…, GMT+05:45", "…, GMT" at zero): one string per
 * call. Taking the wall time apart with `formatToParts` and subtracting cost 3× as much (28 vs 9 µs a
 * call, 2026-12-01), and since every FIT run with positions looks its zone up (spec v4), that was 5–9 %
 * of a corpus FIT conversion. A test checks both ways agree across zones, years and DST switches.
 */
export function zoneOffset(zone: string, epochMs: number): number {
  let f = formatterCache.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatterCache.set(zone, f);
  }
  const text = f.format(epochMs);
  const at = text.lastIndexOf('GMT');
  if (at < 0) throw new RangeError(`no UTC offset in '${text}' for time zone ${zone}`);
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(text.slice(at + 3));
  if (text.length === at + 3) return 0;
  if (m === null) throw new RangeError(`no UTC offset in '${text}' for time zone ${zone}`);
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0) / 60;
  return Math.round(m[1] === '-' ? -minutes : minutes);
}

/** The IANA time zone at a position (offline lookup), or null when the position is not valid. */
export function zoneAt(lat: number, lon: number): string | null {
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return null;
  try {
    return tzLookup(lat, lon);
  } catch {
    return null;
  }
}

/** Whether `minutes` is a plausible UTC offset: within ±14 h and a multiple of 15 minutes. */
export function isPlausibleOffset(minutes: number): boolean {
  return Number.isInteger(minutes) && Math.abs(minutes) <= 14 * 60 && minutes % 15 === 0;
}
