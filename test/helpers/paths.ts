/** Where test inputs live: the project's own `fixtures/`, and the shared corpus when it is present. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(ROOT, 'fixtures');
export const CORPUS = resolve(ROOT, '..', 'shared', 'corpus');
/** True when `../shared/corpus` exists (CI and developer machines; not a fresh clone elsewhere). */
export const HAS_CORPUS = existsSync(join(CORPUS, 'MANIFEST.tsv'));

/** Files under `dir` (relative to fixtures/ or the corpus) whose names end with `ext`, sorted. */
export function listFiles(base: string, dir: string, ext: string): string[] {
  const full = join(base, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full)
    .filter((f) => f.toLowerCase().endsWith(ext))
    .sort()
    .map((f) => join(full, f));
}

export function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** One row of the corpus MANIFEST.tsv. */
export interface ManifestRow {
  file: string;
  license: string;
  device: string;
  sport: string;
  notes: string;
}

/** The corpus manifest, or [] without the corpus. */
export function manifest(): ManifestRow[] {
  if (!HAS_CORPUS) return [];
  const lines = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').split('\n');
  const rows: ManifestRow[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const c = line.split('\t');
    rows.push({ file: c[0], license: c[4], device: c[5], sport: c[6], notes: c[7] ?? '' });
  }
  return rows;
}
