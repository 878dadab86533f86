/**
 * Every running fixture through Smashrun and back: each file runjson converts (default options: runs
 * only) is uploaded as its Activity JSON bytes with the real client, read back with `getActivity`, and the
 * run read back compared with the run sent, value for value (`read-back.ts`). The project's fixtures
 * always; the shared corpus of real files when it is present. And a run Smashrun refuses: a ride.
 */
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmashrunClient } from '../../src/api/client.js';
import { SmashrunRejected } from '../../src/api/errors.js';
import { type ConvertResult, convertSync, isConvertError } from '../../src/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { CORPUS, FIXTURES, HAS_CORPUS, listFiles, readBytes } from '../helpers/paths.js';
import { caught, clientFor, newClientSecret, sandboxFor, SecretWatch, signIn } from './harness.js';
import { readBackDifferences } from './read-back.js';

const watch = new SecretWatch();
let sandbox: Sandbox;
let client: SmashrunClient;
/** Runs uploaded and read back, for the count at the end. */
const tally = { files: 0, runs: 0, samples: 0 };

beforeAll(async () => {
  watch.captureOutput();
  sandbox = await sandboxFor(watch, newClientSecret());
  client = clientFor(sandbox, watch).client;
  await signIn(sandbox, watch, client);
});
afterAll(async () => {
  watch.release();
  await sandbox.close();
});

const FORMATS = [
  ['fit', '.fit'],
  ['tcx', '.tcx'],
  ['gpx', '.gpx'],
  ['json', '.json'],
] as const;

function filesOf(base: string): string[] {
  return FORMATS.flatMap(([dir, ext]) => listFiles(base, dir, ext));
}

/** What runjson makes of a file with default options; `null` when it refuses the file (a broken fixture). */
function converted(path: string, options: { includePower?: boolean } = {}): ConvertResult | null {
  try {
    return convertSync(readBytes(path), options);
  } catch (e) {
    if (isConvertError(e)) return null;
    throw e;
  }
}

/** Uploads each run of `path`, reads it back, and checks it against the run sent. */
async function roundTrip(path: string, includePower = false): Promise<void> {
  const result = converted(path, { includePower });
  if (result === null || result.activities.length === 0) return;
  tally.files++;
  for (const run of result.activities) {
    const { activityId } = await client.upload(run);
    const stored = sandbox.activities.filter((a) => a.externalId === run.activity.meta.externalId);
    expect(stored.map((a) => a.id)).toEqual([activityId]);
    const detail = await client.getActivity(activityId);
    expect(detail.activity).not.toBeNull();
    const back = detail.activity as NonNullable<typeof detail.activity>;
    // Each difference is named; there should be none, and none is allowed.
    expect(readBackDifferences(run.activity, back, includePower), basename(path)).toEqual([]);
    // Smashrun's -1 placeholders were written for every missing position, and read back as missing.
    expect(detail.positionPlaceholders).toBe(missingPositions(run.activity.series.latitude) + missingPositions(run.activity.series.longitude));
    expect(detail.document.activityId).toBe(Number(activityId));
    tally.runs++;
    tally.samples += back.length;
  }
}

/** NaNs in a position column that the document carries (an absent column writes no placeholder). */
function missingPositions(col: Float64Array | null): number {
  if (col === null) return 0;
  let n = 0;
  for (const v of col) if (v !== v) n++;
  return n;
}

describe('the comparison', () => {
  it('sees a millisecond, a heart rate, a lap end, a pause and a note', async () => {
    const run = converted(`${FIXTURES}/fit/fenix2-run.fit`)?.activities[0];
    const back = (await client.getActivity((await client.upload(run as NonNullable<typeof run>)).activityId)).activity;
    const a = run?.activity as NonNullable<typeof back>;
    const b = back as NonNullable<typeof back>;
    expect(readBackDifferences(a, b)).toEqual([]);
    const copy = (): typeof b => ({ ...b, time: b.time.slice(), series: { ...b.series, heartRate: b.series.heartRate?.slice() ?? null }, laps: b.laps.map((l) => ({ ...l })), pauses: b.pauses.slice(), meta: { ...b.meta } });
    const changed = [copy(), copy(), copy(), copy(), copy()];
    changed[0].time[5] += 1;
    (changed[1].series.heartRate as Float64Array)[9] = 250; // the run's maximum now: the summary moves too
    changed[2].laps[0].end += 0.5;
    changed[3].pauses = new Uint32Array([...b.pauses, b.length - 1]);
    changed[4].meta.notes = 'changed';
    expect(changed.map((c) => readBackDifferences(a, c).map((d) => d.split(':')[0]))).toEqual([['time'], ['heartRate', 'summary'], ['laps'], ['pauses'], ['meta.notes']]);
  });
});

describe('every running fixture, uploaded and read back value for value', () => {
  const files = filesOf(FIXTURES);
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(30);
  });
  it.each(files.map((f) => [f.slice(FIXTURES.length + 1), f]))('%s', async (_name, path) => {
    await roundTrip(path);
  });
});

describe.skipIf(!HAS_CORPUS)('every running file of the shared corpus, uploaded and read back value for value', () => {
  const files = filesOf(CORPUS);
  it.each(files.map((f) => [f.slice(CORPUS.length + 1), f]))('%s', async (_name, path) => {
    await roundTrip(path);
  });
});

describe('power, when the conversion includes it', () => {
  it('a run with running power reads back with the same power series', async () => {
    const path = `${FIXTURES}/fit/fitparse__developer-types-sample.fit`;
    const result = converted(path, { includePower: true });
    expect(result?.activities[0].activity.series.power).not.toBeNull();
    const before = tally.runs;
    await roundTrip(path, true);
    expect(tally.runs).toBe(before + 1);
  });
});

describe('a run Smashrun refuses', () => {
  it('a ride (converted with sports: all) is SmashrunRejected with its validations, and nothing is stored', async () => {
    const ride = convertSync(readBytes(`${FIXTURES}/gpx/synthetic-ride.gpx`), { sports: 'all' }).activities[0];
    expect(ride.toObject().activityType).toBe('cycling');
    const stored = sandbox.activities.length;
    const e = await caught(watch, 'ride', client.upload(ride));
    expect(e).toBeInstanceOf(SmashrunRejected);
    const rejected = e as SmashrunRejected;
    expect(rejected).toMatchObject({ code: 'rejected', path: '/my/activities' });
    expect(rejected.validations).toEqual([expect.objectContaining({ field: 'activityType' })]);
    expect(sandbox.activities.length).toBe(stored);
  });
});

describe('the count, and secrets', () => {
  it('uploaded and read back every run found, each stored once', () => {
    expect(tally.runs).toBeGreaterThan(20);
    expect(sandbox.activities.length).toBe(new Set(sandbox.activities.map((a) => a.externalId)).size);
    watch.text('tally', JSON.stringify(tally));
  });

  it('no token, code or secret in any error, log, stats or output of this file', () => {
    watch.sandbox(sandbox);
    expect(watch.secretCount).toBeGreaterThan(2);
    expect(watch.leaks()).toEqual([]);
  });
});
