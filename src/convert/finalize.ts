/**
 * What happens to every decoded activity, whatever its format: the sport filter, options, the distance
 * rules (from positions when the source has none, never decreasing, the last reading carried), the
 * plausibility of a run, the local time zone, and the checks before emitting (`gate.ts`).
 */
import type { Activity } from '../core/activity.js';
import { ConvertError, ErrorCode, type Report, type SourceFormat } from '../core/errors.js';
import { WORLD_RECORD_5000_S, carryLastDistance, fastestFiveKm, nullBackwardDistance } from '../core/distance.js';
import { distanceFromPositions } from '../core/geodesic.js';
import { km2m, lastValidAtOrBefore } from '../core/laps.js';
import { zoneAt, zoneOffset } from '../core/time.js';
import { MAX_NOTES } from '../activity-json/vocabulary.js';
import { checkActivity } from './gate.js';
import type { ResolvedOptions } from './options.js';

/**
 * Filters the decoded activities by sport and prepares each for writing. Throws `not-running` when the
 * input holds activities but none of the wanted sport (or none that is a plausible run), `no-samples`
 * when none has a sample, or neither distance nor positions.
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

  // Distance first (every later rule reads it), then plausibility, which may leave activities out: the
  // warnings of the others are given afterwards, with their final index.
  const kept: Prepared[] = [];
  let implausible = 0;
  let fastestLeftOut = Infinity;
  for (const a of withSamples) {
    const p = prepareDistance(a, format);
    if (p.fastest5kS < WORLD_RECORD_5000_S && a.meta.sportAssumed && options.sports === 'running') {
      implausible++;
      fastestLeftOut = Math.min(fastestLeftOut, p.fastest5kS);
      continue;
    }
    kept.push(p);
  }
  if (implausible > 0) {
    const why = `5 km in ${clock(fastestLeftOut)}, faster than the 5000 m world record (${clock(WORLD_RECORD_5000_S)}), and the file does not say its sport`;
    if (kept.length === 0) throw new ConvertError(ErrorCode.NotRunning, `not a plausible run: ${why} (pass sports: 'all' to convert it anyway)`, { format });
    report.note('other-sports-skipped', `left out ${implausible} activit${implausible === 1 ? 'y' : 'ies'} that cannot be runs: ${why}`, implausible);
  }
  const multi = kept.length > 1;
  return kept.map((p, k) => finalizeOne(p, options, report, format, multi ? k : undefined, fallbackId));
}

/** An activity with its distance settled, and what settling it did. */
interface Prepared {
  a: Activity;
  fromPositions: boolean;
  backwards: number;
  carried: number;
  /** Shortest moving time over 5 km, s (Infinity for shorter runs). */
  fastest5kS: number;
}

/**
 * The distance series as Activity JSON needs it (spec §3, v4): from positions when the source has none,
 * never decreasing, the last reading carried over the samples after it.
 */
function prepareDistance(a: Activity, format: SourceFormat): Prepared {
  const { latitude, longitude } = a.series;
  let fromPositions = false;
  if (a.series.distance === null) {
    if (latitude === null || longitude === null) {
      throw new ConvertError(ErrorCode.NoSamples, 'the activity has neither a distance series nor positions', { format });
    }
    a.series.distance = distanceFromPositions(latitude, longitude, a.length);
    fromPositions = true;
  }
  const dist = a.series.distance;
  const backwards = nullBackwardDistance(dist, a.length);
  const carried = carryLastDistance(dist, a.length);
  return { a, fromPositions, backwards, carried, fastest5kS: fastestFiveKm(dist, a.duration, a.length) };
}

/** Seconds as m:ss. */
function clock(s: number): string {
  const r = Math.round(s);
  return `${Math.floor(r / 60)}:${String(r % 60).padStart(2, '0')}`;
}

