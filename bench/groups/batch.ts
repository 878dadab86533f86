/**
 * `batch/*`: `convertFiles` on a folder of a few hundred files, written to an output folder, as the
 * `runjson convert DIR -o OUT` command does it:
 * - `pool, 1 worker` and `pool, 2 workers`: the piscina pool (target: ≥ 1.7× from 1 to 2 workers on 2 cores);
 * - `in-process (no pool)`: the same reads, conversions and atomic writes on the main thread
 *   (`concurrency: 0`), so `in-process / pool, 1 worker` shows the pool's overhead (target ≥ 0.9, i.e. the
 *   pool costs under ~10 %).
 * Each call is a whole batch (plan, read, convert, write) on pools started once for the group and warmed
 * like the in-process path: the steady state of a long batch. Worker start-up is a fixed cost per run,
 * not per file (measured 0.2–0.4 s on the 2-core dev machine, mostly module loading), left out here.
 * The files are copies of the project's full-size FIT fixtures (see sources()), in nested folders. files/s = files ÷ mean seconds.
 *
 * `cpu loop, 1 thread` / `2 threads` (same group, same run): the same split of work the pool does, but of
 * a plain CPU loop on bare worker threads — what this machine gives from 1 to 2 threads at the moment of
 * the run. On a shared machine whose second core is busy, no pool can scale better than this; the gated
 * ratio reads the pool's scaling against it.
 *
 * Reproduce: `npm run bench -- --only batch`.
 *
 * Measured (full mode, 2 cores, no other load; November 2026):
 * - Main thread reading and writing every file (before): 1 → 2 workers 1.06–1.30× over six runs, while
 *   two bare threads scaled 1.93–1.97×: the main thread was on every file's critical path.
 * - Workers doing their own I/O (src/batch/file-task.ts), folder listing synchronous (plan.ts), stale-temp
 *   sweep alongside: 1.73×, 1.31×, 1.89×, 1.54×, 1.57×, 2.19×, 1.23× on tmpfs and 1.76×, 1.98×, 1.55×,
 *   1.38×, 1.37× on the ext4 disk — about 1.6× typical, the spread being the machine's (the same
 *   1-worker batch took 370–445 ms on tmpfs from one run to the next).
 * - Pool overhead (in-process ÷ 1-worker pool): about 1.0 on disk, 0.73–0.90 on tmpfs. Where it went: the
 *   1-worker pool's worker summed 465–506 ms of reading, converting and writing in batches of 603–661 ms
 *   while the main thread was busy 70–88 ms: ~0.5 ms per file of waiting, the two thread wake-ups of each
 *   round trip. Tried: two tasks queued per worker (piscina `concurrentTasksPerWorker: 2`): no difference.
 * - Several files per message (src/batch/pool.ts, up to 8): the worker's wait fell to ~0.1 ms per file;
 *   then the worker's input read into a reused buffer and each output written from the JSON writer's
 *   buffer (src/batch/file-task.ts), which alternated against the build before took the 2-worker batch
 *   from 376/361/369 to 338/301/282 ms (medians of three runs). This harness then gave, in four runs:
 *   1 → 2 workers 1.94×, 1.82×, 1.83×, 1.67× (relative to bare threads 0.99, 0.97, 0.94, 0.88); pool
 *   overhead 0.94, 0.71, 0.93, 0.87 — the last two with the rounds of bench/main.ts, the first two without.
 *   The same comparison alternated in a script (300 files, 1 worker vs in-process, 4 runs): means
 *   441 vs 448 ms — the pool's own cost is now within the machine's drift.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertFiles, ConvertPool, type FileResult } from '../../src/batch/index.js';
import { convertSync } from '../../src/index.js';
import { makeActivityJson } from '../../test/helpers/make-activity.js';
import { Worker } from 'node:worker_threads';
import type { BenchGroup } from '../harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIT_FIXTURES = join(ROOT, 'fixtures', 'fit');

/**
 * FIT fixtures of real size (≥ 50 KB: an hour of running recorded by a watch is 100–300 KB) that convert;
 * all convertible ones when none is that big; else one generated Activity JSON run. The tiny protocol
 * fixtures (1 KB) would measure file-system calls, not conversion: on the dev machine, writing a 150 KB
 * output costs about as much CPU as converting a small FIT file.
 */
function sources(): { ext: string; bytes: Uint8Array }[] {
  const all: { ext: string; bytes: Uint8Array }[] = [];
  for (const f of readdirSync(FIT_FIXTURES).sort()) {
    if (!f.toLowerCase().endsWith('.fit')) continue;
    const bytes = new Uint8Array(readFileSync(join(FIT_FIXTURES, f)));
    try {
      convertSync(bytes);
      all.push({ ext: '.fit', bytes });
    } catch {
      // Not convertible (not a run, broken on purpose): left out of the benchmark.
    }
  }
  const big = all.filter((s) => s.bytes.length >= 50_000);
  if (big.length > 0) return big;
  if (all.length > 0) return all;
  return [{ ext: '.json', bytes: new TextEncoder().encode(makeActivityJson({ samples: 4000, seed: 1 })) }];
}

