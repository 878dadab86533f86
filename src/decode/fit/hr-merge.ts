/**
 * Heart rate from FIT `hr` messages: heart rate a strap (HRM-Tri, HRM-Swim, HRM-Pro) stored while it could
 * not transmit (under water, out of range) and sent to the watch afterwards. The records of those moments
 * carry no heart rate; `@garmin/fitsdk` (`Decoder.read()`, default option `mergeHeartRates`) fills it in
 * from the hr messages, and so does runjson, with the same algorithm (`utils-hr-mesg.js` of the SDK):
 *
 * 1. Pass 1 ({@link HrMessages.add}, one call per hr message) expands the messages into readings (time,
 *    bpm). An hr message with a `timestamp` is an anchor: its single `event_timestamp` (1/1024 s) is the
 *    same instant as `timestamp` + `fractional_timestamp` (or `time256`). Later messages carry up to 8
 *    readings: `filtered_bpm[]` with `event_timestamp[]`, or with `event_timestamp_12`, a byte array of
 *    packed 12-bit deltas (least significant bit first) accumulated onto the last event timestamp. A
 *    reading is at anchor time + (event_timestamp − anchor event_timestamp); an event timestamp below the
 *    anchor's by more than 2^21 s (24 days) has rolled over (uint32 in 1/1024 s) and gets 2^22 s added.
 *    Between two readings the SDK carries the previous bpm forward every 0.25 s (at most 20 steps, 5 s);
 *    those fill readings are not stored: each reading keeps how many precede it, and the merge generates
 *    them on the fly (memory stays linear in the readings).
 * 2. Pass 2 ({@link mergeHrMessages}) walks the records in file order and the readings with one cursor:
 *    a record gets the rounded mean of the readings in (end of the last record that got a window, its
 *    own time]; a record at the same second as that end steps the window (and the cursor) back one.
 *
 * Where runjson differs from the SDK, on purpose:
 * - A record's own heart rate wins: the SDK overwrites it with the hr messages' mean; runjson fills only
 *   records without one. A record's own value is what the watch received live (from the same strap, or
 *   its own sensor); the stored data is there to fill the gaps (corpus: within a few bpm, the stored
 *   series lagging the live one by a second or two). Records that kept a value the stored data
 *   disagrees with are counted in a note.
 * - An invalid `filtered_bpm` element (0xFF) counts for nothing; the SDK adds it to the mean as 0.
 * - The rollover: the SDK adds 2^22 s only when the event timestamp is more than 2^22 s below the
 *   anchor's, which cannot happen (both are below 2^22 s), so it throws at every rollover and merges
 *   nothing; runjson takes a drop of more than half the range (2^21 s) as the rollover it is. Only plain
 *   `event_timestamp` arrays can roll over: the 12-bit deltas accumulate past 2^32 without wrapping.
 * - Records without a timestamp are not in the walk (runjson leaves them out); in the SDK one such record
 *   makes every later record miss its stored heart rate.
 * Like the SDK, hr messages that cannot be placed in time (no anchor before them, an anchor with more
 * than one event timestamp, bpm and timestamp arrays of different lengths, a timestamp going back without
 * a rollover) make the whole stored series unusable: none is merged, and a warning counts the messages.
 *
 * Spec: https://developer.garmin.com/fit/cookbook/ (HRM swim / stored heart rate) and the SDK's profile.
 */
import { ConvertError, ErrorCode, type Report } from '../../core/errors.js';
import type { RecordColumns } from './record-columns.js';
import { FIT_EPOCH_S, profileComponents, profileField } from '../../fit/profile.js';
import { HrSlots as H } from './message-specs.js';

const EVENT_SCALE = profileField('hr', 'eventTimestamp').scale;
const FRACTION_SCALE = profileField('hr', 'fractionalTimestamp').scale;
const TIME256_SCALE = profileField('hr', 'time256').scale;
const E12 = profileComponents('hr', 'eventTimestamp12');
/** Bits per packed delta, the delta mask and how many deltas one message carries at most. */
const E12_BITS = E12.bits[0];
const E12_MASK = 2 ** E12_BITS - 1;
const E12_MAX = E12.bits.length;
/** event_timestamp rolls over at 2^32 / 1024 s (2^22 s, 48.5 days). */
const ROLLOVER_S = 2 ** 32 / EVENT_SCALE;
/** The SDK's gap filling: the previous bpm every 0.25 s, at most 20 times (5 s). */
const GAP_STEP_MS = 250;
const GAP_STEP_S = GAP_STEP_MS / 1000;
const GAP_MAX_STEPS = 5000 / GAP_STEP_MS;

