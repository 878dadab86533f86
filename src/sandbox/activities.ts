/**
 * `/v1/my/activities…`: upload (with the `externalId` upsert per user and client), detail, the listings
 * (unpaged, paged search, ids, briefs, extended), PUT, PATCH, soft DELETE, splits, notables, polyline.
 * Every change moves the user's `dateTimeUTCOfLastRunDataUpdated`.
 */
import { MAX_NOTES, Report, fromActivityJson, parseLocalTime, splits } from '../index.js';
import { briefOf, detailOf, extendedOf, newestFirst, notablesOf, series, summaryOf } from './activity-views.js';
import { type Ctx, MAX_SMALL_BODY } from './context.js';
import { HttpError, type Reply, empty, json, parseJsonObject, readBody, requireJsonType } from './http.js';
import { encodePolyline } from './polyline.js';
import type { RunPatch, RunRecord, UserRecord } from './store.js';
import { readUpload, readUploadBody } from './upload.js';

/** The most runs one search page holds. */
const MAX_COUNT = 100;
/** Fields a PATCH may change [doc]. */
const PATCHABLE = new Set(['notes', 'duration', 'distance', 'startDateTimeLocal']);

/** `POST /v1/my/activities`: stores the runs of an upload, or answers `200 {validations}`. */
export async function postActivities(ctx: Ctx): Promise<Reply> {
  const { user, token } = ctx.caller();
  const body = await readUploadBody(ctx.req, ctx.options.maxUploadBytes);
  if (Array.isArray(body)) return json(200, { validations: body });
  const outcome = readUpload(body, ctx.options.maxUploadBytes);
  if (outcome.validations !== undefined) return json(200, { validations: outcome.validations });
  const now = ctx.options.now();
  const ids: number[] = [];
  for (const up of outcome.runs) {
    const same = up.externalId === null ? undefined : liveRuns(ctx, user).find((r) => r.clientId === token.clientId && r.externalId === up.externalId);
    if (same !== undefined) {
      // The upsert [doc]: this app sent this externalId before, for this user: that run is updated.
      same.activity = up.activity;
      same.format = up.format;
      same.patch = {};
      same.updatedMs = now;
      ids.push(same.id);
      continue;
    }
    const id = ctx.store.takeRunId();
    ctx.store.runs.set(id, {
      id,
      userId: user.id,
      clientId: token.clientId,
      externalId: up.externalId,
      format: up.format,
      createdMs: now,
      updatedMs: now,
      deleted: false,
      patch: {},
      activity: up.activity,
    });
    ids.push(id);
  }
  changed(ctx, user, ids);
  return json(200, { activityIds: ids.map(String) });
}

/** `GET /v1/my/activities`: every run's summary, unpaged. */
export function listActivities(ctx: Ctx): Reply {
  return json(200, listed(ctx).map(summaryOf));
}

