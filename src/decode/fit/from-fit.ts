/**
 * Pass 2 of FIT semantics: from everything the file said (`FitMessages`) to activities, one per session,
 * in file order and of every sport.
 *
 * - Sessions split the records by their start time (a file without sessions — a watch that died — is one
 *   activity, its sport from the `sport` message or a lap, else assumed running with a note).
 * - Timer events (`event = timer`; stop / stop_all open a pause, start closes it) give the pauses; records
 *   logged while the timer is stopped are left out and counted; heart rate logged after the final stop is
 *   heart-rate recovery, not part of the run.
 * - Records that share a timestamp merge into one sample; records that go back in time are left out and
 *   counted (the clock of Activity JSON never decreases).
 * - Each lap message ends a lap at the last sample at or before its timestamp.
 *
 * Spec: ../../../../shared/spec/activity-json.md §3–§5.
 */
import { type Activity, emptyMeta } from '../../core/activity.js';
import { ActivityBuilder } from '../../core/builder.js';
import { ConvertError, ErrorCode, type Report } from '../../core/errors.js';
import { SERIES_KEYS } from '../../core/series.js';
import { fileMeta, terrainOf } from './fit-meta.js';
import type { FitLap, FitMessages } from './fit-messages.js';
import type { RecordColumns } from './record-columns.js';
import { mergeHrMessages } from './hr-merge.js';
import { enumName, enumValue } from '../../fit/profile.js';
import { intensityOfFit, lapTriggerOfFit } from '../../fit/vocabulary.js';
import type { HeartRateRecovery } from '../../activity-json/types.js';

const FILE_ACTIVITY = enumValue('file', 'activity');

/** Largest step between two records of one run (30 days): beyond it a record's time is garbage. */
const MAX_STEP_MS = 30 * 86_400_000;

/** A session as pass 2 uses it. */
interface Part {
  /** Epoch ms; −Infinity when the session says nothing of its start and none came before it. */
  start: number;
  sport: string;
  sportAssumed: boolean;
  subSport: string | null;
}

/** Turns the collected messages into activities (one per session, file order, every sport). */
export function fromFit(m: FitMessages, report: Report): Activity[] {
  const fid = m.fileId;
  if (fid !== null && fid.type === fid.type && fid.type !== FILE_ACTIVITY) {
    throw new ConvertError(ErrorCode.NotAnActivity, `the FIT file is a ${enumName('file', fid.type) ?? `type ${fid.type}`} file, not an activity`, { format: 'fit' });
  }
  const r = m.rec;
  if (r.n === 0) throw new ConvertError(ErrorCode.NotAnActivity, 'the FIT file holds no record', { format: 'fit' });
  if (m.untimed > 0) report.warn('record-without-time', 'FIT records without a timestamp were left out', m.untimed);
  report.warn('position-out-of-range', 'FIT positions beyond ±90° latitude, or with one coordinate only, were left out', m.badPositions);
  if (m.altitudePlaceholders > 0) {
    report.note('altitude-placeholder', 'FIT altitude placeholders (raw 0, −500 m: no altitude) were read as missing', m.altitudePlaceholders);
  }
  // Heart rate a strap stored and sent later (`hr` messages) fills records that have none (hr-merge.ts).
  if (m.hr !== null) mergeHrMessages(m.hr, r, report);

  const parts = sessionParts(m, report);
  const timer = timerIntervals(m);
  const meta = fileMeta(m);

  // Walk the records once, routing each to its session's builder.
  const out: Activity[] = [];
  const idx = new Int32Array(r.n);
  let k = 0;
  let kept = 0;
  let pauseAt: number[] = [];
  let hrr: HeartRateRecovery[] = [];
  let prevT = -Infinity;
  let iv = 0;
  let pausePending = false;
  let stopped = 0;
  let backwards = 0;
  let jumps = 0;
  let merged = 0;
  let conflicts = 0;
  const laps = sortedLaps(m.laps);
  let lapAt = 0;

  const flush = (): void => {
    const part = parts[k];
    // Laps of this session: those starting before the next session starts (by start: a transition's lap
    // ends at the very second the next session starts).
    const next = k + 1 < parts.length ? parts[k + 1].start : Infinity;
    const mine: FitLap[] = [];
    while (lapAt < laps.length && (lapStart(laps[lapAt]) < next || k === parts.length - 1)) mine.push(laps[lapAt++]);
    // Sessions with no record of their own (a multisport transition) still go out, empty: `convert`
    // leaves them out with a warning, and still knows their sport.
    // Views of the pass-1 columns are kept only when they will not be reused and are not much larger than
    // what the file filled: a view pins its whole buffer for as long as the caller holds the activity.
    const copy = m.reusable || r.time.length > 2 * r.n;
    out.push(build(r, idx, kept, pauseAt, mine, part, hrr, meta, report, parts.length > 1, copy));
    kept = 0;
    pauseAt = [];
    hrr = [];
    prevT = -Infinity;
    pausePending = false;
  };

  const ivs = timer.intervals;
  for (let i = 0; i < r.n; i++) {
    const t = r.time[i];
    while (k + 1 < parts.length && t >= parts[k + 1].start) {
      flush();
      k++;
    }
    if (t < prevT) {
      backwards++;
      continue;
    }
    if (kept > 0 && t - prevT > MAX_STEP_MS) {
      // A record a month after the previous one is garbage read as a record (the strava-android corpus
      // file ends in one dated 2085, just before its data breaks).
      jumps++;
      continue;
    }
    while (iv < ivs.length && ivs[iv + 1] <= t) {
      if (ivs[iv + 1] > ivs[iv]) pausePending = true;
      iv += 2;
    }
    if (t > timer.finalStop) {
      const hr = r.heartRate[i];
      if (hr === hr) hrr.push({ duration: (t - timer.finalStop) / 1000, heartRate: hr });
      else stopped++;
      continue;
    }
    if (iv < ivs.length && ivs[iv] < t) {
      stopped++;
      continue;
    }
    if (t === prevT) {
      merged++;
      conflicts += mergeInto(r, idx[kept - 1], i);
      continue;
    }
    if (pausePending && kept > 0) pauseAt.push(kept);
    pausePending = false;
    idx[kept++] = i;
    prevT = t;
  }
  for (;;) {
    flush();
    if (++k >= parts.length) break;
  }
  m.release(); // every activity has its own copies now

  if (stopped > 0) report.warn('records-while-stopped', 'FIT records logged while the timer was stopped were left out', stopped);
  if (jumps > 0) report.warn('time-jump', 'FIT records more than 30 days after the previous record were left out', jumps);
  if (backwards > 0) report.warn('time-backwards', 'FIT records going back in time were left out (the clock of a run never decreases)', backwards);
  if (merged > 0) report.note('records-merged', 'FIT records with the same timestamp were merged into one sample', merged);
  if (conflicts > 0) report.warn('merge-conflict', 'merged FIT records disagreed on a value: the first was kept', conflicts);
  return out;
}

