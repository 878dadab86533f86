/**
 * `runjson pull` against the sandbox, in a temporary HOME: every running fixture uploaded through the
 * client, then the whole account pulled and compared, value for value, with runjson's own reading of the
 * bytes that were uploaded; a second pull that fetches nothing; a run changed on Smashrun fetched alone;
 * a run deleted there; `--since`; an interrupted pull resumed; Smashrun's -1 positions; a run entered by
 * hand; the token in no output, file or report.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/activity-json/validate.js';
import { SmashrunClient } from '../../src/api/client.js';
import type { FetchLike } from '../../src/api/transport.js';
import { writeCredentials } from '../../src/cli/account/credentials.js';
import { credentialsPath } from '../../src/cli/account/paths.js';
import type { PullReport } from '../../src/cli/pull/pull-report.js';
import { PULL_STATE_FILE, type PullState } from '../../src/cli/pull/pull-state.js';
import type { Activity } from '../../src/core/activity.js';
import { convertSync, isConvertError } from '../../src/index.js';
import { readBackDifferences } from '../integration/read-back.js';
import { makeActivity } from '../helpers/make-activity.js';
import { FIXTURES, listFiles, readBytes } from '../helpers/paths.js';
import { PullWorld, readJson, runFiles } from './pull-harness.js';

const world = new PullWorld();
/** Other tokens the tests issued, for the check that none is shown. */
const tokens: string[] = [];
/** Each stored run as runjson reads the bytes that were uploaded for it, by Smashrun id. */
const uploaded = new Map<string, Activity>();
/** The run uploaded with a GPS dropout (positions missing: Smashrun answers -1). */
let dropoutId = '';
const DROPOUT = [10, 11, 12, 13, 14];
/** The folder of the whole account (below the temporary HOME, known once it is made). */
let ALL = '';

beforeAll(async () => {
  await world.start();
  ALL = world.dir('all');
  const files = [...listFiles(FIXTURES, 'fit', '.fit'), ...listFiles(FIXTURES, 'tcx', '.tcx'), ...listFiles(FIXTURES, 'gpx', '.gpx'), ...listFiles(FIXTURES, 'json', '.json')];
  for (const path of files) {
    let runs;
    try {
      runs = convertSync(readBytes(path)).activities;
    } catch (e) {
      if (isConvertError(e)) continue; // a broken fixture: not a run to upload
      throw e;
    }
    for (const r of runs) {
      const bytes = r.toBytes('json');
      const { activityId } = await world.client.uploadJson(bytes);
      uploaded.set(activityId, readJson(bytes));
    }
  }
  const doc = makeActivity({ seed: 77, samples: 60 });
  const values = doc.recordingValues as (number | null)[][];
  for (const i of DROPOUT) values[3][i] = values[4][i] = null;
  const bytes = new TextEncoder().encode(JSON.stringify(doc));
  dropoutId = (await world.client.uploadJson(bytes)).activityId;
  uploaded.set(dropoutId, readJson(bytes));
  // The pulls start an hour after the uploads: what "changed since the last pull" means is then clear.
  world.clock.advance(3_600_000);
}, 60_000);
afterAll(async () => {
  await world.stop();
});

async function readState(dir: string): Promise<PullState> {
  return JSON.parse(await readFile(join(dir, PULL_STATE_FILE), 'utf8')) as PullState;
}

async function report(path: string): Promise<PullReport> {
  return JSON.parse(await readFile(path, 'utf8')) as PullReport;
}

/** The detail requests since `from`: the ids fetched. */
function detailsSince(from: number): string[] {
  return world
    .requestsSince(from)
    .map((r) => /^GET \/v1\/my\/activities\/(\d+)$/.exec(r)?.[1])
    .filter((id): id is string => id !== undefined)
    .sort();
}

