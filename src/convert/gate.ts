/**
 * The last check before an activity is handed out: the structure `validate()` (spec §7) requires, checked
 * on the columns, so that a successful conversion always passes `validate()`. Decoders build activities
 * that hold these rules by construction; this gate is what makes a decoder's bug (or an input nobody
 * foresaw) a typed refusal instead of a wrong document sent to Smashrun. What can be corrected is
 * (laps out of order or beyond the run: left out, counted); what cannot is refused with
 * `invalid-activity`.
 *
 * Cost: two passes over `time` and `duration` and one over the laps and pauses (the series values are
 * checked where they are read: each decoder leaves out non-finite numbers and positions out of range).
 */
import type { Activity } from '../core/activity.js';
import { ConvertError, ErrorCode, type Report, type SourceFormat } from '../core/errors.js';

/** Earliest and latest start accepted: a date before 1970 or from 2100 on is garbage in a date field. */
const FIRST_MS = Date.UTC(1970, 0, 1);
const END_MS = Date.UTC(2100, 0, 1);
/** Widest UTC offset in use anywhere (UTC+14), with room: minutes. */
const MAX_OFFSET_MIN = 18 * 60;

/**
 * Checks `a` before it is emitted: refuses (throws `invalid-activity`) what cannot be made right, leaves
 * out (counted) laps that lie outside the run or out of order.
 */
export function checkActivity(a: Activity, report: Report, format: SourceFormat, where: { activity: number } | undefined): void {
  const n = a.length;
  const refuse = (why: string): never => {
    throw new ConvertError(ErrorCode.Invalid, where === undefined ? why : `activity ${where.activity}: ${why}`, { format });
  };
  if (n < 1) refuse('the activity has no samples');
  if (!(a.startTime >= FIRST_MS && a.startTime < END_MS)) {
    refuse(`the run's start (${Number.isFinite(a.startTime) ? new Date(a.startTime).toISOString() : a.startTime}) is not between 1970 and 2099`);
  }
  const offset = a.utcOffset ?? 0;
  if (!(Number.isInteger(offset) && Math.abs(offset) <= MAX_OFFSET_MIN)) refuse(`UTC offset ${offset} min is not a time zone's`);

  const { time, duration, pauses } = a;
  if (!(time[0] >= a.startTime) || !(duration[0] >= 0)) refuse('the first sample lies before the start of the run');
  // The loop only finds the first bad sample; the refusal is built after it (a call inside the loop made
  // it three times slower: 5.4 vs 1.9 ns a sample).
  let bad = 0;
  for (let i = 1; i < n; i++) {
    // Negated comparisons: NaN fails them too.
    if (!(time[i] >= time[i - 1]) || !(duration[i] >= duration[i - 1])) {
      bad = i;
      break;
    }
  }
  if (bad > 0) refuse(`${time[bad] >= time[bad - 1] ? 'duration' : 'the clock'} goes back at sample ${bad}`);
  if (!Number.isFinite(time[n - 1]) || !Number.isFinite(duration[n - 1])) refuse('a time is not finite');
  let prev = 0;
  for (let k = 0; k < pauses.length; k++) {
    const p = pauses[k];
    if (!(p > prev && p <= n - 1)) refuse(`pause ${k} (sample ${p}) is out of order or outside the run`);
    if (duration[p] !== duration[p - 1]) refuse(`duration moves across pause ${k} (sample ${p})`);
    prev = p;
  }
  const { distance, latitude, longitude } = a.series;
  if (distance === null && (latitude === null || longitude === null)) refuse('the activity has neither a distance series nor positions');

  // Laps: each kind's ends increase and lie within the run (validate()'s lap rules); others left out.
  const totalS = duration[n - 1];
  const totalM = distance === null ? Infinity : lastValid(distance, n) * 1000;
  let prevS = -Infinity;
  let prevM = -Infinity;
  let dropped = 0;
  const laps = a.laps.filter((lap) => {
    const ok = lap.by === 'duration' ? lap.end > prevS && lap.end >= 0 && lap.end <= totalS : lap.end > prevM && lap.end >= 0 && lap.end <= totalM + 1e-6;
    if (!ok || !Number.isInteger(lap.endIndex) || lap.endIndex < 0 || lap.endIndex >= n) {
      dropped++;
      return false;
    }
    if (lap.by === 'duration') prevS = lap.end;
    else prevM = lap.end;
    return true;
  });
  if (dropped > 0) {
    a.laps = laps;
    report.warn('lap-out-of-range', 'laps ending beyond the run or not after the lap before them were left out', dropped, where);
  }
}

function lastValid(col: Float64Array, n: number): number {
  for (let i = n - 1; i >= 0; i--) if (col[i] === col[i]) return col[i];
  return Infinity;
}
