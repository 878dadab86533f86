/**
 * The sandbox's routes: one table of (method, path pattern, handler), matched segment by segment. A path
 * that matches with another method gets `405`, any other `404`.
 */
import { getBadges, getGoal, getLatestWeight, getStats, getWeights, postWeight, userInfo } from './account.js';
import {
  deleteActivity,
  getActivity,
  getNotables,
  getPolyline,
  getSplits,
  listActivities,
  patchActivity,
  postActivities,
  putActivity,
  searchActivities,
} from './activities.js';
import type { Ctx } from './context.js';
import { type Reply, html } from './http.js';
import { authorizeGet, authorizePost, tokenEndpoint, tokenRevoke, tokenStatus } from './oauth.js';
import { homePage } from './pages.js';

type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

interface Route {
  method: string;
  /** Segments; `{name}` matches any one segment. */
  segments: string[];
  handler: Handler;
}

const table: [string, string, Handler][] = [
  ['GET', '/', () => html(200, homePage())],
  ['GET', '/oauth2/authenticate', authorizeGet],
  ['POST', '/oauth2/authenticate', authorizePost],
  ['POST', '/oauth2/token', tokenEndpoint],
  ['GET', '/v1/auth/{token}', tokenStatus],
  ['DELETE', '/v1/auth/{token}', tokenRevoke],
  ['GET', '/v1/my/activities', listActivities],
  ['POST', '/v1/my/activities', postActivities],
  ['GET', '/v1/my/activities/search', (c) => searchActivities(c, 'summary')],
  ['GET', '/v1/my/activities/search/ids', (c) => searchActivities(c, 'ids')],
  ['GET', '/v1/my/activities/search/briefs', (c) => searchActivities(c, 'briefs')],
  ['GET', '/v1/my/activities/search/extended', (c) => searchActivities(c, 'extended')],
  ['GET', '/v1/my/activities/{id}', getActivity],
  ['PUT', '/v1/my/activities/{id}', putActivity],
  ['PATCH', '/v1/my/activities/{id}', patchActivity],
  ['DELETE', '/v1/my/activities/{id}', deleteActivity],
  ['GET', '/v1/my/activities/{id}/splits/{unit}', getSplits],
  ['GET', '/v1/my/activities/{id}/notables', getNotables],
  ['GET', '/v1/my/activities/{id}/polyline', getPolyline],
  ['GET', '/v1/my/userinfo', userInfo],
  ['GET', '/v1/my/goals/{year}', getGoal],
  ['GET', '/v1/my/goals/{year}/{month}', getGoal],
  ['GET', '/v1/my/stats', getStats],
  ['GET', '/v1/my/stats/{year}', getStats],
  ['GET', '/v1/my/stats/{year}/{month}', getStats],
  ['GET', '/v1/my/badges', getBadges],
  ['GET', '/v1/my/body/weight', getWeights],
  ['GET', '/v1/my/body/weight/latest', getLatestWeight],
  ['POST', '/v1/my/body/weight', postWeight],
];

const ROUTES: Route[] = table.map(([method, pattern, handler]) => ({ method, segments: pattern.split('/').slice(1), handler }));

/** The route of a request: its handler and the path's `{name}` segments; or why there is none. */
export type RouteMatch = { handler: Handler; params: Record<string, string> } | { status: 404 | 405; allow?: string };

/**
 * Finds the route of `method` and `path`. Literal segments win over `{name}` ones (`/search` is not an
 * activity id).
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const parts = path.split('/').slice(1);
  let best: { route: Route; params: Record<string, string>; literals: number } | null = null;
  const allowed = new Set<string>();
  for (const route of ROUTES) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const seg = route.segments[i];
      if (seg.startsWith('{')) {
        if (parts[i] === '') ok = false;
        else params[seg.slice(1, -1)] = safeDecode(parts[i]);
      } else if (seg === parts[i]) literals++;
      else ok = false;
    }
    if (!ok) continue;
    if (route.method !== method) {
      allowed.add(route.method);
      continue;
    }
    if (best === null || literals > best.literals) best = { route, params, literals };
  }
  if (best !== null) return { handler: best.route.handler, params: best.params };
  return allowed.size > 0 ? { status: 405, allow: [...allowed].join(', ') } : { status: 404 };
}

/**
 * The route pattern a path takes in logs and stats: a token in it is never shown (`/v1/auth/{token}`).
 * Other paths are kept as they are, without their query.
 */
export function redactPath(path: string): string {
  return /^\/v1\/auth\/[^/]+/.test(path) ? path.replace(/^\/v1\/auth\/[^/]+/, '/v1/auth/{token}') : path;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
