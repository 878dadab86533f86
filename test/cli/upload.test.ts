/**
 * `runjson upload` against the real sandbox, in-process, in a temporary HOME: every running fixture
 * stored once and a second upload that sends nothing, a changed run updated under the same id, a
 * refusal with Smashrun's validations, a run held by the plausibility checks, a dry run without a
 * request, a bad file that does not stop the batch, the journal's torn line, and no token anywhere.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCredentials, writeCredentials } from '../../src/cli/account/credentials.js';
import { credentialsPath, stateDir } from '../../src/cli/account/paths.js';
import { SentJournal, sentJournalPath } from '../../src/cli/upload/sent-journal.js';
import { convertSync } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { FIXTURES, listFiles, readBytes } from '../helpers/paths.js';
import { type Home, implausibleRun, journalTexts, type Ran, removeHomes, runIn, runsFolder, signedInHome } from './upload-helpers.js';

let sandbox: Sandbox;
/** Every output of every run in this file, for the leak check at the end. */
const shown: { label: string; text: string }[] = [];
const tokens: string[] = [];
const homes: Home[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ implicitRequestsPerHour: null });
});
afterAll(async () => {
  await sandbox.close();
  await removeHomes();
});

async function home(user: string): Promise<Home> {
  const h = await signedInHome(sandbox, user);
  tokens.push(h.token);
  homes.push(h);
  return h;
}

async function upload(h: Home, argv: string[], label: string): Promise<Ran> {
  const r = await runIn(h, ['upload', '--jobs', '0', '--api-base', sandbox.apiBase, '--auth-base', sandbox.authBase, ...argv]);
  shown.push({ label: `${label} stdout`, text: r.stdout }, { label: `${label} stderr`, text: r.stderr });
  return r;
}

function storedFor(h: Home): Sandbox['activities'] {
  return sandbox.activities.filter((a) => String(a.userId) === h.userId);
}

function posts(from: number): number {
  return sandbox.requestLog.slice(from).filter((e) => e.method === 'POST').length;
}

const RUNNING = ['fit', 'tcx', 'gpx', 'json'].map((d) => join(FIXTURES, d));

/** The externalIds of every run the fixtures hold, converted here without the command. */
function fixtureIds(): Set<string> {
  const ids = new Set<string>();
  for (const dir of ['fit', 'tcx', 'gpx', 'json']) {
    for (const file of listFiles(FIXTURES, dir, '')) {
      try {
        for (const a of convertSync(readBytes(file)).activities) ids.add(a.activity.meta.externalId as string);
      } catch {
        // Not a run, or broken: the command skips or fails it.
      }
    }
  }
  return ids;
}

