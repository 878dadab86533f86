/**
 * `runjson watch` run in-process against the real sandbox, each test with its own account and temporary
 * HOME: runs sent once they are whole and only then, a folder that goes and comes back, a Smashrun that
 * is down then up, a damaged file, a refused run, restarts, Ctrl-C during an upload, and no token in
 * any output.
 */
import { mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCredentials, writeCredentials } from '../../src/cli/account/credentials.js';
import { credentialsPath } from '../../src/cli/account/paths.js';
import { convertSync } from '../../src/index.js';
import { type RequestLogEntry, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { FIXTURES, readBytes } from '../helpers/paths.js';
import { allOutputs, delay, fill, newAccount, QUICK, RunningCommand, runsOf, runToEnd, type TestAccount, writeSlowly } from './watch-harness.js';

const RUNS: Record<string, Uint8Array> = {
  'synthetic-run.fit': readBytes(join(FIXTURES, 'fit/synthetic-run.fit')),
  'FENIX5.FIT': readBytes(join(FIXTURES, 'fit/fitparse__garmin-fenix-5-run.fit')),
  'run.gpx': readBytes(join(FIXTURES, 'gpx/togeojson__run.gpx')),
  'laps.tcx': readBytes(join(FIXTURES, 'tcx/connect-one-track-per-lap.tcx')),
};
const FENIX2 = readBytes(join(FIXTURES, 'fit/fenix2-run.fit'));
const RIDE = readBytes(join(FIXTURES, 'gpx/synthetic-ride.gpx'));

/** Uploads the sandbox received (POST /v1/my/activities), with the time each was answered. */
interface Post {
  at: number;
  entry: RequestLogEntry;
}

let sandbox: Sandbox;
let root: string;
const posts: Post[] = [];
const tokens: string[] = [];
const homes: string[] = [];

function postsSince(t: number): Post[] {
  return posts.filter((p) => p.at >= t);
}

async function account(label: string): Promise<TestAccount> {
  const a = await newAccount(sandbox, label);
  tokens.push(a.token);
  homes.push(a.home);
  return a;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runjson-watch-'));
  sandbox = await startSandbox({
    onRequest: (entry) => {
      if (entry.method === 'POST' && entry.path === '/v1/my/activities') posts.push({ at: Date.now(), entry });
    },
  });
});

afterAll(async () => {
  await sandbox.close();
  await rm(root, { recursive: true, force: true });
  for (const h of homes) await rm(h, { recursive: true, force: true });
});

