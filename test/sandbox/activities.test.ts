/**
 * The activity endpoints after upload: the unpaged listing, search with paging and `fromDate` (on when a
 * run was last changed), ids, briefs, extended; PUT, PATCH (its 415 and 400 rules), soft DELETE; splits,
 * notables, polyline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Report, fromActivityJson, splits } from '../../src/index.js';
import { type Sandbox, encodePolyline, startSandbox } from '../../src/sandbox/index.js';
import { makeActivity } from '../helpers/make-activity.js';
import { api, manualClock, uploadJson } from './sandbox-helpers.js';

const clock = manualClock(Date.UTC(2024, 0, 1));
let sandbox: Sandbox;
let token: string;
/** Ids by seed; seeds 1…7 start on May 2…8 (seed % 28 + 1), so a higher seed is a newer run. */
const ids = new Map<number, number>();
/** The clock (s) right after runs 1–5 were stored and before 6–7 were. */
let between: number;

beforeAll(async () => {
  sandbox = await startSandbox({ now: clock.now });
  token = sandbox.issueToken().accessToken;
  for (const seed of [3, 1, 5, 2, 4, 7, 6]) {
    if (seed === 7) {
      between = clock.now() / 1000;
      clock.advance(60_000);
    }
    const r = await uploadJson(sandbox, token, makeActivity({ seed, samples: 1200 }));
    ids.set(seed, Number(r.body.activityIds[0]));
    clock.advance(1000);
  }
});
afterAll(() => sandbox.close());

const newest = (): number[] => [7, 6, 5, 4, 3, 2, 1].map((s) => ids.get(s) as number);

describe('listings', () => {
  it('GET /my/activities: every summary, newest first, unpaged, no series', async () => {
    const r = await api(sandbox, token, 'GET', '/my/activities');
    expect(r.status).toBe(200);
    expect(r.body.map((a: { activityId: number }) => a.activityId)).toEqual(newest());
    expect(r.body[0].recordingValues).toBeUndefined();
    expect(r.body[0]).toMatchObject({ activityType: 'running', hasDetails: 1, source: 'api' });
    expect(typeof r.body[0].distance).toBe('number');
  });

  it('search pages from 0, count ≤ 100, an empty array after the last page', async () => {
    const p0 = await api(sandbox, token, 'GET', '/my/activities/search?page=0&count=3');
    const p1 = await api(sandbox, token, 'GET', '/my/activities/search?page=1&count=3');
    const p2 = await api(sandbox, token, 'GET', '/my/activities/search?page=2&count=3');
    const p3 = await api(sandbox, token, 'GET', '/my/activities/search?page=3&count=3');
    const all = [...p0.body, ...p1.body, ...p2.body].map((a: { activityId: number }) => a.activityId);
    expect(all).toEqual(newest());
    expect(p2.body).toHaveLength(1);
    expect(p3.status).toBe(200);
    expect(p3.body).toEqual([]);
    expect((await api(sandbox, token, 'GET', '/my/activities/search?count=101')).status).toBe(400);
    expect((await api(sandbox, token, 'GET', '/my/activities/search?count=0')).status).toBe(400);
    expect((await api(sandbox, token, 'GET', '/my/activities/search?page=-1')).status).toBe(400);
    expect((await api(sandbox, token, 'GET', '/my/activities/search?count=100')).body).toHaveLength(7);
  });

  it('ids are integers; briefs are {activityId, startDateTimeLocal, distance, duration}; extended adds figures', async () => {
    const idList = await api(sandbox, token, 'GET', '/my/activities/search/ids?count=100');
    expect(idList.body).toEqual(newest());
    const briefs = await api(sandbox, token, 'GET', '/my/activities/search/briefs?count=2');
    expect(Object.keys(briefs.body[0]).sort()).toEqual(['activityId', 'distance', 'duration', 'startDateTimeLocal']);
    expect(briefs.body[0].activityId).toBe(ids.get(7));
    const ext = await api(sandbox, token, 'GET', '/my/activities/search/extended?count=1');
    expect(ext.body[0]).toMatchObject({ activityId: ids.get(7), pauseCount: 1, lapCount: 2 });
    expect(typeof ext.body[0].startLatitude).toBe('number');
  });

  it('fromDate filters on when the run last changed (unix seconds, float or ISO), not on its date', async () => {
    const since = await api(sandbox, token, 'GET', `/my/activities/search/ids?fromDate=${Math.ceil(between)}`);
    expect(since.body).toEqual([ids.get(7), ids.get(6)]);
    const float = await api(sandbox, token, 'GET', `/my/activities/search/ids?fromDate=${between + 0.5}`);
    expect(float.body).toEqual([ids.get(7), ids.get(6)]);
    const iso = await api(sandbox, token, 'GET', `/my/activities/search/ids?fromDate=${new Date(between * 1000 + 500).toISOString()}`);
    expect(iso.body).toEqual([ids.get(7), ids.get(6)]);
    expect((await api(sandbox, token, 'GET', '/my/activities/search/ids?fromDate=2024-01-01')).body).toHaveLength(7);
    expect((await api(sandbox, token, 'GET', '/my/activities/search/ids?fromDate=yesterday')).status).toBe(400);
  });
});

