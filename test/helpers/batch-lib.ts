/** The built `runjson/batch` module (the pool's worker runs built JS), typed from the sources. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Batch from '../../src/batch/index.js';
import { requireBuild } from './built.js';
import { ROOT } from './paths.js';

/** Imports `dist/batch/index.js`. */
export async function loadBatch(): Promise<typeof Batch> {
  requireBuild();
  return (await import(pathToFileURL(join(ROOT, 'dist', 'batch', 'index.js')).href)) as typeof Batch;
}

/** The crashing test worker. */
export const CRASH_WORKER = pathToFileURL(join(ROOT, 'test', 'helpers', 'crash-worker.mjs'));
