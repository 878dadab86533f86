/**
 * Uploads as Smashrun takes them: FIT as multipart, TCX / GPX / Activity JSON as the body whatever the
 * Content-Type, read with runjson; refusals as 200 with `validations`; the summary recomputed from the
 * series; the externalId upsert per (user, client); the detail with -1 for missing positions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSync, validate } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { makeActivity } from '../helpers/make-activity.js';
import { api, fileForm, fixture, upload, uploadJson } from './sandbox-helpers.js';

let sandbox: Sandbox;
let token: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  token = sandbox.issueToken({ clientId: 'uploader' }).accessToken;
});
afterAll(() => sandbox.close());

/** Uploads and expects success: the new (or updated) id. */
async function stored(body: BodyInit, headers: Record<string, string> = {}, t = token): Promise<string> {
  const r = await upload(sandbox, t, body, headers);
  expect(r.status).toBe(200);
  expect(r.body.validations).toBeUndefined();
  expect(r.body.activityIds).toHaveLength(1);
  expect(r.body.activityIds[0]).toMatch(/^\d+$/);
  return r.body.activityIds[0];
}

/** Uploads and expects a refusal: the validations. */
async function refused(body: BodyInit, headers: Record<string, string> = {}): Promise<{ field: string; message: string }[]> {
  const r = await upload(sandbox, token, body, headers);
  expect(r.status).toBe(200);
  expect(r.body.activityIds).toBeUndefined();
  expect(Array.isArray(r.body.validations)).toBe(true);
  expect(r.body.validations.length).toBeGreaterThan(0);
  for (const v of r.body.validations) expect(Object.keys(v).sort()).toEqual(['field', 'message']);
  return r.body.validations;
}

describe('what is accepted', () => {
  it('a FIT file as multipart: stored as runjson reads it', async () => {
    const id = await stored(fileForm(fixture('fit/fenix2-run.fit')));
    const detail = await api(sandbox, token, 'GET', `/my/activities/${id}`);
    expect(detail.status).toBe(200);
    const expected = convertSync(fixture('fit/fenix2-run.fit')).activities[0].toObject();
    expect(detail.body).toMatchObject({ activityId: Number(id), source: 'api', hasDetails: 1, isTreadmill: 0, distance: expected.distance, duration: expected.duration });
    expect(detail.body.dateCreatedUTC).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(detail.body.recordingKeys).toEqual(expected.recordingKeys);
    expect(sandbox.activities.find((a) => a.id === id)?.format).toBe('fit');
  });

  it('a FIT file sent as the raw body is refused: FIT goes as multipart', async () => {
    const v = await refused(fixture('fit/fenix2-run.fit'));
    expect(v[0].field).toBe('file');
  });

  it('TCX and GPX as the body, with no Content-Type or a wrong one', async () => {
    const tcx = await stored(fixture('tcx/training-center-segments.tcx'), { 'content-type': 'application/octet-stream' });
    const gpx = await stored(fixture('gpx/togeojson__run.gpx'));
    expect(sandbox.activities.find((a) => a.id === tcx)?.format).toBe('tcx');
    expect(sandbox.activities.find((a) => a.id === gpx)?.format).toBe('gpx');
  });

  it('Activity JSON as the body, with or without Content-Type; and a TCX inside a multipart form', async () => {
    await stored(JSON.stringify(makeActivity({ seed: 21 })), { 'content-type': 'application/json' });
    await stored(JSON.stringify(makeActivity({ seed: 22 })));
    await stored(fileForm(fixture('tcx/connect-one-track-per-lap.tcx'), 'run.tcx'));
  });

  it('a file with a run and a ride: the run is stored', async () => {
    const r = await upload(sandbox, token, fixture('tcx/multi-activity.tcx'));
    expect(r.body.activityIds).toHaveLength(1);
  });

  it('a summary that disagrees with the series is recomputed from the series', async () => {
    const doc = makeActivity({ seed: 23 });
    const values = doc.recordingValues as number[][];
    doc.distance = 99;
    doc.duration = 1;
    doc.heartRateAverage = 3;
    const id = await stored(JSON.stringify(doc));
    const detail = (await api(sandbox, token, 'GET', `/my/activities/${id}`)).body;
    expect(detail.distance).toBe(values[2].at(-1));
    expect(detail.duration).toBe(values[1].at(-1));
    expect(detail.heartRateAverage).toBeGreaterThan(100);
  });

  it('heart-rate jumps over 30 bpm and gaps over 20 s not marked as pauses are not refused', async () => {
    const doc = makeActivity({ seed: 24, samples: 120 });
    const [clock, duration, , , , hr] = doc.recordingValues as number[][];
    hr[60] = hr[59] + 45;
    for (let i = 80; i < clock.length; i++) {
      clock[i] += 40;
      duration[i] += 40;
    }
    doc.duration = duration.at(-1);
    await stored(JSON.stringify(doc));
  });
});

