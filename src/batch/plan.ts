/**
 * Which files a batch converts and where each one's outputs go.
 *
 * Folders are walked recursively for `.fit .tcx .gpx .json` and their `.gz` (any case); names starting
 * with a dot are skipped (hidden files, macOS `._run.fit` resource forks, runjson's own temp files), and
 * so is the output folder when it lies inside an input folder. A file named on its own is taken whatever
 * its extension: the format is sniffed from the content, never trusted from the name.
 *
 * Output names: `<OUTDIR>/<path relative to its input folder>/<stem>.<ext>`, where the stem is the file
 * name without `.gz` and without its format extension (`run.fit.gz` → `run`) and `<ext>` the target
 * format's (`json` for Activity JSON). A file holding several activities gives `<stem>-1.<ext>`,
 * `<stem>-2.<ext>`, …. When two inputs would claim the same name (or one input's `<stem>-N.<ext>` could
 * meet another's), the first in plan order keeps `<stem>`, and each later one takes its full file name as
 * the stem (`run.tcx` → `run.tcx.json`), then `~2`, `~3`… should even that be taken. Names are compared
 * case-insensitively (macOS and Windows folders are). The plan is computed before anything converts, so
 * the names do not depend on which worker finishes first and stay the same from one run to the next
 * (which `resume` relies on).
 *
 * The plan hands out stems only: every output of a batch is a stem, maybe `-N`, then the one extension
 * of the batch's target format, so stems that cannot meet give outputs that cannot meet, whatever that
 * extension (see {@link OutputNames}).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { TaskError } from './convert-task.js';

/** One file of a batch. */
export interface PlannedFile {
  /** Position in the plan (0-based). */
  index: number;
  /** The input path (as given, or joined below the folder that was given). */
  input: string;
  /** Path relative to the folder it was found in (its file name when the file was named directly), `/`-separated. */
  relative: string;
  /**
   * Output path without its extension (`OUTDIR/sub/run`), or null when the batch writes no files. The
   * outputs are `<output>.<ext>` for one activity, `<output>-1.<ext>`, `<output>-2.<ext>`… for several
   * (`outputPaths()`).
   */
  output: string | null;
  /** Set when the file failed before conversion could start (a folder that could not be listed). */
  error?: TaskError;
}

/** File names a folder walk picks up. */
export const INPUT_NAME = /\.(fit|tcx|gpx|json)(\.gz)?$/i;
const FORMAT_EXT = /\.(fit|tcx|gpx|json)$/i;

/** Expands files and folders into the list of files to convert, and names their outputs. */
export async function planFiles(inputs: Iterable<string>, outDir?: string): Promise<PlannedFile[]> {
  const found: { input: string; relative: string; error?: TaskError }[] = [];
  const seen = new Set<string>();
  const outAbs = outDir === undefined ? null : resolve(outDir);
  const add = (input: string, rel: string, error?: TaskError): void => {
    const abs = resolve(input);
    if (seen.has(abs)) return;
    seen.add(abs);
    found.push({ input, relative: rel.split(sep).join('/'), ...(error === undefined ? {} : { error }) });
  };
  for (const input of inputs) {
    let isDir = false;
    try {
      isDir = statSync(input).isDirectory();
    } catch {
      // Missing or unreadable: planned anyway, so the read fails and the file is reported with its reason.
    }
    if (!isDir) {
      add(input, basename(input));
      continue;
    }
    const files: Found[] = [];
    await walk(input, outAbs, files, { listed: 0 });
    for (const f of files) add(f.path, relative(input, f.path) || basename(f.path), f.error);
  }
  const names = new OutputNames();
  return found.map((f, index) => ({
    index,
    input: f.input,
    relative: f.relative,
    output: outDir === undefined || f.error !== undefined ? null : join(outDir, names.claim(dirname(f.relative), basename(f.relative))),
    ...(f.error === undefined ? {} : { error: f.error }),
  }));
}

/** `run.fit.gz` → `run`; names without a format extension keep their full name. */
export function outputStem(fileName: string): string {
  const noGz = fileName.replace(/\.gz$/i, '');
  const stem = noGz.replace(FORMAT_EXT, '');
  return stem === '' ? noGz : stem;
}

/** Folders listed so far by one walk of an input folder (not shared between concurrent plans). */
interface WalkState {
  listed: number;
}

async function walk(dir: string, skip: string | null, out: Found[], state: WalkState): Promise<void> {
  if (skip !== null && resolve(dir) === skip) return;
  // Synchronous listing, yielding to the event loop every few folders: measured on 300 files in 120
  // folders (warm cache), the plan took 9–17 ms with fs/promises (a thread-pool round trip per folder)
  // and 2–5 ms like this — and the plan is the one part of a batch that no worker can share.
  if (++state.listed % 32 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    // A folder that cannot be listed is reported as a failed input, not skipped in silence.
    out.push({ path: dir, error: { code: 'read-error', message: (e as Error).message } });
    return;
  }
  // Sorted by code point, so the plan (and the output names) are the same on every machine.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      await walk(path, skip, out, state);
    } else if (INPUT_NAME.test(e.name)) {
      // Symbolic links to files are followed; links to folders are not (no cycles).
      if (e.isSymbolicLink() && !statOrNull(path)?.isFile()) continue;
      if (e.isFile() || e.isSymbolicLink()) out.push({ path });
    }
  }
}

function statOrNull(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

interface Found {
  path: string;
  error?: TaskError;
}

/**
 * Hands out output stems, one folder at a time, so that no two inputs' outputs can meet: outputs are
 * `<stem>.<ext>` or `<stem>-<N>.<ext>` with one `<ext>` per batch, so two stems' outputs meet only when
 * the stems are equal or one is the other's `-<N>` — the two cases refused below.
 */
class OutputNames {
  /** Per relative folder: stems taken (lower case), and X for every taken stem that looks like `X-<digits>`. */
  private readonly dirs = new Map<string, { taken: Set<string>; dashBases: Set<string> }>();

  claim(dir: string, fileName: string): string {
    let d = this.dirs.get(dir.toLowerCase());
    if (d === undefined) {
      d = { taken: new Set(), dashBases: new Set() };
      this.dirs.set(dir.toLowerCase(), d);
    }
    const stem = outputStem(fileName);
    const candidates = stem === fileName ? [fileName] : [stem, fileName];
    for (let i = 0; ; i++) {
      const c = i < candidates.length ? candidates[i] : `${fileName}~${i - candidates.length + 2}`;
      const key = c.toLowerCase();
      const dash = /^(.*)-\d+$/.exec(key);
      // Taken outright; or c is `X-N` and X may write `X-N.<ext>`; or someone's `X-N` may be c's own `c-N.<ext>`.
      if (d.taken.has(key) || (dash !== null && d.taken.has(dash[1])) || d.dashBases.has(key)) continue;
      d.taken.add(key);
      if (dash !== null) d.dashBases.add(dash[1]);
      return dir === '.' || dir === '' ? c : join(dir, c);
    }
  }
}
