/**
 * Time zones: the zone at a position (offline lookup) and the offset in effect in a zone at an instant
 * (DST-aware). The text form of a local time is Activity JSON's (`activity-json/local-time.ts`).
 */
import tzLookup from '@photostructure/tz-lookup';

const formatterCache = new Map<string, Intl.DateTimeFormat>();

/**
 * Offset from UTC (minutes) in effect in the IANA time zone `zone` at instant `epochMs`, DST included.
 * Throws a RangeError for an unknown zone.
 */
export function zoneOffset(zone: string, epochMs: number): number {
  let f = formatterCache.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatterCache.set(zone, f);
  }
  const parts = f.formatToParts(new Date(epochMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  const whole = epochMs - (epochMs % 1000 + 1000) % 1000;
  return Math.round((wall - whole) / 60_000);
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
