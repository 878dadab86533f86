/**
 * The fuzzer's check worker for tests: vitest runs TypeScript in its own process, but a worker thread
 * needs JavaScript, so `scripts/fuzz/check-worker.ts` is bundled with esbuild into a temporary file (its
 * only dynamic import, the package under test, stays a runtime import of `dist/index.js`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { fuzzPaths } from '../../scripts/fuzz/paths.js';
import { Checker } from '../../scripts/fuzz/pool.js';
import { requireBuild } from './built.js';
import { ROOT } from './paths.js';

/** The fuzzer's paths for this checkout. */
export const FUZZ_PATHS = fuzzPaths(ROOT);

/** A bundled check worker, and how to remove it. */
export interface BundledWorker {
  url: URL;
  dispose(): void;
}

/** Bundles the check worker into a temporary folder. */
export async function bundleCheckWorker(): Promise<BundledWorker> {
  requireBuild();
  const dir = mkdtempSync(join(tmpdir(), 'runjson-fuzz-'));
  const outfile = join(dir, 'check-worker.mjs');
  await build({
    entryPoints: [join(ROOT, 'scripts', 'fuzz', 'check-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  return { url: pathToFileURL(outfile), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A checker (one worker thread) over the bundled worker and the built package. */
export function checkerFor(worker: BundledWorker, deadlineMs = 10_000): Checker {
  return new Checker({ workerUrl: worker.url, packageUrl: FUZZ_PATHS.packageUrl, deadlineMs });
}
