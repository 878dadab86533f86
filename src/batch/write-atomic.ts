/**
 * Atomic output, the one scheme of runjson: each file is written to a temp file in its own folder, then
 * renamed over its final name, so a reader (or a run interrupted at any instant, even by SIGKILL) sees
 * either nothing or the whole file. Both forms live here: {@link writeFilesAtomicSync} on the workers,
 * which write a batch's outputs (file-task.ts says why), and {@link writeFilesAtomic} on the main thread
 * (the report, the resume journal's compaction).
 *
 * Temp files are named `.runjson-<pid>-<n>.tmp` (main thread: one `<n>` per file) or
 * `.runjson-<pid>-<n>-<k>.tmp` (a worker's task: prefix `.runjson-<pid>-<n>` chosen by the main thread,
 * `<k>` the task's k-th output): hidden, never ending in an output extension, so they cannot be taken for
 * outputs; the pid says whose they are, so that a later run can remove those of processes that are gone
 * ({@link removeStaleTemps}), and the prefix lets the main thread remove a task's temps when its worker
 * dies mid-write ({@link removeTaskTemps}).
 *
 * Several files are renamed into place last-to-first: when the first exists, all of them do (so `resume`
 * only needs to look at the first).
 *
 * No fsync: this protects against an interrupted process, not against a power cut (measured: an fsync per
 * file costs more than the conversion of a typical run).
 */
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFile as writeFileCb, writeSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';

// Callback form: less main-thread time per file than fs/promises' writeFile (measured when the main
// thread still wrote every output of a batch).
const writeFile = promisify(writeFileCb);

/** Any runjson temp file, of either form; group 1 is the pid of the process that wrote it. */
const TEMP_NAME = /^\.runjson-(\d+)-\d+(?:-\d+)?\.tmp$/;

/**
 * Numbers the temp prefixes of this process. Module state on purpose: a prefix must be unique in the
 * process across every batch, pool and report running in it (the pid makes it unique across processes),
 * and one number costs nothing.
 */
let tempCounter = 0;

/** A new temp prefix, unique in this process: `.runjson-<pid>-<n>`. */
export function newTempPrefix(): string {
  return `.runjson-${process.pid}-${tempCounter++}`;
}

/** The temp file `<dir>/<prefix>.tmp`, or `<dir>/<prefix>-<k>.tmp` for output k of a task. */
function tempPath(dir: string, prefix: string, k?: number): string {
  return join(dir, k === undefined ? `${prefix}.tmp` : `${prefix}-${k}.tmp`);
}

/**
 * Writes files so that each appears whole, synchronously (a worker's form). Temp file k is
 * `<folder of paths[k]>/<prefix>-<k>.tmp`; the folders are made when missing. `produce(i, write)` makes
 * file i's bytes and hands them to `write` in order, in one chunk or several: each chunk may be a view
 * of a buffer reused for the next (an encoder's), as it is written before `write` returns.
 */
export function writeFilesAtomicSync(paths: string[], prefix: string, produce: (i: number, write: (chunk: Uint8Array) => void) => void): void {
  const temps: string[] = [];
  let fd: number | null = null;
  try {
    for (let i = 0; i < paths.length; i++) {
      const tmp = tempPath(dirname(paths[i]), prefix, i);
      // Opened on the first chunk, so that an encoder that throws leaves no temp file.
      produce(i, (chunk) => {
        if (fd === null) {
          temps.push(tmp);
          fd = openTemp(tmp);
        }
        writeAll(fd, chunk);
      });
      if (fd === null) {
        temps.push(tmp); // no chunk at all: an empty output
        fd = openTemp(tmp);
      }
      closeSync(fd);
      fd = null;
    }
    for (let i = paths.length - 1; i >= 0; i--) {
      renameSync(temps[i], paths[i]);
      temps[i] = '';
    }
  } finally {
    if (fd !== null) closeSync(fd);
    for (const t of temps) {
      if (t === '') continue;
      try {
        rmSync(t, { force: true });
      } catch {
        // Left for removeStaleTemps; the write error itself is what the caller reports.
      }
    }
  }
}

/** Opens a new temp file for writing; its folder is made on the first open that needs it (no stat or mkdir per file). */
function openTemp(tmp: string): number {
  try {
    return openSync(tmp, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dirname(tmp), { recursive: true });
    return openSync(tmp, 'wx');
  }
}

/** Writes the whole chunk (`writeSync` may write less than asked). */
function writeAll(fd: number, chunk: Uint8Array): void {
  for (let o = 0; o < chunk.length; ) o += writeSync(fd, chunk, o, chunk.length - o);
}

/**
 * Writes several files so that each appears whole (the main thread's form). `madeDirs`, when given,
 * remembers the folders already made, so that a folder is made once. A file's `mode` (default 0o666,
 * less the umask) is given to its temp file when it is made, so that a private file (credentials, 0o600)
 * is never readable by others, not even for an instant.
 */
export async function writeFilesAtomic(files: { path: string; data: Uint8Array; mode?: number }[], madeDirs?: Set<string>): Promise<void> {
  const temps: string[] = [];
  try {
    for (const f of files) {
      const dir = dirname(f.path);
      if (madeDirs === undefined || !madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        madeDirs?.add(dir);
      }
      const tmp = tempPath(dir, newTempPrefix());
      temps.push(tmp);
      await writeFile(tmp, f.data, { flag: 'wx', ...(f.mode === undefined ? {} : { mode: f.mode }) });
    }
    for (let i = files.length - 1; i >= 0; i--) {
      await rename(temps[i], files[i].path);
      temps[i] = '';
    }
  } finally {
    for (const t of temps) if (t !== '') await rm(t, { force: true }).catch(() => undefined);
  }
}

/** Writes one file atomically (`mode`: see {@link writeFilesAtomic}). */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode?: number): Promise<void> {
  await writeFilesAtomic([{ path, data: typeof data === 'string' ? new TextEncoder().encode(data) : data, ...(mode === undefined ? {} : { mode }) }]);
}

/**
 * Removes the temp files a task (temp prefix `prefix`) may have left beside `output` — its worker was
 * stopped or died mid-write. Best effort; returns how many were removed.
 */
export function removeTaskTemps(output: string, prefix: string): number {
  const dir = dirname(output);
  const start = `${prefix}-`;
  let removed = 0;
  try {
    for (const name of readdirSync(dir)) {
      if (name.startsWith(start) && name.endsWith('.tmp')) {
        rmSync(join(dir, name), { force: true });
        removed++;
      }
    }
  } catch {
    // The folder is gone or unreadable: nothing of ours to remove there.
  }
  return removed;
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
