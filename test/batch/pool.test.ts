/**
 * `convertFiles` and the worker pool, on the built module: results equal the in-process core byte for
 * byte, inputs are moved (transferred) to the workers, a worker that dies is reported and replaced, a file
 * over the limits fails alone, progress and abort work, and several files map to distinct outputs.
 */
import { getEventListeners } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Batch from '../../src/batch/index.js';
import { convertSync } from '../../src/index.js';
import { MAX_FILES_PER_MESSAGE } from '../../src/batch/pool.js';
import { journalPathFor, realPathOf } from '../../src/batch/journal-path.js';
import { CRASH_WORKER, loadBatch } from '../helpers/batch-lib.js';
import { makeActivityJson } from '../helpers/make-activity.js';
import { ROOT } from '../helpers/paths.js';

let batch: typeof Batch;
let dir: string;
/** The resume journals of these batches (never the real cache folder). */
let journals: string;
const p = (name: string): string => join(dir, name);

beforeAll(async () => {
  batch = await loadBatch();
  dir = mkdtempSync(join(tmpdir(), 'runjson-pool-'));
  journals = mkdtempSync(join(tmpdir(), 'runjson-pool-journals-'));
  for (let i = 0; i < 12; i++) writeFileSync(p(`run-${String(i).padStart(2, '0')}.json`), makeActivityJson({ seed: i, samples: 300 + i * 50 }));
  writeFileSync(p('zipped.json.gz'), gzipSync(makeActivityJson({ seed: 40 })));
  writeFileSync(p('ride.json'), makeActivityJson({ seed: 41, activityType: 'cycling' }));
  writeFileSync(p('bad.json'), '{"recordingKeys": [');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(journals, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<Batch.FileResult>): Promise<Batch.FileResult[]> {
  const out: Batch.FileResult[] = [];
  for await (const r of it) out.push(r);
  return out.sort((a, b) => a.index - b.index);
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('convertFiles', () => {
  it('gives, on 2 workers and in-process, exactly what convertSync gives', async () => {
    const pooled = await collect(batch.convertFiles(dir, { concurrency: 2 }));
    const inProcess = await collect(batch.convertFiles(dir, { concurrency: 0 }));
    expect(pooled.length).toBe(15);
    for (const [i, r] of pooled.entries()) {
      const q = inProcess[i];
      expect(r.input).toBe(q.input);
      expect(r.status).toBe(q.status);
      expect(r.error).toEqual(q.error);
      expect(r.data.map(text)).toEqual(q.data.map(text));
      if (r.status === 'converted') {
        const expected = convertSync(readFileSync(r.input)).activities.map((a) => a.toJson());
        expect(r.data.map(text)).toEqual(expected);
        expect(r.format).toBe('json');
        expect(r.timings.convertMs).toBeGreaterThan(0);
      }
    }
    const byName = new Map(pooled.map((r) => [r.relative, r]));
    expect(byName.get('ride.json')?.status).toBe('skipped');
    expect(byName.get('ride.json')?.error?.code).toBe('not-running');
    expect(byName.get('bad.json')?.status).toBe('failed');
    expect(byName.get('bad.json')?.error?.code).toBe('malformed');
    expect(byName.get('bad.json')?.error?.line).toBe(1);
    expect(byName.get('zipped.json.gz')?.status).toBe('converted');
  });

  it('timings: work measured on the worker, wait from the plan; on one worker each file waits for the ones before it', async () => {
    const results = await collect(batch.convertFiles(dir, { concurrency: 1 }));
    for (const { timings: t } of results) {
      expect(t.workMs).toBeGreaterThanOrEqual(t.readMs + t.convertMs + t.writeMs - 1e-9);
      expect(t.workMs).toBeGreaterThan(0);
      expect(t.waitMs).toBeGreaterThanOrEqual(0);
      expect(t.totalMs).toBeCloseTo(t.waitMs + t.workMs, 9);
    }
    // One worker takes the files one after the other: each started after the one before it was done, so
    // it waited at least that one's wait plus its work (the 3191 ms "total" of a 56 ms conversion).
    const byStart = [...results].sort((a, b) => a.timings.waitMs - b.timings.waitMs);
    for (let i = 1; i < byStart.length; i++) {
      const before = byStart[i - 1].timings;
      expect(byStart[i].timings.waitMs).toBeGreaterThanOrEqual(before.waitMs + before.workMs - 1e-6);
    }
  });

  it('reports progress after every file, with the totals', async () => {
    const seen: Batch.BatchProgress[] = [];
    await collect(batch.convertFiles(dir, { concurrency: 2, onProgress: (x) => seen.push(x) }));
    expect(seen.map((x) => x.done)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ total: 15, converted: 13, skipped: 1, failed: 1, upToDate: 0 });
    expect(last.bytes).toBeGreaterThan(0);
  });

  it('stops on abort: iteration throws the reason and nothing more is started', async () => {
    const controller = new AbortController();
    const got: Batch.FileResult[] = [];
    const FILES = 3 * MAX_FILES_PER_MESSAGE + 2;
    const reason = new Error('stop now');
    await expect(async () => {
      const abortIn = p('abort-in');
      mkdirSync(abortIn, { recursive: true });
      for (let i = 0; i < FILES; i++) writeFileSync(join(abortIn, `r${i}.json`), makeActivityJson({ seed: 30 + (i % 6) }));
      for await (const r of batch.convertFiles(abortIn, { concurrency: 1, signal: controller.signal, outDir: p('aborted-out'), journalDir: journals })) {
        got.push(r);
        controller.abort(reason);
      }
    }).rejects.toBe(reason);
    // The message of files that triggered the abort, and at most the message the worker took next
    // (concurrency 1: two messages of at most MAX_FILES_PER_MESSAGE files); nothing after those.
    expect(got.length).toBeGreaterThanOrEqual(1);
    expect(got.length).toBeLessThanOrEqual(2 * MAX_FILES_PER_MESSAGE);
    // Every output on disk belongs to a yielded result: nothing written behind the caller's back.
    const written = existsSync(p('aborted-out')) ? readdirSync(p('aborted-out')) : [];
    expect(written.sort()).toEqual(got.flatMap((r) => r.outputs.map((o) => o.slice(p('aborted-out').length + 1))).sort());
    expect(written.length).toBeGreaterThanOrEqual(1);
    expect(written.length).toBeLessThan(FILES);
    // An already aborted signal: nothing at all.
    await expect(collect(batch.convertFiles(dir, { signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
  });

  it('fails a file over limits.maxBytes without reading it, and goes on', async () => {
    const results = await collect(batch.convertFiles([p('run-00.json'), p('run-11.json')], { concurrency: 1, limits: { maxBytes: readFileSync(p('run-00.json')).length } }));
    expect(results[0].status).toBe('converted');
    expect(results[1].status).toBe('failed');
    expect(results[1].error?.code).toBe('limit-exceeded');
  });

  it('writes outputs atomically into outDir, one per activity, and resume skips them', async () => {
    const sub = p('multi');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'three.json'), `[${makeActivityJson({ seed: 50 })},${makeActivityJson({ seed: 51 })},${makeActivityJson({ seed: 52 })}]`);
    const out = p('multi-out');
    const [r] = await collect(batch.convertFiles(sub, { outDir: out, journalDir: journals, concurrency: 1 }));
    expect(r.outputs).toEqual([1, 2, 3].map((i) => join(out, `three-${i}.json`)));
    expect(r.data).toEqual([]);
    expect(readdirSync(out).sort()).toEqual(['three-1.json', 'three-2.json', 'three-3.json']); // and nothing else: no journal
    expect(JSON.parse(readFileSync(join(out, 'three-3.json'), 'utf8')).externalId).toBe('gen-52');
    const [again] = await collect(batch.convertFiles(sub, { outDir: out, journalDir: journals, concurrency: 1, resume: true }));
    expect(again.status).toBe('up-to-date');
    expect(again.outputs).toEqual([join(out, 'three-1.json')]);
  });
});

describe('convertFileTask (one file, read and written by the caller\'s thread)', () => {
  it('files in a row, large and small, one of three activities: every output is what convertSync gives', () => {
    const seq = p('sequence');
    const out = p('sequence-out');
    mkdirSync(seq, { recursive: true });
    // The input buffer and the JSON writer are reused from file to file: a small file after a large
    // one, and an input of several activities, show that nothing of one file leaks into the next.
    const inputs = [
      ['big.json', makeActivityJson({ seed: 95, samples: 6000 })],
      ['small.json', makeActivityJson({ seed: 96, samples: 40 })],
      ['three.json', `[${makeActivityJson({ seed: 97, samples: 3000 })},${makeActivityJson({ seed: 98, samples: 10 })},${makeActivityJson({ seed: 99 })}]`],
      ['tiny.json', makeActivityJson({ seed: 100, samples: 5 })],
    ] as const;
    for (const [name, textIn] of inputs) writeFileSync(join(seq, name), textIn);
    inputs.forEach(([name], i) => {
      const stem = join(out, name.replace('.json', ''));
      const r = batch.convertFileTask({ path: join(seq, name), output: stem, temp: `.runjson-seq-${i}`, maxBytes: 1e8, options: {} });
      expect(r.error).toBeNull();
      const expected = convertSync(readFileSync(join(seq, name))).activities.map((a) => text(a.toBytes()));
      expect(r.outputs.map((o) => readFileSync(o, 'utf8'))).toEqual(expected);
      expect(r.size).toBe(readFileSync(join(seq, name)).length);
    });
    expect(readdirSync(out).sort()).toEqual(['big.json', 'small.json', 'three-1.json', 'three-2.json', 'three-3.json', 'tiny.json']);
  });
});

describe('the pool', () => {
  it('moves the input to the worker (transfer, not copy)', async () => {
    const pool = new batch.ConvertPool({ threads: 1 });
    try {
      const bytes = new Uint8Array(readFileSync(p('run-03.json')));
      const size = bytes.byteLength;
      const result = await pool.run(bytes, {});
      expect(bytes.byteLength).toBe(0); // detached: the buffer now belongs to the worker
      expect(size).toBeGreaterThan(0);
      expect(result.ok).toBe(true);
      if (result.ok) expect(text(result.activities[0].json)).toBe(convertSync(readFileSync(p('run-03.json'))).activities[0].toJson());
    } finally {
      await pool.destroy();
    }
  });

  it('a worker that dies is reported as worker-crashed, replaced, and the batch goes on', async () => {
    const crashDir = p('crash');
    mkdirSync(crashDir, { recursive: true });
    writeFileSync(join(crashDir, 'a-exit.json'), 'CRASH-EXIT');
    writeFileSync(join(crashDir, 'b-throw.json'), 'CRASH-THROW');
    for (let i = 0; i < 4; i++) writeFileSync(join(crashDir, `c-${i}.json`), makeActivityJson({ seed: 60 + i }));
    writeFileSync(join(crashDir, 'd-exit.json'), 'CRASH-EXIT');
    writeFileSync(join(crashDir, 'e-last.json'), makeActivityJson({ seed: 70 }));
    // One thread: every file after a crash needs the replacement worker.
    const results = await collect(batch.convertFiles(crashDir, { concurrency: 1, workerFile: CRASH_WORKER }));
    const status = Object.fromEntries(results.map((r) => [r.relative, `${r.status}${r.error ? ':' + r.error.code : ''}`]));
    expect(status).toEqual({
      'a-exit.json': 'failed:worker-crashed',
      'b-throw.json': 'failed:worker-crashed',
      'c-0.json': 'converted',
      'c-1.json': 'converted',
      'c-2.json': 'converted',
      'c-3.json': 'converted',
      'd-exit.json': 'failed:worker-crashed',
      'e-last.json': 'converted',
    });
    expect(results[0].error?.message).toMatch(/exited with code: 7/);
    expect(results[1].error?.message).toMatch(/thrown on purpose/);
  });

  it('files waiting together share a message; when it fails, each runs again alone and only the culprit fails', async () => {
    const msgDir = p('message');
    mkdirSync(msgDir, { recursive: true });
    const names = ['ok-1.json', 'exit.json', 'ok-2.json', 'ok-3.json'];
    writeFileSync(join(msgDir, 'exit.json'), 'CRASH-EXIT');
    for (const [i, n] of names.entries()) if (n !== 'exit.json') writeFileSync(join(msgDir, n), makeActivityJson({ seed: 90 + i }));
    const pool = new batch.ConvertPool({ threads: 1, workerFile: CRASH_WORKER });
    try {
      const task = (name: string, i: number): Batch.FileTask => ({ path: join(msgDir, name), output: null, temp: `.runjson-test-${i}`, maxBytes: 1e8, options: {} });
      const results = await Promise.all(names.map((n, i) => pool.runFile(task(n, i))));
      expect(results.map((r) => r.error?.code ?? `${r.activities} activity`)).toEqual(['1 activity', 'worker-crashed', '1 activity', '1 activity']);
      // Two deaths: the worker holding all four files, then the replacement running exit.json alone.
      expect(pool.crashes).toBe(2);
      const again = await Promise.all(names.filter((n) => n !== 'exit.json').map((n, i) => pool.runFile(task(n, 10 + i))));
      expect(again.map((r) => r.error)).toEqual([null, null, null]);
      expect(pool.crashes).toBe(2);
      // The Activity JSON comes back as from a single-file task.
      expect(text(again[0].data[0])).toBe(text(convertSync(readFileSync(join(msgDir, 'ok-1.json'))).activities[0].toBytes()));
    } finally {
      await pool.destroy();
    }
  });

  it('a worker that dies mid-write leaves no temp file behind, and the batch goes on', async () => {
    const midDir = p('midwrite');
    mkdirSync(midDir, { recursive: true });
    writeFileSync(join(midDir, 'a-midwrite.json'), 'CRASH-MIDWRITE');
    writeFileSync(join(midDir, 'b-ok.json'), makeActivityJson({ seed: 77 }));
    const out = p('midwrite-out');
    mkdirSync(out, { recursive: true });
    const results = await collect(batch.convertFiles(midDir, { concurrency: 1, workerFile: CRASH_WORKER, outDir: out, journalDir: journals }));
    expect(results.map((r) => `${r.status}${r.error ? ':' + r.error.code : ''}`)).toEqual(['failed:worker-crashed', 'converted']);
    expect(readdirSync(out).sort()).toEqual(['b-ok.json']);
  });

  it('an output that cannot be written fails that file with write-error; the others are written', async () => {
    const wDir = p('unwritable');
    mkdirSync(join(wDir, 'sub'), { recursive: true });
    writeFileSync(join(wDir, 'sub', 'a.json'), makeActivityJson({ seed: 78 }));
    writeFileSync(join(wDir, 'top.json'), makeActivityJson({ seed: 79 }));
    const out = p('unwritable-out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'sub'), 'a file where the output folder should be');
    const results = await collect(batch.convertFiles(wDir, { concurrency: 1, outDir: out, journalDir: journals }));
    expect(results.map((r) => [r.relative, r.status, r.error?.code ?? null])).toEqual([
      ['sub/a.json', 'failed', 'write-error'],
      ['top.json', 'converted', null],
    ]);
    expect(results[0].error?.message).toMatch(/^E[A-Z]+/);
    expect(results[0].activities).toBe(1); // converted, then the write failed
    expect(readdirSync(out).sort()).toEqual(['sub', 'top.json']);
  });

  it('a file that takes too long fails with timeout; its worker is stopped and replaced', async () => {
    const hangDir = p('hang');
    mkdirSync(hangDir, { recursive: true });
    writeFileSync(join(hangDir, 'a-hang.json'), 'CRASH-HANG');
    writeFileSync(join(hangDir, 'b-ok.json'), makeActivityJson({ seed: 75 }));
    writeFileSync(join(hangDir, 'c-ok.json'), makeActivityJson({ seed: 76 }));
    // No bound on wall time: were timeouts not working, the hang would hold the batch until the test's
    // own timeout. (b-ok and c-ok wait for the replacement worker to start — seconds on a loaded machine,
    // which their 1 s budgets used to count: this test failed in full parallel runs.)
    const results = await collect(batch.convertFiles(hangDir, { concurrency: 1, workerFile: CRASH_WORKER, timeoutMs: 1000 }));
    expect(results.map((r) => `${r.status}${r.error ? ':' + r.error.code : ''}`)).toEqual(['failed:timeout', 'converted', 'converted']);
    expect(results[0].error?.message).toMatch(/within 1 s/);
    expect(results[0].timings.workMs).toBeGreaterThanOrEqual(990); // it had its whole budget
  });

  it('a file\'s budget counts from the moment its worker takes it, not while a worker starts', async () => {
    // The worker takes 1.5 s to start, three budgets of 0.5 s: the files must convert all the same.
    const slowStart = pathToFileURL(join(ROOT, 'test', 'batch', 'slow-start-worker.mjs'));
    const results = await collect(batch.convertFiles([p('run-00.json'), p('run-01.json')], { concurrency: 1, workerFile: slowStart, timeoutMs: 500 }));
    expect(results.map((r) => r.error?.code ?? r.status)).toEqual(['converted', 'converted']);
    // The start-up is waiting, not work.
    expect(results[0].timings.waitMs).toBeGreaterThan(1000);
  });

  it('a file that hangs among others of its message is stopped after its own budget and fails alone', async () => {
    const hangDir = p('hang-message');
    mkdirSync(hangDir, { recursive: true });
    // Eight files, one message for the one worker; the hang in the middle.
    for (let i = 0; i < 8; i++) writeFileSync(join(hangDir, `f-${i}.json`), i === 3 ? 'CRASH-HANG' : makeActivityJson({ seed: 110 + i }));
    const budget = 800;
    const results = await collect(batch.convertFiles(hangDir, { concurrency: 1, workerFile: CRASH_WORKER, timeoutMs: budget }));
    expect(results.map((r) => r.error?.code ?? r.status)).toEqual(['converted', 'converted', 'converted', 'timeout', 'converted', 'converted', 'converted', 'converted']);
    // How long the hang ran, from its worker taking it to the stop: its own budget, not the rest of the
    // message's eight (≈ 6.4 s). Not the batch's wall time, which adds two worker start-ups (seconds on a
    // machine loaded by a parallel test run: it broke a 4 s bound). The margin is for the main thread's
    // lateness in seeing the worker take the file and the budget end.
    const hang = results[3].timings;
    expect(hang.workMs).toBeGreaterThanOrEqual(budget - 10);
    expect(hang.workMs).toBeLessThan(3 * budget);
  });

  it('one abort listener on the caller\'s signal however many files wait (no MaxListenersExceededWarning), and an abort still withdraws them all', async () => {
    const pool = new batch.ConvertPool({ threads: 1 });
    const task = (i: number): Batch.FileTask => ({ path: p(`run-${String(i % 12).padStart(2, '0')}.json`), output: null, temp: `.runjson-listeners-${i}`, maxBytes: 1e8, options: {} });
    const listeners = (s: AbortSignal): number => getEventListeners(s, 'abort').length;
    try {
      const controller = new AbortController();
      const files = Array.from({ length: 30 }, (_, i) => pool.runFile(task(i), controller.signal));
      const bytes = Array.from({ length: 15 }, (_, i) => pool.run(new Uint8Array(readFileSync(p(`run-0${i % 9}.json`))), {}, controller.signal));
      expect(listeners(controller.signal)).toBe(1);
      expect((await Promise.all(files)).map((r) => r.error)).toEqual(Array(30).fill(null));
      expect((await Promise.all(bytes)).every((r) => r.ok)).toBe(true);
      expect(listeners(controller.signal)).toBe(0);

      const reason = new Error('stop');
      const waiting = Array.from({ length: 30 }, (_, i) => pool.runFile(task(i), controller.signal).catch((e: unknown) => e));
      controller.abort(reason);
      // None had been handed to the worker yet (that happens after this turn): all withdrawn.
      expect(await Promise.all(waiting)).toEqual(Array(30).fill(reason));
    } finally {
      await pool.destroy();
    }
  });

  it('a file that runs a worker out of memory fails alone (a real crash, not a simulated one)', async () => {
    const oomDir = p('oom');
    mkdirSync(oomDir, { recursive: true });
    writeFileSync(join(oomDir, 'big.json'), makeActivityJson({ samples: 300_000, seed: 80 }));
    writeFileSync(join(oomDir, 'small.json'), makeActivityJson({ seed: 81 }));
    const results = await collect(batch.convertFiles(oomDir, { concurrency: 1, maxWorkerMemoryMb: 16 }));
    expect(results.map((r) => r.status)).toEqual(['failed', 'converted']);
    expect(results[0].error?.code).toBe('worker-crashed');
    expect(results[0].error?.message).toMatch(/memory/);
  });
});

describe('output names', () => {
  it('strips .gz and the format extension; keeps unknown extensions', () => {
    expect(batch.outputStem('run.fit')).toBe('run');
    expect(batch.outputStem('Run.FIT.GZ')).toBe('Run');
    expect(batch.outputStem('a.b.tcx.gz')).toBe('a.b');
    expect(batch.outputStem('activity_123')).toBe('activity_123');
    expect(batch.outputStem('x.bin')).toBe('x.bin');
    expect(batch.outputStem('.fit')).toBe('.fit');
  });

  it('no two inputs share an output, whatever the collision', async () => {
    const d = p('names');
    mkdirSync(join(d, 'sub'), { recursive: true });
    const files = ['a.fit', 'a.tcx', 'A.gpx', 'a.fit.gz', 'a-1.fit', 'a.tcx.json', 'b.fit', 'sub/a.fit', 'c-2.gpx', 'c.tcx'];
    for (const f of files) writeFileSync(join(d, f), '');
    const plan = await batch.planFiles([d], '/out');
    const stems = plan.map((x) => x.output!.slice('/out/'.length));
    expect(Object.fromEntries(plan.map((x, i) => [x.relative, stems[i]]))).toEqual({
      'A.gpx': 'A',
      'a-1.fit': 'a-1.fit', // `a-1` could be A's second activity
      'a.fit': 'a.fit',
      'a.fit.gz': 'a.fit.gz',
      'a.tcx': 'a.tcx',
      'a.tcx.json': 'a.tcx.json', // its stem `a.tcx` is taken by a.tcx
      'b.fit': 'b',
      'c-2.gpx': 'c-2',
      'c.tcx': 'c.tcx', // c's second activity would be c-2
      'sub/a.fit': 'sub/a',
    });
    // Every possible output file name (1 to 3 activities each) is distinct, ignoring case.
    const all = stems.flatMap((s) => [`${s}.json`, ...[1, 2, 3].map((k) => `${s}-${k}.json`)].map((n) => n.toLowerCase()));
    expect(new Set(all).size).toBe(all.length);
  });

  it('the same file name from three input folders: x, x.fit, x.fit~2', async () => {
    const inputs = ['one', 'two', 'three'].map((n) => {
      mkdirSync(p(n), { recursive: true });
      writeFileSync(join(p(n), 'x.fit'), '');
      return join(p(n), 'x.fit');
    });
    const plan = await batch.planFiles(inputs, 'o');
    expect(plan.map((x) => x.output)).toEqual([join('o', 'x'), join('o', 'x.fit'), join('o', 'x.fit~2')]);
    expect(plan.map((x) => x.relative)).toEqual(['x.fit', 'x.fit', 'x.fit']);
  });

  it('removes only dead processes\' temp files', async () => {
    const d = p('temps');
    mkdirSync(join(d, 'x'), { recursive: true });
    writeFileSync(join(d, 'x', '.runjson-999999999-1.tmp'), 'half');
    writeFileSync(join(d, `.runjson-${process.pid}-1.tmp`), 'mine, in progress');
    writeFileSync(join(d, '.other.tmp'), 'not ours');
    expect(await batch.removeStaleTemps(d)).toBe(1);
    expect(readdirSync(join(d, 'x'))).toEqual([]);
    expect(readdirSync(d).sort()).toEqual(['.other.tmp', `.runjson-${process.pid}-1.tmp`, 'x']);
  });
});

describe('folders that cannot be listed', () => {
  it.skipIf(process.getuid?.() === 0)('are reported as failed inputs (read-error), not skipped in silence', async () => {
    const d = p('locked-parent');
    mkdirSync(join(d, 'locked'), { recursive: true });
    writeFileSync(join(d, 'ok.json'), makeActivityJson({ seed: 90 }));
    chmodSync(join(d, 'locked'), 0);
    try {
      const results = await collect(batch.convertFiles(d, { concurrency: 0 }));
      expect(results.map((r) => [r.relative, r.status, r.error?.code ?? null])).toEqual([
        ['locked', 'failed', 'read-error'],
        ['ok.json', 'converted', null],
      ]);
    } finally {
      chmodSync(join(d, 'locked'), 0o755);
    }
  });
});

describe('resume and the journal', () => {
  const ids = (dir: string): Record<string, string> =>
    Object.fromEntries(
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')).externalId]),
    );

  it('an output name that passes to another input is converted again, not trusted', async () => {
    const inDir = p('journal-in');
    const out = p('journal-out');
    mkdirSync(inDir, { recursive: true });
    writeFileSync(join(inDir, 'run.tcx'), makeActivityJson({ seed: 100 })); // JSON content: sniffed
    const first = await collect(batch.convertFiles(inDir, { outDir: out, journalDir: journals, concurrency: 0 }));
    expect(first[0].outputs).toEqual([join(out, 'run.json')]);
    // A new input sorts first and now owns `run`; its mtime is older than run.json's.
    writeFileSync(join(inDir, 'run.json'), makeActivityJson({ seed: 101 }));
    utimesSync(join(inDir, 'run.json'), new Date('2015-01-01'), new Date('2015-01-01'));
    const second = await collect(batch.convertFiles(inDir, { outDir: out, journalDir: journals, concurrency: 0, resume: true }));
    expect(second.map((r) => [r.relative, r.status])).toEqual([
      ['run.json', 'converted'],
      ['run.tcx', 'converted'],
    ]);
    expect(ids(out)).toEqual({ 'run.json': 'gen-101', 'run.tcx.json': 'gen-100' });
    // And a third run trusts both.
    const third = await collect(batch.convertFiles(inDir, { outDir: out, journalDir: journals, concurrency: 0, resume: true }));
    expect(third.map((r) => r.status)).toEqual(['up-to-date', 'up-to-date']);
  });

  it('an input replaced by an older copy (mtime before its output) is converted again', async () => {
    const inDir = p('journal-in2');
    const out = p('journal-out2');
    mkdirSync(inDir, { recursive: true });
    writeFileSync(join(inDir, 'a.json'), makeActivityJson({ seed: 110 }));
    await collect(batch.convertFiles(inDir, { outDir: out, journalDir: journals, concurrency: 0 }));
    writeFileSync(join(inDir, 'a.json'), makeActivityJson({ seed: 111, samples: 900 }));
    utimesSync(join(inDir, 'a.json'), new Date('2016-01-01'), new Date('2016-01-01'));
    const [r] = await collect(batch.convertFiles(inDir, { outDir: out, journalDir: journals, concurrency: 0, resume: true }));
    expect(r.status).toBe('converted');
    expect(ids(out)).toEqual({ 'a.json': 'gen-111' });
  });

  it('outputs the journal does not know fall back to the mtime rule; a cut last line is ignored', async () => {
    const inDir = p('journal-in3');
    const out = p('journal-out3');
    mkdirSync(inDir, { recursive: true });
    writeFileSync(join(inDir, 'a.json'), makeActivityJson({ seed: 120 }));
    writeFileSync(join(inDir, 'b.json'), makeActivityJson({ seed: 121 }));
    await collect(batch.convertFiles(inDir, { outDir: out, journalDir: journals, concurrency: 0 }));
    // As if killed while appending b's line: the header and a's line whole, b's cut.
    const journal = journalPathFor(realPathOf(out), journals);
    const [header, ...lines] = readFileSync(journal, 'utf8').trim().split('\n');
    expect(JSON.parse(header)).toEqual({ outDir: realPathOf(out) });
    expect(lines.length).toBe(2);
    const aLine = lines.find((l) => JSON.parse(l).o === 'a') as string;
    const bLine = lines.find((l) => JSON.parse(l).o === 'b') as string;
    writeFileSync(journal, header + '\n' + aLine + '\n' + bLine.slice(0, 20));
    const again = await collect(batch.convertFiles(inDir, { outDir: out, journalDir: journals, concurrency: 0, resume: true }));
    expect(again.map((r) => r.status)).toEqual(['up-to-date', 'up-to-date']);
    // The same, when b's output is older than b (it changed after): converted again.
    utimesSync(join(out, 'b.json'), new Date('2014-01-01'), new Date('2014-01-01'));
    writeFileSync(journal, header + '\n' + aLine + '\n');
    const third = await collect(batch.convertFiles(inDir, { outDir: out, journalDir: journals, concurrency: 0, resume: true }));
    expect(third.map((r) => r.status)).toEqual(['up-to-date', 'converted']);
  });
});
