/**
 * The work of `runjson pull`: which runs of the account the folder lacks or holds an old copy of, and
 * each of those fetched, read by runjson and written, with the folder's state kept as it goes.
 *
 * What is asked of Smashrun, in order:
 * 1. `userinfo`: the account (whose folder this is) and `dateTimeUTCOfLastRunDataUpdated`, Smashrun's
 *    time of the last change to any run;
 * 2. the list of every run's summary, in one request (what Smashrun asks of syncing clients);
 * 3. the ids of the runs Smashrun changed since the folder's files were last checked (`search/ids` with
 *    `fromDate`, which filters on when Smashrun last changed a run), page by page — left out when that
 *    last-change time is still the one the last pull read (nothing moved since) and every file was
 *    checked by that pull or a later one;
 * 4. the detail of each run that is new, whose summary is not the one its file was made from (notes
 *    edited, the run uploaded again), that the search names, or whose file is missing — two at a time,
 *    through the client's own limiter.
 * A second pull with nothing changed thus sends requests 1 and 2 and nothing else.
 *
 * Each run in the state carries when it was last checked (the start of the pull that fetched it or found
 * it current), rather than the folder one time for all: a pull with `--since`, an interrupted pull or a
 * run that failed leaves the other runs' times as they were, and the next search reaches back to the
 * oldest time among the runs it asks about, so nothing that changed in between is missed.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { validate } from '../../activity-json/validate.js';
import type { SmashrunClient } from '../../api/client.js';
import { ApiError, AuthError, isSmashrunError } from '../../api/errors.js';
import { MAX_SEARCH_COUNT } from '../../api/search-query.js';
import { removeStaleTemps, writeFileAtomic } from '../../batch/write-atomic.js';
import type { Activity } from '../../core/activity.js';
import { isConvertError } from '../../core/errors.js';
import { summarize } from '../../core/summary.js';
import { encodeToBytes } from '../../encode/encoder.js';
import { encoderFor, type TargetFormat } from '../../encode/registry.js';
import { AccountError } from '../account/connect.js';
import { emptyState, type FormatState, type PulledRun, type PullState, readState, statePath, writeState } from './pull-state.js';
import { idKey, runStem, type Since, startedSince, summaryFingerprint } from './run-names.js';

/**
 * How far before a run's last check the search for changed runs starts: that check time is this
 * machine's clock, `fromDate` is compared with Smashrun's, and ten minutes cover clocks that disagree (and
 * `fromDate`'s whole seconds). The cost is small: the runs changed in the ten minutes before the last pull
 * are fetched again, and only when something changed since.
 *
 * Why not Smashrun's own time of the last change as the check time: it is the time of the last upload, not
 * of the pull, so the search would always find the run uploaded last (and every run changed within the
 * margin before it: a whole batch just uploaded) and fetch them again at each change. What a clock running
 * more than the margin ahead of Smashrun's could miss is a change to the recordings alone; a change that
 * shows in a run's summary (notes, distance, start, a run uploaded again) is seen by its fingerprint
 * whatever the clocks say.
 */
export const SEARCH_MARGIN_MS = 10 * 60_000;

/** The state is written at most this often while runs are fetched (and always at the end). */
const STATE_EVERY_MS = 1000;

/** What became of one run. */
export type RunStatus =
  /** Fetched and written for the first time. */
  | 'written'
  /** Fetched again and its file rewritten: Smashrun changed it, or the file was missing. */
  | 'updated'
  /** The folder's copy is current: not fetched. */
  | 'up-to-date'
  /** Entered by hand, with no recordings: no file can hold it (an Activity JSON needs its series). */
  | 'no-recordings'
  /** Started before `--since`: not fetched. */
  | 'before-since'
  /** Deleted on Smashrun between the list and its detail. */
  | 'deleted'
  /** Not reached: the pull was interrupted, or stopped by a refused token, first. */
  | 'not-fetched'
  | 'failed';

/** A warning about one pulled run: what the reader corrected, or what the file could not keep. */
export interface RunWarning {
  code: string;
  message: string;
  count: number;
}

/** One run of the account, as the pull left it. */
export interface RunResult {
  activityId: string;
  startDateTimeLocal: string | null;
  status: RunStatus;
  /** Its detail was asked for in this pull. */
  fetched: boolean;
  /** Its file in the output folder (written now or before); null when there is none. */
  file: string | null;
  warnings: RunWarning[];
  /** Latitudes and longitudes that were Smashrun's `-1` placeholder, read as missing. */
  positionPlaceholders: number;
  error: { code: string; message: string } | null;
}