describe('the whole account', () => {
  it('is pulled, one file per run, each equal value for value to what was uploaded, and valid', async () => {
    expect(uploaded.size).toBeGreaterThan(20);
    const from = world.sandbox.requestLog.length;
    const r = await world.cli(['pull', '-o', ALL, '--report', world.dir('all-report.json')]);
    expect(r.stderr).toContain(`${uploaded.size} runs on Smashrun, ${uploaded.size} fetched`);
    expect(r.code).toBe(0);
    expect(detailsSince(from)).toEqual([...uploaded.keys()].sort());

    const names = await runFiles(ALL);
    expect(names).toHaveLength(uploaded.size);
    const rep = await report(world.dir('all-report.json'));
    expect(rep.totals).toMatchObject({ listed: uploaded.size, fetched: uploaded.size, written: uploaded.size, failed: 0 });
    for (const run of rep.runs) {
      expect(run.status).toBe('written');
      const file = run.file as string;
      // Named by local start (to the minute) and id: the folder sorts by date.
      expect(file).toBe(join(ALL, `${(run.startDateTimeLocal as string).slice(0, 16).replace(':', '-')}_${run.activityId}.json`));
      const text = await readFile(file, 'utf8');
      expect(validate(JSON.parse(text)), file).toEqual([]);
      const sent = uploaded.get(run.activityId) as Activity;
      expect(readBackDifferences(sent, readJson(text)), file).toEqual([]);
    }
    // Sorted by name is sorted by local start, as a runner reads the dates.
    const starts = names.map((n) => n.slice(0, 16));
    expect([...starts].sort()).toEqual(starts);
  });

  it("reads Smashrun's -1 positions as missing: the file has no -1, and says how many there were", async () => {
    const rep = await report(world.dir('all-report.json'));
    const run = rep.runs.find((x) => x.activityId === dropoutId);
    expect(run?.positionPlaceholders).toBe(DROPOUT.length * 2);
    expect(run?.warnings.map((w) => w.code)).toContain('position-placeholder');
    const doc = JSON.parse(await readFile(run?.file as string, 'utf8')) as { recordingKeys: string[]; recordingValues: (number | null)[][] };
    const lat = doc.recordingValues[doc.recordingKeys.indexOf('latitude')];
    const lon = doc.recordingValues[doc.recordingKeys.indexOf('longitude')];
    expect(DROPOUT.map((i) => [lat[i], lon[i]])).toEqual(DROPOUT.map(() => [null, null]));
    expect([...lat, ...lon]).not.toContain(-1);
    // What the sandbox answers does carry them: the test is not vacuous.
    const detail = await world.client.getActivity(dropoutId);
    expect(detail.positionPlaceholders).toBe(DROPOUT.length * 2);
  });

  it('a second pull asks only for the account and the list, and writes nothing', async () => {
    const before = await Promise.all((await runFiles(ALL)).map(async (n) => [n, (await stat(join(ALL, n))).mtimeMs] as const));
    const stateBefore = await readState(ALL);
    const from = world.sandbox.requestLog.length;
    const r = await world.cli(['pull', '-o', ALL]);
    expect(r.code).toBe(0);
    expect(world.requestsSince(from)).toEqual(['GET /v1/my/userinfo', 'GET /v1/my/activities']);
    expect(r.stderr).toContain(`up to date  ${uploaded.size}`);
    const after = await Promise.all((await runFiles(ALL)).map(async (n) => [n, (await stat(join(ALL, n))).mtimeMs] as const));
    expect(after).toEqual(before);
    // The state remembers the same runs; only the time they were last checked moved on.
    const stateAfter = await readState(ALL);
    const files = (st: PullState): unknown => Object.entries(st.formats.json.runs).map(([id, r]) => [id, r.summary, r.file]);
    expect(files(stateAfter)).toEqual(files(stateBefore));
    expect(Object.values(stateAfter.formats.json.runs).every((r) => r.checked > Object.values(stateBefore.formats.json.runs)[0].checked)).toBe(true);
  });

  it('a run whose notes were changed on Smashrun is the only one fetched again', async () => {
    // The change comes a while after the last pull, and the next pull a while after it (a pull fetches
    // again the runs changed in the minutes before the last one, should anything have changed since).
    world.clock.advance(3_600_000);
    const [id] = [...uploaded.keys()];
    await world.client.patchActivity(id, { notes: 'windy, then rain' });
    world.clock.advance(3_600_000);
    const from = world.sandbox.requestLog.length;
    const r = await world.cli(['pull', '-o', ALL, '--report', world.dir('patch-report.json')]);
    expect(r.code).toBe(0);
    expect(world.requestsSince(from)).toEqual(['GET /v1/my/userinfo', 'GET /v1/my/activities', 'GET /v1/my/activities/search/ids', `GET /v1/my/activities/${id}`]);
    const rep = await report(world.dir('patch-report.json'));
    expect(rep.totals).toMatchObject({ fetched: 1, updated: 1, upToDate: uploaded.size - 1 });
    const run = rep.runs.find((x) => x.activityId === id);
    const pulled = readJson(await readFile(run?.file as string, 'utf8'));
    expect(pulled.meta.notes).toBe('windy, then rain');
    // Nothing else about it moved.
    const sent = uploaded.get(id) as Activity;
    expect(readBackDifferences({ ...sent, meta: { ...sent.meta, notes: 'windy, then rain' } }, pulled)).toEqual([]);
  });

  it('a run uploaded again with other recordings is fetched again', async () => {
    world.clock.advance(3_600_000);
    const doc = makeActivity({ seed: 77, samples: 90 });
    const bytes = new TextEncoder().encode(JSON.stringify(doc));
    // The same externalId: Smashrun updates the run rather than storing another.
    expect((await world.client.uploadJson(bytes)).activityId).toBe(dropoutId);
    world.clock.advance(3_600_000);
    uploaded.set(dropoutId, readJson(bytes));
    const from = world.sandbox.requestLog.length;
    const r = await world.cli(['pull', '-o', ALL]);
    expect(r.code).toBe(0);
    expect(detailsSince(from)).toEqual([dropoutId]);
    const name = (await runFiles(ALL)).find((n) => n.endsWith(`_${dropoutId}.json`)) as string;
    expect(readBackDifferences(uploaded.get(dropoutId) as Activity, readJson(await readFile(join(ALL, name), 'utf8')))).toEqual([]);
  });

  it('a run whose recordings alone changed (its summary the same) is found by the search for changes', async () => {
    world.clock.advance(3_600_000);
    const doc = makeActivity({ seed: 77, samples: 90 });
    const values = doc.recordingValues as number[][];
    const cadence = values[6];
    // One cadence value one step up, at a sample whose neighbours keep the minimum, maximum and rounded average.
    const i = cadence.findIndex((v, k) => k > 10 && v === 87);
    cadence[i] = 88;
    const bytes = new TextEncoder().encode(JSON.stringify(doc));
    const summaryOf = async (): Promise<unknown> => (await world.client.listActivities()).find((x) => String(x.activityId) === dropoutId);
    const before = await summaryOf();
    expect((await world.client.uploadJson(bytes)).activityId).toBe(dropoutId);
    expect(await summaryOf()).toEqual(before);
    uploaded.set(dropoutId, readJson(bytes));
    world.clock.advance(3_600_000);
    const from = world.sandbox.requestLog.length;
    expect((await world.cli(['pull', '-o', ALL])).code).toBe(0);
    expect(detailsSince(from)).toEqual([dropoutId]);
    const name = (await runFiles(ALL)).find((n) => n.endsWith(`_${dropoutId}.json`)) as string;
    const pulled = readJson(await readFile(join(ALL, name), 'utf8'));
    expect(pulled.series.cadence?.[i]).toBe(88);
    expect(readBackDifferences(uploaded.get(dropoutId) as Activity, pulled)).toEqual([]);
  });

  it('a pull with --since leaves the older runs unchecked: the next full pull still finds their changes', async () => {
    world.clock.advance(3_600_000);
    const doc = makeActivity({ seed: 77, samples: 90 });
    const cadence = (doc.recordingValues as number[][])[6];
    cadence[cadence.findIndex((v, k) => k > 10 && v === 87)] = 88;
    const j = cadence.findIndex((v, k) => k > 40 && v === 87);
    cadence[j] = 88;
    const bytes = new TextEncoder().encode(JSON.stringify(doc));
    const before = (await world.client.listActivities()).find((x) => String(x.activityId) === dropoutId);
    await world.client.uploadJson(bytes);
    expect((await world.client.listActivities()).find((x) => String(x.activityId) === dropoutId)).toEqual(before);
    uploaded.set(dropoutId, readJson(bytes));
    world.clock.advance(3_600_000);
    // The run is from 2023: out of this pull's range, and nothing in range changed.
    const from = world.sandbox.requestLog.length;
    const since = await world.cli(['pull', '-o', ALL, '--since', '2024-01-01']);
    expect(since.code).toBe(0);
    expect(detailsSince(from)).toEqual([]);
    world.clock.advance(3_600_000);
    const mid = world.sandbox.requestLog.length;
    expect((await world.cli(['pull', '-o', ALL])).code).toBe(0);
    expect(detailsSince(mid)).toEqual([dropoutId]);
    const name = (await runFiles(ALL)).find((n) => n.endsWith(`_${dropoutId}.json`)) as string;
    expect(readJson(await readFile(join(ALL, name), 'utf8')).series.cadence?.[j]).toBe(88);
  });

  it('a run deleted on Smashrun keeps its file and is counted', async () => {
    world.clock.advance(3_600_000);
    const [, id] = [...uploaded.keys()];
    const name = (await runFiles(ALL)).find((n) => n.endsWith(`_${id}.json`)) as string;
    await world.client.deleteActivity(id);
    world.clock.advance(3_600_000);
    const from = world.sandbox.requestLog.length;
    const r = await world.cli(['pull', '-o', ALL]);
    expect(r.code).toBe(0);
    expect(detailsSince(from)).toEqual([]);
    expect(r.stderr).toMatch(/gone +1 no longer on Smashrun/);
    expect((await runFiles(ALL)).includes(name)).toBe(true);
    uploaded.delete(id);
  });
});

