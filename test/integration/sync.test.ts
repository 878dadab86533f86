/**
 * What a syncing client does, against the sandbox: every run's summary in one unpaged request, the paged
 * searches walked to their empty page, and `fromDate` — when Smashrun last changed a run — picking out
 * only what changed since the last sync, with the account's last-change time as the cue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmashrunClient } from '../../src/api/client.js';
import { type ConvertedActivity, convertSync } from '../../src/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { makeActivity } from '../helpers/make-activity.js';
import { clientFor, newClientSecret, sandboxFor, SecretWatch, shiftedClock, signIn } from './harness.js';

const RUNS = 23;
const watch = new SecretWatch();
const clock = shiftedClock();
let sandbox: Sandbox;
let client: SmashrunClient;
let runs: ConvertedActivity[];
let ids: string[];

beforeAll(async () => {
  watch.captureOutput();
  sandbox = await sandboxFor(watch, newClientSecret(), { now: clock.now });
  client = clientFor(sandbox, watch, { now: clock.now }).client;
  await signIn(sandbox, watch, client);
  runs = Array.from({ length: RUNS }, (_, i) => convertSync(new TextEncoder().encode(JSON.stringify(makeActivity({ seed: 500 + i, samples: 60 })))).activities[0]);
  ids = (await Promise.all(runs.map((r) => client.upload(r)))).map((r) => r.activityId);
});
afterAll(async () => {
  watch.release();
  await sandbox.close();
});

/** Requests since `from`, as `METHOD path status`. */
function logSince(from: number): string[] {
  return sandbox.requestLog.slice(from).map((e) => `${e.method} ${e.path} ${String(e.status)}`);
}

describe('a full sync', () => {
  it('lists every run in exactly one request', async () => {
    const from = sandbox.requestLog.length;
    const list = await client.listActivities();
    expect(logSince(from)).toEqual(['GET /v1/my/activities 200']);
    expect(list.map((s) => String(s.activityId)).sort()).toEqual([...ids].sort());
    // Summaries: no series.
    expect(list.every((s) => !('recordingValues' in s) && typeof s.duration === 'number')).toBe(true);
  });

  it('walks the paged search to its empty page, newest first, as the list orders them', async () => {
    const list = (await client.listActivities()).map((s) => Number(s.activityId));
    const from = sandbox.requestLog.length;
    const pages: number[][] = [];
    for await (const page of client.searchPages('ids', { count: 10 })) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 3]);
    expect(pages.flat()).toEqual(list);
    // Three pages, and the empty one that ends the walk.
    expect(logSince(from)).toEqual(Array.from({ length: 4 }, () => 'GET /v1/my/activities/search/ids 200'));

    const briefs: unknown[][] = [];
    for await (const page of client.searchPages('briefs')) briefs.push(page);
    expect(briefs.map((p) => p.length)).toEqual([RUNS]);
  });
});

describe('an incremental sync', () => {
  it('fromDate picks out the runs changed since the last sync; the account’s last-change time moved', async () => {
    const lastSync = new Date(clock.now());
    const before = await client.userInfo();
    clock.advance(60_000);
    // One run uploaded again (its externalId: an update), one run's notes changed.
    const again = await client.upload(runs[3]);
    expect(again.activityId).toBe(ids[3]);
    await client.patchActivity(ids[7], { notes: 'windy' });
    const changed = await client.search({ fromDate: new Date(lastSync.getTime() + 1000) });
    expect(changed.map((s) => String(s.activityId)).sort()).toEqual([ids[3], ids[7]].sort());
    const after = await client.userInfo();
    expect(Date.parse(`${after.dateTimeUTCOfLastRunDataUpdated as string}Z`)).toBeGreaterThan(Date.parse(`${before.dateTimeUTCOfLastRunDataUpdated as string}Z`));
    // Still one run per externalId.
    expect(sandbox.activities).toHaveLength(RUNS);
  });
});

describe('secrets', () => {
  it('no token, code or secret in any error, log, stats or output of this file', () => {
    watch.sandbox(sandbox);
    expect(watch.secretCount).toBeGreaterThan(1);
    expect(watch.leaks()).toEqual([]);
  });
});
