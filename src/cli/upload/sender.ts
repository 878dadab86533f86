/**
 * The sender: converts a file and uploads each of its runs not yet sent, for `upload` and `watch` alike.
 *
 * A run is sent as the converter's Activity JSON, the one upload Smashrun can take twice safely: it
 * carries an `externalId`, and a second POST with the same one updates the run. The account's sent
 * journal (`sent-journal.ts`) says what was sent: a run whose bytes were sent before is `already-sent`
 * without a request; one whose bytes changed (other notes, another time zone) is sent again and is
 * `updated`. Runs the plausibility checks flag (`implausible-speed`) are `held` unless `force`.
 */
import { createHash } from 'node:crypto';
import type { SmashrunClient } from '../../api/client.js';
import { DEFAULT_API_BASE } from '../../api/client-options.js';
import { AuthError, NetworkError, RetryExhausted, SmashrunError, SmashrunRejected } from '../../api/errors.js';
import { convertFileTask } from '../../batch/file-task.js';
import { newTempPrefix } from '../../batch/write-atomic.js';
import { type ConvertOptions, resolveOptions } from '../../convert/options.js';
import type { Warning } from '../../core/errors.js';
import { openAccount } from '../account/connect.js';
import { readCredentials, writeCredentials } from '../account/credentials.js';
import { stateDir } from '../account/paths.js';
import type { CliIo } from '../io.js';
import { SentJournal, sentJournalPath } from './sent-journal.js';

/** What happened to one run. */
export type RunStatus = 'uploaded' | 'updated' | 'already-sent' | 'would-send' | 'rejected' | 'held' | 'failed';

/** The outcome of one run of a file. */
export interface RunOutcome {
  status: RunStatus;
  externalId: string | null;
  /** Smashrun's id: uploaded, updated, already-sent. */
  activityId?: string;
  /** Where to see it (Smashrun's run page when the API base is Smashrun's). */
  url?: string;
  /** rejected: Smashrun's validations node, verbatim. */
  validations?: unknown;
  /** held, failed: one line saying why (held: the plausibility warning, e.g. implausible-speed; send with --force). */
  reason?: string;
  /** failed: worth trying again later (network down, Smashrun busy: NetworkError, RetryExhausted), as opposed to a refusal that will not change. */
  retryable?: boolean;
}

/** The outcome of one file. */
export interface FileOutcome {
  input: string;
  /** sent: every run is uploaded/updated/already-sent/would-send; skipped: not a run (the converter's not-running / no activity); partial: some runs held, rejected or failed; failed: the file could not be read or converted. */
  status: 'sent' | 'skipped' | 'partial' | 'failed';
  runs: RunOutcome[];
  /** skipped / failed: the converter's error code and message. */
  error?: { code: string; message: string };
  /** The conversion's warnings. */
  warnings: Warning[];
}

/** Options of a {@link Sender}. */
export interface SenderOptions {
  client: SmashrunClient;
  /** The account's sent journal (`sent-journal.ts`). */
  journal: SentJournal;
  /** The converter's options from the command line. */
  convert: ConvertOptions;
  /** Convert and check, send nothing. */
  dryRun?: boolean;
  /** Send runs the plausibility checks flag. */
  force?: boolean;
  /** For the run URL. */
  apiBase: string;
  /** The account's user name, for the run URL on Smashrun (`https://smashrun.com/<userName>/run/<id>`). */
  userName?: string;
}

/** Converter error codes that mean "not a run": the file is skipped, not failed. */
const NOT_A_RUN = new Set(['not-running', 'not-an-activity']);

/** Warnings that hold a run back unless `force`: the plausibility checks. */
const HOLDING = new Set<string>(['implausible-speed']);

/** Sends the runs of files to one account. */
export class Sender {
  readonly #options: SenderOptions;
  readonly #maxBytes: number;
  /**
   * Sends in progress by externalId: a second run with the same id waits for the first, so that two runs
   * Smashrun takes for one are never sent at once (the second then sees the first in the journal).
   */
  readonly #sending = new Map<string, Promise<unknown>>();
  /**
   * The first input that gave each externalId to this sender. Another file with the same id (a copy, a
   * second export of the run) is one run to Smashrun: once the first is stored it is not sent again, so
   * that two files of one batch do not update the run in turn, every time the batch is run.
   */
  readonly #firstInput = new Map<string, string>();

  constructor(options: SenderOptions) {
    this.#options = options;
    this.#maxBytes = resolveOptions(options.convert).limits.maxBytes;
  }