/** What a pull is given. */
export interface PullOptions {
  client: SmashrunClient;
  outDir: string;
  to: TargetFormat;
  since: Since | null;
  /** Runs fetched at once (the client's limiter holds them to its own concurrency anyway). */
  concurrency: number;
  signal?: AbortSignal;
  /** The clock: the pull's start is where the next pull's search for changes begins (less the margin). */
  now: () => number;
  /** The number of runs to fetch, once known. */
  onPlan?: (toFetch: number) => void;
  /** After each run fetched (or failed). */
  onRun?: (r: RunResult) => void;
  /** A line that is not about one run (the state could not be read or written). */
  onNote?: (line: string) => void;
}

/** What a pull did. */
export interface PullOutcome {
  account: { id: string; userName?: string };
  /** Every run Smashrun listed, in its order (newest first). */
  results: RunResult[];
  /** Runs the folder holds that Smashrun no longer lists (their files are kept). */
  gone: string[];
  interrupted: boolean;
  /** What stopped the pull before every run was fetched (the token refused), or null. */
  stoppedBy: Error | null;
}

/**
 * Pulls the account's runs into `outDir`.
 *
 * @throws {AccountError} the folder holds another account's runs; a {@link SmashrunError} of userinfo,
 * the list or the search (nothing was fetched yet); the caller's abort reason while those run.
 */
