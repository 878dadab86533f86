/**
 * The sender as `watch` uses it (`openSender` + `sendFile`), and the sent journal shared by two
 * processes: lines appended by one are seen by the other before it decides; two uploads of one folder
 * at the same time store each run once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmashrunClient } from '../../src/api/client.js';
import { DEFAULT_API_BASE } from '../../src/api/client-options.js';
import { readCredentials, writeCredentials } from '../../src/cli/account/credentials.js';
import { credentialsPath, stateDir } from '../../src/cli/account/paths.js';
import { openSender, outcomeLine, Sender } from '../../src/cli/upload/sender.js';
import { SentJournal, sentJournalPath } from '../../src/cli/upload/sent-journal.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { FIXTURES } from '../helpers/paths.js';
import { FAST, removeHomes, runIn, runsFolder, signedInHome } from './upload-helpers.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ implicitRequestsPerHour: null });
});
afterAll(async () => {
  await sandbox.close();
  await removeHomes();
});

function ioOf(env: Record<string, string>): Parameters<typeof openSender>[1] {
  const none = { write: () => true };
  return { stdout: none, stderr: none, env, smashrun: FAST };
}

describe('Sender.sendFile', () => {
  it('uploads a file, then finds it already sent; skips a ride, fails a missing file; throws the abort reason', async () => {
    const h = await signedInHome(sandbox, 'sender');
    const { sender, close } = await openSender({ 'api-base': sandbox.apiBase }, ioOf(h.env), { convert: {} });
    try {
      const file = join(FIXTURES, 'fit', 'fitparse__garmin-fenix-5-run.fit');
      const first = await sender.sendFile(file);
      expect(first.status).toBe('sent');
      expect(first.runs).toEqual([{ status: 'uploaded', externalId: expect.any(String), activityId: expect.any(String), url: `${sandbox.apiBase}/my/activities/${first.runs[0].activityId}` }]);
      expect(outcomeLine(first, first.runs[0])).toBe(`uploaded     ${file}  → ${first.runs[0].activityId} ${first.runs[0].url}`);
      const again = await sender.sendFile(file);
      expect(again.runs[0]).toMatchObject({ status: 'already-sent', activityId: first.runs[0].activityId });

      const ride = await sender.sendFile(join(FIXTURES, 'gpx', 'synthetic-ride.gpx'));
      expect(ride).toMatchObject({ status: 'skipped', runs: [], error: { code: 'not-running' } });
      const course = await sender.sendFile(join(FIXTURES, 'tcx', 'course.tcx'));
      expect(course).toMatchObject({ status: 'skipped', error: { code: 'not-an-activity' } });
      const missing = await sender.sendFile(join(h.dir, 'nope.fit'));
      expect(missing).toMatchObject({ status: 'failed', error: { code: 'read-error' } });

      const controller = new AbortController();
      const reason = new Error('stop');
      controller.abort(reason);
      await expect(sender.sendFile(file, controller.signal)).rejects.toBe(reason);
    } finally {
      await close();
    }
    expect(sandbox.activities.filter((a) => String(a.userId) === h.userId).length).toBe(1);
  });

  it('a failed upload is in the outcome, retryable when Smashrun could not be reached', async () => {
    const h = await signedInHome(sandbox, 'sender-down');
    const { sender, close } = await openSender({}, ioOf(h.env), { convert: {} });
    sandbox.setFaults({ errors: { status: 503, every: 1 } });
    try {
      const out = await sender.sendFile(join(FIXTURES, 'gpx', 'togeojson__run.gpx'));
      expect(out.status).toBe('partial');
      expect(out.runs[0]).toMatchObject({ status: 'failed', retryable: true, reason: expect.stringMatching(/gave up after/) });
    } finally {
      sandbox.setFaults({});
      await close();
    }
  });
});

describe('the account of the sender', () => {
  it('asks Smashrun who the account is once when the credentials do not say, and saves it there', async () => {
    const h = await signedInHome(sandbox, 'anonymous');
    const path = credentialsPath(h.env);
    const credentials = await readCredentials(path);
    if (credentials === null) throw new Error('the test home has no credentials');
    delete credentials.user;
    await writeCredentials(path, credentials);
    const from = sandbox.requestLog.length;
    const { close } = await openSender({}, ioOf(h.env), { convert: {} });
    await close();
    expect(sandbox.requestLog.slice(from).map((e) => `${e.method} ${e.path}`)).toEqual(['GET /v1/my/userinfo']);
    expect((await readCredentials(path))?.user).toEqual({ id: h.userId, userName: h.userName });
    const again = sandbox.requestLog.length;
    await (await openSender({}, ioOf(h.env), { convert: {} })).close();
    expect(sandbox.requestLog.length).toBe(again);
  });

  it('links a run to its page on Smashrun, or to the API document on another base', () => {
    const client = new SmashrunClient({ clientId: 'client' });
    const journal = SentJournal.inMemory();
    expect(new Sender({ client, journal, convert: {}, apiBase: DEFAULT_API_BASE, userName: 'ana' }).runUrl('42')).toBe('https://smashrun.com/ana/run/42');
    expect(new Sender({ client, journal, convert: {}, apiBase: 'http://127.0.0.1:9/v1' }).runUrl('42')).toBe('http://127.0.0.1:9/v1/my/activities/42');
  });
});

describe('the sent journal between processes', () => {
  it('sees the lines another journal appended, before deciding', async () => {
    const h = await signedInHome(sandbox, 'shared');
    const path = sentJournalPath(stateDir(h.env), sandbox.apiBase, h.userId);
    const a = await SentJournal.open(path);
    const b = await SentJournal.open(path);
    await a.append({ externalId: 'x-1', activityId: '5', sha256: 'ab', bytes: 10, input: '/runs/x.fit', sentAt: new Date().toISOString() });
    expect(b.get('x-1')).toBeUndefined();
    await b.refresh();
    expect(b.get('x-1')?.activityId).toBe('5');
    await a.close();
    await b.close();
  });

  it('two uploads of one folder at the same time (upload beside watch) store each run once', async () => {
    const h = await signedInHome(sandbox, 'twice');
    const dir = await runsFolder(h, 'twice', 10);
    const args = ['upload', '--jobs', '0', dir, '--api-base', sandbox.apiBase, '--auth-base', sandbox.authBase];
    sandbox.setFaults({ slowMs: 5 });
    try {
      const [one, two] = await Promise.all([runIn(h, args), runIn(h, args)]);
      expect([one.code, two.code]).toEqual([0, 0]);
    } finally {
      sandbox.setFaults({});
    }
    const mine = sandbox.activities.filter((a) => String(a.userId) === h.userId);
    expect(mine.map((a) => a.externalId).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `twice-${i + 1}`).sort());
    const third = await runIn(h, args);
    expect(third.stdout.match(/^already-sent /gm)?.length).toBe(10);
  });

  it('prints a bar on a terminal, and with -q only the runs not sent', async () => {
    const h = await signedInHome(sandbox, 'tty');
    const dir = await runsFolder(h, 'tty', 2);
    const tty = await runIn(h, ['upload', '--jobs', '0', dir, join(FIXTURES, 'tcx', 'malformed.tcx')], { tty: true });
    expect(tty.stderr).toMatch(/\r\x1b\[K\[#+-*\] 3\/3 100%/);
    expect(tty.stdout.match(/^uploaded /gm)?.length).toBe(2);
    const quiet = await runIn(h, ['upload', '-q', '--jobs', '0', dir, join(FIXTURES, 'tcx', 'malformed.tcx')]);
    expect(quiet.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^failed {7}.*malformed\.tcx: malformed: /)]);
  });
});
