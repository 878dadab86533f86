/**
 * `validate(doc)`: every rule of the spec's §7 (and the enums of §2), checked on an Activity JSON document
 * — ours before we emit it, or anyone's. Returns a list of typed problems; an empty list means valid.
 */
import { parseLocalTime } from './local-time.js';
import { DEVICE_TYPES, HOW_FELT, LAP_TYPES, MAX_NOTES, RECORDING_KEYS, TERRAINS, WEATHER_TYPES } from './vocabulary.js';

/** Stable codes of validation problems. */
export const ProblemCode = {
  NotObject: 'not-object',
  Missing: 'missing-field',
  WrongType: 'wrong-type',
  UnknownKey: 'unknown-recording-key',
  DuplicateKey: 'duplicate-recording-key',
  NoDuration: 'no-duration-series',
  NoDistance: 'no-distance-or-position',
  Length: 'length-mismatch',
  NotFinite: 'not-finite',
  ClockDecreases: 'clock-decreases',
  DurationDecreases: 'duration-decreases',
  PauseIndex: 'pause-index',
  PauseDuration: 'duration-moves-across-pause',
  SummaryDuration: 'summary-duration',
  SummaryDistance: 'summary-distance',
  LapOrder: 'lap-order',
  LapRange: 'lap-range',
  Enum: 'enum',
  Latitude: 'latitude-range',
  Longitude: 'longitude-range',
  Notes: 'notes-too-long',
  StartTime: 'start-time',
  ActivityType: 'activity-type',
} as const;
/** One of the {@link ProblemCode} values. */
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

/** One rule broken. */
export interface Problem {
  code: ProblemCode;
  /** JSON pointer to the offending value, e.g. `/recordingValues/1/17`. */
  path: string;
  message: string;
}

/** At most this many problems of one code are listed (the rest are counted in the last one's message). */
const MAX_PER_CODE = 20;

/**
 * Checks an Activity JSON document against the spec's §7 rules and §2 enums.
 *
 * @example
 * ```ts
 * const problems = validate(JSON.parse(text));
 * if (problems.length > 0) console.error(problems);
 * ```
 */
