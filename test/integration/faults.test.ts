/**
 * The client's retries against the sandbox's injected faults, each scenario a batch of runs that must end
 * with every run stored exactly once, under the id the client was given, within the retry budget: 429s
 * with Retry-After (measured on the sandbox's clock: no request before it has passed), bursts of 5xx,
 * connections dropped before the request is handled and after it was (stored, answer cut), slow answers
 * under the client's timeout and over it, answers lost after the run was stored. Then the raw file upload,
 * which is not safe to repeat: a lost answer leaves one run stored and an error saying the outcome is unknown.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SmashrunClient } from '../../src/api/client.js';
import { OutcomeUnknown } from '../../src/api/errors.js';
import type { FetchLike } from '../../src/api/transport.js';
import type { UploadResult } from '../../src/api/types.js';
import { type ConvertedActivity, convertSync } from '../../src/index.js';
import type { FaultOptions, RequestLogEntry, Sandbox } from '../../src/sandbox/index.js';
import { makeActivity } from '../helpers/make-activity.js';
import { FIXTURES, readBytes } from '../helpers/paths.js';
import { caught, clientFor, FAST_RETRY, newClientSecret, sandboxFor, SecretWatch, signIn, watchedFetch } from './harness.js';

const watch = new SecretWatch();
let sandbox: Sandbox;
let client: SmashrunClient;
/** Each request the sandbox answered, with when it answered on the sandbox's clock. */
const answered: { entry: RequestLogEntry; at: number }[] = [];

beforeAll(async () => {
  watch.captureOutput();
  sandbox = await sandboxFor(watch, newClientSecret(), {
    onRequest: (entry) => {
      answered.push({ entry, at: Date.now() });
      watch.text('onRequest', JSON.stringify(entry));
    },
  });
  client = clientFor(sandbox, watch).client;
  await signIn(sandbox, watch, client);
});
afterAll(async () => {
  watch.release();
  await sandbox.close();
});
beforeEach(() => sandbox.setFaults({}));

let nextSeed = 1;

/** `n` runs of their own (fresh externalIds), as runjson converts them: what an uploader sends. */
function batch(n = 10): ConvertedActivity[] {
  return Array.from({ length: n }, () => {
    const doc = makeActivity({ seed: nextSeed++, samples: 90 });
    return convertSync(new TextEncoder().encode(JSON.stringify(doc))).activities[0];
  });
}

/** What one scenario came to, from the sandbox's log. */
interface Outcome {
  posts: number;
  faults: number;
  retries: number;
  ms: number;
}

/**
 * Uploads `runs` together (the client keeps two in flight) under `faults`, and checks the end state: each
 * run stored once, under the id the client returned. Resolves with the counts from the sandbox's log.
 */
async function uploadUnder(faults: FaultOptions, runs: ConvertedActivity[], c: SmashrunClient = client): Promise<Outcome> {
  const from = sandbox.requestLog.length;
  sandbox.setFaults(faults);
  const t0 = performance.now();
  const results: UploadResult[] = await Promise.all(runs.map((r) => c.upload(r)));
  const ms = performance.now() - t0;
  sandbox.setFaults({});
  expectStoredOnce(runs, results);
  const log = sandbox.requestLog.slice(from).filter((e) => e.method === 'POST' && e.path === '/v1/my/activities');
  return { posts: log.length, faults: log.filter((e) => e.fault !== undefined).length, retries: log.length - runs.length, ms };
}