function describeSport(a: Activity): string {
  return a.meta.subSport && a.meta.subSport !== 'generic' ? `${a.meta.sport}/${a.meta.subSport}` : a.meta.sport;
}

function finalizeOne(
  p: Prepared,
  o: ResolvedOptions,
  report: Report,
  format: SourceFormat,
  index: number | undefined,
  fallbackId: () => string,
): Activity {
  const a = p.a;
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

  if (p.fromPositions) {
    report.note('distance-from-positions', 'the source has no distance series: distance was computed from positions (WGS-84 geodesic)', 1, where);
  }
  if (p.backwards > 0) {
    report.warn('distance-backwards', 'distance readings that would make distance go down (a device glitch) were set to null: the fewest that keep it non-decreasing', p.backwards, where);
    // Laps sent by distance took their end from readings that may be gone: take it again.
    a.laps = a.laps.map((lap) => {
      if (lap.by !== 'distance') return lap;
      const end = lastValidAtOrBefore(a.series.distance as Float64Array, lap.endIndex);
      return end === end ? { ...lap, end: km2m(end) } : { ...lap, by: 'duration', end: a.duration[lap.endIndex] };
    });
  }
  if (p.carried > 0) {
    report.warn('distance-carried', 'samples after the last distance reading carry it, so the last recording equals the summary distance', p.carried, where);
  }
  if (p.fastest5kS < WORLD_RECORD_5000_S && m.sport === 'running') {
    report.warn(
      'implausible-speed',
      `5 km in ${clock(p.fastest5kS)}, faster than the 5000 m world record (${clock(WORLD_RECORD_5000_S)}): a ride, or a GPS fault?`,
      1,
      where,
    );
  }

  if (a.utcOffset === null) resolveTimeZone(a, o, report, where);

  checkActivity(a, report, format, where);

  if (!o.includePower && a.series.power !== null) {
    let count = 0;
    const power = a.series.power;
    for (let i = 0; i < a.length; i++) if (power[i] === power[i]) count++;
    report.warn('power-omitted', 'power values left out of the output (pass includePower to send them)', count, where);
  }
  return a;
}

/**
 * The local time offset (spec §2, v4): the zone at the run's first position first (DST-aware); then the
 * source's own offset (FIT `local_timestamp`); then the `timeZone` option; else UTC, with a warning. A
 * source offset that disagrees with the position's is reported: devices write 0 when their clock's zone
 * was never set. An offset the input states as part of its format (Activity JSON's `startDateTimeLocal`)
 * is kept as it is.
 */
function resolveTimeZone(a: Activity, o: ResolvedOptions, report: Report, where: { activity: number } | undefined): void {
  const source = a.meta.sourceOffset;
  const zone = firstZone(a);
  if (zone !== null) {
    a.utcOffset = zoneOffset(zone, a.startTime);
    if (source !== null && source !== a.utcOffset) {
      report.note('offset-disagrees', `the file's own UTC offset (${offsetText(source)}) disagrees with the time zone at the run's position (${zone}, ${offsetText(a.utcOffset)}), which was used`, 1, where);
    }
    return;
  }
  if (source !== null) {
    a.utcOffset = source;
    return;
  }
  if (o.timeZone !== undefined) {
    // Checked once, by resolveOptions: a zone this runtime knows.
    a.utcOffset = zoneOffset(o.timeZone, a.startTime);
    return;
  }
  a.utcOffset = 0;
  report.warn('time-zone-unknown', 'no time zone in the source, no position and no timeZone option: local time is UTC', 1, where);
}

/** The IANA zone at the run's first position, or null. */
function firstZone(a: Activity): string | null {
  const { latitude, longitude } = a.series;
  if (latitude === null || longitude === null) return null;
  for (let i = 0; i < a.length; i++) {
    if (latitude[i] !== latitude[i] || longitude[i] !== longitude[i]) continue;
    return zoneAt(latitude[i], longitude[i]);
  }
  return null;
}

function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '−' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