describe('runjson watch', () => {
  it('sends every run already there once it is whole; a second watch on the same folder sends nothing', async () => {
    const a = await account('first');
    await fill(a.dir, RUNS);
    await writeFile(join(a.dir, 'notes.txt'), 'not looked at');
    const w = new RunningCommand(['watch', a.dir, ...QUICK], a.env);
    await w.waitFor(/^\S+ \S+ {2}uploaded /, 4);
    const end = await w.stop();
    expect(end.code).toBe(0);
    expect(end.stdout).toContain(`watching ${a.dir}`);
    expect(end.stdout).toMatch(/stopped: 4 uploaded\n$/);
    // One line per run, with its time, its Smashrun id and where to see it.
    const uploaded = end.stdout.split('\n').filter((l) => / uploaded /.test(l));
    expect(uploaded).toHaveLength(4);
    for (const l of uploaded) expect(l).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}uploaded +\S+ {2}→ \d+ http:\/\/127\.0\.0\.1:\d+\/v1\/my\/activities\/\d+$/);
    const stored = runsOf(sandbox, a.userName);
    expect(stored).toHaveLength(4);
    expect(new Set(stored.map((r) => r.externalId)).size).toBe(4);

    // Restart: the sent journal says all four went; no request.
    const t = Date.now();
    const again = new RunningCommand(['watch', a.dir, ...QUICK], a.env);
    await again.waitFor(/checked the files already there: 4 runs already sent/);
    await delay(300);
    const end2 = await again.stop();
    expect(end2.code).toBe(0);
    expect(end2.stdout).not.toMatch(/uploaded|updated/);
    expect(postsSince(t)).toHaveLength(0);
    expect(runsOf(sandbox, a.userName)).toHaveLength(4);
  });

  it('a file copied in slowly is uploaded once, only after its last chunk', async () => {
    const a = await account('slow');
    await fill(a.dir, {});
    const w = new RunningCommand(['watch', a.dir, ...QUICK], a.env);
    await w.waitFor(/watching /);
    const t = Date.now();
    // Pauses twice the settle time: the size stands still long enough, so only the format's own check
    // (FIT length and CRC, GPX root closed) keeps a half-copied file back.
    const [fitDone, gpxDone] = await Promise.all([
      writeSlowly(join(a.dir, 'slow.fit'), FENIX2, 5, 300),
      writeSlowly(join(a.dir, 'slow.gpx'), RUNS['run.gpx'], 4, 300),
    ]);
    await w.waitFor(/ uploaded /, 2);
    await delay(300);
    const end = await w.stop();
    expect(postsSince(t)).toHaveLength(2);
    expect(end.stdout).not.toMatch(/incomplete|failed|rejected/);
    const stored = runsOf(sandbox, a.userName);
    expect(stored).toHaveLength(2);
    // Each stored after its own file's last chunk, and whole: the whole file's run, to the last sample.
    for (const [bytes, lastWrite] of [[FENIX2, fitDone], [RUNS['run.gpx'], gpxDone]] as const) {
      const whole = convertSync(bytes).activities[0].toObject();
      const match = stored.find((r) => r.externalId === whole.externalId);
      expect(match?.createdMs).toBeGreaterThan(lastWrite);
      expect(match?.activity.distance).toBe(whole.distance);
      expect(match?.activity.duration).toBe(whole.duration);
      expect(JSON.stringify(match?.activity.recordingValues)).toBe(JSON.stringify(whole.recordingValues));
    }
  });

  it('waits for a folder that is not there, and for one removed and restored: a new run in it is uploaded', async () => {
    const a = await account('unplug');
    const w = new RunningCommand(['watch', a.dir, ...QUICK], a.env);
    await w.waitFor(/waiting for .* \(not there\)/);
    // Plugged in: the folder appears with a run.
    await fill(a.dir, { 'A.FIT': RUNS['synthetic-run.fit'] });
    await w.waitFor(/is back: looking at its files/);
    await w.waitFor(/ uploaded .*A\.FIT/);
    // Unplugged: the folder goes (renamed away), gets a new run, and comes back.
    const away = `${a.dir}-away`;
    await rename(a.dir, away);
    await w.waitFor(/waiting for /, 2);
    await writeFile(join(away, 'B.FIT'), RUNS['FENIX5.FIT']);
    const t = Date.now();
    await rename(away, a.dir);
    await w.waitFor(/is back: looking at its files/, 2);
    await w.waitFor(/ uploaded .*B\.FIT/);
    await w.waitFor(/checked the files already there: 1 run already sent/);
    const end = await w.stop();
    expect(end.code).toBe(0);
    expect(postsSince(t)).toHaveLength(1);
    expect(runsOf(sandbox, a.userName)).toHaveLength(2);
    // One line per change of the folder, not one per scan.
    expect(end.stdout.split('\n').filter((l) => /waiting for/.test(l))).toHaveLength(2);
  });

  it('a damaged FIT is never sent and reported once, until it changes; then it is sent', async () => {
    const a = await account('damaged');
    const fit = RUNS['synthetic-run.fit'];
    const bad = fit.slice();
    bad[fit.length >> 1] ^= 0x10;
    await fill(a.dir, { 'bad.fit': bad, 'short.fit': fit.subarray(0, fit.length - 40) });
    const t = Date.now();
    const w = new RunningCommand(['watch', a.dir, ...QUICK], a.env);
    await w.waitFor(/incomplete +\S+bad\.fit: the FIT file CRC does not match; not sent until it changes/);
    await w.waitFor(/incomplete +\S+short\.fit: the FIT data is shorter than its header says/);
    // Ten more scans: no second report, no request.
    await delay(600);
    expect(w.lines(/incomplete/)).toHaveLength(2);
    expect(postsSince(t)).toHaveLength(0);
    // Written whole (a new version): sent.
    await writeFile(join(a.dir, 'bad.fit'), fit);
    await w.waitFor(/ uploaded .*bad\.fit/);
    const end = await w.stop();
    expect(end.stdout).toMatch(/stopped: 1 uploaded, 2 incomplete\n$/);
    expect(postsSince(t)).toHaveLength(1);
  });

  it('a run Smashrun refuses is reported with its validations and not sent again', async () => {
    const a = await account('refused');
    await fill(a.dir, { 'ride.gpx': RIDE });
    const t = Date.now();
    // --sports all converts the ride; Smashrun takes runs only.
    const w = new RunningCommand(['watch', a.dir, ...QUICK, '--sports', 'all'], a.env);
    const [line] = await w.waitFor(/ rejected /);
    expect(line).toMatch(/rejected +\S+ride\.gpx: Smashrun refused it: .*activityType/);
    await delay(600);
    const end = await w.stop();
    expect(end.stdout.split('\n').filter((l) => / rejected /.test(l))).toHaveLength(1);
    expect(postsSince(t)).toHaveLength(1);
    expect(runsOf(sandbox, a.userName)).toHaveLength(0);
  });

  it('a ride without --sports all is skipped as not a run, once', async () => {
    const a = await account('ride');
    await fill(a.dir, {});
    const w = new RunningCommand(['watch', a.dir, ...QUICK], a.env);
    await w.waitFor(/watching /);
    await writeFile(join(a.dir, 'ride.gpx'), RIDE);
    await w.waitFor(/skipped +\S+ride\.gpx: not-running/);
    await delay(300);
    const end = await w.stop();
    expect(end.stdout.split('\n').filter((l) => /skipped/.test(l))).toHaveLength(1);
    expect(end.stdout).toMatch(/stopped: 1 not runs\n$/);
  });

  it('Ctrl-C during an upload exits 0 at once; the next watch sends the run, stored once', async () => {
    const a = await account('abort');
    await fill(a.dir, { 'a.fit': RUNS['synthetic-run.fit'] });
    sandbox.setFaults({ slowMs: 3000 });
    const t = Date.now();
    try {
      const w = new RunningCommand(['watch', a.dir, ...QUICK], a.env);
      await w.waitFor(/watching /);
      // The upload is in flight (held by the slow sandbox) after the settle time.
      await delay(500);
      const t0 = Date.now();
      const end = await w.stop();
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(end.code).toBe(0);
      expect(end.stdout).toMatch(/stopped: nothing new\n$/);
    } finally {
      sandbox.setFaults({});
    }
    // The slow request may still store the run: either way the next watch leaves exactly one.
    await delay(3000);
    // The upload was in flight when Ctrl-C came: the sandbox handled it after its wait.
    expect(postsSince(t)).toHaveLength(1);
    const next = await runToEnd(['watch', a.dir, ...QUICK, '--once'], a.env);
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(/(uploaded|updated) /);
    expect(runsOf(sandbox, a.userName)).toHaveLength(1);
  });

  it('--once: looks, waits, sends what is whole and stops; exit 1 when something was not sent; --dry-run sends nothing', async () => {
    const a = await account('once');
    await fill(a.dir, { 'a.fit': RUNS['synthetic-run.fit'], 'cut.tcx': RUNS['laps.tcx'].subarray(0, 5000) });
    const t = Date.now();
    const dry = await runToEnd(['watch', a.dir, ...QUICK, '--once', '--dry-run'], a.env);
    expect(dry.stdout).toMatch(/would-send +\S+a\.fit {2}\(dry run: not sent\)/);
    expect(postsSince(t)).toHaveLength(0);
    const once = await runToEnd(['watch', a.dir, ...QUICK, '--once'], a.env);
    expect(once.code).toBe(1);
    expect(once.stdout).toMatch(/uploaded +\S+a\.fit/);
    expect(once.stdout).toMatch(/incomplete +\S+cut\.tcx: the XML root element is not closed/);
    expect(once.stdout).toMatch(/done: 1 uploaded, 1 incomplete\n$/);
    const missing = await runToEnd(['watch', join(a.dir, 'nope'), ...QUICK, '--once'], a.env);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toMatch(/no folder +\S+nope: not there\n.*done: nothing new\n$/);
    await rm(join(a.dir, 'cut.tcx'));
    const again = await runToEnd(['watch', a.dir, ...QUICK, '--once'], a.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/done: 1 already sent\n$/);
    expect(postsSince(t)).toHaveLength(1);
  });

  it('a token Smashrun refuses: the run fails once; after a new login it is sent', async () => {
    const a = await account('relogin');
    const path = credentialsPath(a.env);
    const good = await readCredentials(path);
    if (good?.tokens == null) throw new Error('no credentials');
    const refused = `revoked-${Date.now()}`;
    tokens.push(refused);
    await writeCredentials(path, { ...good, tokens: { ...good.tokens, accessToken: refused } });
    await fill(a.dir, { 'a.fit': RUNS['synthetic-run.fit'] });
    const w = new RunningCommand(['watch', a.dir, ...QUICK], a.env);
    await w.waitFor(/failed +\S+a\.fit: .*runjson login/);
    await delay(400);
    expect(w.lines(/failed/)).toHaveLength(1);
    // Logged in again: the credentials file changes, and the run goes.
    await writeCredentials(path, good);
    await w.waitFor(/the login changed: trying again the file whose runs failed/);
    await w.waitFor(/ uploaded +\S+a\.fit/);
    const end = await w.stop();
    expect(end.stdout).toMatch(/stopped: 1 uploaded, 1 failed\n$/);
    expect(runsOf(sandbox, a.userName)).toHaveLength(1);
  });

  it('--new-only leaves the files already there alone and sends the ones that arrive', async () => {
    const a = await account('newonly');
    await fill(a.dir, { 'old.fit': RUNS['synthetic-run.fit'] });
    const w = new RunningCommand(['watch', a.dir, ...QUICK, '--new-only'], a.env);
    await w.waitFor(/watching /);
    await delay(400);
    await writeFile(join(a.dir, 'new.fit'), RUNS['FENIX5.FIT']);
    await w.waitFor(/ uploaded .*new\.fit/);
    const end = await w.stop();
    expect(end.stdout).not.toContain('old.fit');
    expect(runsOf(sandbox, a.userName)).toHaveLength(1);
  });

  it('usage: no folder, a file for a folder, --external-id, bad numbers (exit 2); not logged in (exit 1)', async () => {
    const a = await account('usage');
    await fill(a.dir, { 'a.fit': RUNS['synthetic-run.fit'] });
    const cases: [string[], RegExp][] = [
      [['watch'], /no folder/],
      [['watch', join(a.dir, 'a.fit')], /is a file: watch takes folders/],
      [['watch', a.dir, '--external-id', 'x'], /--external-id names one run/],
      [['watch', a.dir, '--interval', 'soon'], /--interval: expected a whole number/],
      [['watch', a.dir, '--retry-min', '500', '--retry-max', '100'], /--retry-max \(100\) is below --retry-min \(500\)/],
    ];
    for (const [argv, re] of cases) {
      const r = await runToEnd(argv, a.env);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
    }
    const nobody = { XDG_CONFIG_HOME: join(root, 'nobody', 'config'), XDG_STATE_HOME: join(root, 'nobody', 'state') };
    const r = await runToEnd(['watch', a.dir, '--once'], nobody);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not logged in: run `runjson login` first/);
    const help = await runToEnd(['watch', '--help'], a.env);
    expect(help.stdout).toMatch(/^Usage: runjson watch DIR\.\.\./);
  });

  it('no token in any output, log line or sent journal', async () => {
    expect(tokens.length).toBeGreaterThan(5);
    expect(allOutputs.length).toBeGreaterThan(20);
    const texts = [...allOutputs];
    for (const h of homes) {
      const dir = join(h, 'state', 'runjson', 'sent');
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const n of names) texts.push(await readFile(join(dir, n), 'utf8'));
    }
    expect(texts.some((t) => t.includes('"externalId"'))).toBe(true);
    for (const token of tokens) for (const text of texts) expect(text.includes(token)).toBe(false);
  });
});
