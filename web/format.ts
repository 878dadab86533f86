/**
 * How the page writes a run's numbers: pure functions, the same in the page and in its tests.
 */

/** Kilometres in a mile. */
export const KM_PER_MILE = 1.609344;

/** The distance units the page offers. */
export type Units = 'km' | 'mi';

/** Seconds as `h:mm:ss` or `m:ss`, rounded to the second. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A distance in km as `12.34 km` or `7.67 mi`. */
export function distanceText(km: number, units: Units): string {
  return `${(units === 'mi' ? km / KM_PER_MILE : km).toFixed(2)} ${units}`;
}

/** Average pace over `km` in `seconds` as `5:12 /km`, or `–` without a distance. */
export function paceText(seconds: number, km: number | null, units: Units): string {
  if (km === null || !(km > 0)) return '–';
  const perUnit = seconds / (units === 'mi' ? km / KM_PER_MILE : km);
  return `${clock(perUnit)} /${units}`;
}

/** The run's local start as `2024-05-01 07:32`, in UTC (said) when its zone is unknown. */
export function localStartText(startTime: number, utcOffset: number | null): string {
  const local = new Date(startTime + (utcOffset ?? 0) * 60_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}${utcOffset === null ? ' UTC' : ''}`;
}

/** A file name without its format's extensions (`run.fit.gz` → `run`). */
export function baseName(name: string): string {
  return name.replace(/\.gz$/i, '').replace(/\.(fit|tcx|gpx|json)$/i, '');
}

/** The download name of run `index` of a file of `count` runs, in format `to`. */
export function downloadName(name: string, index: number, count: number, to: string): string {
  return `${baseName(name)}${count > 1 ? `-${index + 1}` : ''}.${to === 'json' ? 'json' : to}`;
}
