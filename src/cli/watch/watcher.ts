/**
 * The loop of `runjson watch`: scan the folders every interval, wait until each new or changed file is
 * whole (its size and time unchanged across the settle time, and its format saying so), send it once,
 * queue what could not reach Smashrun and try again with a growing wait.
 *
 * Polling, not `fs.watch`, is what sees the files: it survives a folder that disappears (the watch
 * unplugged) and comes back (plugged in again), USB mounts and network folders whose change events are
 * unreliable, and it costs one `stat` per file per interval.
 *
 * A file version is its path, size and modification time: each version is looked at once, so a file
 * copied again with other content is sent again (and the sent journal makes an unchanged run
 * `already-sent` without a request).
 */
import { readFile, stat } from 'node:fs/promises';
import type { FileOutcome, RunOutcome } from '../upload/sender.js';
import { Backoff } from './backoff.js';
import { completeness } from './completeness.js';
import { errnoText, scanFolder, type SeenFile } from './scan.js';

/** What the watcher needs from the command. */
export interface WatcherOptions {
  /** The folders watched. */
  dirs: string[];
  /** Milliseconds between two scans. */
  intervalMs: number;
  /** Milliseconds a file's size and time must stay the same before it is read. */
  settleMs: number;
  /** Milliseconds after its last change when a file still not whole is reported as incomplete. */
  incompleteMs: number;
  /** First wait after Smashrun could not be reached, milliseconds (then doubled). */
  retryMinMs: number;
  /** Longest wait between two tries, milliseconds. */
  retryMaxMs: number;
  /** Look into subfolders. */
  recursive: boolean;
  /** Leave alone the files already there when the watch starts (see the command's help). */
  newOnly: boolean;
  /** Files larger than this are not read for the completeness check (the converter refuses them). */
  maxBytes: number;
  /** Sends one file (the sender's `sendFile`). */
  send(path: string, signal?: AbortSignal): Promise<FileOutcome>;
  /** The line of one run's outcome (the sender's `outcomeLine`). */
  runLine(file: FileOutcome, run: RunOutcome): string;
  /** The line of a file skipped or failed as a whole (the sender's `fileOutcomeLines`). */
  fileLines(file: FileOutcome): string[];
  /** Writes one log line (without its timestamp and newline). */
  log(line: string): void;
  /**
   * A stamp of the login (the credentials file's size and time): when it changes (`runjson login` again
   * after a token expired or was revoked), files whose runs failed are tried again.
   */
  loginStamp?: () => Promise<string>;
  /** Stops the watch. */
  signal?: AbortSignal;
  /** The clock, milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** What a watch did, for its closing line and the exit code of `--once`. */
export interface WatchTotals {
  uploaded: number;
  updated: number;
  alreadySent: number;
  wouldSend: number;
  rejected: number;
  held: number;
  /** Runs and files that failed (conversion, refusal of another kind, or not sent by the end of `--once`). */
  failed: number;
  skipped: number;
  incomplete: number;
}

type State =
  /** Seen; waiting for its size and time to settle, then for its format to say it is whole. */
  | 'settling'
  /** Whole; waiting to be sent (or sent again after Smashrun could not be reached). */
  | 'queued'
  /** Looked at: sent, refused, skipped, failed. Looked at again only when it changes. */
  | 'done'
  /** Not whole long after its last change: reported once, looked at again only when it changes. */
  | 'incomplete'
  /** There when the watch started, with `newOnly`. */
  | 'ignored';

interface Tracked {
  /** The watched folder it was found in. */
  root: string;
  path: string;
  size: number;
  mtimeMs: number;
  /** When this version was first seen. */
  seenAt: number;
  state: State;
  /** Found by the first scan of its folder (at start, or when the folder came back): its quiet outcomes are counted, not listed. */
  initial: boolean;
  /** A run of it failed for good as things were (a token refused): tried again when the login changes. */
  failedRun: boolean;
}

type FolderState = 'unknown' | 'present' | 'absent';

/** The watch loop (see the top of the file). */
export class Watcher {
  readonly #o: WatcherOptions;
  readonly #now: () => number;
  readonly #files = new Map<string, Tracked>();
  readonly #folders = new Map<string, FolderState>();
  readonly #backoff: Backoff;
  #firstScan = true;
  /** Running `--once`: nothing is waited for. */
  #once = false;
  /** The login's stamp at the last look (null before the first). */
  #loginStamp: string | null = null;
  /** Quiet outcomes of files already there, shown as one line per scan. */
  #quiet = { alreadySent: 0, notRuns: 0 };
  readonly totals: WatchTotals = { uploaded: 0, updated: 0, alreadySent: 0, wouldSend: 0, rejected: 0, held: 0, failed: 0, skipped: 0, incomplete: 0 };

  constructor(options: WatcherOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#backoff = new Backoff(options.retryMinMs, options.retryMaxMs);
    for (const dir of options.dirs) this.#folders.set(dir, 'unknown');
  }

