/**
 * Stopping `runjson upload` half-way loses no run and sends none twice: the built command (worker
 * threads converting ahead) killed with SIGKILL once the sandbox has stored some runs, then run again;
 * and the in-process command interrupted (Ctrl-C), exit 130, then run again.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RequestLogEntry, type Sandbox } from '../../src/sandbox/index.js';
import { MAIN, requireBuild } from '../helpers/built.js';
import { type Home, removeHomes, runIn, runsFolder, signedInHome } from './upload-helpers.js';

let sandbox: Sandbox;
/** Called with each request the sandbox logs (set by a test). */
let onRequest: ((e: RequestLogEntry) => void) | null = null;
const RUNS = 12;

beforeAll(async () => {
  requireBuild();
  sandbox = await startSandbox({ implicitRequestsPerHour: null, onRequest: (e) => onRequest?.(e) });
});
afterAll(async () => {
  await sandbox.close();
  await removeHomes();
});

function storedFor(h: Home): Sandbox['activities'] {
  return sandbox.activities.filter((a) => String(a.userId) === h.userId);
}

/** Every run of the folder stored exactly once. */
function expectEachOnce(h: Home, name: string): void {
  expect(storedFor(h).map((a) => a.externalId).sort()).toEqual(Array.from({ length: RUNS }, (_, i) => `${name}-${i + 1}`).sort());
}

/** Runs the built command in `h`; kills it with SIGKILL once `killAfter` runs are stored (when given). */
function runBuilt(h: Home, args: string[], killAfter?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'upload', ...args, '--api-base', sandbox.apiBase, '--auth-base', sandbox.authBase], { env: h.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.resume();
    if (killAfter !== undefined) {
      onRequest = () => {
        if (storedFor(h).length >= killAfter) child.kill('SIGKILL');
      };
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      onRequest = null;
      resolve({ code, signal, stdout });
    });
  });
}

describe('runjson upload stopped half-way', () => {
  it('killed with SIGKILL after some runs were stored, then run again: every run stored once, none lost', async () => {
    const h = await signedInHome(sandbox, 'killed');
    const dir = await runsFolder(h, 'killed', RUNS);
    // Slow answers widen the window in which the kill lands between Smashrun storing a run and the journal line.
    sandbox.setFaults({ slowMs: 60 });
    try {
      const killed = await runBuilt(h, [dir, '--jobs', '2'], 4);
      expect(killed.signal).toBe('SIGKILL');
      // Requests in flight at the kill are logged when the sandbox is done with them: let them land.
      await new Promise((r) => setTimeout(r, 200));
      const storedAtKill = storedFor(h).length;
      expect(storedAtKill).toBeGreaterThanOrEqual(4);
      expect(storedAtKill).toBeLessThan(RUNS);
      const printed = killed.stdout.match(/^uploaded /gm)?.length ?? 0;

      const from = sandbox.requestLog.length;
      sandbox.setFaults({});
      const again = await runBuilt(h, [dir, '--jobs', '2']);
      expect(again.code).toBe(0);
      expectEachOnce(h, 'killed');
      // What the first run had recorded is not sent again; the rest is (an update, for a run stored but not yet recorded).
      expect(again.stdout.match(/^already-sent /gm)?.length ?? 0).toBeGreaterThanOrEqual(printed);
      const posts = sandbox.requestLog.slice(from).filter((e) => e.method === 'POST').length;
      expect(posts).toBeLessThanOrEqual(RUNS - printed);
      expect(posts).toBeGreaterThanOrEqual(RUNS - storedAtKill);
      // And a third run (in-process: quicker) has nothing left to send.
      const third = sandbox.requestLog.length;
      expect((await runIn(h, ['upload', '--jobs', '0', dir, '--api-base', sandbox.apiBase, '--auth-base', sandbox.authBase])).stdout.match(/^already-sent /gm)?.length).toBe(RUNS);
      expect(sandbox.requestLog.slice(third).filter((e) => e.method === 'POST').length).toBe(0);
    } finally {
      sandbox.setFaults({});
    }
  }, 25_000);

  it('interrupted (Ctrl-C): exit 130, says how to go on; run again, the rest is sent, none twice', async () => {
    const h = await signedInHome(sandbox, 'interrupted');
    const dir = await runsFolder(h, 'interrupted', RUNS);
    const controller = new AbortController();
    onRequest = () => {
      if (storedFor(h).length >= 3) controller.abort(new Error('interrupted'));
    };
    sandbox.setFaults({ slowMs: 20 });
    try {
      const r = await runIn(h, ['upload', '--jobs', '0', dir, '--api-base', sandbox.apiBase, '--auth-base', sandbox.authBase], { signal: controller.signal });
      expect(r.code).toBe(130);
      expect(r.stderr).toMatch(/interrupted; run the same command again to send the rest/);
      expect(storedFor(h).length).toBeLessThan(RUNS);
    } finally {
      onRequest = null;
      sandbox.setFaults({});
    }
    const again = await runIn(h, ['upload', '--jobs', '0', dir, '--api-base', sandbox.apiBase, '--auth-base', sandbox.authBase]);
    expect(again.code).toBe(0);
    expectEachOnce(h, 'interrupted');
  });
});
