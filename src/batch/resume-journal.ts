/**
 * What `resume` trusts: a journal in the output folder (`OUTDIR/.runjson-journal.jsonl`, hidden) with one
 * line per converted file — the output name, the input's absolute path, size and modification time —
 * appended with one `write` to an `O_APPEND` descriptor right after the outputs are renamed into place,
 * so it survives a kill as well as the outputs do.
 *
 * Why not only "the output is newer than the input": output names depend on the set of inputs (the first
 * of two colliding names keeps the short one). If a later run adds `run.fit` beside an already converted
 * `run.tcx`, `run.json` now belongs to `run.fit` — and, being newer than it, would be taken as its output
 * although it holds the TCX conversion; the FIT file would never be converted. With the journal, an output
 * counts as done only when it was written from this very input, unchanged since. Outputs with no journal
 * line (written before the journal existed, or by other means) fall back to the mtime rule.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './write-atomic.js';

/** Name of the journal inside OUTDIR. */
export const JOURNAL_NAME = '.runjson-journal.jsonl';

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

/** The journal of one output folder. */
export class ResumeJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private fd: number | null = null;
  private readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /** Reads the journal of `outDir` (if any) and opens it for appending; compacts it when mostly stale. */
  static async open(outDir: string): Promise<ResumeJournal> {
    const j = new ResumeJournal(join(outDir, JOURNAL_NAME));
    let lines = 0;
    let text = '';
    try {
      text = readFileSync(j.path, 'utf8');
    } catch {
      // No journal yet.
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      lines++;
      try {
        const e = JSON.parse(line) as JournalEntry;
        if (typeof e.o === 'string' && typeof e.i === 'string' && typeof e.s === 'number' && typeof e.m === 'number' && typeof e.n === 'number') {
          j.entries.set(e.o, e);
        }
      } catch {
        // A line cut by a kill: ignored (its output, if any, falls back to the mtime rule).
      }
    }
    if (lines > 1024 && lines > 2 * j.entries.size) {
      await writeFileAtomic(j.path, [...j.entries.values()].map((e) => JSON.stringify(e) + '\n').join(''));
    }
    return j;
  }

  /** The last entry for an output stem. */
  lookup(stem: string): JournalEntry | undefined {
    return this.entries.get(stem);
  }

  /** Records a converted file (after its outputs are in place). */
  record(entry: JournalEntry): void {
    this.entries.set(entry.o, entry);
    if (this.fd === null) this.fd = openSync(this.path, 'a');
    writeSync(this.fd, JSON.stringify(entry) + '\n');
  }

  /** Closes the append descriptor. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
