/**
 * Calls the client refuses before sending anything: a PATCH of a field Smashrun's PATCH does not take, a
 * search page over 100, ids, dates and weights that are not ones. A real server counts the requests: none
 * may arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmashrunClient } from '../../src/api/client.js';
import { LocalRefusal } from '../../src/api/errors.js';
import { MemoryTokenStore } from '../../src/api/tokens.js';
import { json, TestServer } from './test-server.js';

const server = new TestServer();
beforeAll(async () => {
  await server.start();
  server.reset((s, res) => json(res, 200, {}));
});
afterAll(() => server.close());

const client = (): SmashrunClient =>
  new SmashrunClient({ clientId: 'app', apiBase: `${server.base}/v1`, authBase: server.base, tokens: new MemoryTokenStore({ accessToken: 'access-token-x1', clientId: 'app' }) });

/** Expects a LocalRefusal naming `argument`, and no request. */
async function refused(call: (c: SmashrunClient) => Promise<unknown>, argument: string): Promise<void> {
  const before = server.seen.length;
  const e = await call(client()).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(LocalRefusal);
  expect(e).toMatchObject({ code: 'refused-locally', argument });
  expect(server.seen.length).toBe(before);
}

describe('patchActivity', () => {
  it('refuses any field but notes, duration, distance, startDateTimeLocal, naming it', async () => {
    await refused((c) => c.patchActivity(1, { notes: 'x', activityType: 'cycling' } as never), 'activityType');
    await refused((c) => c.patchActivity(1, { heartRateAverage: 150 } as never), 'heartRateAverage');
    await refused((c) => c.patchActivity(1, { activityId: 2 } as never), 'activityId');
  });

  it('refuses values of the wrong kind, and an empty patch', async () => {
    await refused((c) => c.patchActivity(1, { notes: 'x'.repeat(801) }), 'notes');
    await refused((c) => c.patchActivity(1, { notes: 5 } as never), 'notes');
    await refused((c) => c.patchActivity(1, { duration: -1 }), 'duration');
    await refused((c) => c.patchActivity(1, { distance: NaN }), 'distance');
    await refused((c) => c.patchActivity(1, { startDateTimeLocal: 'yesterday' }), 'startDateTimeLocal');
    await refused((c) => c.patchActivity(1, {}), 'fields');
    await refused((c) => c.patchActivity(1, null as never), 'fields');
  });
});

describe('searches', () => {
  it('refuses a count over 100 (or under 1), a negative page, a bad fromDate', async () => {
    await refused((c) => c.search({ count: 101 }), 'count');
    await refused((c) => c.searchIds({ count: 0 }), 'count');
    await refused((c) => c.searchBriefs({ count: 2.5 }), 'count');
    await refused((c) => c.searchExtended({ page: -1 }), 'page');
    await refused((c) => c.search({ fromDate: new Date('not a date') }), 'fromDate');
    await refused((c) => c.search({ fromDate: -5 }), 'fromDate');
    await refused(async (c) => {
      for await (const _ of c.searchPages('ids', { count: 500 })) break;
    }, 'count');
  });
});

describe('ids, documents, units, the account', () => {
  it('refuses an id that is not one', async () => {
    await refused((c) => c.getActivity(''), 'activityId');
    await refused((c) => c.getActivity(-3), 'activityId');
    await refused((c) => c.deleteActivity(1.5), 'activityId');
    await refused((c) => c.polyline(NaN), 'activityId');
  });

  it('refuses a PUT whose document names another run', async () => {
    await refused((c) => c.updateActivity(5, { activityId: 6, distance: 1 }), 'activityId');
  });

  it('refuses an unknown unit or upload format', async () => {
    await refused((c) => c.splits(1, 'furlong' as 'km'), 'unit');
    await refused((c) => c.uploadXml('<x/>', 'fit' as 'gpx'), 'format');
  });

  it('refuses a weight, a date, a year or a month that is not one', async () => {
    await refused((c) => c.addWeight(-70), 'kg');
    await refused((c) => c.addWeight(NaN), 'kg');
    await refused((c) => c.addWeight(70, new Date(NaN)), 'date');
    await refused((c) => c.goals(2024, 13), 'month');
    await refused((c) => c.goals(24.5), 'year');
    await refused((c) => c.stats(undefined, 5), 'month');
  });

  it('refuses options out of range when the client is built', () => {
    expect(() => new SmashrunClient({ clientId: '' })).toThrow(LocalRefusal);
    expect(() => new SmashrunClient({ clientId: 'a', concurrency: 0 })).toThrow(LocalRefusal);
    expect(() => new SmashrunClient({ clientId: 'a', retry: { attempts: 0 } })).toThrow(LocalRefusal);
    expect(() => new SmashrunClient({ clientId: 'a', limits: [{ max: 0, windowMs: 1 }] })).toThrow(LocalRefusal);
  });
});
