/**
 * One look at a watched folder: the files runjson reads in it and its subfolders, each with its size and
 * modification time. A folder that is not there (a watch unplugged, a sync folder not mounted yet) is an
 * answer, not an error: `watch` waits for it.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { INPUT_NAME } from '../../batch/plan.js';

/** A file seen by a scan. */
export interface SeenFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** What one scan of a folder found. */
export type FolderScan = { present: true; files: SeenFile[] } | { present: false; reason: string };

/** Options of {@link scanFolder}. */
export interface ScanOptions {
  /** Look into subfolders. */
  recursive: boolean;
  /**
   * Deepest subfolder level looked into: a bound against a link loop or a folder tree that is not a
   * device's (a phone's sync folders are one or two levels deep).
   */
  maxDepth?: number;
}

/** Subfolder levels looked into by default. */
export const DEFAULT_MAX_DEPTH = 8;

/**
 * The files of `dir` that runjson reads (`.fit .tcx .gpx .json` and their `.gz`, any case; names starting
 * with a dot skipped: hidden files, macOS `._` forks, runjson's temp files).
 */
export async function scanFolder(dir: string, options: ScanOptions): Promise<FolderScan> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) return { present: false, reason: 'not a folder' };
  } catch (e) {
    return { present: false, reason: errnoText(e) };
  }
  const files: SeenFile[] = [];
  const top = await walk(dir, options.recursive ? (options.maxDepth ?? DEFAULT_MAX_DEPTH) : 0, files);
  // The folder went away between its stat and its listing: the same as not there.
  if (top !== null) return { present: false, reason: top };
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { present: true, files };
}

/** Lists `dir` into `out`; returns why the folder itself could not be listed, or null. */
async function walk(dir: string, depth: number, out: SeenFile[]): Promise<string | null> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    return errnoText(e);
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // A subfolder that cannot be listed is left out of this scan; the next one tries again.
      if (depth > 0) await walk(path, depth - 1, out);
      continue;
    }
    if (!INPUT_NAME.test(entry.name)) continue;
    try {
      // stat, not the entry's type: a link to a file counts, and size and time are needed anyway.
      const s = await stat(path);
      if (s.isFile()) out.push({ path, size: s.size, mtimeMs: s.mtimeMs });
    } catch {
      // Gone since the listing (moved away, the device unplugged): not there.
    }
  }
  return null;
}

/** `ENOENT`-style code of a file system error, in words where they help. */
export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not there';
  if (code === 'EACCES' || code === 'EPERM') return 'not readable (permission denied)';
  if (code === 'ENOTDIR') return 'not a folder';
  return code ?? 'cannot be read';
}
