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
 * The files are copies of the project's FIT fixtures (generated Activity JSON when no fixture converts),
 * in nested folders. files/s = files ÷ mean seconds.
 *
 * Reproduce: `npm run bench -- --only batch`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertFiles, ConvertPool, type FileResult } from '../../src/batch/index.js';
import { convertSync } from '../../src/convert.js';
import { makeActivityJson } from '../../test/pool/make-activity.js';
import type { BenchGroup } from '../harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIT_FIXTURES = join(ROOT, 'fixtures', 'fit');

/** FIT fixtures that convert today; else one generated Activity JSON run. */
function sources(): { ext: string; bytes: Uint8Array }[] {
  const out: { ext: string; bytes: Uint8Array }[] = [];
  for (const f of readdirSync(FIT_FIXTURES).sort()) {
    if (!f.toLowerCase().endsWith('.fit')) continue;
    const bytes = new Uint8Array(readFileSync(join(FIT_FIXTURES, f)));
    try {
      convertSync(bytes);
      out.push({ ext: '.fit', bytes });
    } catch {
      // Not convertible (yet): left out of the benchmark.
    }
  }
  if (out.length === 0) out.push({ ext: '.json', bytes: new TextEncoder().encode(makeActivityJson({ samples: 4000, seed: 1 })) });
  return out;
}

export async function groups(): Promise<BenchGroup[]> {
  const quick = process.argv.includes('--quick');
  const files = quick ? 100 : 300;
  const src = sources();
  const dir = mkdtempSync(join(tmpdir(), 'runjson-bench-batch-'));
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

  const pools = new Map([1, 2].map((n) => [n, new ConvertPool({ threads: n })]));
  const batch = async (concurrency: number, outDir: string): Promise<FileResult[]> => {
    const results: FileResult[] = [];
    for await (const r of convertFiles(input, { concurrency, outDir, pool: pools.get(concurrency) })) results.push(r);
    return results;
  };
  // Warm every path once (JIT in each worker and in this thread).
  for (const c of [1, 2, 0]) await batch(c, out(String(c)));
  const kind = src[0].ext === '.fit' ? `fit-fixture-copies` : 'generated-json';
  // One batch ahead of the timing, on 2 workers, whose outputs check() compares with the core's.
  const checked = await batch(2, out('check'));

  return [
    {
      name: `batch/${kind}/${files}-files`,
      bytes,
      tasks: [
        { name: 'pool, 1 worker', fn: () => batch(1, out('1')) },
        { name: 'pool, 2 workers', fn: () => batch(2, out('2')) },
        { name: 'in-process (no pool)', fn: () => batch(0, out('0')) },
      ],
      check() {
        if (checked.length !== files) throw new Error(`batch: ${checked.length} results for ${files} files`);
        for (const r of checked) {
          if (r.status !== 'converted') throw new Error(`batch: ${r.input} ${r.status} ${r.error?.code ?? ''}`);
          const expected = convertSync(readFileSync(r.input)).activities.map((a) => a.toJson());
          const got = r.outputs.map((o) => readFileSync(o, 'utf8'));
          if (got.length !== expected.length || got.some((g, i) => g !== expected[i])) throw new Error(`batch: output of ${r.input} differs from convertSync`);
        }
      },
      ratios: [
        { label: '2 workers vs 1 worker (2 cores)', faster: 'pool, 2 workers', slower: 'pool, 1 worker', target: 1.7 },
        { label: 'pool overhead: in-process vs 1-worker pool', faster: 'pool, 1 worker', slower: 'in-process (no pool)', target: 0.9 },
      ],
    },
  ];
}
