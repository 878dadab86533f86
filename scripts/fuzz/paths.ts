/**
 * Where the fuzzer finds the project: the same code runs from `scripts/fuzz/` (tests) and from
 * `dist-bench/scripts/fuzz/` (the compiled command), so the root is found by walking up to runjson's own
 * package.json rather than by a fixed number of `..`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project root: the nearest folder above `from` whose package.json is runjson's. */
export function findRoot(from: string | URL = import.meta.url): string {
  let dir = dirname(typeof from === 'string' && !from.startsWith('file:') ? resolve(from) : fileURLToPath(from));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'runjson') return dir;
      } catch {
        // Not a readable package.json: keep walking up.
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no runjson package.json above ${String(from)}`);
    dir = up;
  }
}

/** The folders the fuzzer reads and writes, relative to the project root. */
export interface FuzzPaths {
  root: string;
  /** The project's own fixtures (`fixtures/{fit,tcx,gpx,json}`). */
  fixtures: string;
  /** The shared corpus (`../shared/corpus`), which a fresh clone lacks. */
  corpus: string;
  /** Where shrunk counterexamples are kept. */
  counterexamples: string;
  /** The built package the property is checked against (`dist/index.js`), as a file URL. */
  packageUrl: string;
}

/** The fuzzer's paths under `root`. */
export function fuzzPaths(root: string = findRoot()): FuzzPaths {
  return {
    root,
    fixtures: join(root, 'fixtures'),
    corpus: resolve(root, '..', 'shared', 'corpus'),
    counterexamples: join(root, 'fixtures', 'fuzz'),
    packageUrl: pathToFileURL(join(root, 'dist', 'index.js')).href,
  };
}
