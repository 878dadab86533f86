/**
 * `runjson pull --to tcx`: runs read back from a Smashrun account (a local test server, pull-harness.ts)
 * are written as TCX files, named `.tcx`, each the run that was uploaded (same samples, pauses and laps).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/core/activity.js';
import { makeActivity } from '../../helpers/make-activity.js';
import { PullWorld, readJson, runFiles } from '../../cli/pull-harness.js';
import { readTcx } from './helpers.js';

const world = new PullWorld();
const uploaded: Activity[] = [];

beforeAll(async () => {
  await world.start();
  for (const seed of [5, 6]) {
    const bytes = new TextEncoder().encode(JSON.stringify(makeActivity({ seed, samples: 300 })));
    await world.client.uploadJson(bytes);
    uploaded.push(readJson(bytes));
  }
  world.clock.advance(3_600_000);
}, 30_000);
afterAll(async () => {
  await world.stop();
});

describe('runjson pull --to tcx', () => {
  it('writes each run as a .tcx file that reads back as the run uploaded', async () => {
    const dir = world.dir('tcx');
    const r = await world.cli(['pull', '--to', 'tcx', '-o', dir]);
    expect(r.code, r.stderr).toBe(0);
    const files = await runFiles(dir);
    expect(files.length).toBe(2);
    expect(files.every((f) => f.endsWith('.tcx'))).toBe(true);
    const back = files.map((f) => readTcx(readFileSync(join(dir, f))));
    back.sort((a, b) => a.startTime - b.startTime);
    const sent = [...uploaded].sort((a, b) => a.startTime - b.startTime);
    for (let k = 0; k < sent.length; k++) {
      expect(back[k].length).toBe(sent[k].length);
      expect(Array.from(back[k].time)).toEqual(Array.from(sent[k].time));
      expect(Array.from(back[k].pauses)).toEqual(Array.from(sent[k].pauses));
      expect(back[k].laps.map((l) => l.endIndex)).toEqual(sent[k].laps.map((l) => l.endIndex));
    }
  }, 30_000);
});