describe('--since', () => {
  it('pulls only the runs that started on or after the date (their own local date)', async () => {
    const since = '2015-01-01';
    const dir = world.dir('since');
    const from = world.sandbox.requestLog.length;
    const r = await world.cli(['pull', '-o', dir, '--since', since, '--report', world.dir('since-report.json')]);
    expect(r.code).toBe(0);
    const localDate = (a: Activity): string => new Date(a.startTime + (a.utcOffset ?? 0) * 60_000).toISOString().slice(0, 10);
    const want = [...uploaded].filter(([, a]) => localDate(a) >= since).map(([id]) => id);
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(uploaded.size);
    expect(detailsSince(from)).toEqual([...want].sort());
    expect((await runFiles(dir)).map((n) => n.replace(/^.*_(\d+)\.json$/, '$1')).sort()).toEqual([...want].sort());
    const rep = await report(world.dir('since-report.json'));
    expect(rep.totals.beforeSince).toBe(uploaded.size - want.length);
    expect(r.stderr).toContain('(started before --since)');
  });

  it('with an offset compares instants; a bad date is a usage error', async () => {
    const dir = world.dir('since-instant');
    const newest = Math.max(...[...uploaded.values()].map((a) => a.startTime));
    const r = await world.cli(['pull', '-o', dir, '--since', new Date(newest).toISOString()]);
    expect(r.code).toBe(0);
    expect((await runFiles(dir)).length).toBe([...uploaded.values()].filter((a) => a.startTime >= newest).length);
    const bad = await world.cli(['pull', '-o', dir, '--since', 'last week']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since: expected a date (YYYY-MM-DD) or an ISO 8601 date-time, got 'last week'");
  });
});

describe('what is shown', () => {
  it('a bar on a terminal; with -q only the summary', async () => {
    const tty = await world.cli(['pull', '-o', world.dir('tty')], { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('\r\x1b[K[');
    expect(tty.stderr).toMatch(new RegExp(`\\] ${uploaded.size}/${uploaded.size} 100% .* runs/s`));
    expect(tty.stderr).not.toContain('written     run');
    const quiet = await world.cli(['pull', '-q', '-o', world.dir('quiet')]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr.split('\n')[0]).toMatch(/^runjson: \d+ runs on Smashrun, \d+ fetched in /);
    expect(quiet.stdout).toBe('');
  });
});

describe('an interrupted pull', () => {
  it('stops with 130, and run again fetches only what it had not written', async () => {
    const dir = world.dir('interrupted');
    const stop = new AbortController();
    let details = 0;
    world.onRequest = (method, path) => {
      if (method === 'GET' && /^\/v1\/my\/activities\/\d+$/.test(path) && ++details === 8) stop.abort();
    };
    const from = world.sandbox.requestLog.length;
    const first = await world.cli(['pull', '-o', dir], { signal: stop.signal });
    world.onRequest = () => undefined;
    expect(first.code).toBe(130);
    expect(first.stderr).toContain('interrupted; run the same command again to continue');
    const written = (await runFiles(dir)).map((n) => n.replace(/^.*_(\d+)\.json$/, '$1'));
    expect(written.length).toBeGreaterThan(4);
    expect(written.length).toBeLessThan(uploaded.size);
    const mid = world.sandbox.requestLog.length;
    const again = await world.cli(['pull', '-o', dir]);
    expect(again.code).toBe(0);
    const second = detailsSince(mid);
    // None written twice; every run in the end.
    expect(second.filter((id) => written.includes(id))).toEqual([]);
    expect((await runFiles(dir)).map((n) => n.replace(/^.*_(\d+)\.json$/, '$1')).sort()).toEqual([...uploaded.keys()].sort());
    // Only runs aborted in flight were asked for twice.
    const all = detailsSince(from);
    expect(all.length - uploaded.size).toBeLessThanOrEqual(2);
    // No temp file left.
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('a run entered by hand', () => {
  it('has no recordings: no file, counted, and not fetched again', async () => {
    const dir = world.dir('by-hand');
    const [id] = [...uploaded.keys()];
    // The sandbox stores only runs with recordings; Smashrun also keeps runs entered by hand, whose detail
    // has none. This fetch removes the recordings from that one answer, as Smashrun would send such a run.
    const byHand: FetchLike = async (url, init) => {
      const res = await fetch(url, init);
      if (!new URL(url).pathname.endsWith(`/my/activities/${id}`)) return res;
      const doc = (await res.json()) as Record<string, unknown>;
      for (const k of ['recordingKeys', 'recordingValues', 'pauseIndexes', 'laps']) delete doc[k];
      return new Response(JSON.stringify(doc), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const r = await world.cli(['pull', '-o', dir, '--report', world.dir('by-hand.json')], { fetch: byHand });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`skipped     run ${id}`);
    expect(r.stderr).toContain('by hand     1 (no recordings: no file)');
    expect((await runFiles(dir)).some((n) => n.endsWith(`_${id}.json`))).toBe(false);
    expect((await report(world.dir('by-hand.json'))).runs.find((x) => x.activityId === id)?.status).toBe('no-recordings');
    const from = world.sandbox.requestLog.length;
    const again = await world.cli(['pull', '-o', dir], { fetch: byHand });
    expect(again.code).toBe(0);
    expect(detailsSince(from)).toEqual([]);
    expect(again.stderr).toContain('by hand     1');
  });
});

describe('failures', () => {
  it('not logged in: exit 1 with the message', async () => {
    const env = { ...world.env, XDG_CONFIG_HOME: world.dir('no-config') };
    const r = await world.cli(['pull', '-o', world.dir('nobody')], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('runjson: not logged in: run `runjson login` first\n');
  });

  it('usage errors: exit 2', async () => {
    expect((await world.cli(['pull', '--to', 'kml'])).code).toBe(2);
    expect((await world.cli(['pull', 'somewhere'])).code).toBe(2);
    expect((await world.cli(['pull', '--bogus'])).code).toBe(2);
    const help = await world.cli(['pull', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: runjson pull \[-o DIR\] \[--since DATE\] \[--to FORMAT\]/);
  });

  it('an output folder that is a file: one line naming it, exit 1', async () => {
    const file = world.dir('all-report.json');
    const r = await world.cli(['pull', '-o', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^runjson: ${file}: .*\n$`));
  });

  it('a state file that cannot be read is said, and every run fetched again', async () => {
    const dir = world.dir('damaged-state');
    expect((await world.cli(['pull', '-o', dir])).code).toBe(0);
    await writeFile(join(dir, PULL_STATE_FILE), '{"version":1,"apiBase":');
    const from = world.sandbox.requestLog.length;
    const r = await world.cli(['pull', '-o', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`runjson: ${join(dir, PULL_STATE_FILE)} cannot be read: every run is fetched again`);
    expect(detailsSince(from)).toHaveLength(uploaded.size);
    expect(await runFiles(dir)).toHaveLength(uploaded.size);
    // And it is whole again.
    expect((await readState(dir)).formats.json.runs).not.toEqual({});
  });

  it('Smashrun down: one line, exit 1, nothing written', async () => {
    const dir = world.dir('down');
    world.sandbox.setFaults({ errors: { status: 503, every: 1 } });
    try {
      const r = await world.cli(['pull', '-o', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^runjson: could not list the runs on http:\/\/127\.0\.0\.1:\d+\/v1: .*\n$/);
    } finally {
      world.sandbox.setFaults({});
    }
    expect(await runFiles(dir)).toEqual([]);
  });

  it('a run that fails is reported, the others are pulled, exit 1; the next pull fetches it', async () => {
    const dir = world.dir('one-fails');
    const [id] = [...uploaded.keys()];
    const broken: FetchLike = async (url, init) => {
      const res = await fetch(url, init);
      if (!new URL(url).pathname.endsWith(`/my/activities/${id}`)) return res;
      const doc = (await res.json()) as Record<string, unknown>;
      doc.startDateTimeLocal = 'not a time';
      return new Response(JSON.stringify(doc), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const r = await world.cli(['pull', '-o', dir], { fetch: broken });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`failed +run ${id} .*: invalid-activity: `));
    expect((await runFiles(dir)).length).toBe(uploaded.size - 1);
    const from = world.sandbox.requestLog.length;
    const again = await world.cli(['pull', '-o', dir]);
    expect(again.code).toBe(0);
    expect(detailsSince(from)).toEqual([id]);
  });

  it('a token refused in the middle stops the pull: exit 1, sign in again; what was written stays', async () => {
    const issued = world.sandbox.issueToken({ clientId: 'client' });
    tokens.push(issued.accessToken);
    const env = { ...world.env, XDG_CONFIG_HOME: world.dir('revoked-config') };
    await writeCredentials(credentialsPath(env), {
      version: 1,
      apiBase: world.sandbox.apiBase,
      authBase: world.sandbox.authBase,
      clientId: 'client',
      tokens: { accessToken: issued.accessToken, clientId: 'client', expiresAt: world.clock.now() + 3_600_000 },
    });
    const revoker = new SmashrunClient({ clientId: 'client', apiBase: world.sandbox.apiBase, authBase: world.sandbox.authBase, now: world.clock.now });
    await revoker.setToken(issued.accessToken);
    let details = 0;
    let revoked: Promise<boolean> | null = null;
    world.onRequest = (method, path) => {
      if (method === 'GET' && /^\/v1\/my\/activities\/\d+$/.test(path) && ++details === 3) revoked = revoker.revoke();
    };
    const dir = world.dir('revoked');
    const r = await world.cli(['pull', '-o', dir], { env });
    world.onRequest = () => undefined;
    expect(await revoked).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/runjson: stopped: .*; sign in again with `runjson login`\n$/);
    const written = await runFiles(dir);
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(written.length).toBeLessThan(uploaded.size);
    expect(r.stderr).toMatch(/not fetched \d+/);
  });

  it('a folder of another account is refused', async () => {
    const other = world.sandbox.issueToken({ clientId: 'client', user: 'someone-else' });
    tokens.push(other.accessToken);
    const env = { ...world.env, XDG_CONFIG_HOME: world.dir('other-config') };
    await writeCredentials(credentialsPath(env), {
      version: 1,
      apiBase: world.sandbox.apiBase,
      authBase: world.sandbox.authBase,
      clientId: 'client',
      tokens: { accessToken: other.accessToken, clientId: 'client', expiresAt: world.clock.now() + 3_600_000 },
    });
    const r = await world.cli(['pull', '-o', ALL], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds the runs of another Smashrun account .*: pull into another folder\n$/);
    expect(r.stderr).not.toContain(other.accessToken);
  });
});

describe('secrets', () => {
  it('the token is in no output, no pulled file, no state and no report', async () => {
    // Every file of the temporary HOME but the credentials files, where the token belongs.
    const files = (await world.texts(world.home)).filter((f) => !f.path.endsWith('credentials.json'));
    expect(files.some((f) => f.path.endsWith(PULL_STATE_FILE))).toBe(true);
    expect(files.some((f) => f.path.endsWith('all-report.json'))).toBe(true);
    const texts = [...world.shown, ...files.map((f) => f.text), JSON.stringify(world.sandbox.requestLog)];
    expect(texts.length).toBeGreaterThan(50);
    for (const token of [world.token, ...tokens]) expect(texts.filter((t) => t.includes(token))).toEqual([]);
  });
});