/** Each run stored exactly once, under the id its upload returned; no externalId stored twice anywhere. */
function expectStoredOnce(runs: ConvertedActivity[], results: UploadResult[]): void {
  runs.forEach((run, i) => {
    const stored = sandbox.activities.filter((a) => a.externalId === run.activity.meta.externalId);
    expect(stored.map((a) => a.id)).toEqual([results[i].activityId]);
  });
  const ids = sandbox.activities.map((a) => a.externalId).filter((x) => x !== null);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('429 with Retry-After', () => {
  it('waits it out before any next request (one in flight: every request after a 429 was sent after it)', async () => {
    const { client: one } = clientFor(sandbox, watch, { concurrency: 1 });
    await signIn(sandbox, watch, one);
    const start = answered.length;
    const o = await uploadUnder({ rateLimit: { max: 4, windowMs: 1000, retryAfterS: 1 } }, batch(10), one);
    // Windows of 4: the 5th and the 9th upload meet a 429; each is followed by a success, a second later.
    expect(o).toMatchObject({ posts: 12, faults: 2, retries: 2 });
    const seen = answered.slice(start);
    for (let k = 0; k < seen.length - 1; k++) {
      if (seen[k].entry.status !== 429) continue;
      const next = seen[k + 1];
      // When the next request arrived: answered at `at`, after `ms` spent on it. (A millisecond of slack:
      // the log's times are whole milliseconds of Date.now and fractions of performance.now.)
      const arrived = next.at - next.entry.ms;
      expect(arrived - seen[k].at).toBeGreaterThanOrEqual(1000 - 2);
      expect(next.entry.status).toBe(200);
    }
    expect(o.ms).toBeLessThan(FAST_RETRY.maxElapsedMs);
  });
});

describe('server errors', () => {
  it('a burst of 503s', async () => {
    const o = await uploadUnder({ errors: { status: 503, burst: { start: 2, length: 4 } } }, batch());
    expect(o).toMatchObject({ posts: 14, faults: 4, retries: 4 });
  });

  it('every 4th request a 500', async () => {
    const o = await uploadUnder({ errors: { status: 500, every: 4 } }, batch());
    expect(o).toMatchObject({ posts: 13, faults: 3, retries: 3 });
  });
});

describe('dropped connections', () => {
  it("at 'start': the socket destroyed before the request is handled (nothing stored), then retried", async () => {
    const o = await uploadUnder({ dropConnection: { every: 4, at: 'start' } }, batch());
    expect(o).toMatchObject({ posts: 13, faults: 3, retries: 3 });
  });

  it("at 'headers': stored, the answer cut after its headers; the retry updates the same run", async () => {
    const o = await uploadUnder({ dropConnection: { every: 4, at: 'headers' } }, batch());
    expect(o).toMatchObject({ posts: 13, faults: 3, retries: 3 });
  });
});

describe('slow answers', () => {
  it('slower than usual but within the client’s timeout: no retry', async () => {
    const start = sandbox.requestLog.length;
    const o = await uploadUnder({ slowMs: 150 }, batch());
    expect(o).toMatchObject({ posts: 10, faults: 0, retries: 0 });
    expect(sandbox.requestLog.slice(start).every((e) => e.ms >= 150)).toBe(true);
  });

  it('slower than a short client timeout: the attempt ends, and is retried once the sandbox is quick again', async () => {
    // The sandbox stays slow until the client first gives up on an answer, then is quick again.
    const base = watchedFetch(watch);
    let lifted = false;
    const fetchLifting: FetchLike = (url, init) => {
      init.signal?.addEventListener('abort', () => {
        if (!lifted) sandbox.setFaults({});
        lifted = true;
      });
      return base(url, init);
    };
    const { client: impatient } = clientFor(sandbox, watch, { timeoutMs: 300, fetch: fetchLifting });
    await signIn(sandbox, watch, impatient);
    const from = sandbox.requestLog.length;
    sandbox.setFaults({ slowMs: 1000 });
    const runs = batch(4);
    const results = await Promise.all(runs.map((r) => impatient.upload(r)));
    expect(lifted).toBe(true);
    // The two first attempts are still being handled by the sandbox: wait for them, then count.
    const posts = (): RequestLogEntry[] => sandbox.requestLog.slice(from).filter((e) => e.method === 'POST');
    for (let waited = 0; posts().length < 6 && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    // 4 uploads, 2 of them timed out once: 6 requests. The 2 slow ones end last, with no answer sent (the
    // client had gone); whether the sandbox got to store them or not, each run is there once.
    expect(posts()).toHaveLength(6);
    const late = posts().filter((e) => e.status === null);
    expect(late).toHaveLength(2);
    // Held the sandbox's 1 s (a timer may fire a fraction of a millisecond early on the clock that times it).
    expect(late.map((e) => ({ fault: e.fault, slow: e.ms >= 990, error: e.error !== undefined }))).toEqual(late.map(() => ({ fault: undefined, slow: true, error: true })));
    expectStoredOnce(runs, results);
  });
});

describe('lost answers', () => {
  it('every 4th write stored and its answer lost: the retry carries the same externalId and updates, never duplicates', async () => {
    const o = await uploadUnder({ lostAnswer: { every: 4 } }, batch());
    expect(o).toMatchObject({ posts: 13, faults: 3, retries: 3 });
  });
});

describe('raw files carry no externalId: not retried after an ambiguous failure', () => {
  it('a GPX upload whose answer is lost: one run stored, and OutcomeUnknown', async () => {
    const gpx = readBytes(`${FIXTURES}/gpx/togeojson__run.gpx`);
    const before = sandbox.activities.filter((a) => a.format === 'gpx').length;
    const from = sandbox.requestLog.length;
    sandbox.setFaults({ lostAnswer: { every: 1 } });
    const e = await caught(watch, 'raw gpx lost', client.uploadXml(gpx, 'gpx'));
    sandbox.setFaults({});
    expect(e).toBeInstanceOf(OutcomeUnknown);
    expect(e).toMatchObject({ code: 'outcome-unknown', method: 'POST', path: '/my/activities', attempts: 1, lastStatus: null });
    expect((e as Error).message).toMatch(/outcome is unknown/);
    expect((e as Error).cause).toMatchObject({ name: 'NetworkError', code: 'network' });
    // Sent once, stored once: the run is there, and a retry would have stored it again.
    expect(sandbox.requestLog.slice(from).map((x) => `${x.method} ${x.path} ${x.fault ?? ''}`)).toEqual(['POST /v1/my/activities lost-answer']);
    expect(sandbox.activities.filter((a) => a.format === 'gpx').length).toBe(before + 1);
  });

  it('a FIT upload that meets a 429 is retried (Smashrun did not process it), and stored once', async () => {
    const fit = readBytes(`${FIXTURES}/fit/fenix2-run.fit`);
    const before = sandbox.activities.filter((a) => a.format === 'fit').length;
    const from = sandbox.requestLog.length;
    sandbox.setFaults({ rateLimit: { max: 1, windowMs: 300, retryAfterS: 0.3 } });
    await client.userInfo();
    const r = await client.uploadFit(fit);
    sandbox.setFaults({});
    expect(sandbox.requestLog.slice(from).map((x) => `${x.method} ${x.path} ${String(x.status)}`)).toEqual([
      'GET /v1/my/userinfo 200',
      'POST /v1/my/activities 429',
      'POST /v1/my/activities 200',
    ]);
    const fits = sandbox.activities.filter((a) => a.format === 'fit');
    expect(fits.length).toBe(before + 1);
    expect(fits.at(-1)?.id).toBe(r.activityId);
  });
});

describe('secrets', () => {
  it('no token, code or secret in any error, log, stats or output of this file', () => {
    watch.sandbox(sandbox);
    expect(watch.secretCount).toBeGreaterThan(2);
    expect(watch.leaks()).toEqual([]);
  });
});