  /**
   * Watches until the signal aborts. Throws the signal's reason when it aborts during an upload (the
   * sender abandons it; its journal stays consistent), else returns.
   */
  async run(): Promise<void> {
    const signal = this.#o.signal;
    while (signal?.aborted !== true) {
      await this.tick(false);
      await sleep(this.#o.intervalMs, signal);
    }
  }

  /**
   * `--once`: looks, waits the settle time, looks again and sends what is whole; what is not (still
   * changing, incomplete, not reachable) is reported and counted as failed.
   */
  async once(): Promise<void> {
    this.#once = true;
    await this.tick(false);
    await sleep(this.#o.settleMs, this.#o.signal);
    if (this.#o.signal?.aborted === true) return;
    await this.tick(true);
    for (const t of this.#files.values()) {
      if (t.state === 'settling') {
        this.#o.log(`${label('not sent')}${t.path}: still changing (run again once it is written)`);
        this.totals.failed++;
      } else if (t.state === 'queued') {
        this.#o.log(`${label('not sent')}${t.path}: Smashrun could not be reached`);
        this.totals.failed++;
      }
    }
  }

  /** One scan of every folder, then the files that are ready. `final`: the last look of `--once`. */
  async tick(final: boolean): Promise<void> {
    await this.#checkLogin();
    for (const dir of this.#o.dirs) await this.#scan(dir);
    this.#firstScan = false;
    await this.#process(final);
    const q = this.#quiet;
    if (q.alreadySent + q.notRuns > 0) {
      const parts = [];
      if (q.alreadySent > 0) parts.push(`${q.alreadySent} ${q.alreadySent === 1 ? 'run' : 'runs'} already sent`);
      if (q.notRuns > 0) parts.push(`${q.notRuns} ${q.notRuns === 1 ? 'file is not a run' : 'files are not runs'}`);
      this.#o.log(`checked the files already there: ${parts.join(', ')}`);
      this.#quiet = { alreadySent: 0, notRuns: 0 };
    }
  }

  async #checkLogin(): Promise<void> {
    if (this.#o.loginStamp === undefined) return;
    const stamp = await this.#o.loginStamp();
    const was = this.#loginStamp;
    this.#loginStamp = stamp;
    if (was === null || stamp === was) return;
    let n = 0;
    for (const t of this.#files.values()) {
      if (t.state === 'done' && t.failedRun) {
        t.state = 'queued';
        t.failedRun = false;
        n++;
      }
    }
    if (n > 0) this.#o.log(`the login changed: trying again the ${n === 1 ? 'file' : `${n} files`} whose runs failed`);
  }

  async #scan(dir: string): Promise<void> {
    const was = this.#folders.get(dir) ?? 'unknown';
    const scan = await scanFolder(dir, { recursive: this.#o.recursive });
    if (!scan.present) {
      if (was !== 'absent') {
        this.#o.log(this.#once ? `${label('no folder')}${dir}: ${scan.reason}` : `waiting for ${dir} (${scan.reason})`);
        // Its files are looked at again when it comes back: a watch plugged in again may hold new runs
        // under old names, and the sent journal skips the rest without a request.
        for (const [path, t] of this.#files) if (t.root === dir) this.#files.delete(path);
      }
      this.#folders.set(dir, 'absent');
      return;
    }
    if (was === 'absent') this.#o.log(`${dir} is back: looking at its files`);
    else if (was === 'unknown') this.#o.log(`watching ${dir}`);
    this.#folders.set(dir, 'present');
    const now = this.#now();
    const seen = new Set<string>();
    for (const f of scan.files) {
      seen.add(f.path);
      const t = this.#files.get(f.path);
      if (t !== undefined && t.size === f.size && t.mtimeMs === f.mtimeMs) continue;
      this.#files.set(f.path, this.#newVersion(dir, f, now, t === undefined && was !== 'present'));
    }
    for (const [path, t] of this.#files) if (t.root === dir && !seen.has(path)) this.#files.delete(path);
  }

  #newVersion(root: string, f: SeenFile, now: number, initial: boolean): Tracked {
    const ignored = this.#o.newOnly && this.#firstScan;
    return { root, path: f.path, size: f.size, mtimeMs: f.mtimeMs, seenAt: now, state: ignored ? 'ignored' : 'settling', initial, failedRun: false };
  }

  async #process(final: boolean): Promise<void> {
    // The queue first (oldest change first), then new files in the order they were written.
    const ready = [...this.#files.values()]
      .filter((t) => t.state === 'queued' || t.state === 'settling')
      .sort((a, b) => (a.state === b.state ? a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : 1) : a.state === 'queued' ? -1 : 1));
    for (const t of ready) {
      if (this.#o.signal?.aborted === true) return;
      // Dropped earlier in this pass (it went away while it was read).
      if (this.#files.get(t.path) !== t) continue;
      if (t.state === 'settling' && !(await this.#settled(t, final))) continue;
      if (this.#backoff.holds(this.#now())) continue;
      await this.#send(t, final);
    }
  }

  /** Whether a settling file is whole now; reports it as incomplete when it stays not whole too long. */
  async #settled(t: Tracked, final: boolean): Promise<boolean> {
    const age = this.#now() - t.seenAt;
    if (age < this.#o.settleMs) return false;
    if (t.size > this.#o.maxBytes) {
      // Too large to read here: the sender reads it and says why it is refused.
      t.state = 'queued';
      return true;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFile(t.path);
    } catch (e) {
      const why = errnoText(e);
      if (why === 'not there') this.#files.delete(t.path);
      else if (age >= this.#o.incompleteMs || final) this.#incomplete(t, `cannot be read (${why})`);
      return false;
    }
    if (bytes.length !== t.size) {
      // Written to since the scan: a new version, settling from now.
      t.size = bytes.length;
      t.seenAt = this.#now();
      return false;
    }
    const c = completeness(bytes);
    if (c.complete) {
      t.state = 'queued';
      return true;
    }
    if (age >= this.#o.incompleteMs || final) this.#incomplete(t, c.reason);
    return false;
  }

  #incomplete(t: Tracked, reason: string): void {
    t.state = 'incomplete';
    this.totals.incomplete++;
    this.#o.log(`${label('incomplete')}${t.path}: ${reason}; not sent until it changes (runjson upload sends it as it is)`);
  }

  async #send(t: Tracked, final: boolean): Promise<void> {
    let outcome: FileOutcome;
    try {
      outcome = await this.#o.send(t.path, this.#o.signal);
    } catch (e) {
      if (this.#o.signal?.aborted === true) throw e;
      // Neither a bad file nor a failed upload (the outcome holds those): the sent journal could not be
      // written (a full disk, a folder made read-only). A watch keeps going and tries the file again later.
      this.#retryLater(t, e instanceof Error ? e.message : String(e), final);
      return;
    }
    if (outcome.status === 'failed' && outcome.runs.length === 0) {
      // A file that went away or changed while it was read (the watch unplugged): the scan finds what
      // is there now; nothing to report about a version that is gone.
      if (!(await this.#unchanged(t))) {
        this.#files.delete(t.path);
        return;
      }
      t.state = 'done';
      this.totals.failed++;
      for (const line of this.#o.fileLines(outcome)) this.#o.log(line);
      return;
    }
    if (outcome.status === 'skipped') {
      t.state = 'done';
      this.totals.skipped++;
      if (t.initial) this.#quiet.notRuns++;
      else for (const line of this.#o.fileLines(outcome)) this.#o.log(line);
      return;
    }
    let retry: RunOutcome | null = null;
    t.failedRun = false;
    for (const run of outcome.runs) {
      if (run.status === 'failed' && run.retryable === true) {
        retry ??= run;
        continue;
      }
      if (run.status === 'failed') t.failedRun = true;
      this.#count(run);
      if (run.status === 'already-sent' && t.initial) this.#quiet.alreadySent++;
      else this.#o.log(this.#o.runLine(outcome, run));
    }
    if (retry === null) {
      t.state = 'done';
      this.#backoff.succeed();
      return;
    }
    // Runs of the file that did go are in the sent journal: the next try sends only the rest.
    this.#retryLater(t, retry.reason ?? 'Smashrun could not be reached', final);
  }

  /** Queues a file for another try after the backoff's wait (`--once`: reports it as not sent). */
  #retryLater(t: Tracked, reason: string, final: boolean): void {
    t.state = 'queued';
    const wait = this.#backoff.fail(this.#now());
    const waiting = [...this.#files.values()].filter((x) => x.state === 'queued').length;
    this.#o.log(
      final
        ? `${label('not sent')}${t.path}: ${reason}`
        : `${label('will retry')}${t.path}: ${reason}; trying again in ${seconds(wait)} (${waiting} ${waiting === 1 ? 'file' : 'files'} waiting)`,
    );
    if (final) {
      t.state = 'done';
      this.totals.failed++;
    }
  }

  #count(run: RunOutcome): void {
    const k = this.totals;
    switch (run.status) {
      case 'uploaded':
        k.uploaded++;
        break;
      case 'updated':
        k.updated++;
        break;
      case 'already-sent':
        k.alreadySent++;
        break;
      case 'would-send':
        k.wouldSend++;
        break;
      case 'rejected':
        k.rejected++;
        break;
      case 'held':
        k.held++;
        break;
      case 'failed':
        k.failed++;
        break;
    }
  }

  async #unchanged(t: Tracked): Promise<boolean> {
    try {
      const s = await stat(t.path);
      return s.size === t.size && s.mtimeMs === t.mtimeMs;
    } catch {
      return false;
    }
  }
}

/** The status column, as wide as the sender's (`outcomeLine`). */
function label(status: string): string {
  return status.padEnd(13);
}

/** `5 s`, `2 min`, `1.5 s`. */
export function seconds(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  const s = ms / 1000;
  return `${Number(s.toFixed(s < 1 ? 2 : 1))} s`;
}

/** Waits `ms`, or less when `signal` aborts (never throws). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