export function validate(doc: unknown): Problem[] {
  const out: Problem[] = [];
  const perCode = new Map<string, number>();
  const add = (code: ProblemCode, path: string, message: string): void => {
    const seen = (perCode.get(code) ?? 0) + 1;
    perCode.set(code, seen);
    if (seen <= MAX_PER_CODE) out.push({ code, path, message });
    else if (seen === MAX_PER_CODE + 1) out.push({ code, path, message: `more problems of this kind (only the first ${MAX_PER_CODE} are listed)` });
  };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    add(ProblemCode.NotObject, '', 'an activity must be a JSON object');
    return out;
  }
  const d = doc as Record<string, unknown>;

  if (typeof d.startDateTimeLocal !== 'string') add(ProblemCode.Missing, '/startDateTimeLocal', 'startDateTimeLocal is required');
  else {
    const t = parseLocalTime(d.startDateTimeLocal);
    if (t === null) add(ProblemCode.StartTime, '/startDateTimeLocal', 'not an ISO 8601 date-time');
    else if (t.offset === null) add(ProblemCode.StartTime, '/startDateTimeLocal', 'the local time must carry its UTC offset');
  }
  if (d.activityType !== undefined && d.activityType !== 'running') {
    add(ProblemCode.ActivityType, '/activityType', `activityType must be "running", not ${JSON.stringify(d.activityType)}`);
  }
  for (const f of ['distance', 'duration'] as const) {
    if (typeof d[f] !== 'number') add(ProblemCode.Missing, `/${f}`, `${f} is required and must be a number`);
    else if (!Number.isFinite(d[f])) add(ProblemCode.NotFinite, `/${f}`, `${f} is not finite`);
  }
  const numeric = ['cadenceAverage', 'cadenceMin', 'cadenceMax', 'heartRateAverage', 'heartRateMin', 'heartRateMax', 'temperature', 'humidity', 'windSpeed'];
  for (const f of numeric) {
    const v = d[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) add(ProblemCode.WrongType, `/${f}`, `${f} must be a finite number`);
    else if (!Number.isInteger(v)) add(ProblemCode.WrongType, `/${f}`, `${f} must be an integer`);
  }
  if (d.bodyWeight !== undefined && d.bodyWeight !== null && (typeof d.bodyWeight !== 'number' || !Number.isFinite(d.bodyWeight))) {
    add(ProblemCode.WrongType, '/bodyWeight', 'bodyWeight must be a finite number');
  }
  if (typeof d.humidity === 'number' && (d.humidity < 0 || d.humidity > 100)) add(ProblemCode.Enum, '/humidity', 'humidity is a percentage, 0–100');
  checkEnum(d.howFelt, HOW_FELT, '/howFelt', add);
  checkEnum(d.terrain, TERRAINS, '/terrain', add);
  checkEnum(d.weatherType, WEATHER_TYPES, '/weatherType', add);
  checkEnum(d.deviceType, DEVICE_TYPES, '/deviceType', add);
  if (d.notes !== undefined && d.notes !== null) {
    if (typeof d.notes !== 'string') add(ProblemCode.WrongType, '/notes', 'notes must be a string');
    else if (d.notes.length > MAX_NOTES) add(ProblemCode.Notes, '/notes', `notes has ${d.notes.length} characters; at most ${MAX_NOTES}`);
  }
  for (const f of ['externalId', 'appVersion'] as const) {
    if (d[f] !== undefined && d[f] !== null && typeof d[f] !== 'string') add(ProblemCode.WrongType, `/${f}`, `${f} must be a string`);
  }

  const keys = d.recordingKeys;
  const values = d.recordingValues;
  if (!Array.isArray(keys)) {
    add(ProblemCode.Missing, '/recordingKeys', 'recordingKeys must be an array');
    return out;
  }
  if (!Array.isArray(values)) {
    add(ProblemCode.Missing, '/recordingValues', 'recordingValues must be an array');
    return out;
  }
  if (values.length !== keys.length) add(ProblemCode.Length, '/recordingValues', `${values.length} arrays for ${keys.length} keys`);
  const index = new Map<string, number>();
  keys.forEach((k, i) => {
    if (typeof k !== 'string' || !(RECORDING_KEYS as readonly string[]).includes(k)) {
      add(ProblemCode.UnknownKey, `/recordingKeys/${i}`, `${JSON.stringify(k)} is not a recording key`);
      return;
    }
    if (index.has(k)) add(ProblemCode.DuplicateKey, `/recordingKeys/${i}`, `${k} appears twice`);
    else index.set(k, i);
  });
  if (!index.has('duration')) add(ProblemCode.NoDuration, '/recordingKeys', 'recordingKeys must include duration');
  if (!index.has('distance') && !(index.has('latitude') && index.has('longitude'))) {
    add(ProblemCode.NoDistance, '/recordingKeys', 'recordingKeys must include distance, or latitude and longitude');
  }
  let n = -1;
  const series = new Map<string, unknown[]>();
  values.forEach((arr, i) => {
    if (!Array.isArray(arr)) {
      add(ProblemCode.WrongType, `/recordingValues/${i}`, 'each recording must be an array');
      return;
    }
    if (n === -1) n = arr.length;
    else if (arr.length !== n) add(ProblemCode.Length, `/recordingValues/${i}`, `${arr.length} values; the first recording has ${n}`);
    arr.forEach((v, j) => {
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
        add(ProblemCode.NotFinite, `/recordingValues/${i}/${j}`, `${JSON.stringify(v)} is not a finite number or null`);
      }
    });
    if (typeof keys[i] === 'string') series.set(keys[i] as string, arr);
  });
  const num = (arr: unknown[] | undefined, j: number): number => {
    const v = arr?.[j];
    return typeof v === 'number' ? v : NaN;
  };

  const clock = series.get('clock');
  const duration = series.get('duration');
  for (const [name, arr, code] of [
    ['clock', clock, ProblemCode.ClockDecreases],
    ['duration', duration, ProblemCode.DurationDecreases],
  ] as const) {
    if (arr === undefined) continue;
    const at = index.get(name);
    for (let j = 0; j < arr.length; j++) {
      if (arr[j] === null) add(ProblemCode.NotFinite, `/recordingValues/${at}/${j}`, `${name} may not be null`);
      if (j > 0 && num(arr, j) < num(arr, j - 1)) add(code, `/recordingValues/${at}/${j}`, `${name} decreases at recording ${j}`);
    }
  }
  const pauses = d.pauseIndexes;
  if (pauses !== undefined && !Array.isArray(pauses)) add(ProblemCode.WrongType, '/pauseIndexes', 'pauseIndexes must be an array');
  if (Array.isArray(pauses)) {
    let prev = 0;
    pauses.forEach((p, k) => {
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > n - 1 || p <= prev) {
        add(ProblemCode.PauseIndex, `/pauseIndexes/${k}`, `pause index ${JSON.stringify(p)} must be an integer in 1…${n - 1}, increasing`);
        return;
      }
      prev = p;
      if (duration !== undefined && num(duration, p) !== num(duration, p - 1)) {
        add(ProblemCode.PauseDuration, `/pauseIndexes/${k}`, `duration[${p}] must equal duration[${p - 1}] across a pause`);
      }
    });
  }

  const distance = series.get('distance');
  const lastDuration = duration !== undefined && duration.length > 0 ? num(duration, duration.length - 1) : NaN;
  const lastDistance = distance === undefined ? NaN : lastNumber(distance);
  if (typeof d.duration === 'number' && duration !== undefined && duration.length > 0 && d.duration !== lastDuration) {
    add(ProblemCode.SummaryDuration, '/duration', `duration ${d.duration} differs from the last duration recording ${lastDuration}`);
  }
  if (typeof d.distance === 'number' && distance !== undefined && lastDistance === lastDistance && d.distance !== lastDistance) {
    add(ProblemCode.SummaryDistance, '/distance', `distance ${d.distance} differs from the last distance recording ${lastDistance}`);
  }

  for (const [name, lim, code] of [
    ['latitude', 90, ProblemCode.Latitude],
    ['longitude', 180, ProblemCode.Longitude],
  ] as const) {
    const arr = series.get(name);
    if (arr === undefined) continue;
    arr.forEach((v, j) => {
      if (typeof v === 'number' && (v < -lim || v > lim)) add(code, `/recordingValues/${index.get(name)}/${j}`, `${name} ${v} outside −${lim}…${lim}`);
    });
  }

  const laps = d.laps;
  if (laps !== undefined && !Array.isArray(laps)) add(ProblemCode.WrongType, '/laps', 'laps must be an array');
  if (Array.isArray(laps)) {
    let prevDur = -Infinity;
    let prevDist = -Infinity;
    const totalDist = lastDistance === lastDistance ? lastDistance * 1000 : typeof d.distance === 'number' ? d.distance * 1000 : Infinity;
    const totalDur = lastDuration === lastDuration ? lastDuration : typeof d.duration === 'number' ? d.duration : Infinity;
    laps.forEach((lap, k) => {
      const path = `/laps/${k}`;
      if (lap === null || typeof lap !== 'object') {
        add(ProblemCode.WrongType, path, 'a lap must be an object');
        return;
      }
      const l = lap as Record<string, unknown>;
      const t = typeof l.lapType === 'string' ? l.lapType.toLowerCase() : l.lapType;
      if (t !== 'work' && !(LAP_TYPES as readonly unknown[]).includes(t)) add(ProblemCode.Enum, `${path}/lapType`, `lapType ${JSON.stringify(l.lapType)} is not one of ${LAP_TYPES.join(', ')}`);
      if (typeof l.endDuration === 'number') {
        if (!(l.endDuration > prevDur)) add(ProblemCode.LapOrder, `${path}/endDuration`, 'lap ends must increase');
        if (l.endDuration < 0 || l.endDuration > totalDur) add(ProblemCode.LapRange, `${path}/endDuration`, `lap end ${l.endDuration} s lies outside the run (0…${totalDur})`);
        prevDur = l.endDuration;
      } else if (typeof l.endDistance === 'number') {
        if (!(l.endDistance > prevDist)) add(ProblemCode.LapOrder, `${path}/endDistance`, 'lap ends must increase');
        if (l.endDistance < 0 || l.endDistance > totalDist + 1e-6) add(ProblemCode.LapRange, `${path}/endDistance`, `lap end ${l.endDistance} m lies outside the run (0…${totalDist})`);
        prevDist = l.endDistance;
      } else {
        add(ProblemCode.Missing, path, 'a lap needs endDuration or endDistance');
      }
    });
  }
  return out;
}

function lastNumber(arr: unknown[]): number {
  for (let j = arr.length - 1; j >= 0; j--) if (typeof arr[j] === 'number') return arr[j] as number;
  return NaN;
}

function checkEnum(v: unknown, allowed: readonly string[], path: string, add: (c: ProblemCode, p: string, m: string) => void): void {
  if (v === undefined || v === null) return;
  const ok = typeof v === 'string' && allowed.some((a) => a.toLowerCase() === v.toLowerCase());
  if (!ok) add(ProblemCode.Enum, path, `${JSON.stringify(v)} is not one of ${allowed.join(', ')}`);
}
