/**
 * What `runjson pull` remembers between runs: one small hidden file in the output folder,
 * `.runjson-pull.json`, written atomically.
 *
 * It lives in the output folder rather than beside the convert journals in the cache folder: the
 * journals can be thrown away at any time (remaking them costs a local conversion), while losing this
 * file costs a download of the whole history through Smashrun's rate limits (250 requests an hour for a
 * personal token). Kept with the runs, it moves, is copied and is backed up with them, and deleting the
 * folder starts afresh. Its name starts with a dot, so that `convert`, `upload` and `validate`, which skip
 * hidden names when they walk a folder, never take it for a run.
 *
 * ```json
 * { "version": 1, "apiBase": "https://api.smashrun.com/v1", "userId": "1001",
 *   "formats": { "json": {
 *     "stamp": { "text": "2026-11-20T07:40:12.345", "ms": 1795161300000 },
 *     "runs": { "1000001": { "summary": "3f1c…", "start": "2026-11-20T07:32:10-05:00",
 *                             "file": "2026-11-20T07-32_1000001.json", "checked": 1795161300000 } } } } }
 * ```
 *
 * One section per target format (`--to`): each format's files are a copy of their own, brought up to date
 * by the pulls that write that format, so a pull to TCX says nothing of whether the JSON files are current.
 *
 * No token, no secret: the account is named by its Smashrun id only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../batch/write-atomic.js';

/** The state file's name in the output folder. */
export const PULL_STATE_FILE = '.runjson-pull.json';

/** Version of the state layout; a file of another version is read as no state. */
const STATE_VERSION = 1;

/** What the state knows of one run, for one target format. */
export interface PulledRun {
  /** Fingerprint of the run's summary in Smashrun's list when it was fetched (`summaryFingerprint`). */
  summary: string;
  /** Its `startDateTimeLocal` then (what its file is named after). */
  start: string | null;
  /** The file written for it: a name in the output folder; null when none could be (no recordings). */
  file: string | null;
  /** It has no recordings (entered by hand): no file can hold it. */
  noRecordings?: true;
  /**
   * The start (this machine's clock, ms) of the last pull that fetched the run or found its file current:
   * the file is Smashrun's run as of then. A later pull asks Smashrun what changed since then.
   */
  checked: number;
}

/** Smashrun's time of the last change to any run, as a pull read it when it started. */
export interface Stamp {
  /** `dateTimeUTCOfLastRunDataUpdated`, as Smashrun wrote it (null when userinfo gave none). */
  text: string | null;
  /** When that pull started (this machine's clock, ms). */
  ms: number;
}

/** The runs of one target format in the folder. */
export interface FormatState {
  /**
   * What the last pull of this format read: when Smashrun still gives the same text, nothing changed since,
   * and runs checked at or after `ms` need no question. `null` before the first pull.
   */
  stamp: Stamp | null;
  runs: Record<string, PulledRun>;
}

/** The state of one output folder. */
export interface PullState {
  version: typeof STATE_VERSION;
  /** The API the runs came from. */
  apiBase: string;
  /** The Smashrun account they belong to. */
  userId: string;
  /** By target format. */
  formats: Record<string, FormatState>;
}

/** The state file of an output folder. */
export function statePath(outDir: string): string {
  return join(outDir, PULL_STATE_FILE);
}

/** A new, empty state. */
export function emptyState(apiBase: string, userId: string): PullState {
  return { version: STATE_VERSION, apiBase, userId, formats: {} };
}

/**
 * Reads the state of `outDir`: `null` when there is none; `'unreadable'` when the file is there but is not
 * a state runjson can use (damaged, another version) — the caller says so and starts afresh, which costs
 * downloads but loses nothing.
 */
export async function readState(outDir: string): Promise<PullState | null | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(statePath(outDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return 'unreadable';
  }
  try {
    const doc: unknown = JSON.parse(text);
    return isState(doc) ? doc : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** Writes the state atomically (a reader, or a pull killed at any instant, sees the old file or the new one). */
export async function writeState(outDir: string, state: PullState): Promise<void> {
  await writeFileAtomic(statePath(outDir), JSON.stringify(state) + '\n');
}

function isState(x: unknown): x is PullState {
  if (!isObject(x)) return false;
  if (x.version !== STATE_VERSION || typeof x.apiBase !== 'string' || typeof x.userId !== 'string' || !isObject(x.formats)) return false;
  return Object.values(x.formats).every(isFormatState);
}

function isFormatState(x: unknown): x is FormatState {
  if (!isObject(x) || !isObject(x.runs)) return false;
  const m = x.stamp;
  if (m !== null && !(isObject(m) && typeof m.ms === 'number' && (m.text === null || typeof m.text === 'string'))) return false;
  return Object.values(x.runs).every(
    (r) =>
      isObject(r) &&
      typeof r.summary === 'string' &&
      typeof r.checked === 'number' &&
      (r.start === null || typeof r.start === 'string') &&
      (r.file === null || (typeof r.file === 'string' && isPlainName(r.file))),
  );
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A file name with no folder part: a state file edited by hand cannot make a pull touch files elsewhere. */
function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\]/.test(name);
}