describe('changes', () => {
  it('PATCH changes notes, duration, distance, startDateTimeLocal only; JSON only', async () => {
    const id = ids.get(1) as number;
    const ok = await api(sandbox, token, 'PATCH', `/my/activities/${id}`, JSON.stringify({ notes: 'felt good', distance: 3.5 }), { 'content-type': 'application/json' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ activityId: id, notes: 'felt good', distance: 3.5 });
    expect((await api(sandbox, token, 'GET', `/my/activities/${id}`)).body.notes).toBe('felt good');
    const other = await api(sandbox, token, 'PATCH', `/my/activities/${id}`, JSON.stringify({ notes: 'x', heartRateAverage: 150 }), { 'content-type': 'application/json' });
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('invalid_request');
    expect((await api(sandbox, token, 'PATCH', `/my/activities/${id}`, JSON.stringify({ notes: 'x' }))).status).toBe(415);
    expect((await api(sandbox, token, 'PATCH', `/my/activities/${id}`, JSON.stringify({ duration: -1 }), { 'content-type': 'application/json' })).status).toBe(400);
    expect((await api(sandbox, token, 'PATCH', `/my/activities/${id}`, JSON.stringify({ startDateTimeLocal: '2024-05-01T07:00:00' }), { 'content-type': 'application/json' })).status).toBe(400);
    expect((await api(sandbox, token, 'PATCH', `/my/activities/${id}`, '{}', { 'content-type': 'application/json' })).status).toBe(400);
  });

  it('PUT replaces the run with the full object, its activityId matching the path', async () => {
    const id = ids.get(2) as number;
    const got = (await api(sandbox, token, 'GET', `/my/activities/${id}`)).body;
    got.notes = 'replaced';
    got.howFelt = 'great';
    const put = await api(sandbox, token, 'PUT', `/my/activities/${id}`, JSON.stringify(got), { 'content-type': 'application/json' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ activityId: id, notes: 'replaced', howFelt: 'great' });
    // The detail sent back (with its -1 positions and read-only fields) is read as it was.
    expect(put.body.recordingValues).toEqual(got.recordingValues);
    expect((await api(sandbox, token, 'PUT', `/my/activities/${id}`, JSON.stringify({ ...got, activityId: id + 1 }), { 'content-type': 'application/json' })).status).toBe(400);
    const noId = { ...got };
    delete noId.activityId;
    expect((await api(sandbox, token, 'PUT', `/my/activities/${id}`, JSON.stringify(noId), { 'content-type': 'application/json' })).status).toBe(400);
    expect((await api(sandbox, token, 'PUT', `/my/activities/${id}`, JSON.stringify(got))).status).toBe(415);
    const ride = await api(sandbox, token, 'PUT', `/my/activities/${id}`, JSON.stringify({ ...got, activityType: 'cycling' }), { 'content-type': 'application/json' });
    expect(ride.status).toBe(200);
    expect(ride.body.validations[0].field).toBe('activityType');
  });

  it('DELETE: gone from every listing and from GET (404)', async () => {
    const s = await startSandbox();
    try {
      const t = s.issueToken().accessToken;
      const id = (await uploadJson(s, t, makeActivity({ seed: 9 }))).body.activityIds[0];
      expect((await api(s, t, 'DELETE', `/my/activities/${id}`)).status).toBe(204);
      expect((await api(s, t, 'GET', `/my/activities/${id}`)).status).toBe(404);
      expect((await api(s, t, 'DELETE', `/my/activities/${id}`)).status).toBe(404);
      for (const path of ['/my/activities', '/my/activities/search', '/my/activities/search/ids', '/my/activities/search/briefs', '/my/activities/search/extended']) {
        expect((await api(s, t, 'GET', path)).body).toEqual([]);
      }
      expect(s.activities).toHaveLength(0);
    } finally {
      await s.close();
    }
  });
});

describe('derived views', () => {
  it('splits per km and per mile are runjson\'s splits()', async () => {
    const id = ids.get(3) as number;
    const stored = sandbox.activities.find((a) => a.id === String(id))?.activity;
    const columns = fromActivityJson(structuredClone(stored), new Report());
    const km = await api(sandbox, token, 'GET', `/my/activities/${id}/splits/km`);
    expect(km.status).toBe(200);
    expect(km.body).toEqual(JSON.parse(JSON.stringify(splits(columns, 'km'))));
    expect(km.body.length).toBeGreaterThan(2);
    const mi = await api(sandbox, token, 'GET', `/my/activities/${id}/splits/mi`);
    expect(mi.body).toEqual(JSON.parse(JSON.stringify(splits(columns, 'mile'))));
    expect((await api(sandbox, token, 'GET', `/my/activities/${id}/splits/furlong`)).status).toBe(404);
  });

  it('polyline: the positions, Google-encoded', async () => {
    const id = ids.get(4) as number;
    const doc = makeActivity({ seed: 4, samples: 1200 });
    const values = doc.recordingValues as number[][];
    const r = await api(sandbox, token, 'GET', `/my/activities/${id}/polyline`);
    expect(r.body).toEqual({ activityId: id, polyline: encodePolyline(values[3], values[4]) });
    expect(r.body.polyline.length).toBeGreaterThan(10);
  });

  it('notables: a small list of what stands out', async () => {
    const r = await api(sandbox, token, 'GET', `/my/activities/${ids.get(1)}/notables`);
    expect(r.status).toBe(200);
    expect(r.body.map((n: { type: string }) => n.type)).toContain('first-run');
    for (const n of r.body) expect(typeof n.description).toBe('string');
  });

  it('unknown paths are 404, wrong methods 405', async () => {
    expect((await api(sandbox, token, 'GET', '/my/nothing')).status).toBe(404);
    const r = await api(sandbox, token, 'POST', '/my/userinfo');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET');
  });
});
