/**
 * A fuzzing run: inputs made from the seed files (`inputs.ts`), checked by a few worker threads
 * (`pool.ts`) until the time or input budget is spent; each failure of a class not seen before is shrunk
 * (`shrink.ts`) and kept (`counterexamples.ts`). Input `n` of seed `s` is the same input whatever the
 * number of workers, so a run with an input budget gives the same counts every time.
 */
import type { ConvertOptions } from '../../src/convert/options.js';
import { type MeasuredVerdict, memoryBound } from './check-protocol.js';
import { Kept, sidecarLine } from './counterexamples.js';
import { type FuzzInput, makeInput } from './inputs.js';
import { importPackage } from './load-package.js';
import type { FuzzPaths } from './paths.js';
import { Checker } from './pool.js';
import type { Failure, FailureKind } from './property.js';
import { shrink } from './shrink.js';
import { type ConvertSync, type Seed, SeedPicker, jsonSeedsFrom, loadSeeds } from './seeds.js';

/** How to run. */
export interface FuzzOptions {
  seed: number;
  /** Time budget in minutes (inputs stop being started after it; a shrink in progress finishes). */
  minutes?: number;
  /** Input budget (for tests: a fixed number of inputs gives the same counts every run). */
  inputs?: number;
  workers: number;
  paths: FuzzPaths;
  /** The check worker module (built `check-worker.js`, or a bundle of it in tests). */
  workerUrl: URL;
  /** Also mutate the shared corpus (when present). */
  corpus: boolean;
  /** Where to keep counterexamples (null: keep none, and do not shrink). */
  outDir: string | null;
  /** Deadline of one conversion, ms. */
  deadlineMs?: number;
  /** Called every `progressMs` with the counts so far. */
  onProgress?: (stats: FuzzStats) => void;
  progressMs?: number;
  /** Lines about failures, shrinks and saved files. */
  log?: (line: string) => void;
}

/** One class of failure seen in a run. */
export interface FailureClass {
  kind: FailureKind;
  key: string;
  /** The first occurrence's detail. */
  detail: string;
  /** Inputs that failed this way. */
  count: number;
  /** The first input: its number, seed file and mutations. */
  first: { n: number; from: string; op: string; options: ConvertOptions };
  /** Where it was kept, if it was. */
  saved: string | null;
}

/** The counts of a run. */
export interface FuzzStats {
  seed: number;
  inputs: number;
  conversions: number;
  /** Conversions by outcome: `converted`, each error code, `failed`. */
  outcomes: Map<string, number>;
  /** Inputs by failure kind. */
  failures: Map<FailureKind, number>;
  classes: Map<string, FailureClass>;
  /** Conversions noted but not failed (errors of codes that may lack a position), by note. */
  notes: Map<string, number>;
  /** Errors by code (to give the notes a denominator). */
  errorsByCode: Map<string, number>;
  /** Inputs by seed format. */
  byFormat: Map<string, number>;
  elapsedMs: number;
  /** Time spent shrinking (not checking new inputs). */
  shrinkMs: number;
  slowest: { ms: number; n: number; from: string } | null;
  /** The conversion whose memory growth came closest to its bound. */
  heaviest: { growth: number; size: number; n: number; from: string } | null;
  threadStarts: number;
}

function bump<K>(m: Map<K, number>, k: K, by = 1): void {
  m.set(k, (m.get(k) ?? 0) + by);
}

/**
 * The seeds of a run: fixtures (and the corpus), plus Activity JSON written from them by the package under
 * test. Input `n` of a seed depends on this list: the same fixtures give the same inputs.
 */
export async function seedPicker(paths: FuzzPaths, corpus: boolean): Promise<SeedPicker> {
  const seeds: Seed[] = loadSeeds(paths.fixtures, paths.corpus, { corpus, maxBytes: 4 * 1024 * 1024 });
  const runjson = await importPackage<{ convertSync: ConvertSync }>(paths.packageUrl);
  seeds.push(...jsonSeedsFrom(seeds, runjson.convertSync));
  return new SeedPicker(seeds);
}

