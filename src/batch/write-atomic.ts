/**
 * Atomic output: each file is written to a temp file in its own folder, then renamed over its final name,
 * so a reader (or a run interrupted at any instant, even by SIGKILL) sees either nothing or the whole file.
 * Temp files are named `.runjson-<pid>-<n>.tmp` (`.runjson-<pid>-<n>-<k>.tmp` when a worker writes them): hidden, never ending in `.json`, so they cannot be taken
 * for outputs, and a later run can tell whose they are and remove those of processes that are gone.
 *
 * No fsync: this protects against an interrupted process, not against a power cut (measured: an fsync per
 * file costs more than the conversion of a typical run).
 */
import { writeFile as writeFileCb } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';

// Callback form: less main-thread time per file than fs/promises' writeFile (measured, see convert-files.ts).
const writeFile = promisify(writeFileCb);
// `.runjson-<pid>-<n>.tmp` here, `.runjson-<pid>-<n>-<k>.tmp` from the workers (file-task.ts).
const TEMP_NAME = /^\.runjson-(\d+)-\d+(?:-\d+)?\.tmp$/;
let counter = 0;

/** A temp file name for this process, in `dir`. */
function tempPath(dir: string): string {
  return join(dir, `.runjson-${process.pid}-${counter++}.tmp`);
}

/**
 * Writes several files so that each appears whole. They are renamed into place last-to-first: when the
 * first one exists, all of them do (so `resume` only needs to look at the first).
 */
export async function writeFilesAtomic(files: { path: string; data: Uint8Array }[], madeDirs?: Set<string>): Promise<void> {
  const temps: string[] = [];
  try {
    for (const f of files) {
      const dir = dirname(f.path);
      if (madeDirs === undefined || !madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        madeDirs?.add(dir);
      }
      const tmp = tempPath(dir);
      temps.push(tmp);
      await writeFile(tmp, f.data, { flag: 'wx' });
    }
    for (let i = files.length - 1; i >= 0; i--) {
      await rename(temps[i], files[i].path);
      temps[i] = '';
    }
  } finally {
    for (const t of temps) if (t !== '') await rm(t, { force: true }).catch(() => undefined);
  }
}

/** Writes one file atomically. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await writeFilesAtomic([{ path, data: typeof data === 'string' ? new TextEncoder().encode(data) : data }]);
}

/**
 * Removes, below `dir`, the temp files left by runjson processes that no longer run (a run killed before
 * it could clean up). Returns how many were removed.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const m = TEMP_NAME.exec(e.name);
    if (m === null || !e.isFile()) continue;
    if (isAlive(Number(m[1]))) continue;
    await rm(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name), { force: true });
    removed++;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