export async function pullRuns(o: PullOptions): Promise<PullOutcome> {
  const { client, outDir, to, signal } = o;
  await mkdir(outDir, { recursive: true });
  // Temp files of a pull killed mid-write.
  await removeStaleTemps(outDir);

  const startedAt = o.now();
  const info = await client.userInfo({ signal });
  const stamp = { text: typeof info.dateTimeUTCOfLastRunDataUpdated === 'string' ? info.dateTimeUTCOfLastRunDataUpdated : null, ms: startedAt };
  const read = await readState(outDir);
  if (read === 'unreadable') o.onNote?.(`runjson: ${statePath(outDir)} cannot be read: every run is fetched again`);
  const state: PullState = read === null || read === 'unreadable' ? emptyState(client.apiBase, info.id) : read;
  if (state.userId !== info.id || state.apiBase !== client.apiBase) {
    throw new AccountError(`${outDir} holds the runs of another Smashrun account (user ${state.userId} at ${state.apiBase}): pull into another folder`);
  }
  const fmt: FormatState = (state.formats[to] ??= { stamp: null, runs: {} });
  const list = await client.listActivities({ signal });
  const present = new Set(await readdir(outDir));
  const ext = encoderFor(to).extension;

  // Each listed run in range: fetched when the folder has no file for it or its summary moved; else its
  // file is current unless Smashrun says it changed since the run was last checked.
  const runs: Planned[] = [];
  const listed = new Set<string>();
  for (const summary of list) {
    const id = idKey(summary.activityId);
    if (listed.has(id)) continue;
    listed.add(id);
    const start = typeof summary.startDateTimeLocal === 'string' ? summary.startDateTimeLocal : null;
    const entry = fmt.runs[id];
    const fingerprint = summaryFingerprint(summary);
    const kept = entry !== undefined && entry.summary === fingerprint && (entry.noRecordings === true || (entry.file === `${runStem(start, id)}.${ext}` && present.has(entry.file)));
    const inRange = o.since === null || startedSince(start, o.since);
    runs.push({ id, start, fingerprint, entry, plan: !inRange ? 'before-since' : kept ? 'check' : 'fetch' });
  }
  // Smashrun's last-change time as the last pull read it: unchanged, nothing moved since that pull began,
  // and the runs checked by it (or later) need no question.
  const stillSince = fmt.stamp !== null && stamp.text !== null && stamp.text === fmt.stamp.text ? fmt.stamp.ms : Infinity;
  const ask = runs.filter((r) => r.plan === 'check' && (r.entry as PulledRun).checked < stillSince);
  const oldest = ask.reduce((min, r) => Math.min(min, (r.entry as PulledRun).checked), Infinity);
  const changed = ask.length === 0 ? new Set<string>() : await changedSince(client, oldest - SEARCH_MARGIN_MS, signal);
  fmt.stamp = stamp;

  const results: RunResult[] = [];
  const queue: Job[] = [];
  for (const r of runs) {
    const blank = { activityId: r.id, startDateTimeLocal: r.start, fetched: false, warnings: [], positionPlaceholders: 0, error: null };
    const entry = r.entry;
    if (r.plan === 'before-since') {
      results.push({ ...blank, status: 'before-since', file: entry?.file ?? null });
    } else if (r.plan === 'check' && entry !== undefined && !changed.has(r.id)) {
      // Current as of this pull's start: what changed before it, the search (or the unchanged stamp) has said.
      entry.checked = startedAt;
      results.push({ ...blank, status: entry.noRecordings === true ? 'no-recordings' : 'up-to-date', file: entry.file });
    } else {
      queue.push({ id: r.id, start: r.start, fingerprint: r.fingerprint, slot: results.length });
      results.push({ ...blank, status: 'not-fetched', file: entry?.file ?? null });
    }
  }
  const gone = Object.keys(fmt.runs).filter((id) => !listed.has(id));
  o.onPlan?.(queue.length);

  const saver = new StateSaver(outDir, state, o.onNote);
  let next = 0;
  let stoppedBy: Error | null = null;
  let interrupted = false;
  const worker = async (): Promise<void> => {
    while (next < queue.length && stoppedBy === null && !interrupted) {
      const job = queue[next++];
      try {
        const { result, entry } = await fetchRun(client, job, fmt.runs[job.id], { outDir, to, ext, signal, checked: startedAt });
        results[job.slot] = result;
        if (entry !== null) fmt.runs[job.id] = entry;
        o.onRun?.(result);
        await saver.maybeSave();
      } catch (e) {
        if (signal?.aborted === true) {
          interrupted = true;
          return;
        }
        // A refused token fails every run after it: stop, and say it once.
        if (e instanceof AuthError) {
          stoppedBy ??= e;
          results[job.slot] = { ...results[job.slot], status: 'failed', fetched: true, error: { code: e.code, message: e.message } };
          return;
        }
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  if (signal?.aborted === true) interrupted = true;
  await saver.save();
  return { account: { id: info.id, ...(typeof info.userName === 'string' ? { userName: info.userName } : {}) }, results, gone, interrupted, stoppedBy };
}

/** A listed run, and what the pull does with it. */
interface Planned {
  id: string;
  start: string | null;
  fingerprint: string;
  entry: PulledRun | undefined;
  /** `check`: the folder's file is current unless Smashrun changed the run since it was checked. */
  plan: 'fetch' | 'check' | 'before-since';
}

/** A run to fetch. */
interface Job {
  id: string;
  start: string | null;
  fingerprint: string;
  /** Its place in the results. */
  slot: number;
}

/** The ids of the runs Smashrun changed at or after `fromMs`, every page. */
async function changedSince(client: SmashrunClient, fromMs: number, signal: AbortSignal | undefined): Promise<Set<string>> {
  const out = new Set<string>();
  const fromDate = Math.max(0, Math.floor(fromMs / 1000));
  for (let page = 0; ; page++) {
    const ids = await client.searchIds({ fromDate, page, count: MAX_SEARCH_COUNT, signal });
    for (const id of ids) out.add(idKey(id));
    // A short page is the last: no request for the empty one after it.
    if (ids.length < MAX_SEARCH_COUNT) return out;
  }
}

/**
 * Fetches one run and writes its file. Failures of this run (Smashrun's, the reader's, the disk's) are
 * its result; a refused token and the caller's abort are thrown, since they end the whole pull.
 */
async function fetchRun(
  client: SmashrunClient,
  job: Job,
  before: PulledRun | undefined,
  w: { outDir: string; to: TargetFormat; ext: string; signal: AbortSignal | undefined; checked: number },
): Promise<{ result: RunResult; entry: PulledRun | null }> {
  const base = { activityId: job.id, startDateTimeLocal: job.start, fetched: true, warnings: [] as RunWarning[], positionPlaceholders: 0, error: null };
  const failed = (code: string, message: string): { result: RunResult; entry: null } => ({
    result: { ...base, status: 'failed', file: before?.file ?? null, error: { code, message } },
    entry: null,
  });
  let detail;
  try {
    detail = await client.getActivity(job.id, { signal: w.signal });
  } catch (e) {
    if (w.signal?.aborted === true || e instanceof AuthError) throw e;
    if (e instanceof ApiError && e.status === 404) return { result: { ...base, status: 'deleted', file: before?.file ?? null }, entry: null };
    if (isSmashrunError(e) || isConvertError(e)) return failed(e.code, e.message);
    throw e;
  }
  const warnings: RunWarning[] = detail.warnings.map(({ code, message, count }) => ({ code, message, count }));
  if (detail.positionPlaceholders > 0) {
    warnings.push({ code: 'position-placeholder', message: "Smashrun's -1 latitudes and longitudes, read as missing", count: detail.positionPlaceholders });
  }
  const entryBase = { summary: job.fingerprint, start: job.start, checked: w.checked };
  if (detail.activity === null) {
    return { result: { ...base, warnings, status: 'no-recordings', file: null }, entry: { ...entryBase, file: null, noRecordings: true } };
  }
  const activity = detail.activity;
  const summary = summarize(activity);
  warnings.push(...notKept(detail.document, summary));
  let bytes: Uint8Array;
  try {
    bytes = encode(activity, w.to, summary);
  } catch (e) {
    if (isConvertError(e)) return failed(e.code, e.message);
    throw e;
  }
  if (w.to === 'json') {
    // Every file a pull writes passes validate(): one that would not is not written.
    const problems = validate(JSON.parse(new TextDecoder().decode(bytes)));
    if (problems.length > 0) return failed('invalid-output', `${problems[0].path} ${problems[0].code}: ${problems[0].message}`);
  }
  const file = `${runStem(job.start, job.id)}.${w.ext}`;
  try {
    await writeFileAtomic(join(w.outDir, file), bytes);
    // Renamed when its start changed on Smashrun: the old name would be a second copy of the run.
    if (before !== undefined && before.file !== null && before.file !== file) await rm(join(w.outDir, before.file), { force: true });
  } catch (e) {
    return failed('write-error', (e as Error).message);
  }
  const status = before === undefined ? 'written' : 'updated';
  return { result: { ...base, warnings, positionPlaceholders: detail.positionPlaceholders, status, file }, entry: { ...entryBase, file } };
}

/** The run in a target format, with power (whatever Smashrun keeps of the run, the file keeps). */
function encode(activity: Activity, to: TargetFormat, summary: ReturnType<typeof summarize>): Uint8Array {
  return encodeToBytes((sink) => encoderFor(to).encode(activity, { includePower: true, summary }, sink));
}

/**
 * What Smashrun shows that the file cannot keep: a distance or duration changed on Smashrun (PATCH) that
 * is not the recordings' — an Activity JSON's summary must be its last recording (spec §7), so the file
 * keeps the recordings' and the difference is said.
 */
function notKept(doc: Record<string, unknown>, summary: ReturnType<typeof summarize>): RunWarning[] {
  const out: RunWarning[] = [];
  const shown = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const distance = shown(doc.distance);
  if (distance !== null && summary.distance !== null && Math.abs(distance - summary.distance) > 1e-6) {
    out.push({ code: 'smashrun-distance', message: `Smashrun shows ${distance} km, the recordings ${summary.distance} km: the file keeps the recordings'`, count: 1 });
  }
  const duration = shown(doc.duration);
  if (duration !== null && Math.abs(duration - summary.duration) > 1e-6) {
    out.push({ code: 'smashrun-duration', message: `Smashrun shows ${duration} s, the recordings ${summary.duration} s: the file keeps the recordings'`, count: 1 });
  }
  return out;
}

/** Writes the state now and then while runs are fetched, so that an interrupted pull resumes near where it stopped. */
class StateSaver {
  private last = performance.now();
  private warned = false;
  /** Saves run one after the other: two workers saving at once could otherwise land the older state last. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly outDir: string,
    private readonly state: PullState,
    private readonly onNote: ((line: string) => void) | undefined,
  ) {}

  async maybeSave(): Promise<void> {
    if (performance.now() - this.last >= STATE_EVERY_MS) await this.save();
  }

  save(): Promise<void> {
    this.last = performance.now();
    this.chain = this.chain.then(async () => {
      try {
        await writeState(this.outDir, this.state);
      } catch (e) {
        // The runs are written; only the memory of them is not. The next pull fetches them again.
        if (!this.warned) this.onNote?.(`runjson: could not write the pull's state in ${this.outDir}: ${(e as Error).message}`);
        this.warned = true;
      }
    });
    return this.chain;
  }
}
