/**
 * Each endpoint against a real HTTP server on 127.0.0.1: what the client sends (method, path, headers,
 * body) and how it reads the answer — uploads and their three outcomes, runs read back into runjson's
 * columns (the `-1` positions), searches and their pages, PUT and PATCH, the account, the token's status
 * and revocation, and the code flow.
 */
import { readFileSync } from 'node:fs';
import busboy from 'busboy';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmashrunClient } from '../../src/api/client.js';
import { ApiError, SmashrunRejected } from '../../src/api/errors.js';
import { MemoryTokenStore } from '../../src/api/tokens.js';
import { convertSync } from '../../src/index.js';
import { FIXTURES } from '../helpers/paths.js';
import { smashrunDetail } from './smashrun-detail.js';
import { form, json, type Seen, TestServer } from './test-server.js';

const TOKEN = 'access-7c1d22e9';
const SECRET = 'secret-0a9b8c7d';

const server = new TestServer();
beforeAll(() => server.start());
afterAll(() => server.close());

function client(tokens = new MemoryTokenStore({ accessToken: TOKEN, refreshToken: 'refresh-55e0b1', clientId: 'app' })): SmashrunClient {
  return new SmashrunClient({ clientId: 'app', clientSecret: SECRET, apiBase: `${server.base}/v1/`, authBase: `${server.base}/`, tokens, retry: { baseMs: 1, capMs: 5 } });
}

/** Answers `body` to every request. */
function answer(body: unknown, status = 200): void {
  server.reset((s, res) => json(res, status, body));
}

const only = (): Seen => {
  expect(server.seen.length).toBe(1);
  return server.seen[0];
};

describe('uploads', () => {
  const gpx = readFileSync(join(FIXTURES, 'gpx', 'togeojson__run.gpx'));
  const converted = convertSync(new Uint8Array(gpx)).activities[0];

  it('sends the converter’s bytes as they are, as application/json with the bearer token', async () => {
    answer({ activityIds: ['1001'] });
    expect(await client().upload(converted)).toEqual({ activityId: '1001', activityIds: ['1001'] });
    const s = only();
    expect([s.method, s.url, s.headers['content-type'], s.headers.authorization]).toEqual(['POST', '/v1/my/activities', 'application/json', `Bearer ${TOKEN}`]);
    expect(new Uint8Array(s.body)).toEqual(converted.toBytes('json'));
    expect(JSON.parse(s.body.toString()).externalId).toBe(converted.toObject().externalId);
  });

  it('takes text too, and integer ids as strings', async () => {
    answer({ activityIds: [1002, '1003'] });
    expect(await client().uploadJson(converted.toJson())).toEqual({ activityId: '1002', activityIds: ['1002', '1003'] });
    expect(only().body.toString()).toBe(converted.toJson());
  });

  it('keeps validations that come beside the ids', async () => {
    answer({ activityIds: ['9'], validations: [{ note: 'heart rate jumps' }] });
    expect(await client().upload(converted)).toEqual({ activityId: '9', activityIds: ['9'], validations: [{ note: 'heart rate jumps' }] });
  });

  it('throws SmashrunRejected with the validations node verbatim on a 200 without ids', async () => {
    const validations = { whatever: ['shape', { Smashrun: 'sends' }], n: 3 };
    answer({ validations });
    const e = await client()
      .upload(converted)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SmashrunRejected);
    expect(e).toMatchObject({ code: 'rejected', validations });
    answer({ activityIds: [], validations: null });
    await expect(client().upload(converted)).rejects.toMatchObject({ code: 'rejected', validations: null });
  });

  it('throws ApiError for anything else: a 200 with neither, another status', async () => {
    for (const [body, status, code] of [
      [{}, 200, 'bad-response'],
      [{ activityIds: [] }, 200, 'bad-response'],
      [{ activityIds: [{ id: 1 }] }, 200, 'bad-response'],
      [{ activityIds: ['5'] }, 201, 'http-error'],
      [{ error: 'too large' }, 413, 'http-error'],
    ] as const) {
      answer(body, status);
      const e = await client()
        .upload(converted)
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ApiError);
      expect(e).toMatchObject({ code, status, method: 'POST', path: '/my/activities' });
    }
  });

  it('sends TCX and GPX as they are, with their media types', async () => {
    answer({ activityIds: ['1'] });
    await client().uploadXml(gpx, 'gpx');
    expect(only().headers['content-type']).toBe('application/gpx+xml');
    expect(only().body.equals(gpx)).toBe(true);
    answer({ activityIds: ['1'] });
    await client().uploadXml('<TrainingCenterDatabase/>', 'tcx');
    expect([only().headers['content-type'], only().body.toString()]).toEqual(['application/vnd.garmin.tcx+xml', '<TrainingCenterDatabase/>']);
  });

  it('sends FIT as multipart/form-data', async () => {
    const fit = new Uint8Array(readFileSync(join(FIXTURES, 'fit', 'fenix2-run.fit')));
    answer({ activityIds: ['2'] });
    await client().uploadFit(fit, { fileName: 'morning.fit' });
    const s = only();
    expect(s.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const files = await multipartFiles(s);
    expect(files.map((f) => [f.field, f.name, f.type])).toEqual([['file', 'morning.fit', 'application/vnd.ant.fit']]);
    expect(files[0].bytes.equals(fit)).toBe(true);
  });
});