/** `GET /v1/my/activities/search[/ids|/briefs|/extended]`: one page of the runs, newest first. */
export function searchActivities(ctx: Ctx, shape: 'summary' | 'ids' | 'briefs' | 'extended'): Reply {
  const q = ctx.url.searchParams;
  const page = whole(q.get('page'), 'page', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const count = whole(q.get('count'), 'count', 1, MAX_COUNT) ?? MAX_COUNT;
  const runs = listed(ctx).slice(page * count, page * count + count);
  if (shape === 'ids') return json(200, runs.map((r) => r.id));
  return json(200, runs.map(shape === 'briefs' ? briefOf : shape === 'extended' ? extendedOf : summaryOf));
}

/** `GET /v1/my/activities/{id}`. */
export function getActivity(ctx: Ctx): Reply {
  return json(200, detailOf(runOf(ctx)));
}

/** `PUT /v1/my/activities/{id}`: the full object, its `activityId` the one in the path. */
export async function putActivity(ctx: Ctx): Promise<Reply> {
  const { user } = ctx.caller();
  requireJsonType(ctx.req);
  const run = runOf(ctx);
  const bytes = await readBody(ctx.req, ctx.options.maxUploadBytes);
  const doc = parseJsonObject(bytes);
  if (doc.activityId === undefined || String(doc.activityId) !== String(run.id)) {
    throw new HttpError(400, 'invalid_request', 'the body must carry the activityId of the run in the path');
  }
  const outcome = readUpload({ bytes, multipart: false }, ctx.options.maxUploadBytes);
  if (outcome.validations !== undefined) return json(200, { validations: outcome.validations });
  const up = outcome.runs[0];
  run.activity = up.activity;
  // A body without an externalId keeps the run's: the upsert key stays.
  if (up.externalId !== null) run.externalId = up.externalId;
  else if (run.externalId !== null) run.activity.externalId = run.externalId;
  run.format = up.format;
  run.patch = {};
  run.updatedMs = ctx.options.now();
  changed(ctx, user, [run.id]);
  return json(200, detailOf(run));
}

/** `PATCH /v1/my/activities/{id}`: `notes`, `duration`, `distance`, `startDateTimeLocal` only. */
export async function patchActivity(ctx: Ctx): Promise<Reply> {
  const { user } = ctx.caller();
  requireJsonType(ctx.req);
  const run = runOf(ctx);
  const body = parseJsonObject(await readBody(ctx.req, MAX_SMALL_BODY));
  const keys = Object.keys(body);
  if (keys.length === 0) throw new HttpError(400, 'invalid_request', 'nothing to change: send notes, duration, distance or startDateTimeLocal');
  const other = keys.filter((k) => !PATCHABLE.has(k));
  if (other.length > 0) {
    throw new HttpError(400, 'invalid_request', `PATCH changes only notes, duration, distance and startDateTimeLocal, not ${other.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`);
  }
  const patch: RunPatch = {};
  if ('notes' in body) {
    if (typeof body.notes !== 'string' || body.notes.length > MAX_NOTES) throw new HttpError(400, 'invalid_request', `notes must be a string of at most ${MAX_NOTES} characters`);
    patch.notes = body.notes;
  }
  for (const k of ['duration', 'distance'] as const) {
    if (!(k in body)) continue;
    const v = body[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new HttpError(400, 'invalid_request', `${k} must be a number ≥ 0`);
    patch[k] = v;
  }
  if ('startDateTimeLocal' in body) {
    const v = body.startDateTimeLocal;
    const t = typeof v === 'string' ? parseLocalTime(v) : null;
    if (t === null || t.offset === null) throw new HttpError(400, 'invalid_request', 'startDateTimeLocal must be an ISO 8601 local time with its UTC offset');
    patch.startDateTimeLocal = v as string;
  }
  run.patch = { ...run.patch, ...patch };
  run.updatedMs = ctx.options.now();
  changed(ctx, user, [run.id]);
  return json(200, detailOf(run));
}

/** `DELETE /v1/my/activities/{id}`: the run is gone from every listing and from GET (kept, marked deleted). */
export function deleteActivity(ctx: Ctx): Reply {
  const { user } = ctx.caller();
  const run = runOf(ctx);
  run.deleted = true;
  run.updatedMs = ctx.options.now();
  changed(ctx, user, [run.id]);
  return empty(204);
}

/** `GET /v1/my/activities/{id}/splits/{km|mi}`: runjson's `splits()` of the run. */
export function getSplits(ctx: Ctx): Reply {
  const run = runOf(ctx);
  const unit = ctx.params.unit === 'km' ? 'km' : ctx.params.unit === 'mi' || ctx.params.unit === 'mile' ? 'mile' : null;
  if (unit === null) throw new HttpError(404, 'not_found', 'splits are per km or per mi');
  const activity = fromActivityJson(run.activity, new Report());
  return json(200, splits(activity, unit));
}

/** `GET /v1/my/activities/{id}/notables`. */
export function getNotables(ctx: Ctx): Reply {
  const { user } = ctx.caller();
  return json(200, notablesOf(runOf(ctx), liveRuns(ctx, user)));
}

/** `GET /v1/my/activities/{id}/polyline`: the route, Google-encoded (`''` without positions). */
export function getPolyline(ctx: Ctx): Reply {
  const run = runOf(ctx);
  const lat = series(run.activity, 'latitude');
  const lon = series(run.activity, 'longitude');
  return json(200, { activityId: run.id, polyline: lat === null || lon === null ? '' : encodePolyline(lat, lon) });
}

/** The caller's live (not deleted) runs. */
export function liveRuns(ctx: Ctx, user: UserRecord): RunRecord[] {
  const out: RunRecord[] = [];
  for (const r of ctx.store.runs.values()) if (r.userId === user.id && !r.deleted) out.push(r);
  return out;
}

/** A change to `user`'s runs: their data time moves on (strictly), and the state is saved. */
function changed(ctx: Ctx, user: UserRecord, runIds: number[]): void {
  user.lastRunDataUpdatedMs = Math.max(ctx.options.now(), user.lastRunDataUpdatedMs + 1);
  ctx.store.save(runIds);
}

/** The caller's run named by the path (`404` when it is not theirs, not a number, or deleted). */
function runOf(ctx: Ctx): RunRecord {
  const { user } = ctx.caller();
  const id = /^\d{1,15}$/.test(ctx.params.id) ? Number(ctx.params.id) : NaN;
  const run = ctx.store.runs.get(id);
  if (run === undefined || run.userId !== user.id || run.deleted) throw new HttpError(404, 'not_found', 'no such activity');
  return run;
}

/** The caller's runs, newest first, changed at or after `fromDate` when given. */
function listed(ctx: Ctx): RunRecord[] {
  const { user } = ctx.caller();
  const from = fromDate(ctx.url.searchParams.get('fromDate'));
  let runs = liveRuns(ctx, user);
  if (from !== null) runs = runs.filter((r) => r.updatedMs >= from);
  return newestFirst(runs);
}

/**
 * `fromDate`: unix seconds (an integer or a float), or an ISO 8601 date or date-time (UTC without an offset), in ms.
 * It filters on when the run was last changed, not on its date [doc].
 */
function fromDate(raw: string | null): number | null {
  if (raw === null || raw.trim() === '') return null;
  const s = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const t = parseLocalTime(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  if (t === null) throw new HttpError(400, 'invalid_request', 'fromDate must be unix seconds or an ISO 8601 date-time');
  return t.epochMs;
}

function whole(raw: string | null, name: string, min: number, max: number): number | null {
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw new HttpError(400, 'invalid_request', `${name} must be a whole number from ${min} to ${max}`);
  return n;
}
