/**
 * The sent journal: what `upload` and `watch` have sent to one account, so that a second run sends only
 * new or changed runs, and a run killed half-way resumes where it stopped.
 *
 * One file per account, `<stateDir>/sent/<first 16 hex of sha256(apiBase + "\n" + userId)>.jsonl`, of
 * append-only JSON lines:
 *
 * ```json
 * {"externalId":"runjson-fit-…","activityId":"12345","sha256":"…","bytes":20480,"input":"/runs/a.fit","sentAt":"2026-12-01T06:00:00.000Z"}
 * ```
 *
 * `sha256` is the hash of the exact bytes sent. A line is appended only after Smashrun answered with the
 * run's id, so a process killed in between sends the run again next time — with the same `externalId`,
 * which Smashrun takes as an update of the run it already has: no duplicate.
 *
 * `upload` and `watch` may run at the same time on one account: each line goes in one `write` on a file
 * opened with O_APPEND (the kernel puts each whole write at the end), and {@link SentJournal.refresh}
 * reads what others appended since the offset it had reached before each decision. A torn last line (a
 * process killed mid-write) is ignored, and a newline is written after it so that the next line stays
 * whole. No token or secret is ever written here.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One line of the journal. */
export interface SentEntry {
  /** The run's `externalId`, as sent. */
  externalId: string;
  /** Smashrun's id of the run. */
  activityId: string;
  /** sha256 (hex) of the exact bytes sent. */
  sha256: string;
  /** Size of the bytes sent. */
  bytes: number;
  /** The file the run came from (absolute path). */
  input: string;
  /** When Smashrun answered (ISO 8601). */
  sentAt: string;
}

/** The journal file of an account: `<stateDir>/sent/<16 hex>.jsonl`. */
export function sentJournalPath(stateDir: string, apiBase: string, userId: string): string {
  const name = createHash('sha256').update(`${apiBase}\n${userId}`).digest('hex').slice(0, 16);
  return join(stateDir, 'sent', `${name}.jsonl`);
}

/** Lines longer than this are not ours (a journal line is a few hundred bytes): ignored when read. */
const MAX_LINE = 64 * 1024;

/** The sent journal of one account (see the top of the file). */
export class SentJournal {
  /** The file, or `null` for a journal kept in memory only (a dry run that cannot name the account). */
  readonly path: string | null;
  readonly #entries = new Map<string, SentEntry>();
  readonly #handle: FileHandle | null;
  /** Where the next read starts: just after the last newline read. */
  #offset = 0;
  /** A refresh in progress, shared by concurrent callers so that a region is never read twice at once. */
  #reading: Promise<void> | null = null;

  private constructor(path: string | null, handle: FileHandle | null) {
    this.path = path;
    this.#handle = handle;
  }

  /** Opens (or creates, mode 0600 in a 0700 folder) the journal at `path` and reads it. */
  static async open(path: string): Promise<SentJournal> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // 'a+': O_APPEND for the writes, and reads from any offset for refresh().
    const handle = await open(path, 'a+', 0o600);
    const journal = new SentJournal(path, handle);
    try {
      await journal.refresh();
      const size = (await handle.stat()).size;
      // A torn last line (a process killed mid-write): end it, so that the next append starts a line of its own.
      if (size > journal.#offset) await journal.#write('\n');
    } catch (e) {
      await handle.close();
      throw e;
    }
    return journal;
  }

  /** A journal in memory only: nothing read, nothing written. */
  static inMemory(): SentJournal {
    return new SentJournal(null, null);
  }

  /** Entries known (one per externalId, the last one read). */
  get size(): number {
    return this.#entries.size;
  }

  /** The last entry for `externalId` read so far (call {@link refresh} first to see other processes' lines). */
  get(externalId: string): SentEntry | undefined {
    return this.#entries.get(externalId);
  }

  /** Reads the lines appended since the last read (by this process or another). */
  refresh(): Promise<void> {
    if (this.#handle === null) return Promise.resolve();
    this.#reading ??= this.#readNew().finally(() => {
      this.#reading = null;
    });
    return this.#reading;
  }

  /** Appends an entry: one `write` of one whole line. */
  async append(entry: SentEntry): Promise<void> {
    this.#entries.set(entry.externalId, entry);
    if (this.#handle === null) return;
    await this.#write(JSON.stringify(entry) + '\n');
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#reading;
    await this.#handle?.close();
  }

  async #write(line: string): Promise<void> {
    const bytes = Buffer.from(line, 'utf8');
    // One write: O_APPEND places it whole at the end, whatever other processes append meanwhile.
    const { bytesWritten } = await (this.#handle as FileHandle).write(bytes, 0, bytes.length, null);
    // A short write on a regular file means a full disk: say so rather than leave half a line.
    if (bytesWritten !== bytes.length) throw new Error(`${this.path ?? 'sent journal'}: could not append a whole line (disk full?)`);
  }

  async #readNew(): Promise<void> {
    const handle = this.#handle as FileHandle;
    const size = (await handle.stat()).size;
    if (size <= this.#offset) return;
    const buffer = Buffer.allocUnsafe(size - this.#offset);
    let got = 0;
    while (got < buffer.length) {
      const { bytesRead } = await handle.read(buffer, got, buffer.length - got, this.#offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const last = buffer.lastIndexOf(0x0a, got - 1);
    if (last < 0) return; // no whole line yet
    let start = 0;
    while (start <= last) {
      const end = buffer.indexOf(0x0a, start);
      if (end - start > 0 && end - start <= MAX_LINE) this.#take(buffer.toString('utf8', start, end));
      start = end + 1;
    }
    this.#offset += last + 1;
  }

  /** One line: kept when it is a whole entry, ignored otherwise (a torn line, a line of a later version). */
  #take(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    if (isEntry(value)) this.#entries.set(value.externalId, value);
  }
}

function isEntry(x: unknown): x is SentEntry {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return (
    typeof e.externalId === 'string' &&
    typeof e.activityId === 'string' &&
    typeof e.sha256 === 'string' &&
    typeof e.bytes === 'number' &&
    typeof e.input === 'string' &&
    typeof e.sentAt === 'string'
  );
}
