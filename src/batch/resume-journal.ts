/**
 * What `resume` trusts: a journal per output folder, kept in the user's cache folder (journal-path.ts
 * says where and how it is named), with one line per converted file — the output name, the input's
 * absolute path, size and modification time — appended with one `write` to an `O_APPEND` descriptor right
 * after the outputs are renamed into place, so it survives a kill as well as the outputs do. Its first
 * line names the output folder (`{"outDir":"/home/ana/json"}`), so that a person can tell what it is for
 * and a journal is never read for another folder.
 *
 * Why not only "the output is newer than the input": output names depend on the set of inputs (the first
 * of two colliding names keeps the short one). If a later run adds `run.fit` beside an already converted
 * `run.tcx`, `run.json` now belongs to `run.fit` — and, being newer than it, would be taken as its output
 * although it holds the TCX conversion; the FIT file would never be converted. With the journal, an output
 * counts as done only when it was written from this very input, unchanged since. Outputs with no journal
 * line (written before the journal existed, or by other means) fall back to the mtime rule.
 *
 * Why not in the output folder, where it used to be (`OUTDIR/.runjson-journal.jsonl`): the folder is the
 * runner's, and should hold what they asked for and nothing else. Such a journal, left by an older version,
 * is merged into the cache's once and then removed.
 *
 * When the cache folder cannot be written, the batch goes on without the journal and says so once: a
 * later resume judges this batch's outputs by the mtime rule.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { journalPathFor, realPathOf } from './journal-path.js';
import { removeStaleTemps, writeFileAtomic } from './write-atomic.js';

/** Name of the journal older versions kept inside the output folder. */
export const LEGACY_JOURNAL_NAME = '.runjson-journal.jsonl';

/** One journal line. */
export interface JournalEntry {
  /** Output stem, relative to OUTDIR (`sub/run`). */
  o: string;
  /** Absolute input path. */
  i: string;
  /** Input size in bytes. */
  s: number;
  /** Input modification time (ms). */
  m: number;
  /** Number of outputs (activities). */
  n: number;
}

/** The first line of a journal: the output folder it is for (its real path). */
interface JournalHeader {
  outDir: string;
}

/** Where a journal goes and whom it tells when it cannot be written. */
export interface JournalOptions {
  /** The folder of journals (`convertFiles`' `journalDir`). */
  dir: string;
  /** Told once, when the journal cannot be written: the batch goes on without it. */
  onError: (error: Error) => void;
}

/** The journal of one output folder. */
export class ResumeJournal {
  private readonly entries = new Map<string, JournalEntry>();
  /** The append descriptor; null when the journal could not be opened or written (the batch goes on without it). */
  private fd: number | null = null;
  private readonly path: string;
  private readonly header: string;
  private readonly options: JournalOptions;

  private constructor(path: string, outDir: string, options: JournalOptions) {
    this.path = path;
    this.header = JSON.stringify({ outDir } satisfies JournalHeader);
    this.options = options;
  }

  /**
   * Reads the journal of `outDir` (and the one an older version may have left in it, which is merged in
   * and removed) and opens it for appending; compacts it when mostly stale. Never throws: when the journal
   * cannot be written, `options.onError` is told and the journal lives in memory only.
   */
  static async open(outDir: string, options: JournalOptions): Promise<ResumeJournal> {
    const real = realPathOf(outDir);
    const j = new ResumeJournal(journalPathFor(real, options.dir), real, options);
    const own = readText(j.path);
    // A journal whose first line names another folder (or was cut by a kill) is started over.
    const foreign = own !== null && own !== '' && !own.startsWith(j.header + '\n');
    let lines = own === null || foreign ? 0 : j.load(own.slice(j.header.length + 1));
    // The older version's lines come last: when both exist, it ran after this journal was written.
    const legacyPath = join(outDir, LEGACY_JOURNAL_NAME);
    const legacy = readText(legacyPath);
    if (legacy !== null) lines += j.load(legacy);
    try {
      mkdirSync(options.dir, { recursive: true });
      if (foreign || legacy !== null || (lines > 1024 && lines > 2 * j.entries.size)) {
        // Temp files of a rewrite cut by a kill, before this one leaves its own.
        await removeStaleTemps(options.dir);
        await writeFileAtomic(j.path, j.header + '\n' + [...j.entries.values()].map((e) => JSON.stringify(e) + '\n').join(''));
      }
      j.fd = openSync(j.path, 'a');
      if (fstatSync(j.fd).size === 0) writeSync(j.fd, j.header + '\n');
    } catch (cause) {
      j.fail(cause);
      // Its lines are in no other journal: it stays until they can be.
      return j;
    }
    if (legacy !== null) {
      try {
        rmSync(legacyPath, { force: true });
      } catch {
        // Its lines are in the cache's journal now: left behind, it is merged again next time, harmlessly.
      }
    }
    return j;
  }

  /** Adds the entries of journal text (headers and cut lines are skipped); returns the number of lines. */
  private load(text: string): number {
    let lines = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      lines++;
      try {
        const e = JSON.parse(line) as JournalEntry;
        if (typeof e.o === 'string' && typeof e.i === 'string' && typeof e.s === 'number' && typeof e.m === 'number' && typeof e.n === 'number') {
          this.entries.set(e.o, e);
        }
      } catch {
        // A line cut by a kill: ignored (its output, if any, falls back to the mtime rule).
      }
    }
    return lines;
  }

  /** The last entry for an output stem. */
  lookup(stem: string): JournalEntry | undefined {
    return this.entries.get(stem);
  }

  /** Records a converted file (after its outputs are in place). Never throws. */
  record(entry: JournalEntry): void {
    this.entries.set(entry.o, entry);
    if (this.fd === null) return;
    try {
      writeSync(this.fd, JSON.stringify(entry) + '\n');
    } catch (cause) {
      this.fail(cause);
    }
  }

  /** Goes on without the file, and says so (once: the descriptor is gone after this). */
  private fail(cause: unknown): void {
    this.close();
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.options.onError(
      new Error(`cannot write the resume journal ${this.path} (${reason}); the batch goes on, and a later resume judges its outputs by their modification times`, { cause }),
    );
  }

  /** Closes the append descriptor. */
  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // Nothing left to write through it.
    }
    this.fd = null;
  }
}

/** A file's text, or null when it cannot be read (none yet). */
function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