describe('runjson upload', () => {
  it('stores every running fixture once; a second upload sends nothing and says already sent', async () => {
    const h = await home('fixtures');
    const reportPath = join(h.dir, 'report.json');
    const from = sandbox.requestLog.length;
    const first = await upload(h, [...RUNNING, '--report', reportPath], 'first');
    // Some fixtures are broken on purpose: exit 1, and the batch went on past them.
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^failed {7}.*malformed\.tcx: malformed: /m);
    expect(first.stdout).toMatch(/^skipped {6}.*synthetic-ride\.gpx: not-running: /m);

    const stored = storedFor(h);
    const expected = fixtureIds();
    expect(expected.size).toBeGreaterThan(20);
    expect(new Set(stored.map((a) => a.externalId))).toEqual(expected);
    // Each once: files that give the same run (copies of one recording) were said to be one.
    expect(stored.length).toBe(expected.size);
    expect(first.stderr).toMatch(/^note: .*synthetic-run\.fit holds the same run as .*synthetic-run-big-endian\.fit/m);
    expect(posts(from)).toBe(expected.size);

    // One line per run, with Smashrun's id and where to see it.
    const one = stored[0];
    expect(first.stdout).toContain(`→ ${one.id} ${sandbox.apiBase}/my/activities/${one.id}`);
    expect(first.stderr).toMatch(new RegExp(`uploaded +${expected.size}\\n`));

    const report = JSON.parse(await readFile(reportPath, 'utf8')) as { command: string; totals: { uploaded: number }; files: { input: string; status: string; runs: { status: string; activityId?: string }[] }[] };
    expect(report.command).toBe('upload');
    expect(report.totals.uploaded).toBe(expected.size);
    expect(report.files.find((f) => f.input.endsWith('malformed.tcx'))?.status).toBe('failed');
    shown.push({ label: 'report', text: await readFile(reportPath, 'utf8') });

    const again = sandbox.requestLog.length;
    const second = await upload(h, RUNNING, 'second');
    expect(second.code).toBe(1); // the same broken fixtures
    expect(posts(again)).toBe(0);
    expect(second.stdout).not.toMatch(/^(uploaded|updated) /m);
    expect(second.stderr).toMatch(new RegExp(`already sent +${first.stdout.match(/^(uploaded|already-sent) /gm)?.length}\\n`));
    expect(storedFor(h).length).toBe(expected.size);
  }, 20_000);

  it('sends a changed run again as updated, under the same Smashrun id', async () => {
    const h = await home('changes');
    const dir = await runsFolder(h, 'changes', 2);
    expect((await upload(h, [dir], 'changes 1')).code).toBe(0);
    const ids = storedFor(h).map((a) => a.id);
    const from = sandbox.requestLog.length;
    const r = await upload(h, [dir, '--notes', 'legs heavy'], 'changes 2');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^updated {6}/gm)?.length).toBe(2);
    expect(posts(from)).toBe(2);
    expect(storedFor(h).map((a) => a.id)).toEqual(ids);
    expect(storedFor(h).every((a) => a.activity.notes === 'legs heavy')).toBe(true);
    // The journal now knows the new bytes: nothing more to send.
    const from2 = sandbox.requestLog.length;
    expect((await upload(h, [dir, '--notes', 'legs heavy'], 'changes 3')).stdout).toMatch(/^already-sent/m);
    expect(posts(from2)).toBe(0);
  });

  it('reports a ride sent with --sports all as rejected, with Smashrun’s validations', async () => {
    const h = await home('rides');
    const r = await upload(h, [join(FIXTURES, 'gpx', 'synthetic-ride.gpx'), join(FIXTURES, 'gpx', 'togeojson__run.gpx'), '--sports', 'all', '--report', join(h.dir, 'r.json')], 'ride');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^rejected {5}.*synthetic-ride\.gpx: Smashrun refused it: \[\{"field":"activityType","message":"only running activities are accepted/m);
    expect(r.stdout).toMatch(/^uploaded {5}.*togeojson__run\.gpx/m);
    expect(r.stderr).toMatch(/rejected +1 /);
    const report = JSON.parse(await readFile(join(h.dir, 'r.json'), 'utf8')) as { files: { status: string; runs: { status: string; validations?: unknown }[] }[] };
    const ride = report.files[0];
    expect(ride.status).toBe('partial');
    expect(ride.runs[0].validations).toEqual([expect.objectContaining({ field: 'activityType' })]);
    expect(storedFor(h).length).toBe(1);
  });

  it('holds a run the plausibility checks flag, says why, and sends it with --force', async () => {
    const h = await home('fast');
    const file = join(h.dir, 'fast.json');
    await writeFile(file, implausibleRun('fast-1'));
    const from = sandbox.requestLog.length;
    const held = await upload(h, [file], 'held');
    expect(held.code).toBe(1);
    expect(held.stdout).toMatch(/^held {9}.*fast\.json: implausible-speed: 5 km in .*; send it with --force$/m);
    expect(posts(from)).toBe(0);
    const forced = await upload(h, [file, '--force'], 'forced');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^uploaded {5}.*fast\.json/m);
    expect(storedFor(h).map((a) => a.externalId)).toEqual(['fast-1']);
    // Sent once with --force, it is already sent on the next upload, not held again.
    const after = await upload(h, [file], 'after force');
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/^already-sent .*fast\.json/m);
  });

  it('--strict refuses a run with warnings (its file fails), and sends the clean one', async () => {
    const h = await home('strict');
    const dir = await runsFolder(h, 'strict', 1);
    const r = await upload(h, [join(FIXTURES, 'gpx', 'crafted-bad-values.gpx'), dir, '--strict'], 'strict');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed {7}.*crafted-bad-values\.gpx: strict: /m);
    expect(storedFor(h).map((a) => a.externalId)).toEqual(['strict-1']);
  });

  it('--dry-run converts and checks, with no request at all', async () => {
    const h = await home('dry');
    const dir = await runsFolder(h, 'dry', 3);
    await upload(h, [join(dir, 'run-001.json')], 'dry setup');
    const from = sandbox.requestLog.length;
    const r = await upload(h, [dir, '--dry-run', join(FIXTURES, 'tcx', 'malformed.tcx')], 'dry');
    expect(sandbox.requestLog.length).toBe(from);
    expect(r.stdout.match(/^would-send {3}.*\(dry run: not sent\)$/gm)?.length).toBe(2);
    expect(r.stdout).toMatch(/^already-sent .*run-001\.json/m);
    expect(r.stdout).toMatch(/^failed .*malformed\.tcx/m);
    expect(r.stderr).toMatch(/would send +2 \(dry run: nothing sent\)/);
    expect(r.code).toBe(1);
    expect(storedFor(h).length).toBe(1);
  });

  it('goes on past a bad file: the others are sent, the bad one said with where, exit 1', async () => {
    const h = await home('bad');
    const dir = await runsFolder(h, 'bad', 3);
    await writeFile(join(dir, 'run-002.json'), '{"externalId": "bad-2", "recordingKeys": [');
    await writeFile(join(dir, 'zz.fit'), new Uint8Array([14, 16, 1, 2, 3]));
    const r = await upload(h, [dir, join(h.dir, 'missing.fit')], 'bad');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed {7}.*run-002\.json: malformed: .*line 1, column/m);
    expect(r.stdout).toMatch(/^failed {7}.*zz\.fit: /m);
    expect(r.stdout).toMatch(/^failed {7}.*missing\.fit: /m);
    expect(storedFor(h).map((a) => a.externalId).sort()).toEqual(['bad-1', 'bad-3']);
  });

  it('ignores a torn last line of the journal (a process killed mid-write), and appends whole lines after it', async () => {
    const h = await home('torn');
    const dir = await runsFolder(h, 'torn', 2);
    expect((await upload(h, [join(dir, 'run-001.json')], 'torn 1')).code).toBe(0);
    const path = sentJournalPath(stateDir(h.env), sandbox.apiBase, h.userId);
    await appendFile(path, '{"externalId":"torn-2","activityId":"99');
    const r = await upload(h, [dir], 'torn 2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^already-sent .*run-001\.json/m);
    expect(r.stdout).toMatch(/^uploaded {5}.*run-002\.json/m);
    const journal = await SentJournal.open(path);
    expect(journal.get('torn-2')?.activityId).toBe(storedFor(h).find((a) => a.externalId === 'torn-2')?.id);
    expect(journal.size).toBe(2);
    await journal.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.filter((l) => l.startsWith('{"externalId":"torn-2","activityId":"99')).length).toBe(1);
    expect(lines.at(-1)).toBe('');
  });

  it('is a usage error without input, with --external-id for a folder, or with an unknown flag; not logged in is exit 1', async () => {
    const h = await home('usage');
    expect((await upload(h, [], 'usage 1')).code).toBe(2);
    expect((await upload(h, [FIXTURES, '--external-id', 'x'], 'usage 2')).code).toBe(2);
    expect((await upload(h, ['--bogus', FIXTURES], 'usage 3')).code).toBe(2);
    const nobody = { ...h, env: { ...h.env, XDG_CONFIG_HOME: join(h.dir, 'nowhere') } };
    const r = await runIn(nobody, ['upload', FIXTURES]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not logged in: run `runjson login` first/);
  });

  it('says in one line when Smashrun cannot name the account (credentials without it, Smashrun down): exit 1', async () => {
    const h = await home('unnamed');
    const path = credentialsPath(h.env);
    const credentials = await readCredentials(path);
    if (credentials === null) throw new Error('the test home has no credentials');
    delete credentials.user;
    await writeCredentials(path, credentials);
    sandbox.setFaults({ errors: { status: 503, every: 1 } });
    let r: Ran;
    try {
      r = await upload(h, [join(FIXTURES, 'gpx')], 'unnamed');
    } finally {
      sandbox.setFaults({});
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^runjson: could not ask Smashrun which account this is: GET \/my\/userinfo: gave up after \d+ attempts .*\n$/);
    expect(storedFor(h).length).toBe(0);
  });

  it('never shows the token: not in any output, report or journal', async () => {
    await upload(await home('leak'), [join(FIXTURES, 'gpx')], 'leak');
    const all = [...shown];
    for (const h of homes) for (const t of await journalTexts(h)) all.push({ label: `journal of ${h.userName}`, text: t });
    expect(tokens.length).toBeGreaterThan(5);
    expect(all.length).toBeGreaterThan(20);
    const leaks = all.filter((s) => tokens.some((t) => s.text.includes(t))).map((s) => s.label);
    expect(leaks).toEqual([]);
  });
});