export async function groups(): Promise<BenchGroup[]> {
  const quick = process.argv.includes('--quick');
  // Quick (CI): 40 files, as tinybench runs each task 16 times to warm up before it measures.
  const files = quick ? 40 : 300;
  const src = sources();
  // Inputs and outputs on tmpfs where there is one (/dev/shm on Linux): on the dev machine's ext4 disk the
  // same runs drifted from 490 to 840 ms per batch across three back-to-back runs as dirty pages piled up
  // (each call writes 38 MB), so a disk-backed run measures the kernel's writeback as much as the pool.
  // RUNJSON_BENCH_TMP picks another folder (e.g. a disk) to measure that too.
  const base = process.env.RUNJSON_BENCH_TMP ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  const dir = mkdtempSync(join(base, 'runjson-bench-batch-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const input = join(dir, 'in');
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const s = src[i % src.length];
    const sub = join(input, `year-${2010 + (i % 10)}`, `month-${(i % 12) + 1}`);
    mkdirSync(sub, { recursive: true });
    const path = join(sub, `run-${String(i).padStart(4, '0')}${s.ext}`);
    writeFileSync(path, s.bytes);
    bytes += s.bytes.length;
  }
  const out = (name: string): string => join(dir, `out-${name}`);
  // Every call converts into an empty output folder, as a first conversion of a folder does (emptied
  // untimed). Writing over existing outputs costs far more on ext4, and more still from two threads:
  // renaming a new file over an existing one makes ext4 start writing its data back at once
  // (auto_da_alloc). Measured here (300 files, 2 workers, loaded machine): worker time in writes
  // 44–47 ms per batch into an empty folder, 570–780 ms over the previous batch's outputs.
  const fresh = (name: string): void => rmSync(out(name), { recursive: true, force: true });

  const pools = new Map([1, 2].map((n) => [n, new ConvertPool({ threads: n })]));
  const batch = async (concurrency: number, outDir: string): Promise<FileResult[]> => {
    const results: FileResult[] = [];
    for await (const r of convertFiles(input, { concurrency, outDir, journalDir: join(dir, 'journals'), pool: pools.get(concurrency) })) results.push(r);
    return results;
  };
  const kind = src[0].ext === '.fit' ? `fit-fixture-copies` : 'generated-json';
  // One batch ahead of the timing, on 2 workers, whose outputs check() compares with the core's.
  const checked = await batch(2, out('check'));

  const reference = await machineReference();
  return [
    {
      name: `batch/${kind}/${files}-files`,
      bytes,
      tasks: [
        { name: 'pool, 1 worker', fn: () => batch(1, out('1')), beforeEach: () => fresh('1') },
        { name: 'pool, 2 workers', fn: () => batch(2, out('2')), beforeEach: () => fresh('2') },
        { name: 'in-process (no pool)', fn: () => batch(0, out('0')), beforeEach: () => fresh('0') },
        ...reference.tasks,
      ],
      check() {
        reference.check();
        if (checked.length !== files) throw new Error(`batch: ${checked.length} results for ${files} files`);
        for (const r of checked) {
          if (r.status !== 'converted') throw new Error(`batch: ${r.input} ${r.status} ${r.error?.code ?? ''}`);
          const expected = convertSync(readFileSync(r.input)).activities.map((a) => a.toJson());
          const got = r.outputs.map((o) => readFileSync(o, 'utf8'));
          if (got.length !== expected.length || got.some((g, i) => g !== expected[i])) throw new Error(`batch: output of ${r.input} differs from convertSync`);
        }
      },
      ratios: [
        // Not gated: on a shared machine whose second core is busy no pool reaches 1.7× (measured here
        // during development: two bare CPU-loop threads 0.6–1.3× one thread). The gated form below reads
        // the pool's scaling against what two bare threads scale to in the same run.
        { label: '2 workers vs 1 worker (2 cores)', faster: 'pool, 2 workers', slower: 'pool, 1 worker', target: 1.7, gate: false },
        {
          label: '2 vs 1 workers, relative to 2 vs 1 bare threads (1.7 of 2)',
          faster: 'pool, 2 workers',
          slower: 'pool, 1 worker',
          relativeTo: { faster: 'cpu loop, 2 threads', slower: 'cpu loop, 1 thread' },
          target: 0.85,
        },
        { label: 'pool overhead: in-process vs 1-worker pool', faster: 'pool, 1 worker', slower: 'in-process (no pool)', target: 0.9 },
      ],
    },
  ];
}

/** A CPU loop (no allocation, no I/O) split over 1 or 2 warm worker threads: what the machine gives. */
async function machineReference(): Promise<Pick<BenchGroup, 'tasks' | 'check'>> {
  const code = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (n) => { let x = 0; for (let i = 0; i < n; i++) x += Math.sqrt(i); parentPort.postMessage(x); });`;
  const workers = [0, 1].map(() => new Worker(code, { eval: true }));
  for (const w of workers) w.unref();
  const WORK = 1e7; // ≈ 20–30 ms a call on the dev machine
  const run = (k: number): Promise<number[]> =>
    Promise.all(
      workers.slice(0, k).map(
        (w) =>
          new Promise<number>((resolve) => {
            w.once('message', resolve);
            w.postMessage(WORK / k);
          }),
      ),
    );
  const one = await run(1);
  const two = await run(2);
  return {
    tasks: [
      { name: 'cpu loop, 1 thread', fn: () => run(1) },
      { name: 'cpu loop, 2 threads', fn: () => run(2) },
    ],
    check() {
      if (!(one.length === 1 && two.length === 2 && one[0] > two[0] && two[0] === two[1] && Number.isFinite(one[0]))) {
        throw new Error('machine reference: the loop did not run');
      }
    },
  };
}
