/**
 * A run as it was uploaded against the same run read back from Smashrun (the sandbox): every difference,
 * as text, so that a test can show all of them at once rather than stop at the first.
 *
 * What is compared is what the upload carried: the Activity JSON written from the converted columns. So the
 * series compared are that document's recording keys (`recordingKeys(sent, includePower)`) — `speed` is
 * never one (Activity JSON has no such key) and `power` only with `includePower` — and the read-back must
 * carry those and no other. Likewise the metadata: every field but those that describe the source file
 * and that Activity JSON has no field for ({@link SOURCE_ONLY_META}).
 */
import type { Activity, ActivityMeta } from '../../src/core/activity.js';
import { RECORDED_SERIES_KEYS } from '../../src/core/series.js';
import { summarize } from '../../src/core/summary.js';
import { recordingKeys } from '../../src/encode/json/to-activity-json.js';

/**
 * What runjson knows of the source and Activity JSON does not carry: the format read, the UTC offset the
 * file itself gave (the run's own `utcOffset` is compared), the device's name (reports only), the sub-sport,
 * and whether the sport was a guess. A run read back from Activity JSON cannot have them.
 */
export const SOURCE_ONLY_META: readonly (keyof ActivityMeta)[] = ['format', 'sourceOffset', 'device', 'subSport', 'sportAssumed'];

/** Equal as numbers go in JSON: NaN (missing) equals NaN, and −0 equals 0 (JSON has no −0). */
function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** The first few indexes where two columns differ, and how many do. */
function columnDifference(name: string, x: ArrayLike<number>, y: ArrayLike<number>): string | null {
  if (x.length !== y.length) return `${name}: ${x.length} values sent, ${y.length} read back`;
  const at: string[] = [];
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    if (same(x[i], y[i])) continue;
    if (count++ < 3) at.push(`[${i}] ${x[i]} → ${y[i]}`);
  }
  return count === 0 ? null : `${name}: ${count} values differ, e.g. ${at.join(', ')}`;
}

/**
 * Every difference between the run uploaded (`sent`, converted with `includePower`) and the run read back:
 * length, start and UTC offset, `time` (ms) and `duration` per sample, each series the upload carried, the
 * pauses, the laps as Activity JSON sends them (`type`, `by`, `end`), the summary recomputed from both, and
 * the metadata Activity JSON carries (externalId, notes, device type, songs…).
 */
export function readBackDifferences(sent: Activity, back: Activity, includePower = false): string[] {
  const out: string[] = [];
  const push = (d: string | null): void => {
    if (d !== null) out.push(d);
  };
  if (back.length !== sent.length) out.push(`length: ${sent.length} sent, ${back.length} read back`);
  if (back.startTime !== sent.startTime) out.push(`startTime: ${sent.startTime} sent, ${back.startTime} read back`);
  if (back.utcOffset !== sent.utcOffset) out.push(`utcOffset: ${String(sent.utcOffset)} sent, ${String(back.utcOffset)} read back`);
  if (back.hasClock !== sent.hasClock) out.push(`hasClock: ${sent.hasClock} sent, ${back.hasClock} read back`);
  push(columnDifference('time', sent.time, back.time));
  push(columnDifference('duration', sent.duration, back.duration));

  const carried = new Set(recordingKeys(sent, includePower));
  for (const key of RECORDED_SERIES_KEYS) {
    const x = sent.series[key];
    const y = back.series[key];
    if (!carried.has(key)) {
      if (y !== null) out.push(`${key}: not sent, yet read back`);
      continue;
    }
    if (x === null || y === null) {
      if (x !== y) out.push(`${key}: ${x === null ? 'absent' : 'present'} sent, ${y === null ? 'absent' : 'present'} read back`);
      continue;
    }
    push(columnDifference(key, x, y));
  }

  push(columnDifference('pauses', sent.pauses, back.pauses));
  const encoded = (a: Activity): string => JSON.stringify(a.laps.map(({ type, by, end }) => ({ type, by, end })));
  if (encoded(back) !== encoded(sent)) out.push(`laps: ${encoded(sent)} sent, ${encoded(back)} read back`);
  const summary = (a: Activity): string => JSON.stringify(summarize(a));
  if (summary(back) !== summary(sent)) out.push(`summary: ${summary(sent)} sent, ${summary(back)} read back`);
  for (const key of Object.keys(sent.meta) as (keyof ActivityMeta)[]) {
    if (SOURCE_ONLY_META.includes(key)) continue;
    const x = JSON.stringify(sent.meta[key]);
    const y = JSON.stringify(back.meta[key]);
    if (x !== y) out.push(`meta.${key}: ${x} sent, ${y} read back`);
  }
  return out;
}