/** Runs the fuzzer. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzStats> {
  const log = o.log ?? (() => undefined);
  const started = Date.now();
  const picker = await seedPicker(o.paths, o.corpus);
  const kept = o.outDir === null ? null : new Kept(o.outDir);
  const stats: FuzzStats = {
    seed: o.seed,
    inputs: 0,
    conversions: 0,
    outcomes: new Map(),
    failures: new Map(),
    classes: new Map(),
    notes: new Map(),
    errorsByCode: new Map(),
    byFormat: new Map(),
    elapsedMs: 0,
    shrinkMs: 0,
    slowest: null,
    heaviest: null,
    threadStarts: 0,
  };
  const deadline = o.minutes === undefined ? Infinity : started + o.minutes * 60_000;
  const budget = o.inputs ?? Infinity;
  let next = 0;
  const checkers = Array.from({ length: o.workers }, () => new Checker({ workerUrl: o.workerUrl, packageUrl: o.paths.packageUrl, deadlineMs: o.deadlineMs }));
  const progress = o.onProgress === undefined ? undefined : setInterval(() => {
    stats.elapsedMs = Date.now() - started;
    o.onProgress!(stats);
  }, o.progressMs ?? 10_000);

  const record = (input: FuzzInput, verdicts: MeasuredVerdict[]): void => {
    stats.inputs++;
    bump(stats.byFormat, input.format);
    for (const v of verdicts) {
      stats.conversions++;
      bump(stats.outcomes, v.outcome);
      if (v.outcome !== 'converted' && v.outcome !== 'failed') bump(stats.errorsByCode, v.outcome);
      if (v.note !== null) bump(stats.notes, v.note);
      if (stats.slowest === null || v.ms > stats.slowest.ms) stats.slowest = { ms: v.ms, n: input.n, from: input.from };
      const share = v.growth / memoryBound(input.bytes.length);
      if (stats.heaviest === null || share > stats.heaviest.growth / memoryBound(stats.heaviest.size)) {
        stats.heaviest = { growth: v.growth, size: input.bytes.length, n: input.n, from: input.from };
      }
    }
  };

  const onFailure = async (checker: Checker, input: FuzzInput, failure: Failure & { options: ConvertOptions }): Promise<void> => {
    bump(stats.failures, failure.kind);
    const known = stats.classes.get(failure.key);
    if (known !== undefined) {
      known.count++;
      return;
    }
    const cls: FailureClass = { kind: failure.kind, key: failure.key, detail: failure.detail, count: 1, first: { n: input.n, from: input.from, op: input.op, options: failure.options }, saved: null };
    stats.classes.set(failure.key, cls);
    log(`failure #${input.n} ${failure.kind}: ${failure.detail} [${input.from}; ${input.op.slice(0, 160)}; options ${JSON.stringify(failure.options)}]`);
    if (kept === null || !kept.wants(failure.kind, failure.key)) return;
    const t0 = Date.now();
    // Timeouts and heap exhaustion cost seconds a try: fewer tries.
    const slow = failure.kind === 'timeout' || failure.kind === 'memory';
    const shrunk = await shrink(
      input.bytes,
      async (cand) => {
        // Memory runjson keeps on a thread (caches) would hide a repeat on the same thread.
        if (failure.kind === 'memory') await checker.close();
        const r = await checker.check(cand, [failure.options]);
        return r.failure !== null && r.failure.key === failure.key;
      },
      { maxTries: slow ? 40 : 600, maxMs: slow ? 120_000 : 60_000 },
    );
    stats.shrinkMs += Date.now() - t0;
    const origin = `seed ${o.seed}, input ${input.n} (${input.from}: ${input.op.slice(0, 200)}${o.corpus ? '' : '; --fixtures-only'})`;
    cls.saved = kept.save(failure.kind, failure.key, shrunk.bytes, input.format, sidecarLine(failure, failure.options, origin));
    log(`  shrunk ${input.bytes.length} → ${shrunk.bytes.length} bytes in ${shrunk.tries} tries (${((Date.now() - t0) / 1000).toFixed(1)} s): ${cls.saved}`);
  };

  const slot = async (checker: Checker): Promise<void> => {
    for (;;) {
      if (Date.now() >= deadline || next >= budget) return;
      const input = makeInput(o.seed, next++, picker);
      const r = await checker.check(input.bytes, input.options);
      record(input, r.verdicts);
      if (r.failure !== null && !r.verdicts.some((v) => v.failure !== null)) {
        // A timeout or a dead thread: the conversion gave no verdict of its own.
        stats.conversions++;
        bump(stats.outcomes, 'failed');
      }
      if (r.failure !== null) await onFailure(checker, input, r.failure);
    }
  };

  try {
    await Promise.all(checkers.map(slot));
  } finally {
    if (progress !== undefined) clearInterval(progress);
    stats.threadStarts = checkers.reduce((n, c) => n + c.starts, 0);
    await Promise.all(checkers.map((c) => c.close()));
  }
  stats.elapsedMs = Date.now() - started;
  return stats;
}

/** The number of inputs that failed. */
export function failureCount(stats: FuzzStats): number {
  let n = 0;
  for (const v of stats.failures.values()) n += v;
  return n;
}
