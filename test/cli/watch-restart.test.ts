/**
 * Kill and restart: the built `runjson watch` (a child process) killed with SIGKILL while runs arrive —
 * at the moment Smashrun answers an upload, before or after the journal line — more runs arriving while
 * it is dead, then started again. Every run is stored exactly once and none is lost; at most the upload
 * cut by the kill is sent a second time (an update by its externalId, not a second run).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSync } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { MAIN, requireBuild } from '../helpers/built.js';
import { FIXTURES, readBytes } from '../helpers/paths.js';
import { delay, fill, newAccount, QUICK, runsOf, type TestAccount } from './watch-harness.js';

/** Runs with externalIds of their own, in the order they arrive. */
const ARRIVING = [
  'fit/synthetic-run.fit',
  'fit/fitparse__garmin-fenix-5-run.fit',
  'gpx/togeojson__run.gpx',
  'fit/fenix2-run.fit',
  'tcx/connect-one-track-per-lap.tcx',
  'gpx/togeojson__run_gpxtpx.gpx',
  'tcx/training-center-segments.tcx',
];

/** The built command, watching, with its output collected. */
class Child {
  readonly process: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(a: TestAccount) {
    this.process = spawn(process.execPath, [MAIN, 'watch', a.dir, ...QUICK], {
      env: { ...process.env, ...a.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.process.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
  }
}

let sandbox: Sandbox;
let a: TestAccount;
const posts: number[] = [];
let onPost: ((n: number) => void) | null = null;

beforeAll(async () => {
  requireBuild();
  sandbox = await startSandbox({
    onRequest: (e) => {
      if (e.method !== 'POST' || e.path !== '/v1/my/activities') return;
      posts.push(Date.now());
      onPost?.(posts.length);
    },
  });
  a = await newAccount(sandbox, 'restart');
  await fill(a.dir, {});
});

afterAll(async () => {
  await sandbox.close();
  await rm(a.home, { recursive: true, force: true });
});

describe('runjson watch killed and restarted', () => {
  it('no run lost, none stored twice', async () => {
    const expected = new Set(ARRIVING.map((f) => convertSync(readBytes(join(FIXTURES, f))).activities[0].toObject().externalId));
    expect(expected.size).toBe(ARRIVING.length);

    const first = new Child(a);
    // SIGKILL the moment Smashrun has answered the second upload: the journal line may or may not be written.
    const killed = new Promise<void>((resolve) => {
      onPost = (n) => {
        if (n === 2) {
          first.process.kill('SIGKILL');
          onPost = null;
          resolve();
        }
      };
    });
    // Runs arrive one after another, some while no watch is running.
    const arriving = (async () => {
      for (const f of ARRIVING) {
        await copyFile(join(FIXTURES, f), join(a.dir, f.replace('/', '-')));
        await delay(250);
      }
    })();
    await killed;
    const death = await first.exited;
    expect(death.signal).toBe('SIGKILL');
    await delay(300);

    const second = new Child(a);
    await arriving;
    const until = Date.now() + 20_000;
    while (runsOf(sandbox, a.userName).length < expected.size && Date.now() < until) await delay(50);
    // A little longer: nothing more may arrive.
    await delay(500);
    second.process.kill('SIGTERM');
    const end = await second.exited;
    expect(end.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/stopped: /);

    const stored = runsOf(sandbox, a.userName);
    expect(new Set(stored.map((r) => r.externalId))).toEqual(expected);
    expect(stored).toHaveLength(expected.size);
    // One upload per run, plus at most the one cut by the kill.
    expect(posts.length).toBeGreaterThanOrEqual(expected.size);
    expect(posts.length).toBeLessThanOrEqual(expected.size + 1);
    // The journal lists every run (a line per upload), and no token appears anywhere.
    const sentDir = join(a.home, 'state', 'runjson', 'sent');
    const [journalName] = await readdir(sentDir);
    const journal = await readFile(join(sentDir, journalName), 'utf8');
    const ids = journal
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => (JSON.parse(l) as { externalId: string }).externalId);
    expect(new Set(ids)).toEqual(expected);
    for (const text of [first.stdout, first.stderr, second.stdout, second.stderr, journal]) expect(text.includes(a.token)).toBe(false);
  });
});
