/**
 * The account endpoints: userinfo (a numeric id; `dateTimeUTCOfLastRunDataUpdated` moves on every change
 * to the runs), goals (`null` when unset), stats from the stored runs, badges, body weight (415 without
 * `Content-Type: application/json`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { makeActivity } from '../helpers/make-activity.js';
import { api, manualClock, uploadJson } from './sandbox-helpers.js';

const clock = manualClock(Date.UTC(2024, 4, 12, 14, 20, 11, 0));
let sandbox: Sandbox;
let token: string;

beforeAll(async () => {
  sandbox = await startSandbox({ now: clock.now });
  token = sandbox.issueToken().accessToken;
});
afterAll(() => sandbox.close());

const lastUpdated = async (): Promise<string> => (await api(sandbox, token, 'GET', '/my/userinfo')).body.dateTimeUTCOfLastRunDataUpdated;

describe('userinfo', () => {
  it('has a numeric id and the user\'s names', async () => {
    const r = await api(sandbox, token, 'GET', '/my/userinfo');
    expect(r.status).toBe(200);
    expect(typeof r.body.id).toBe('number');
    expect(r.body).toMatchObject({ userName: 'runner', firstName: 'Runner' });
    expect(r.body.dateTimeUTCOfLastRunDataUpdated).toBe('2024-05-12T14:20:11.000');
  });

  it('dateTimeUTCOfLastRunDataUpdated moves on POST, PUT, PATCH and DELETE (even within one millisecond), not on reads or refusals', async () => {
    const seen = [await lastUpdated()];
    const moved = async (): Promise<void> => {
      const now = await lastUpdated();
      expect(now > (seen.at(-1) as string)).toBe(true);
      seen.push(now);
    };
    const id = (await uploadJson(sandbox, token, makeActivity({ seed: 1 }))).body.activityIds[0];
    await moved();
    await api(sandbox, token, 'GET', `/my/activities/${id}`);
    await uploadJson(sandbox, token, makeActivity({ seed: 2, activityType: 'cycling' }));
    expect(await lastUpdated()).toBe(seen.at(-1));
    const detail = (await api(sandbox, token, 'GET', `/my/activities/${id}`)).body;
    await api(sandbox, token, 'PUT', `/my/activities/${id}`, JSON.stringify(detail), { 'content-type': 'application/json' });
    await moved();
    await api(sandbox, token, 'PATCH', `/my/activities/${id}`, JSON.stringify({ notes: 'n' }), { 'content-type': 'application/json' });
    await moved();
    await api(sandbox, token, 'DELETE', `/my/activities/${id}`);
    await moved();
    clock.advance(5000);
    await uploadJson(sandbox, token, makeActivity({ seed: 3 }));
    expect(await lastUpdated()).toBe('2024-05-12T14:20:16.000');
  });
});

describe('goals, stats, badges', () => {
  it('a goal is null when unset', async () => {
    const r = await api(sandbox, token, 'GET', '/my/goals/2024');
    expect(r.status).toBe(200);
    expect(r.body).toBeNull();
    expect((await api(sandbox, token, 'GET', '/my/goals/2024/5')).body).toBeNull();
    sandbox.setGoal({ year: 2024, month: 5, goal: { distance: 100 } });
    expect((await api(sandbox, token, 'GET', '/my/goals/2024/5')).body).toEqual({ distance: 100 });
    expect((await api(sandbox, token, 'GET', '/my/goals/2024/13')).status).toBe(400);
  });

  it('stats are computed from the stored runs, per year and month of their local date', async () => {
    const s = await startSandbox();
    try {
      const t = s.issueToken().accessToken;
      const a = makeActivity({ seed: 4 }); // May 2023
      const b = makeActivity({ seed: 5 });
      b.startDateTimeLocal = '2024-02-01T08:00:00.000+01:00';
      await uploadJson(s, t, a);
      await uploadJson(s, t, b);
      const all = (await api(s, t, 'GET', '/my/stats')).body;
      expect(all.runCount).toBe(2);
      const d = s.activities.reduce((sum, x) => sum + x.activity.distance, 0);
      expect(all.totalDistance).toBeCloseTo(d, 5);
      expect(all.averageHeartRate).toBeGreaterThan(100);
      expect((await api(s, t, 'GET', '/my/stats/2024')).body.runCount).toBe(1);
      expect((await api(s, t, 'GET', '/my/stats/2024/2')).body.runCount).toBe(1);
      expect((await api(s, t, 'GET', '/my/stats/2024/3')).body).toMatchObject({ runCount: 0, averagePace: null, longestRun: null });
      expect((await api(s, t, 'GET', '/my/badges')).body).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe('body weight', () => {
  it('POST needs Content-Type: application/json (415 without), then GET and latest show it', async () => {
    const body = JSON.stringify({ date: '2024-05-01', weightInKilograms: 71.5 });
    expect((await api(sandbox, token, 'POST', '/my/body/weight', body)).status).toBe(415);
    expect((await api(sandbox, token, 'POST', '/my/body/weight', body, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await api(sandbox, token, 'GET', '/my/body/weight/latest')).body).toBeNull();
    const ok = await api(sandbox, token, 'POST', '/my/body/weight', body, { 'content-type': 'application/json; charset=utf-8' });
    expect(ok.status).toBe(200);
    await api(sandbox, token, 'POST', '/my/body/weight', JSON.stringify({ date: '2024-04-01', weightInKilograms: 72 }), { 'content-type': 'application/json' });
    await api(sandbox, token, 'POST', '/my/body/weight', JSON.stringify({ date: '2024-05-01T07:00:00', weightInKilograms: 71 }), { 'content-type': 'application/json' });
    expect((await api(sandbox, token, 'GET', '/my/body/weight')).body).toEqual([
      { date: '2024-04-01', weightInKilograms: 72 },
      { date: '2024-05-01', weightInKilograms: 71 },
    ]);
    expect((await api(sandbox, token, 'GET', '/my/body/weight/latest')).body).toEqual({ date: '2024-05-01', weightInKilograms: 71 });
    expect((await api(sandbox, token, 'POST', '/my/body/weight', JSON.stringify({ date: 'soon', weightInKilograms: 70 }), { 'content-type': 'application/json' })).status).toBe(400);
    expect((await api(sandbox, token, 'POST', '/my/body/weight', JSON.stringify({ date: '2024-05-02', weightInKilograms: -3 }), { 'content-type': 'application/json' })).status).toBe(400);
  });
});