  /** Reads and converts one file in this thread and sends each run not yet sent. Never throws for a bad file or a failed upload (it is in the outcome); throws only `signal.reason` on abort. */
  async sendFile(path: string, signal?: AbortSignal): Promise<FileOutcome> {
    signal?.throwIfAborted();
    const r = convertFileTask({ path, output: null, to: 'json', temp: newTempPrefix(), maxBytes: this.#maxBytes, options: this.#options.convert });
    if (r.error !== null) return errorOutcome(path, r.error, r.warnings);
    return this.sendConverted(path, r.data, r.warnings, signal);
  }

  /** The same for a file already converted (the bytes of each run as `convertFiles` gives them, and its warnings). */
  async sendConverted(input: string, data: Uint8Array[], warnings: Warning[], signal?: AbortSignal): Promise<FileOutcome> {
    signal?.throwIfAborted();
    if (data.length === 0) return { input, status: 'skipped', runs: [], error: { code: 'no-activity', message: 'the file holds no run' }, warnings };
    const runs: RunOutcome[] = [];
    for (let i = 0; i < data.length; i++) runs.push(await this.#sendRun(input, data[i], i, data.length, warnings, signal));
    const done = runs.every((r) => r.status === 'uploaded' || r.status === 'updated' || r.status === 'already-sent' || r.status === 'would-send');
    return { input, status: done ? 'sent' : 'partial', runs, warnings };
  }

  async #sendRun(input: string, bytes: Uint8Array, index: number, count: number, warnings: Warning[], signal: AbortSignal | undefined): Promise<RunOutcome> {
    const externalId = externalIdOf(bytes);
    const flag = this.#options.force === true ? undefined : warnings.find((w) => HOLDING.has(w.code) && (w.activity === undefined || w.activity === index || count === 1));
    const held = flag === undefined ? null : `${flag.code}: ${flag.message}; send it with --force`;
    if (externalId === null) {
      if (held !== null) return { status: 'held', externalId, reason: held };
      // The converter always writes one; without it a repeat would store the run twice, so it is not sent.
      return { status: 'failed', externalId, reason: 'the converted run has no externalId', retryable: false };
    }
    const first = this.#firstInput.get(externalId);
    if (first === undefined) this.#firstInput.set(externalId, input);
    // One send per externalId at a time (see #sending).
    for (let prior = this.#sending.get(externalId); prior !== undefined; prior = this.#sending.get(externalId)) await prior.catch(() => undefined);
    const sending = this.#send(input, bytes, externalId, first !== undefined && first !== input, held, signal);
    this.#sending.set(externalId, sending);
    try {
      return await sending;
    } catch (e) {
      // The journal could not be read or written (a full disk): said for this run, the batch goes on.
      if (signal?.aborted === true) throw signal.reason;
      return failure(externalId, e);
    } finally {
      this.#sending.delete(externalId);
    }
  }

  /**
   * Sends one run unless the journal has it. `copy`: another input gave this externalId first (see
   * #firstInput); `held`: why the plausibility checks hold it back, or null.
   */
  async #send(input: string, bytes: Uint8Array, externalId: string, copy: boolean, held: string | null, signal: AbortSignal | undefined): Promise<RunOutcome> {
    const { journal, client, dryRun } = this.#options;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // Lines another process (a `watch` beside this `upload`) appended since the last look.
    await journal.refresh();
    const known = journal.get(externalId);
    if (known !== undefined && (known.sha256 === sha256 || copy)) {
      return { status: 'already-sent', externalId, activityId: known.activityId, url: this.runUrl(known.activityId) };
    }
    // After the journal: a run sent once with --force is already sent, not held, on the next upload.
    if (held !== null) return { status: 'held', externalId, reason: held };
    if (dryRun === true) return { status: 'would-send', externalId };
    signal?.throwIfAborted();
    try {
      const answer = await client.uploadJson(bytes, signal === undefined ? {} : { signal });
      await journal.append({ externalId, activityId: answer.activityId, sha256, bytes: bytes.length, input, sentAt: new Date().toISOString() });
      return { status: known === undefined ? 'uploaded' : 'updated', externalId, activityId: answer.activityId, url: this.runUrl(answer.activityId) };
    } catch (e) {
      if (signal?.aborted === true) throw signal.reason;
      return failure(externalId, e);
    }
  }

  /** The API base the runs go to. */
  get apiBase(): string {
    return this.#options.apiBase;
  }

  /** Where to see run `activityId`: Smashrun's run page, or the API's document for another base (a sandbox). */
  runUrl(activityId: string): string {
    const { apiBase, userName } = this.#options;
    const id = encodeURIComponent(activityId);
    if (apiBase === DEFAULT_API_BASE && userName !== undefined) return `https://smashrun.com/${encodeURIComponent(userName)}/run/${id}`;
    return `${apiBase}/my/activities/${id}`;
  }
}

/** A run that could not be sent, from the client's error. Messages of the client never carry a token. */
function failure(externalId: string, e: unknown): RunOutcome {
  if (e instanceof SmashrunRejected) return { status: 'rejected', externalId, validations: e.validations };
  const retryable = e instanceof NetworkError || e instanceof RetryExhausted;
  let reason: string;
  if (e instanceof AuthError) reason = `${e.message} (run \`runjson login\` again)`;
  else if (e instanceof SmashrunError) reason = e.message;
  else reason = `${e instanceof Error ? e.name : 'error'}: ${e instanceof Error ? e.message : String(e)}`;
  return { status: 'failed', externalId, reason, retryable };
}

/** A file that did not convert: skipped when it is not a run (or holds no activity), failed otherwise. */
export function errorOutcome(input: string, error: { code: string; message: string }, warnings: Warning[]): FileOutcome {
  return { input, status: NOT_A_RUN.has(error.code) ? 'skipped' : 'failed', runs: [], error: { code: error.code, message: error.message }, warnings };
}

/** The externalId of a converted run's Activity JSON, or null. */
function externalIdOf(bytes: Uint8Array): string | null {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { externalId?: unknown };
    return typeof doc.externalId === 'string' && doc.externalId !== '' ? doc.externalId : null;
  } catch {
    return null;
  }
}

/**
 * The sender of the signed-in account for a command: openAccount + the account's sent journal. The
 * account's id comes from the credentials; when they do not have it, from one `userInfo()` call, saved
 * back into the credentials (a dry run makes no request: it then checks against no journal).
 *
 * @throws {AccountError} not logged in, or logged in elsewhere; {@link CredentialsError}.
 */
export async function openSender(
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
  options: { convert: ConvertOptions; dryRun?: boolean; force?: boolean },
): Promise<{ sender: Sender; journal: SentJournal; close(): Promise<void> }> {
  const { client, credentials, path } = await openAccount(values, io);
  let user = credentials.user;
  if (user === undefined && options.dryRun !== true) {
    const info = await client.userInfo(io.signal === undefined ? {} : { signal: io.signal });
    user = { id: info.id, ...(typeof info.userName === 'string' ? { userName: info.userName } : {}) };
    // Read again: the client may have refreshed the tokens meanwhile.
    const now = await readCredentials(path);
    if (now !== null) await writeCredentials(path, { ...now, user });
  }
  const apiBase = client.apiBase;
  const journal = user === undefined ? SentJournal.inMemory() : await SentJournal.open(sentJournalPath(stateDir(io.env ?? process.env), apiBase, user.id));
  const sender = new Sender({
    client,
    journal,
    convert: options.convert,
    apiBase,
    ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
    ...(options.force === undefined ? {} : { force: options.force }),
    ...(user?.userName === undefined ? {} : { userName: user.userName }),
  });
  return { sender, journal, close: () => journal.close() };
}

/** The status column: wide enough for the longest status. */
const STATUS_WIDTH = 13;

/** One line for a run's outcome, as both commands print it (`uploaded  runs/a.fit  → 12345 https://…`). */
export function outcomeLine(file: FileOutcome, run: RunOutcome): string {
  const i = file.runs.indexOf(run);
  const which = file.runs.length > 1 && i >= 0 ? ` (run ${i + 1} of ${file.runs.length})` : '';
  const head = `${run.status.padEnd(STATUS_WIDTH)}${file.input}${which}`;
  switch (run.status) {
    case 'uploaded':
    case 'updated':
    case 'already-sent':
      return `${head}  → ${run.activityId ?? '?'} ${run.url ?? ''}`.trimEnd();
    case 'would-send':
      return `${head}  (dry run: not sent)`;
    case 'rejected':
      return `${head}: Smashrun refused it: ${oneLine(run.validations)}`;
    case 'held':
      return `${head}: ${run.reason ?? 'held'}`;
    case 'failed':
      return `${head}: ${run.reason ?? 'failed'}${run.retryable === true ? ' (will be tried again on the next run)' : ''}`;
  }
}

/** The lines of a file: one per run, or one for a file skipped or failed as a whole. */
export function fileOutcomeLines(file: FileOutcome): string[] {
  if (file.runs.length > 0) return file.runs.map((r) => outcomeLine(file, r));
  const code = file.error?.code ?? 'error';
  const message = file.error?.message ?? '';
  return [`${(file.status === 'skipped' ? 'skipped' : 'failed').padEnd(STATUS_WIDTH)}${file.input}: ${code}: ${message}`];
}

/** Smashrun's validations on one line, cut at 400 characters (the report keeps them whole). */
function oneLine(validations: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(validations) ?? String(validations);
  } catch {
    text = String(validations);
  }
  return text.length > 400 ? `${text.slice(0, 399)}…` : text;
}
