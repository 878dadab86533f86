/**
 * What happens to every decoded activity, whatever its format: the sport filter, options, the local
 * time zone, distance from positions when the source has none, and the checks before emitting.
 */
import type { Activity } from '../core/activity.js';
import { ConvertError, ErrorCode, type Report, type SourceFormat } from '../core/errors.js';
import { distanceFromPositions } from '../core/geodesic.js';
import { zoneAt, zoneOffset } from '../core/time.js';
import { MAX_NOTES } from '../activity-json/vocabulary.js';
import type { ResolvedOptions } from './options.js';

/**
 * Filters the decoded activities by sport and prepares each for writing. Throws `not-running` when the
 * input holds activities but none of the wanted sport, `no-samples` when none has a sample.
 *
 * @param fallbackId - externalId base for activities whose source gives none (a hash of the input).
 */
export function finalizeActivities(
  decoded: Activity[],
  options: ResolvedOptions,
  report: Report,
  format: SourceFormat,
  fallbackId: () => string,
): Activity[] {
  let wanted = decoded;
  if (options.sports === 'running') {
    wanted = decoded.filter((a) => a.meta.sport === 'running');
    const others = decoded.filter((a) => a.meta.sport !== 'running');
    if (wanted.length === 0 && others.length > 0) {
      const sports = [...new Set(others.map((a) => describeSport(a)))].join(', ');
      throw new ConvertError(ErrorCode.NotRunning, `not a run: the file holds ${sports} (pass sports: 'all' to convert it anyway)`, { format });
    }
    if (others.length > 0) {
      report.note('other-sports-skipped', `left out ${others.length} session(s) that are not runs: ${[...new Set(others.map(describeSport))].join(', ')}`, others.length);
    }
  }
  const withSamples = wanted.filter((a) => a.length > 0);
  if (withSamples.length < wanted.length) {
    report.warn('empty-activity', 'activities with no samples were left out', wanted.length - withSamples.length);
  }
  if (withSamples.length === 0) {
    throw new ConvertError(ErrorCode.NoSamples, 'no activity with samples in the input', { format });
  }
  const multi = withSamples.length > 1;
  return withSamples.map((a, k) => finalizeOne(a, options, report, format, multi ? k : undefined, fallbackId));
}

function describeSport(a: Activity): string {
  return a.meta.subSport && a.meta.subSport !== 'generic' ? `${a.meta.sport}/${a.meta.subSport}` : a.meta.sport;
}

function finalizeOne(
  a: Activity,
  o: ResolvedOptions,
  report: Report,
  format: SourceFormat,
  index: number | undefined,
  fallbackId: () => string,
): Activity {
  const m = a.meta;
  const where = index === undefined ? undefined : { activity: index };

  // Options: the caller's id and notes win; for the rest the source wins and options fill gaps (spec §2).
  if (o.externalId !== undefined) m.externalId = index === undefined ? o.externalId : `${o.externalId}-${index + 1}`;
  else if (m.externalId === null) m.externalId = index === undefined ? fallbackId() : `${fallbackId()}-${index + 1}`;
  if (o.notes !== undefined) m.notes = o.notes;
  m.deviceType ??= o.deviceType ?? null;
  m.appVersion ??= o.appVersion ?? null;
  m.terrain ??= o.terrain ?? null;
  m.bodyWeight ??= o.bodyWeight ?? null;
  if (o.howFelt !== undefined) m.howFelt = o.howFelt;
  if (o.weatherType !== undefined) m.weatherType = o.weatherType;
  if (o.humidity !== undefined) m.humidity = o.humidity;
  if (o.windSpeed !== undefined) m.windSpeed = o.windSpeed;
  if (o.songs !== undefined) m.songs = o.songs;

  if (m.notes !== null && m.notes.length > MAX_NOTES) {
    // Cut at 800 UTF-16 units (what validate() counts), never between the two halves of a surrogate pair:
    // a lone surrogate is not valid Unicode, and strict JSON readers refuse it.
    let cut = MAX_NOTES;
    const last = m.notes.charCodeAt(cut - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut--;
    report.warn('notes-truncated', `notes cut at ${MAX_NOTES} characters`, m.notes.length - cut, where);
    m.notes = m.notes.slice(0, cut);
  }

  const { latitude, longitude } = a.series;
  if (a.series.distance === null) {
    if (latitude === null || longitude === null) {
      throw new ConvertError(ErrorCode.NoSamples, 'the activity has neither a distance series nor positions', { format });
    }
    a.series.distance = distanceFromPositions(latitude, longitude, a.length);
    report.note('distance-from-positions', 'the source has no distance series: distance was computed from positions (WGS-84 geodesic)', 1, where);
  }

  if (a.utcOffset === null) resolveTimeZone(a, o, report, where);

  if (!o.includePower && a.series.power !== null) {
    let count = 0;
    const p = a.series.power;
    for (let i = 0; i < a.length; i++) if (p[i] === p[i]) count++;
    report.warn('power-omitted', 'power values left out of the output (pass includePower to send them)', count, where);
  }
  return a;
}

function resolveTimeZone(a: Activity, o: ResolvedOptions, report: Report, where: { activity: number } | undefined): void {
  const { latitude, longitude } = a.series;
  if (latitude !== null && longitude !== null) {
    for (let i = 0; i < a.length; i++) {
      if (latitude[i] !== latitude[i] || longitude[i] !== longitude[i]) continue;
      const zone = zoneAt(latitude[i], longitude[i]);
      if (zone !== null) {
        a.utcOffset = zoneOffset(zone, a.startTime);
        return;
      }
      break;
    }
  }
  if (o.timeZone !== undefined) {
    // Checked once, by resolveOptions: a zone this runtime knows.
    a.utcOffset = zoneOffset(o.timeZone, a.startTime);
    return;
  }
  a.utcOffset = 0;
  report.warn('time-zone-unknown', 'no time zone in the source, no position and no timeZone option: local time is UTC', 1, where);
}
