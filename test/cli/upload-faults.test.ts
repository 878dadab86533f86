/**
 * `runjson upload` through every fault the sandbox injects (429s, 5xx every n and in a burst, dropped
 * connections before and after the request is handled, answers lost after the run was stored): each
 * run ends stored exactly once, under the id the command printed. A Smashrun down for longer than the
 * retries leaves runs failed and retryable; the next upload sends them, and nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultOptions, Sandbox } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { type Home, type Ran, removeHomes, runIn, runsFolder, signedInHome } from './upload-helpers.js';

let sandbox: Sandbox;
const RUNS = 8;

beforeAll(async () => {
  sandbox = await startSandbox({ implicitRequestsPerHour: null });
});
afterAll(async () => {
  await sandbox.close();
  await removeHomes();
});

async function upload(h: Home, dir: string): Promise<Ran> {
  return runIn(h, ['upload', '--jobs', '0', dir, '--api-base', sandbox.apiBase, '--auth-base', sandbox.authBase]);
}

/** Each run of the folder stored exactly once for the user, under the id the command printed for it. */
function expectStoredOnce(h: Home, name: string, printed: string): void {
  const mine = sandbox.activities.filter((a) => String(a.userId) === h.userId);
  expect(mine.map((a) => a.externalId).sort()).toEqual(Array.from({ length: RUNS }, (_, i) => `${name}-${i + 1}`).sort());
  for (const a of mine) expect(printed).toContain(`→ ${a.id} `);
}

const FAULTS: [string, FaultOptions][] = [
  // One request per window: of the two the client sends at once, one always gets the 429.
  ['rate-limit', { rateLimit: { max: 1, windowMs: 250, retryAfterS: 0.25 } }],
  ['errors-every', { errors: { status: 500, every: 3 } }],
  ['errors-burst', { errors: { status: 503, burst: { start: 2, length: 4 } } }],
  ['drop-start', { dropConnection: { every: 3, at: 'start' } }],
  ['drop-headers', { dropConnection: { every: 3, at: 'headers' } }],
  ['lost-answer', { lostAnswer: { every: 2 } }],
];

describe('runjson upload through injected faults', () => {
  it.each(FAULTS)('%s: every run stored once, in one upload', async (name, faults) => {
    const h = await signedInHome(sandbox, name);
    const dir = await runsFolder(h, name, RUNS);
    const from = sandbox.requestLog.length;
    sandbox.setFaults(faults);
    let r: Ran;
    try {
      r = await upload(h, dir);
    } finally {
      sandbox.setFaults({});
    }
    // The fault did happen (else this proves nothing), and the command rode it out.
    expect(sandbox.requestLog.slice(from).filter((e) => e.fault !== undefined || e.status === 429).length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/failed +0 files, 0 runs/);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^uploaded {5}/gm)?.length).toBe(RUNS);
    expectStoredOnce(h, name, r.stdout);
    expect(r.stdout).not.toContain(h.token);
    expect(r.stderr).not.toContain(h.token);
  });

  it('Smashrun down past the retries: runs failed and retryable, exit 1; the next upload sends them, none twice', async () => {
    const h = await signedInHome(sandbox, 'down');
    const dir = await runsFolder(h, 'down', RUNS);
    // Up for the first three requests, then every answer lost or refused for a long while.
    sandbox.setFaults({ errors: { status: 503, burst: { start: 4, length: 10_000 } } });
    let first: Ran;
    try {
      first = await upload(h, dir);
    } finally {
      sandbox.setFaults({});
    }
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^failed {7}.*: POST \/my\/activities: gave up after \d+ attempts .*\(will be tried again on the next run\)$/m);
    const sentFirst = first.stdout.match(/^uploaded /gm)?.length ?? 0;
    expect(sentFirst).toBe(3);
    const second = await upload(h, dir);
    expect(second.code).toBe(0);
    expect(second.stdout.match(/^already-sent /gm)?.length).toBe(sentFirst);
    expect(second.stdout.match(/^uploaded /gm)?.length).toBe(RUNS - sentFirst);
    expectStoredOnce(h, 'down', first.stdout + second.stdout);
  });
});
