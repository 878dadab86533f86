/**
 * `npm run fuzz -- --minutes N [--seed S] [--out DIR] [--workers K]`: a seeded mutation fuzzer over
 * runjson's fixtures (and the shared corpus when it is there), against the built package (`dist/`).
 * Prints a progress line every 10 s and a summary table; exits 1 when any input failed the property
 * (see `property.ts`). Without `--seed` a random seed is chosen and printed, so a run can be repeated.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { failureCount, runFuzz, seedPicker } from './fuzz-run.js';
import { makeInput } from './inputs.js';
import { type FuzzPaths, findRoot, fuzzPaths } from './paths.js';
import { Checker } from './pool.js';
import { progressLine, summaryTable } from './summary.js';

const HELP = `usage: npm run fuzz -- --minutes N [--seed S] [--out DIR] [--workers K]
  --minutes N     time budget (default 1; decimals allowed)
  --inputs N      stop after N inputs instead (same seed and N: same inputs, same counts)
  --seed S        32-bit seed (default: random, printed)
  --out DIR       where to keep shrunk counterexamples (default fixtures/fuzz)
  --no-save       keep none (and do not shrink)
  --workers K     worker threads (default: the number of cores, at most 4)
  --fixtures-only leave the shared corpus out
  --deadline S    seconds one conversion may take (default 10)
  --replay N      make input N of --seed again, write it to fuzz-<seed>-<N>.<ext> and check it
                  (with the same fixtures and the same --fixtures-only as the run that found it)`;

interface Args {
  minutes: number | undefined;
  inputs: number | undefined;
  seed: number;
  out: string | null;
  workers: number;
  corpus: boolean;
  deadlineMs: number;
  replay: number | undefined;
}

function parse(argv: string[]): Args | string {
  const root = findRoot(import.meta.url);
  const a: Args = {
    minutes: undefined,
    inputs: undefined,
    seed: Math.floor(Math.random() * 2 ** 32),
    out: fuzzPaths(root).counterexamples,
    workers: Math.max(1, Math.min(4, availableParallelism())),
    corpus: true,
    deadlineMs: 10_000,
    replay: undefined,
  };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number`);
    return n;
  };
  try {
    for (let i = 0; i < argv.length; i++) {
      const f = argv[i];
      if (f === '--minutes') a.minutes = num(f, argv[++i]);
      else if (f === '--inputs') a.inputs = Math.floor(num(f, argv[++i]));
      else if (f === '--seed') a.seed = num(f, argv[++i]) >>> 0;
      else if (f === '--out') a.out = resolve(argv[++i] ?? '.');
      else if (f === '--no-save') a.out = null;
      else if (f === '--workers') a.workers = Math.max(1, Math.floor(num(f, argv[++i])));
      else if (f === '--fixtures-only') a.corpus = false;
      else if (f === '--deadline') a.deadlineMs = num(f, argv[++i]) * 1000;
      else if (f === '--replay') a.replay = Math.floor(num(f, argv[++i]));
      else if (f === '--help' || f === '-h') return HELP;
      else throw new Error(`unknown option ${f}`);
    }
  } catch (e) {
    return `${(e as Error).message}\n${HELP}`;
  }
  if (a.minutes === undefined && a.inputs === undefined) a.minutes = 1;
  return a;
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (typeof args === 'string') {
    console.log(args);
    return args === HELP ? 0 : 2;
  }
  const paths = fuzzPaths(findRoot(import.meta.url));
  if (args.replay !== undefined) return replay(args, paths);
  const budget = args.inputs !== undefined ? `${args.inputs} inputs` : `${args.minutes} min`;
  console.log(`runjson fuzz: seed ${args.seed}, ${budget}, ${args.workers} workers, counterexamples ${args.out ?? '(not kept)'}`);
  console.log(`  repeat with: npm run fuzz -- --seed ${args.seed} ${args.inputs !== undefined ? `--inputs ${args.inputs}` : `--minutes ${args.minutes}`}`);
  const stats = await runFuzz({
    seed: args.seed,
    minutes: args.minutes,
    inputs: args.inputs,
    workers: args.workers,
    paths,
    workerUrl: new URL('./check-worker.js', import.meta.url),
    corpus: args.corpus,
    outDir: args.out,
    deadlineMs: args.deadlineMs,
    onProgress: (s) => console.log(progressLine(s)),
    log: (line) => console.log(line),
  });
  console.log('');
  console.log(summaryTable(stats, args.workers));
  return failureCount(stats) > 0 ? 1 : 0;
}

/** `--replay N`: input N of the seed, written out and checked. */
async function replay(args: Args, paths: FuzzPaths): Promise<number> {
  const input = makeInput(args.seed, args.replay!, await seedPicker(paths, args.corpus));
  const file = resolve(`fuzz-${args.seed}-${input.n}.${input.format}`);
  writeFileSync(file, input.bytes);
  console.log(`input ${input.n} of seed ${args.seed}: ${input.bytes.length} bytes from ${input.from}\n  ${input.op}\n  written to ${file}`);
  const checker = new Checker({ workerUrl: new URL('./check-worker.js', import.meta.url), packageUrl: paths.packageUrl, deadlineMs: args.deadlineMs });
  try {
    const r = await checker.check(input.bytes, input.options);
    r.verdicts.forEach((v, i) => console.log(`  ${JSON.stringify(input.options[i] ?? {})}: ${v.outcome} in ${v.ms.toFixed(0)} ms, ${(v.growth / 1048576).toFixed(1)} MB`));
    if (r.failure !== null) console.log(`  FAILED ${r.failure.kind}: ${r.failure.detail} (options ${JSON.stringify(r.failure.options)})`);
    return r.failure === null ? 0 : 1;
  } finally {
    await checker.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 2;
  },
);
