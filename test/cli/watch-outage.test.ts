/**
 * `runjson watch` while Smashrun is away: the sandbox closed, a run dropped into the folder, the sandbox
 * started again on the same port with the same data folder. The run waits, is tried again with a
 * growing wait, and arrives once, after the sandbox is back.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { FIXTURES, readBytes } from '../helpers/paths.js';
import { allOutputs, delay, fill, newAccount, QUICK, RunningCommand, runsOf } from './watch-harness.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('runjson watch with Smashrun away', () => {
  it('queues the run while the sandbox is down, retries with backoff, and sends it once when it is up', async () => {
    const data = await mkdtemp(join(tmpdir(), 'runjson-watch-outage-'));
    cleanup.push(() => rm(data, { recursive: true, force: true }));
    const first: Sandbox = await startSandbox({ dataDir: data });
    const port = Number(new URL(first.url).port);
    const a = await newAccount(first, 'outage');
    cleanup.push(() => rm(a.home, { recursive: true, force: true }));
    await fill(a.dir, { 'before.fit': readBytes(join(FIXTURES, 'fit/synthetic-run.fit')) });

    const w = new RunningCommand(['watch', a.dir, ...QUICK], a.env);
    await w.waitFor(/ uploaded .*before\.fit/);
    await first.close();

    // Down: the new run cannot go; it waits, and each try says when the next one is.
    await writeFile(join(a.dir, 'during.fit'), readBytes(join(FIXTURES, 'fit/fitparse__garmin-fenix-5-run.fit')));
    const retries = await w.waitFor(/will retry +\S+during\.fit: .*; trying again in [\d.]+ s \(1 file waiting\)/, 3);
    // The waits grow: 0.1 s, 0.2 s, 0.4 s (the cap).
    const waits = retries.map((l) => Number(/trying again in ([\d.]+) s/.exec(l)?.[1]));
    expect(waits.slice(0, 3)).toEqual([0.1, 0.2, 0.4]);

    // Up again, same port, same data: the run arrives, once.
    let upAt = 0;
    const posts: number[] = [];
    const second = await startSandbox({
      dataDir: data,
      port,
      onRequest: (e) => {
        if (e.method === 'POST' && e.path === '/v1/my/activities') posts.push(Date.now());
      },
    });
    cleanup.push(() => second.close());
    upAt = Date.now();
    await w.waitFor(/ uploaded .*during\.fit/);
    await delay(500);
    const end = await w.stop();
    expect(end.code).toBe(0);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toBeGreaterThanOrEqual(upAt);
    const stored = runsOf(second, a.userName);
    expect(stored).toHaveLength(2);
    expect(new Set(stored.map((r) => r.externalId)).size).toBe(2);
    expect(end.stdout).toMatch(/stopped: 2 uploaded\n$/);
    // The run that was already sent before the outage was never tried again.
    expect(end.stdout.split('\n').filter((l) => /before\.fit/.test(l))).toHaveLength(1);
    for (const text of allOutputs) expect(text.includes(a.token)).toBe(false);
  });
});