describe('what is refused: 200 with validations', () => {
  it('a ride (GPX converted with sports: all → activityType cycling)', async () => {
    const ride = convertSync(fixture('gpx/synthetic-ride.gpx'), { sports: 'all' }).activities[0].toJson();
    expect(JSON.parse(ride).activityType).toBe('cycling');
    const v = await refused(ride, { 'content-type': 'application/json' });
    expect(v[0].field).toBe('activityType');
    expect(v[0].message).toMatch(/^only running activities are accepted/);
    // …and the GPX itself.
    const gpx = await refused(fixture('gpx/synthetic-ride.gpx'));
    expect(gpx[0].field).toBe('activityType');
    expect(gpx[0].message).toContain('cycling');
    expect(gpx[0].message).not.toContain("sports: 'all'");
  });

  it('no duration series', async () => {
    const doc = makeActivity({ seed: 25 });
    (doc.recordingKeys as string[]).splice(1, 1);
    (doc.recordingValues as number[][]).splice(1, 1);
    expect((await refused(JSON.stringify(doc))).map((v) => v.field)).toContain('recordingKeys');
  });

  it('neither distance nor positions', async () => {
    const doc = makeActivity({ seed: 26 });
    (doc.recordingKeys as string[]).splice(2, 3);
    (doc.recordingValues as number[][]).splice(2, 3);
    expect((await refused(JSON.stringify(doc))).map((v) => v.field)).toContain('recordingKeys');
  });

  it('series of unequal length', async () => {
    const doc = makeActivity({ seed: 27 });
    (doc.recordingValues as number[][])[5].pop();
    expect((await refused(JSON.stringify(doc)))[0].field).toBe('recordingValues');
  });

  it('pause indexes out of range', async () => {
    const doc = makeActivity({ seed: 28 });
    doc.pauseIndexes = [100_000];
    expect((await refused(JSON.stringify(doc)))[0].field).toBe('pauseIndexes');
  });

  it('what runjson refuses: broken JSON, a clock that goes back, an unknown format, an empty multipart form', async () => {
    const broken = await refused('{"startDateTimeLocal": ');
    expect(broken[0].field).toBe('file');
    expect(broken[0].message).toContain('line');
    const doc = makeActivity({ seed: 29 });
    (doc.recordingValues as number[][])[0][10] = 0;
    expect((await refused(JSON.stringify(doc)))[0].field).toBe('recordingValues');
    expect((await refused('hello'))[0].field).toBe('file');
    const form = new FormData();
    form.append('note', 'no file here');
    expect((await refused(form))[0].message).toContain('no file part');
  });

  it('in an array, one refused run refuses all', async () => {
    const before = sandbox.activities.length;
    const v = await refused(JSON.stringify([makeActivity({ seed: 30 }), makeActivity({ seed: 31, activityType: 'cycling' })]));
    expect(v[0].message).toMatch(/^activity 2: /);
    expect(sandbox.activities.length).toBe(before);
  });
});

describe('externalId', () => {
  it('a second POST with the same externalId from the same app updates the run: same id, one run', async () => {
    const s = await startSandbox();
    try {
      const t = s.issueToken({ clientId: 'app-a' }).accessToken;
      const doc = makeActivity({ seed: 40 });
      doc.externalId = 'watch-123';
      const first = await uploadJson(s, t, doc);
      doc.notes = 'second try';
      const second = await uploadJson(s, t, doc);
      expect(second.body.activityIds).toEqual(first.body.activityIds);
      expect(s.activities).toHaveLength(1);
      expect(s.activities[0].activity.notes).toBe('second try');
      expect(s.activities[0].externalId).toBe('watch-123');

      // Another app, or another user, sending the same externalId makes its own run.
      const other = await uploadJson(s, s.issueToken({ clientId: 'app-b' }).accessToken, doc);
      expect(other.body.activityIds).not.toEqual(first.body.activityIds);
      const ana = await uploadJson(s, s.issueToken({ clientId: 'app-a', user: 'ana' }).accessToken, doc);
      expect(ana.body.activityIds).not.toEqual(first.body.activityIds);
      expect(s.activities).toHaveLength(3);

      // Without an externalId, every POST is a new run.
      delete doc.externalId;
      const a = await uploadJson(s, t, doc);
      const b = await uploadJson(s, t, doc);
      expect(a.body.activityIds).not.toEqual(b.body.activityIds);
      expect(s.activities).toHaveLength(5);
    } finally {
      await s.close();
    }
  });
});

describe('the detail', () => {
  it('has -1 for missing latitude and longitude values, and reads back with runjson', async () => {
    const doc = makeActivity({ seed: 50, samples: 60 });
    const values = doc.recordingValues as (number | null)[][];
    values[3][10] = null;
    values[4][10] = null;
    const id = await stored(JSON.stringify(doc));
    const detail = (await api(sandbox, token, 'GET', `/my/activities/${id}`)).body;
    const keys = detail.recordingKeys as string[];
    expect(detail.recordingValues[keys.indexOf('latitude')][10]).toBe(-1);
    expect(detail.recordingValues[keys.indexOf('longitude')][10]).toBe(-1);
    expect(detail.recordingValues[keys.indexOf('latitude')][11]).toBe(values[3][11]);
    // The stored run itself keeps null; the detail, sent again, is read with -1/-1 as no position.
    const i = sandbox.activities.find((a) => a.id === id)?.activity.recordingKeys.indexOf('latitude') as number;
    expect(sandbox.activities.find((a) => a.id === id)?.activity.recordingValues[i][10]).toBeNull();
    expect(validate(sandbox.activities.find((a) => a.id === id)?.activity)).toEqual([]);
  });

  it('is 404 for an unknown id, a non-number, and another user\'s run', async () => {
    const id = await stored(JSON.stringify(makeActivity({ seed: 51 })));
    expect((await api(sandbox, token, 'GET', '/my/activities/999')).status).toBe(404);
    expect((await api(sandbox, token, 'GET', '/my/activities/abc')).status).toBe(404);
    const other = sandbox.issueToken({ user: 'someone-else' }).accessToken;
    expect((await api(sandbox, other, 'GET', `/my/activities/${id}`)).status).toBe(404);
  });
});