describe('reading runs', () => {
  it('reads a run in detail into runjson’s columns, with Smashrun’s -1 positions as missing', async () => {
    const doc = smashrunDetail();
    const lat = doc.recordingKeys.indexOf('latitude');
    const lon = doc.recordingKeys.indexOf('longitude');
    doc.recordingValues[lat][20] = -1;
    doc.recordingValues[lon][20] = -1;
    answer(doc);
    const r = await client().getActivity(12345678);
    expect(only().url).toBe('/v1/my/activities/12345678');
    expect(r.document).toEqual(doc);
    expect(r.positionPlaceholders).toBe(2);
    expect(r.activity?.length).toBe(doc.recordingValues[0].length);
    expect(r.activity?.series.latitude?.[20]).toBeNaN();
    expect(r.activity?.series.longitude?.[20]).toBeNaN();
    expect(r.activity?.series.latitude?.[19]).toBeCloseTo(doc.recordingValues[lat][19] as number, 9);
    expect(r.warnings.map((w) => w.code)).not.toContain('position-out-of-range');
  });

  it('gives no activity for a run entered by hand (no recordings)', async () => {
    answer({ activityId: 5, startDateTimeLocal: '2024-01-01T07:00:00-05:00', distance: 5, duration: 1500, source: 'manual' });
    const r = await client().getActivity('5');
    expect([r.activity, r.positionPlaceholders]).toEqual([null, 0]);
  });

  it('lists every summary in one request', async () => {
    answer([{ activityId: 1 }, { activityId: 2 }]);
    expect(await client().listActivities()).toEqual([{ activityId: 1 }, { activityId: 2 }]);
    expect(only().url).toBe('/v1/my/activities');
    answer({ not: 'a list' });
    await expect(client().listActivities()).rejects.toMatchObject({ code: 'bad-response' });
  });

  it('searches with page, count and fromDate (a Date or unix seconds)', async () => {
    answer([1, 2, 3]);
    expect(await client().searchIds({ page: 2, count: 3, fromDate: new Date('2024-05-01T00:00:00.900Z') })).toEqual([1, 2, 3]);
    expect(only().url).toBe('/v1/my/activities/search/ids?page=2&count=3&fromDate=1714521600');
    answer([]);
    await client().search({ fromDate: 1714521600 });
    expect(only().url).toBe('/v1/my/activities/search?fromDate=1714521600');
    answer([]);
    await client().searchBriefs();
    expect(only().url).toBe('/v1/my/activities/search/briefs');
    answer([]);
    await client().searchExtended({ count: 100 });
    expect(only().url).toBe('/v1/my/activities/search/extended?count=100');
  });

  it('walks the pages from 0 until an empty one', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => 1000 - i);
    server.reset((s, res) => {
      const q = new URL(s.url, 'http://x').searchParams;
      const page = Number(q.get('page'));
      const count = Number(q.get('count'));
      json(res, 200, ids.slice(page * count, (page + 1) * count));
    });
    const pages: number[][] = [];
    for await (const p of client().searchPages('ids', { fromDate: 0 })) pages.push(p);
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(pages.flat()).toEqual(ids);
    expect(server.seen.map((s) => s.url)).toEqual([0, 1, 2, 3].map((p) => `/v1/my/activities/search/ids?page=${p}&count=100&fromDate=0`));
  });

  it('gets splits, notables and the polyline', async () => {
    answer([{ split: 1 }]);
    expect(await client().splits(7, 'mi')).toEqual([{ split: 1 }]);
    expect(only().url).toBe('/v1/my/activities/7/splits/mi');
    answer({ notables: [] });
    await client().notables(7);
    expect(only().url).toBe('/v1/my/activities/7/notables');
    answer({ polyline: '_p~iF~ps|U' });
    expect(await client().polyline(7)).toEqual({ polyline: '_p~iF~ps|U' });
    expect(only().url).toBe('/v1/my/activities/7/polyline');
  });
});