/** Folds record `j` into record `i` (same timestamp): fills values `i` lacks; returns how many disagreed. */
function mergeInto(r: RecordColumns, i: number, j: number): number {
  let conflicts = 0;
  for (const key of SERIES_KEYS) {
    const col = r[key];
    const a = col[i];
    const b = col[j];
    if (b !== b) continue;
    if (a !== a) col[i] = b;
    else if (a !== b) conflicts++;
  }
  return conflicts;
}

function build(
  r: RecordColumns,
  idx: Int32Array,
  n: number,
  pauseAt: number[],
  laps: FitLap[],
  part: Part,
  hrr: HeartRateRecovery[],
  meta: ReturnType<typeof fileMeta>,
  report: Report,
  rebase: boolean,
  copy: boolean,
): Activity {
  const b = new ActivityBuilder(n);
  let p = 0;
  for (let k = 0; k < n; k++) {
    if (p < pauseAt.length && pauseAt[p] === k) {
      b.pause();
      p++;
    }
    b.add(r.time[idx[k]]);
  }
  const first = idx[0];
  const last = idx[n - 1];
  const contiguous = n > 0 && last - first === n - 1;
  for (const key of SERIES_KEYS) {
    const src = r[key];
    if (!hasValue(src, idx, n, contiguous)) continue;
    // Contiguous records (the usual case: one session, nothing left out) are handed over whole: a copy
    // of exactly their size when the pass-1 columns go back for reuse, else views of them (no copy).
    if (contiguous) {
      b.adopt(key, copy ? src.slice(first, first + n) : src.subarray(first, first + n));
      continue;
    }
    const dst = b.column(key);
    for (let k = 0; k < n; k++) dst[k] = src[idx[k]];
  }
  // Multi-session files carry one distance across their sessions: each run's starts again from its own
  // first recording (spec §3). Rounded to 1e-7 km so the difference is the short decimal it should be.
  const dist = b.series.distance;
  if (rebase && dist !== null) {
    let base = NaN;
    for (let k = 0; k < n && base !== base; k++) base = dist[k];
    if (base > 0) for (let k = 0; k < n; k++) dist[k] = Math.round((dist[k] - base) * 1e7) / 1e7;
  }
  // Laps: each ends at the last sample at or before its timestamp.
  let empty = 0;
  for (const lap of laps) {
    const end = upperBound(b.time, n, lap.timestamp) - 1;
    if (end < 0) {
      empty++;
      continue;
    }
    b.lap(lapTriggerOfFit(lap.trigger), intensityOfFit(lap.intensity), end, lap.startTime, lap.totalCalories);
  }
  if (empty > 0) report.warn('empty-lap', 'laps with no sample of their own were merged into the previous lap', empty);

  const am = emptyMeta('fit', part.sport);
  am.sportAssumed = part.sportAssumed;
  am.sourceOffset = meta.utcOffset;
  am.subSport = part.subSport;
  am.terrain = terrainOf(part.subSport);
  am.externalId = meta.externalId;
  am.deviceType = meta.deviceType;
  am.appVersion = meta.appVersion;
  am.device = meta.device;
  am.bodyWeight = meta.bodyWeight;
  if (hrr.length > 0) {
    am.heartRateRecovery = hrr;
    report.note('heart-rate-recovery', 'heart rate logged after the end of the run was kept as heart-rate recovery', hrr.length);
  }
  // A session that says nothing of its start (no start_time, timestamp or elapsed time) starts at its
  // first record.
  const startTime = n > 0 && Number.isFinite(part.start) && part.start <= b.time[0] ? part.start : undefined;
  return b.finish(am, report, { startTime });
}

