/**
 * The account: `userinfo` (with `dateTimeUTCOfLastRunDataUpdated`, a syncing client's cue), goals
 * (`null` when unset), stats computed from the stored runs, badges (none), body weight. Field names
 * beyond the documented ones are the sandbox's own.
 */
import { parseLocalTime } from '../index.js';
import { effectiveActivity, series, utcText } from './activity-views.js';
import { liveRuns } from './activities.js';
import { type Ctx, MAX_SMALL_BODY } from './context.js';
import { HttpError, type Reply, json, parseJsonObject, readBody, requireJsonType } from './http.js';
import type { UserRecord } from './store.js';

/** `GET /v1/my/userinfo`. `id` is a number in the JSON, as Smashrun's (a client keeps it a string). */
export function userInfo(ctx: Ctx): Reply {
  const { user } = ctx.caller();
  return json(200, userInfoOf(user));
}

/** The `userinfo` document (names beyond `id`, `userName`, `firstName`, `lastName` and the update time are the sandbox's own). */
export interface UserInfo {
  /** A number in the JSON, as Smashrun's. */
  id: number;
  userName: string;
  firstName: string;
  lastName: string;
  /** `YYYY-MM-DDTHH:MM:SS`, UTC (no zone designator, as Smashrun writes its UTC times). */
  registrationDateUTC: string;
  unitDistance: 'k';
  unitWeight: 'k';
  unitTemperature: 'c';
  /** `YYYY-MM-DDTHH:MM:SS.mmm`, UTC; moves on every change to the user's runs. */
  dateTimeUTCOfLastRunDataUpdated: string;
}

/** The userinfo document of a user. */
export function userInfoOf(user: UserRecord): UserInfo {
  return {
    id: user.id,
    userName: user.userName,
    firstName: user.firstName,
    lastName: user.lastName,
    registrationDateUTC: utcText(user.registeredMs, false),
    unitDistance: 'k',
    unitWeight: 'k',
    unitTemperature: 'c',
    dateTimeUTCOfLastRunDataUpdated: utcText(user.lastRunDataUpdatedMs, true),
  };
}

/** `GET /v1/my/goals/{year}[/{month}]`: the goal set for the period, `null` when none is. */
export function getGoal(ctx: Ctx): Reply {
  const { user } = ctx.caller();
  const key = period(ctx.params.year, ctx.params.month);
  return json(200, ctx.store.goals.find((g) => g.userId === user.id && g.period === key)?.goal ?? null);
}

/** `GET /v1/my/stats[/{year}[/{month}]]`: totals and averages over the runs of the period (by their local date). */
export function getStats(ctx: Ctx): Reply {
  const { user } = ctx.caller();
  const key = ctx.params.year === undefined ? '' : period(ctx.params.year, ctx.params.month);
  const runs = liveRuns(ctx, user)
    .map(effectiveActivity)
    .filter((a) => a.startDateTimeLocal.startsWith(key));
  let distance = 0;
  let duration = 0;
  let longest: (typeof runs)[number] | null = null;
  let hrWeighted = 0;
  let hrSeconds = 0;
  for (const a of runs) {
    distance += a.distance;
    duration += a.duration;
    if (longest === null || a.distance > longest.distance) longest = a;
    if (a.heartRateAverage !== undefined && series(a, 'heartRate') !== null) {
      hrWeighted += a.heartRateAverage * a.duration;
      hrSeconds += a.duration;
    }
  }
  const n = runs.length;
  return json(200, {
    runCount: n,
    totalDistance: round(distance, 5),
    totalDuration: round(duration, 3),
    averageDistance: n === 0 ? null : round(distance / n, 5),
    averageDuration: n === 0 ? null : round(duration / n, 3),
    averagePace: distance > 0 ? round(duration / distance, 1) : null,
    averageHeartRate: hrSeconds > 0 ? Math.round(hrWeighted / hrSeconds) : null,
    longestRun: longest === null ? null : longest.distance,
    longestRunWhen: longest === null ? null : longest.startDateTimeLocal,
  });
}

/** `GET /v1/my/badges`: none are earned in the sandbox. */
export function getBadges(ctx: Ctx): Reply {
  ctx.caller();
  return json(200, []);
}

/** `GET /v1/my/body/weight`: the recordings, oldest first. */
export function getWeights(ctx: Ctx): Reply {
  const { user } = ctx.caller();
  return json(200, weightsOf(ctx, user));
}

/** `GET /v1/my/body/weight/latest`: the latest recording, `null` when there is none. */
export function getLatestWeight(ctx: Ctx): Reply {
  const { user } = ctx.caller();
  return json(200, weightsOf(ctx, user).at(-1) ?? null);
}

/**
 * `POST /v1/my/body/weight`: `{"date", "weightInKilograms"}`, sent as `application/json` (else `415`, as
 * Smashrun). A second recording for the same date replaces the first.
 */
export async function postWeight(ctx: Ctx): Promise<Reply> {
  const { user } = ctx.caller();
  requireJsonType(ctx.req);
  const body = parseJsonObject(await readBody(ctx.req, MAX_SMALL_BODY));
  const raw = body.date;
  const t = typeof raw !== 'string' ? null : /^\d{4}-\d{2}-\d{2}$/.test(raw) ? parseLocalTime(`${raw}T00:00:00`) : parseLocalTime(raw);
  if (t === null) throw new HttpError(400, 'invalid_request', 'date must be an ISO 8601 date (YYYY-MM-DD) or date-time');
  const w = body.weightInKilograms;
  if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0 || w >= 1000) throw new HttpError(400, 'invalid_request', 'weightInKilograms must be a number of kilograms, above 0 and below 1000');
  // The date as written (a date-time's own local date), not shifted to UTC.
  const date = (raw as string).slice(0, 10);
  ctx.store.weights = ctx.store.weights.filter((x) => !(x.userId === user.id && x.date === date));
  const rec = { userId: user.id, date, weightInKilograms: w };
  ctx.store.weights.push(rec);
  ctx.store.save();
  return json(200, { date, weightInKilograms: w });
}

function weightsOf(ctx: Ctx, user: UserRecord): { date: string; weightInKilograms: number }[] {
  return ctx.store.weights
    .filter((x) => x.userId === user.id)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
    .map((x) => ({ date: x.date, weightInKilograms: x.weightInKilograms }));
}

/** `YYYY` or `YYYY-MM` from path segments (`400` for a year outside 1970–2099 or a month outside 1–12). */
export function period(year: string, month: string | undefined): string {
  if (!/^\d{4}$/.test(year) || +year < 1970 || +year > 2099) throw new HttpError(400, 'invalid_request', 'the year must be 1970–2099');
  if (month === undefined) return year;
  if (!/^\d{1,2}$/.test(month) || +month < 1 || +month > 12) throw new HttpError(400, 'invalid_request', 'the month must be 1–12');
  return `${year}-${month.padStart(2, '0')}`;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
