/**
 * How a stored run is shown: in detail (its Activity JSON with Smashrun's read-only fields, booleans as
 * 0/1 and `-1` for a missing latitude or longitude), as a summary, a brief, an extended summary, its
 * notables. Runs are listed newest first (by their start).
 */
import { type ActivityJson, parseLocalTime } from '../index.js';
import type { RunRecord } from './store.js';

type Json = Record<string, unknown>;

/** The fields of a detail that a summary leaves out (the series and what hangs on them). */
const DETAIL_ONLY = new Set(['recordingKeys', 'recordingValues', 'pauseIndexes', 'laps', 'songs', 'heartRateRecovery']);

/** Body weight assumed for calories when the run names none (kg). */
const DEFAULT_BODY_WEIGHT = 70;

/** The run's Activity JSON with what a PATCH set shown instead. */
export function effectiveActivity(run: RunRecord): ActivityJson {
  return { ...run.activity, ...run.patch };
}

/** `GET /v1/my/activities/{id}`: the run in detail. */
export function detailOf(run: RunRecord): Json {
  const a = effectiveActivity(run);
  const out: Json = { ...readOnlyFields(run, a), ...a };
  const keys = a.recordingKeys ?? [];
  const latAt = keys.indexOf('latitude');
  const lonAt = keys.indexOf('longitude');
  if (latAt >= 0 || lonAt >= 0) {
    // Smashrun answers -1 for a missing latitude or longitude.
    const values = a.recordingValues.slice();
    for (const k of [latAt, lonAt]) if (k >= 0) values[k] = values[k].map((v) => (v === null ? -1 : v));
    out.recordingValues = values;
  }
  return out;
}

/** A run's summary: the detail without the series, laps and pass-through lists. */
export function summaryOf(run: RunRecord): Json {
  const a = effectiveActivity(run);
  const out: Json = readOnlyFields(run, a);
  for (const [k, v] of Object.entries(a)) if (!DETAIL_ONLY.has(k)) out[k] = v;
  return out;
}

/** A run's brief: `{activityId, startDateTimeLocal, distance, duration}`. */
export function briefOf(run: RunRecord): Json {
  const a = effectiveActivity(run);
  return { activityId: run.id, startDateTimeLocal: a.startDateTimeLocal, distance: a.distance, duration: a.duration };
}

/**
 * A run's extended summary: the summary with figures worked out from the series (their names are the
 * sandbox's own): elevation gain, loss, minimum and maximum (m), the first position, the counts of pauses
 * and laps.
 */
export function extendedOf(run: RunRecord): Json {
  const a = run.activity;
  const elevation = series(a, 'elevation');
  let gain = 0;
  let loss = 0;
  let min = Infinity;
  let max = -Infinity;
  let prev = NaN;
  for (const v of elevation ?? []) {
    if (typeof v !== 'number') continue;
    if (prev === prev) {
      if (v > prev) gain += v - prev;
      else loss += prev - v;
    }
    prev = v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const lat = series(a, 'latitude');
  const lon = series(a, 'longitude');
  let first: number = -1;
  if (lat !== null && lon !== null) first = lat.findIndex((v, i) => typeof v === 'number' && typeof lon[i] === 'number');
  return {
    ...summaryOf(run),
    elevationGain: elevation === null || min === Infinity ? null : round(gain, 1),
    elevationLoss: elevation === null || min === Infinity ? null : round(loss, 1),
    elevationMin: min === Infinity ? null : min,
    elevationMax: max === -Infinity ? null : max,
    startLatitude: first >= 0 && lat !== null ? lat[first] : null,
    startLongitude: first >= 0 && lon !== null ? lon[first] : null,
    pauseCount: a.pauseIndexes?.length ?? 0,
    lapCount: a.laps?.length ?? 0,
  };
}

/** The read-only fields Smashrun adds to a run. */
function readOnlyFields(run: RunRecord, a: ActivityJson): Json {
  const weight = a.bodyWeight ?? DEFAULT_BODY_WEIGHT;
  return {
    activityId: run.id,
    source: 'api',
    hasDetails: (a.recordingKeys?.length ?? 0) > 0 ? 1 : 0,
    isTreadmill: a.terrain === 'treadmill' ? 1 : 0,
    // The usual running estimate: about 1 kcal per kg of body weight per km.
    calories: Math.round((a.distance ?? 0) * weight * 1.036),
    dateCreatedUTC: utcText(run.createdMs, false),
  };
}

/** The instant a run started (ms), for ordering; NaN when its start cannot be read. */
export function startMs(run: RunRecord): number {
  return parseLocalTime(effectiveActivity(run).startDateTimeLocal)?.epochMs ?? NaN;
}

/** Runs newest first: by start, then by id. */
export function newestFirst(runs: RunRecord[]): RunRecord[] {
  return runs
    .map((r) => ({ r, t: startMs(r) }))
    .sort((x, y) => (y.t === x.t ? y.r.id - x.r.id : (y.t || 0) - (x.t || 0)))
    .map((x) => x.r);
}

/** A notable of a run: what stands out about it among the user's runs. */
export interface Notable {
  type: 'first-run' | 'longest-run' | 'fastest-pace' | 'marathon' | 'half-marathon';
  description: string;
}

/** `GET /v1/my/activities/{id}/notables`: what stands out about `run` among `all` (the user's live runs, `run` included). */
export function notablesOf(run: RunRecord, all: RunRecord[]): Notable[] {
  const out: Notable[] = [];
  const a = effectiveActivity(run);
  const others = all.filter((r) => r.id !== run.id).map(effectiveActivity);
  const start = startMs(run);
  if (all.every((r) => r.id === run.id || startMs(r) > start)) out.push({ type: 'first-run', description: 'Your first run' });
  if (others.length > 0 && others.every((o) => a.distance > o.distance)) out.push({ type: 'longest-run', description: `Your longest run so far: ${a.distance.toFixed(2)} km` });
  const pace = (x: ActivityJson): number => (x.distance >= 1 ? x.duration / x.distance : Infinity);
  if (a.distance >= 1 && others.length > 0 && others.every((o) => pace(a) < pace(o))) {
    out.push({ type: 'fastest-pace', description: `Your fastest pace so far: ${clock(pace(a))} /km` });
  }
  if (a.distance >= 42.195) out.push({ type: 'marathon', description: 'Marathon distance' });
  else if (a.distance >= 21.0975) out.push({ type: 'half-marathon', description: 'Half marathon distance' });
  return out;
}

/** One series of a run's Activity JSON, or null. */
export function series(a: ActivityJson, key: string): (number | null)[] | null {
  const k = (a.recordingKeys as string[] | undefined)?.indexOf(key) ?? -1;
  return k < 0 ? null : a.recordingValues[k];
}

/**
 * UTC time as Smashrun writes it: `2024-05-12T14:20:11`, no zone designator (the field's name says UTC);
 * with `ms`, milliseconds too, so two changes in one second still tell apart.
 */
export function utcText(ms: number, withMs: boolean): string {
  const iso = new Date(ms).toISOString();
  return withMs ? iso.slice(0, 23) : iso.slice(0, 19);
}

function clock(s: number): string {
  const r = Math.round(s);
  return `${Math.floor(r / 60)}:${String(r % 60).padStart(2, '0')}`;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