describe('changing runs', () => {
  it('PUTs the full object with activityId in the body', async () => {
    answer(null);
    const doc = { startDateTimeLocal: '2024-01-01T07:00:00-05:00', distance: 5, duration: 1500, activityType: 'running' };
    await client().updateActivity(42, doc);
    const s = only();
    expect([s.method, s.url, s.headers['content-type']]).toEqual(['PUT', '/v1/my/activities/42', 'application/json']);
    expect(JSON.parse(s.body.toString())).toEqual({ ...doc, activityId: 42 });
  });

  it('PATCHes only the fields given', async () => {
    answer({});
    await client().patchActivity('42', { notes: 'felt good', distance: 5.01 });
    const s = only();
    expect([s.method, s.url, s.headers['content-type']]).toEqual(['PATCH', '/v1/my/activities/42', 'application/json']);
    expect(JSON.parse(s.body.toString())).toEqual({ notes: 'felt good', distance: 5.01 });
  });

  it('DELETEs', async () => {
    server.reset((s, res) => {
      res.writeHead(204);
      res.end();
    });
    await client().deleteActivity(42);
    expect([only().method, only().url]).toEqual(['DELETE', '/v1/my/activities/42']);
  });
});

describe('the account', () => {
  it('keeps the user id a string even when a number comes', async () => {
    answer({ id: 123456, userName: 'runner', dateTimeUTCOfLastRunDataUpdated: '2024-05-01T10:00:00' });
    expect(await client().userInfo()).toEqual({ id: '123456', userName: 'runner', dateTimeUTCOfLastRunDataUpdated: '2024-05-01T10:00:00' });
    answer({ id: 'abc' });
    expect((await client().userInfo()).id).toBe('abc');
    answer({ userName: 'no id' });
    await expect(client().userInfo()).rejects.toMatchObject({ code: 'bad-response' });
  });

  it('reads goals (null when unset) and stats by year and month', async () => {
    answer(null);
    expect(await client().goals(2024, 5)).toBeNull();
    expect(only().url).toBe('/v1/my/goals/2024/5');
    answer({ goal: 100 });
    expect(await client().goals(2024)).toEqual({ goal: 100 });
    expect(only().url).toBe('/v1/my/goals/2024');
    for (const [args, url] of [
      [[], '/v1/my/stats'],
      [[2023], '/v1/my/stats/2023'],
      [[2023, 12], '/v1/my/stats/2023/12'],
    ] as const) {
      answer({ runCount: 3 });
      await client().stats(...args);
      expect(only().url).toBe(url);
    }
  });

  it('reads badges and weights', async () => {
    answer([{ badge: 1 }]);
    expect(await client().badges()).toEqual([{ badge: 1 }]);
    expect(only().url).toBe('/v1/my/badges');
    answer([]);
    await client().weights();
    expect(only().url).toBe('/v1/my/body/weight');
    answer({ weightInKilograms: 70 });
    expect(await client().latestWeight()).toEqual({ weightInKilograms: 70 });
    expect(only().url).toBe('/v1/my/body/weight/latest');
  });

  it('records a weight as JSON, with its Content-Type', async () => {
    answer(null);
    await client().addWeight(71.5, new Date('2024-05-01T08:00:00Z'));
    const s = only();
    expect([s.method, s.url, s.headers['content-type']]).toEqual(['POST', '/v1/my/body/weight', 'application/json']);
    expect(JSON.parse(s.body.toString())).toEqual({ date: '2024-05-01T08:00:00.000Z', weightInKilograms: 71.5 });
    answer(null);
    await client().addWeight(70);
    expect(JSON.parse(only().body.toString())).toEqual({ weightInKilograms: 70 });
  });
});