/** Readings expanded from a FIT file's hr messages (pass 1), in growable typed arrays. */
export class HrMessages {
  /** hr messages seen. */
  messages = 0;
  /** Readings stored (valid up to `n`). */
  n = 0;
  /** Time of each reading, FIT seconds (fractional). */
  t: Float64Array;
  /** bpm of each reading (NaN: invalid). */
  bpm: Float64Array;
  /** How many 0.25 s fill readings the SDK puts before each reading (0–20). */
  fills: Uint8Array;
  /** Why the readings cannot be placed in time (the SDK then merges none), or null. */
  failed: string | null = null;

  private readonly maxSamples: number;
  private anchorT = NaN;
  private anchorE = NaN;
  // The event_timestamp accumulator (1/1024 s), as the SDK keeps it for the 12-bit deltas.
  private acc = NaN;
  private accLast = 0;
  // Scratch lists of one message.
  private readonly ev = new Float64Array(256);
  private readonly bp = new Float64Array(256);

  constructor(maxSamples: number) {
    this.maxSamples = maxSamples;
    const cap = Math.min(4096, maxSamples);
    this.t = new Float64Array(cap);
    this.bpm = new Float64Array(cap);
    this.fills = new Uint8Array(cap);
  }

  /** One hr message (the reader's slots and array elements, see `FitSink`). */
  add(v: Float64Array, arrs: Float64Array[], offset: number): void {
    this.messages++;
    if (this.failed !== null) return;
    const ev = this.ev;
    const bp = this.bp;
    // Event timestamps (s): event_timestamp[] (each one also resets the accumulator, as the SDK does while
    // reading the field), replaced by the expansion of event_timestamp_12 when the message has one.
    let ne = 0;
    const nDirect = v[H.eventTimestamp];
    if (nDirect === nDirect) {
      const a = arrs[H.eventTimestamp];
      for (let i = 0; i < nDirect; i++) {
        const e = a[i];
        if (e === e) this.acc = this.accLast = e;
        ev[ne++] = e / EVENT_SCALE;
      }
    }
    const nBytes = v[H.eventTimestamp12];
    if (nBytes === nBytes) {
      const a = arrs[H.eventTimestamp12];
      const count = Math.min(E12_MAX, ((nBytes * 8) / E12_BITS) | 0);
      if (count > 0) ne = 0;
      let acc = this.acc;
      let last = this.accLast;
      for (let k = 0; k < count; k++) {
        const bit = k * E12_BITS;
        const at = bit >> 3;
        const lo = a[at] & 0xff;
        const hi = at + 1 < nBytes ? a[at + 1] & 0xff : 0;
        const d = ((lo | (hi << 8)) >> (bit & 7)) & E12_MASK;
        if (acc !== acc) acc = last = d;
        acc += (d - last) & E12_MASK;
        last = d;
        ev[ne++] = acc === 0xffffffff ? NaN : acc / EVENT_SCALE;
      }
      this.acc = acc;
      this.accLast = last;
    }
    if (ne === 0) ev[ne++] = NaN;
    let nb = 0;
    const nBpm = v[H.filteredBpm];
    if (nBpm === nBpm) {
      const a = arrs[H.filteredBpm];
      for (let i = 0; i < nBpm; i++) bp[nb++] = a[i];
    } else {
      bp[nb++] = NaN;
    }

    const ts = v[H.timestamp];
    if (ts === ts) {
      let anchor = ts;
      const t256 = v[H.time256];
      const frac = v[H.fractionalTimestamp];
      if (t256 === t256) anchor += t256 / TIME256_SCALE;
      else if (frac === frac) anchor += frac / FRACTION_SCALE;
      this.anchorT = anchor;
      if (ne !== 1) return this.fail('an anchor hr message (one with a timestamp) carries more than one event_timestamp');
      this.anchorE = ev[0];
    }
    if (this.anchorT !== this.anchorT || this.anchorE !== this.anchorE) return this.fail('an hr message comes before any anchor (an hr message with a timestamp and an event_timestamp)');
    if (ne !== nb) return this.fail('an hr message has event timestamps and filtered_bpm of different lengths');

    if (this.n + ne > this.t.length) this.grow(offset, this.n + ne);
    const times = this.t;
    const bpms = this.bpm;
    const fills = this.fills;
    const anchorE = this.anchorE;
    let n = this.n;
    for (let i = 0; i < ne; i++) {
      let e = ev[i];
      if (e < anchorE) {
        if (anchorE - e > ROLLOVER_S / 2) e += ROLLOVER_S;
        else return this.fail('an hr message event_timestamp goes back before its anchor');
      }
      const t = this.anchorT + (e - anchorE);
      // The SDK steps 250 ms at a time while more than 250 ms are left, at most 20 times: the count of
      // k ≥ 1 with gap > 250 k (exact: gap is a multiple of 1000/32768 ms below 2^32). NaN: none.
      const gap = n > 0 ? Math.abs(t - times[n - 1]) * 1000 : 0;
      fills[n] = gap > GAP_STEP_MS ? Math.min(GAP_MAX_STEPS, Math.ceil(gap / GAP_STEP_MS) - 1) : 0;
      times[n] = t;
      bpms[n] = bp[i];
      n++;
    }
    this.n = n;
  }