function hasValue(src: Float64Array, idx: Int32Array, n: number, contiguous: boolean): boolean {
  if (contiguous) {
    for (let i = idx[0], e = idx[0] + n; i < e; i++) if (src[i] === src[i]) return true;
    return false;
  }
  for (let k = 0; k < n; k++) if (src[idx[k]] === src[idx[k]]) return true;
  return false;
}

/** Index of the first of `time[0, n)` greater than `t`. */
function upperBound(time: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lapStart(lap: FitLap): number {
  return lap.startTime === lap.startTime ? lap.startTime : lap.timestamp;
}

/** Laps with an end time, sorted by it (stable); laps without one cannot be placed and are counted. */
function sortedLaps(laps: FitLap[]): FitLap[] {
  const out: FitLap[] = [];
  for (const lap of laps) {
    let t = lap.timestamp;
    if (t !== t) t = lap.startTime + lap.totalElapsedTime * 1000;
    if (t === t) out.push({ ...lap, timestamp: t });
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

/** Sessions in time order, each with its start (epoch ms), sport and sub-sport. */
function sessionParts(m: FitMessages, report: Report): Part[] {
  if (m.sessions.length === 0) {
    let sport = enumName('sport', m.sport);
    let sub = enumName('subSport', m.subSport);
    if (sport === null) {
      const lap = m.laps.find((l) => l.sport === l.sport);
      sport = lap === undefined ? null : enumName('sport', lap.sport);
      sub = lap === undefined ? null : enumName('subSport', lap.subSport);
    }
    const assumed = sport === null;
    if (sport === null) {
      sport = 'running';
      report.note('sport-assumed', 'the FIT file names no sport (no session, sport or lap message): assumed running');
    }
    report.note('no-session', 'the FIT file has no session message (the recording was not finished): all records make one activity');
    return [{ start: Infinity, sport, sportAssumed: assumed, subSport: sub }];
  }
  const parts: Part[] = [];
  let prevEnd = -Infinity;
  for (const s of m.sessions) {
    let start = s.startTime;
    if (start !== start) start = s.timestamp - s.totalElapsedTime * 1000;
    if (start !== start) start = prevEnd;
    parts.push({ start, sport: enumName('sport', s.sport) ?? 'generic', sportAssumed: false, subSport: enumName('subSport', s.subSport) });
    if (s.timestamp === s.timestamp) prevEnd = s.timestamp;
  }
  return parts.sort((a, b) => a.start - b.start);
}

/** Timer stop intervals as a flat [stop, start, stop, start…] list, and the final stop (Infinity if none). */
function timerIntervals(m: FitMessages): { intervals: number[]; finalStop: number } {
  const events = [...m.timer].sort((a, b) => a.time - b.time);
  const intervals: number[] = [];
  let running = true;
  let stopAt = -Infinity;
  // The timer is taken as running from the first record: some files (fenix 2 multisport) carry timer
  // events for their last session only, so a first `start` does not mean the records before it were not
  // part of the run (tried: treating them as stopped dropped 21,108 records of a real triathlon).
  for (const e of events) {
    if (e.stop && running) {
      running = false;
      stopAt = e.time;
    } else if (!e.stop && !running) {
      running = true;
      intervals.push(stopAt, e.time);
    }
  }
  return { intervals, finalStop: running ? Infinity : stopAt };
}
