/**
 * The benchmark harness: benchmarks are a named list of groups; each group runs our code beside its peers
 * and a lower bound in the same tinybench run (the machine is shared and noisy, so only ratios measured
 * together mean anything), checks that our result is right, and states the ratios it promises.
 */

/** One timed function. */
export interface BenchTask {
  /** Short name, unique in its group: `runjson`, `@garmin/fitsdk`, `byte loop`… */
  name: string;
  fn: () => unknown;
  /** Runs before each call of `fn`, untimed (e.g. emptying an output folder so every call starts alike). */
  beforeEach?: () => unknown;
}

/** A ratio the group promises: `time(slower) / time(faster)` must be at least `target`. */
export interface BenchRatio {
  /** What the ratio says, e.g. `runjson vs @garmin/fitsdk`. */
  label: string;
  /** Task expected to be faster (usually ours). */
  faster: string;
  /** Task expected to be slower (a peer), or the lower bound for "within N×" targets (then target < 1). */
  slower: string;
  /** Minimum of time(slower) / time(faster). E.g. 30 for "30× faster"; 0.2 for "within 5× of the bound". */
  target: number;
  /**
   * Divide the ratio by the same ratio of two reference tasks of the group, run in the same session: for
   * targets that depend on the machine (1 → 2 workers can only scale as far as two bare threads do on a
   * shared machine at that moment).
   */
  relativeTo?: { faster: string; slower: string };
  /** False: printed and recorded, but `--check` does not fail on it (the gated form is another ratio). Default true. */
  gate?: boolean;
}

/** A group of tasks over the same input. */
export interface BenchGroup {
  /** Named by stage and input: `encode/json/100k-samples`, `decode/fit/corpus`. */
  name: string;
  /** Bytes of input one call of a task processes, for MB/s (0 when not meaningful). */
  bytes: number;
  tasks: BenchTask[];
  /** Throws when our output is wrong: a benchmark of wrong code measures nothing. */
  check(): void;
  ratios: BenchRatio[];
}

/** A module in `bench/groups/` exports `groups(): Promise<BenchGroup[]>` (it may return [] when its inputs are absent). */
export type GroupFactory = () => Promise<BenchGroup[]>;