  private fail(why: string): void {
    this.failed = why;
    this.n = 0;
  }

  private grow(offset: number, need: number): void {
    if (need > this.maxSamples) {
      throw new ConvertError(ErrorCode.Limit, `FIT hr messages exceed limits.maxSamples (${this.maxSamples}) heart-rate readings`, { format: 'fit', offset });
    }
    const cap = Math.min(Math.max(this.t.length * 2, need), this.maxSamples);
    const t = new Float64Array(cap);
    t.set(this.t);
    this.t = t;
    const bpm = new Float64Array(cap);
    bpm.set(this.bpm);
    this.bpm = bpm;
    const fills = new Uint8Array(cap);
    fills.set(this.fills);
    this.fills = fills;
  }
}

/**
 * Fills the heart rate of the records (pass-1 columns, file order) that have none from the hr messages'
 * readings, as `@garmin/fitsdk` does (see the file comment), and reports how many samples got one.
 * Returns that count. Does nothing when `hr` is null.
 */
export function mergeHrMessages(hr: HrMessages | null, rec: RecordColumns, report: Report): number {
  if (hr === null) return 0;
  if (hr.failed !== null) {
    report.warn('hr-messages-unusable', `FIT hr messages (stored heart rate) were left out: ${hr.failed}`, hr.messages);
    return 0;
  }
  const m = hr.n;
  if (m === 0 || rec.n === 0) return 0;
  const ht = hr.t;
  const hb = hr.bpm;
  const fills = hr.fills;
  const time = rec.time;
  const heart = rec.heartRate;
  // The SDK's cursor over its expanded list (readings with their fill readings before them), as a pair:
  // reading j itself when s === fills[j], else fill s + 1 of the ones before reading j.
  let j = 0;
  let s = 0;
  let start = NaN;
  let filled = 0;
  let kept = 0;
  for (let i = 0; i < rec.n; i++) {
    const end = time[i] / 1000 - FIT_EPOCH_S;
    if (start !== start) start = end;
    if (start === end) {
      start--;
      if (s > 0) s--;
      else if (j > 0) s = fills[--j];
    }
    let sum = 0;
    let count = 0;
    while (j < m) {
      const fill = s < fills[j];
      const t = fill ? ht[j - 1] + GAP_STEP_S * (s + 1) : ht[j];
      if (t > start && t <= end) {
        const b = fill ? hb[j - 1] : hb[j];
        if (b === b) {
          sum += b;
          count++;
        }
      } else if (t > end) {
        if (count > 0) {
          const bpm = Math.round(sum / count);
          const own = heart[i];
          if (own !== own) {
            heart[i] = bpm;
            filled++;
          } else if (own !== bpm) {
            kept++;
          }
        }
        start = end;
        break;
      }
      if (fill) s++;
      else {
        j++;
        s = 0;
      }
    }
  }
  if (filled > 0) {
    report.note('heart-rate-merged', 'FIT records without heart rate got it from hr messages (heart rate the strap stored and sent later)', filled);
  }
  if (kept > 0) {
    report.note('heart-rate-own-kept', 'FIT records kept their own heart rate where the stored hr messages gave another', kept);
  }
  return filled;
}