describe('the token', () => {
  it('asks for its status without giving the token back', async () => {
    answer({ token: TOKEN, expiresIn: 3600, scope: 'read_activity write_activity', clientId: 'app' });
    expect(await client().tokenStatus()).toEqual({ expiresIn: 3600, scope: 'read_activity write_activity', clientId: 'app' });
    expect(only().url).toBe(`/v1/auth/${TOKEN}`);
    answer({ error: 'unknown' }, 404);
    expect(await client().tokenStatus()).toBeNull();
  });

  it('revokes and forgets it', async () => {
    const tokens = new MemoryTokenStore({ accessToken: TOKEN, clientId: 'app' });
    server.reset((s, res) => {
      res.writeHead(204);
      res.end();
    });
    expect(await client(tokens).revoke()).toBe(true);
    expect([only().method, only().url]).toEqual(['DELETE', `/v1/auth/${TOKEN}`]);
    expect(await tokens.get()).toBeNull();
    expect(await client(tokens).revoke()).toBe(false);
    expect(server.seen.length).toBe(1);
  });

  it('takes a pasted token', async () => {
    const tokens = new MemoryTokenStore();
    const c = client(tokens);
    const r = await c.setToken('pasted-token-1234', { expiresInSeconds: 60 });
    expect(r).toMatchObject({ flow: 'set', refreshable: false });
    answer({ id: '1' });
    await c.userInfo();
    expect(only().headers.authorization).toBe('Bearer pasted-token-1234');
  });
});

describe('the code flow', () => {
  it('exchanges the code from the redirect and stores the tokens', async () => {
    server.reset((s, res) => json(res, 200, { access_token: 'A-from-code', token_type: 'bearer', expires_in: 7257600, refresh_token: 'R-from-code' }));
    const tokens = new MemoryTokenStore();
    const c = client(tokens);
    const { url, state } = c.authorizeUrl({ redirectUri: 'https://app.example/cb', responseType: 'code' });
    expect(url.startsWith(`${server.base}/oauth2/authenticate?client_id=app&`)).toBe(true);
    const result = await c.completeAuthorization(`https://app.example/cb?code=the-code-123&state=${state}`, state, { redirectUri: 'https://app.example/cb' });
    expect(result).toMatchObject({ flow: 'code', refreshable: true });
    const s = only();
    expect([s.method, s.url]).toEqual(['POST', '/oauth2/token']);
    expect(Object.fromEntries(form(s))).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code-123',
      client_id: 'app',
      client_secret: SECRET,
      redirect_uri: 'https://app.example/cb',
    });
    expect(await tokens.get()).toMatchObject({ accessToken: 'A-from-code', refreshToken: 'R-from-code', clientId: 'app' });
  });

  it('reports a refused exchange as exchange-failed with the OAuth error', async () => {
    answer({ error: 'invalid_grant', error_description: 'code already used' }, 400);
    await expect(client(new MemoryTokenStore()).exchangeCode('used-code-1')).rejects.toMatchObject({ name: 'AuthError', code: 'exchange-failed', status: 400, oauthError: 'invalid_grant' });
  });
});

/** The files of a multipart/form-data body, read with busboy. */
function multipartFiles(s: Seen): Promise<{ field: string; name: string; type: string; bytes: Buffer }[]> {
  return new Promise((resolve, reject) => {
    const files: { field: string; name: string; type: string; bytes: Buffer }[] = [];
    const bb = busboy({ headers: s.headers });
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => files.push({ field, name: info.filename ?? '', type: info.mimeType, bytes: Buffer.concat(chunks) }));
    });
    bb.on('close', () => resolve(files));
    bb.on('error', reject);
    bb.end(s.body);
  });
}
