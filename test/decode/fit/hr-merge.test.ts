/**
 * Heart rate from FIT `hr` messages (src/decode/fit/hr-merge.ts): synthetic files written with
 * `@garmin/fitsdk`'s Encoder (anchors, packed 12-bit event timestamps with a 12-bit rollover, the uint32
 * event_timestamp rollover, same-second records, gaps, records with their own heart rate, broken hr
 * streams), each compared with the SDK's own merge and with values worked out by hand; then every FIT
 * file of fixtures/ and the corpus that has hr messages, record by record against the SDK.
 */
import { basename } from 'node:path';
import { Decoder, Encoder, Profile, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { Report } from '../../../src/core/errors.js';
import { createFitDecoder, decodeFit, readFitMessages } from '../../../src/decode/fit/index.js';
import { mergeHrMessages } from '../../../src/decode/fit/hr-merge.js';
import { decodeOptions } from '../../../src/decode/decoder.js';
import { fitFile as handMadeFile, intBytes } from '../../helpers/fit-bytes.js';
import { CORPUS, FIXTURES, HAS_CORPUS, listFiles, readBytes } from '../../helpers/paths.js';

const FIT_EPOCH_MS = 631065600000;
/** Record times are whole seconds from T0 (FIT seconds). */
const T0 = 1_100_000_000;
const date = (fitSeconds: number): Date => new Date(FIT_EPOCH_MS + fitSeconds * 1000);

type Mesg = Record<string, unknown>;

/** Packs the low 12 bits of each raw event timestamp (1/1024 s), least significant bit first. */
function pack12(raw: number[]): number[] {
  const bytes = new Array<number>(Math.ceil((raw.length * 12) / 8)).fill(0);
  raw.forEach((r, k) => {
    const d = r & 0xfff;
    for (let b = 0; b < 12; b++) {
      const bit = k * 12 + b;
      if ((d >> b) & 1) bytes[bit >> 3] |= 1 << (bit & 7);
    }
  });
  return bytes;
}

/** An anchor hr message: `at` FIT seconds (with its fraction) is the event timestamp `rawEvent`. */
function anchor(at: number, rawEvent: number, bpm: number): Mesg {
  const whole = Math.floor(at);
  return { mesgNum: Profile.MesgNum.HR, timestamp: date(whole), fractionalTimestamp: at - whole, eventTimestamp: [rawEvent / 1024], filteredBpm: [bpm] };
}

/** A delta hr message: 8 readings whose raw event timestamps are packed as 12-bit deltas. */
function packed(rawEvents: number[], bpm: number[]): Mesg {
  return { mesgNum: Profile.MesgNum.HR, eventTimestamp12: pack12(rawEvents), filteredBpm: bpm };
}

/** A FIT activity file: `n` records at 1 Hz from T0 (heart rate where `ownHr` gives one), then `hr`. */
function fitFile(n: number, hr: Mesg[], ownHr: (i: number) => number | undefined = () => undefined, extraTimes: number[] = []): Uint8Array {
  const e = new Encoder();
  const put = (num: number, m: Mesg): void => void e.onMesg(num, m);
  put(Profile.MesgNum.FILE_ID, { type: 'activity', manufacturer: 'garmin', product: 1, serialNumber: 4242, timeCreated: date(T0) });
  put(Profile.MesgNum.EVENT, { timestamp: date(T0), event: 'timer', eventType: 'start' });
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(T0 + i);
  times.push(...extraTimes);
  times.sort((a, b) => a - b);
  times.forEach((t, i) => {
    const rec: Mesg = { timestamp: date(t), distance: i * 2.5 };
    const h = ownHr(i);
    if (h !== undefined) rec.heartRate = h;
    put(Profile.MesgNum.RECORD, rec);
  });
  const end = times[times.length - 1];
  put(Profile.MesgNum.EVENT, { timestamp: date(end), event: 'timer', eventType: 'stopAll' });
  for (const m of hr) put(Profile.MesgNum.HR, m);
  put(Profile.MesgNum.SESSION, {
    timestamp: date(end), startTime: date(T0), sport: 'running', subSport: 'generic', totalElapsedTime: end - T0, totalTimerTime: end - T0,
  });
  return e.close();
}

interface Sdk {
  merged: (number | undefined)[];
  own: (number | undefined)[];
  errors: number;
}

function sdk(bytes: Uint8Array): Sdk {
  const hr = (mergeHeartRates: boolean): { hr: (number | undefined)[]; errors: number } => {
    const { messages, errors } = new Decoder(Stream.fromByteArray(bytes)).read({ mergeHeartRates });
    const recs = ((messages as Record<string, Mesg[]>).recordMesgs ?? []).filter((r) => r.timestamp instanceof Date);
    return { hr: recs.map((r) => (typeof r.heartRate === 'number' ? r.heartRate : undefined)), errors: errors.length };
  };
  const m = hr(true);
  return { merged: m.hr, own: hr(false).hr, errors: m.errors };
}

/** runjson's pass 1 + the merge: the records' heart rate (NaN → undefined) and the report. */
function ours(bytes: Uint8Array): { hr: (number | undefined)[]; report: Report; filled: number } {
  const report = new Report(false, 'fit');
  const m = readFitMessages(bytes, {}, report);
  const filled = mergeHrMessages(m.hr, m.rec, report);
  const hr = Array.from(m.rec.heartRate.subarray(0, m.rec.n), (v) => (v === v ? v : undefined));
  return { hr, report, filled };
}

function warning(report: Report, code: string): number | undefined {
  return report.warnings.find((w) => w.code === code)?.count;
}

/** Readings every 0.5 s from `from` (FIT seconds), anchored there: an anchor plus packed messages of 8. */
function steadyHr(from: number, rawAtFrom: number, seconds: number, bpmAt: (k: number) => number): Mesg[] {
  const out: Mesg[] = [anchor(from, rawAtFrom, bpmAt(0))];
  const total = seconds * 2;
  for (let k = 1; k + 8 <= total + 1; k += 8) {
    const raw: number[] = [];
    const bpm: number[] = [];
    for (let q = k; q < k + 8; q++) {
      raw.push(rawAtFrom + q * 512);
      bpm.push(bpmAt(q));
    }
    out.push(packed(raw, bpm));
  }
  return out;
}

describe('hr messages: synthetic files against @garmin/fitsdk', () => {
  it('fills records without heart rate with the mean of the readings of their second', () => {
    // Readings at T0 + 0.5 k s with bpm 100 + k; the record at T0 + i averages readings in (i − 1, i]:
    // k = 2i − 1 and 2i (a 0.25 s fill between them carries 100 + 2i − 1 once more).
    const hr = steadyHr(T0, 5000, 40, (k) => 100 + k);
    const bytes = fitFile(30, hr);
    const o = ours(bytes);
    const s = sdk(bytes);
    expect(s.errors).toBe(0);
    expect(o.hr).toEqual(s.merged);
    // By hand: the SDK puts one fill 0.25 s after each reading (gaps of 0.5 s), with its bpm, so the
    // window (i − 1, i] of record i holds the fill of reading 2i − 2, reading 2i − 1 and its fill, and
    // reading 2i: (100 + 2i − 2 + 2 (100 + 2i − 1) + 100 + 2i) / 4 = 99 + 2i. Record 0 has (−1, 0]: reading 0.
    expect(o.hr[0]).toBe(100);
    for (let i = 1; i < 30; i++) expect(o.hr[i]).toBe(99 + 2 * i);
    expect(o.filled).toBe(s.merged.filter((v) => v !== undefined).length);
    expect(warning(o.report, 'heart-rate-merged')).toBe(o.filled);
  });

  it('accumulates 12-bit deltas across their rollover (4096/1024 s = 4 s)', () => {
    // Raw event timestamps starting at 4096·3 − 700: the low 12 bits wrap from 3xxx to small values twice
    // inside the run; the accumulator must carry on (readings keep advancing 0.5 s each).
    const hr = steadyHr(T0 + 2, 4096 * 3 - 700, 25, (k) => 120 + (k % 7));
    const bytes = fitFile(30, hr);
    const o = ours(bytes);
    const s = sdk(bytes);
    expect(s.errors).toBe(0);
    expect(o.hr).toEqual(s.merged);
    // Records before the anchor (T0 + 2) have none; from it to the second before the last reading
    // (T0 + 26, which closes no window), every one has one.
    expect(o.hr.slice(0, 2)).toEqual([undefined, undefined]);
    expect(o.hr.slice(2, 26).every((v) => v !== undefined && v >= 120 && v <= 126)).toBe(true);
    expect(o.hr.slice(26)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('adds 2^22 s to an event_timestamp that rolled over (uint32 in 1/1024 s), where the SDK gives up', () => {
    // The anchor's event timestamp is 2 s before the uint32 rollover; the next messages carry plain
    // event_timestamp arrays that wrapped around to small values. The SDK's rollover test can never
    // pass (see hr-merge.ts): it throws and merges nothing. runjson places the readings.
    const top = 2 ** 32 - 2048; // raw, 1/1024 s
    const hr: Mesg[] = [anchor(T0 + 1, top, 90)];
    for (let q = 1; q <= 16; q++) {
      const raw = (top + q * 1024) % 2 ** 32;
      hr.push({ mesgNum: Profile.MesgNum.HR, eventTimestamp: [raw / 1024], filteredBpm: [90 + q] });
    }
    const bytes = fitFile(20, hr);
    const o = ours(bytes);
    const s = sdk(bytes);
    expect(s.errors).toBe(1);
    expect(s.merged.every((v) => v === undefined)).toBe(true);
    expect(warning(o.report, 'hr-messages-unusable')).toBeUndefined();
    expect(o.hr[0]).toBeUndefined();
    expect(o.hr[1]).toBe(90);
    // Reading q lands at T0 + 1 + q: the record of that second gets it (with the fills of the second
    // before, which carry bpm 90 + q − 1 three times): round((3 (89 + q) + 90 + q) / 4).
    // (The last reading closes no window: like the SDK, a record is given its mean only when a later
    // reading shows its second is over, so record 17 gets none.)
    expect(o.hr[17]).toBeUndefined();
    for (let q = 2; q <= 15; q++) expect(o.hr[1 + q]).toBe(Math.round((3 * (89 + q) + 90 + q) / 4));
  });

  it('steps back one reading for a record at the same second as the previous one', () => {
    const hr = steadyHr(T0, 100, 20, (k) => 80 + 2 * k);
    const bytes = fitFile(15, hr, () => undefined, [T0 + 5, T0 + 9]);
    const o = ours(bytes);
    const s = sdk(bytes);
    expect(s.errors).toBe(0);
    expect(o.hr.length).toBe(17);
    expect(o.hr).toEqual(s.merged);
  });

  it('carries a reading forward at most 5 s across a gap, as the SDK does', () => {
    // Readings at T0 + 1 … T0 + 3, then none until T0 + 12: records T0 + 4 … T0 + 8 get the carried
    // value (fills up to T0 + 3 + 5 s), records T0 + 9 … T0 + 11 get none.
    const hr: Mesg[] = [anchor(T0 + 1, 1024, 70), { mesgNum: Profile.MesgNum.HR, eventTimestamp: [2, 3], filteredBpm: [72, 74] }];
    hr.push({ mesgNum: Profile.MesgNum.HR, eventTimestamp: [12, 13, 14], filteredBpm: [90, 91, 92] });
    const bytes = fitFile(16, hr);
    const o = ours(bytes);
    const s = sdk(bytes);
    expect(s.errors).toBe(0);
    expect(o.hr).toEqual(s.merged);
    expect(o.hr.slice(4, 9)).toEqual([74, 74, 74, 74, 74]);
    expect(o.hr.slice(9, 12)).toEqual([undefined, undefined, undefined]);
  });

  it("keeps a record's own heart rate (the SDK overwrites it) and counts the disagreements", () => {
    const hr = steadyHr(T0, 0, 20, () => 150);
    const own = (i: number): number | undefined => (i >= 5 && i < 10 ? 140 + (i === 7 ? 10 : 0) : undefined);
    const bytes = fitFile(15, hr, own);
    const o = ours(bytes);
    const s = sdk(bytes);
    for (let i = 0; i < 15; i++) {
      expect(o.hr[i]).toBe(s.own[i] ?? s.merged[i]);
      if (i >= 5 && i < 10) expect(o.hr[i]).toBe(own(i));
    }
    expect(s.merged.slice(5, 10)).toEqual([150, 150, 150, 150, 150]);
    expect(warning(o.report, 'heart-rate-own-kept')).toBe(4);
    expect(warning(o.report, 'heart-rate-merged')).toBe(o.filled);
  });

  it('leaves out hr messages that cannot be placed in time, as the SDK does, with a warning', () => {
    // A packed message before any anchor: the SDK's merge throws and fills nothing.
    const hr = [packed([512, 1024, 1536, 2048, 2560, 3072, 3584, 4096], [1, 2, 3, 4, 5, 6, 7, 8]), ...steadyHr(T0, 0, 10, () => 99)];
    const bytes = fitFile(10, hr);
    const o = ours(bytes);
    const s = sdk(bytes);
    expect(s.errors).toBe(1);
    expect(s.merged.every((v) => v === undefined)).toBe(true);
    expect(o.hr.every((v) => v === undefined)).toBe(true);
    expect(warning(o.report, 'hr-messages-unusable')).toBe(hr.length);
    // An anchor with two event timestamps, and bpm/timestamp arrays of different lengths.
    for (const bad of [
      { mesgNum: Profile.MesgNum.HR, timestamp: date(T0), eventTimestamp: [1, 2], filteredBpm: [60, 61] },
      { mesgNum: Profile.MesgNum.HR, eventTimestamp: [1, 2], filteredBpm: [60] },
    ]) {
      const b = fitFile(10, [...steadyHr(T0, 0, 4, () => 99), bad]);
      expect(sdk(b).errors).toBe(1);
      const r = ours(b);
      expect(r.hr.every((v) => v === undefined)).toBe(true);
      expect(warning(r.report, 'hr-messages-unusable')).toBe(steadyHr(T0, 0, 4, () => 99).length + 1);
    }
  });

  it('goes through the whole decoder: any chunking, the note in the conversion report', () => {
    const bytes = fitFile(30, steadyHr(T0, 5000, 40, (k) => 100 + k));
    const report = new Report(false, 'fit');
    const [a] = decodeFit(bytes, {}, report);
    const heart = a.series.heartRate as Float64Array;
    const expected = ours(bytes).hr;
    expect(Array.from(heart, (v) => (v === v ? v : undefined))).toEqual(expected);
    expect(warning(report, 'heart-rate-merged')).toBe(expected.filter((v) => v !== undefined).length);
    for (const step of [1, 7, 64]) {
      const d = createFitDecoder({ options: decodeOptions(), report: new Report(false, 'fit') });
      for (let p = 0; p < bytes.length; p += step) d.push(bytes.subarray(p, p + step));
      const [b] = d.finish();
      expect(Array.from(b.series.heartRate as Float64Array)).toEqual(Array.from(heart));
    }
    // Strict conversions accept it: a filled-in heart rate is read from the file, not a correction.
    expect(() => decodeFit(bytes, { strict: true })).not.toThrow();
  });

  it('counts hr readings against limits.maxSamples', () => {
    const bytes = fitFile(30, steadyHr(T0, 5000, 40, (k) => 100 + k)); // 81 readings
    expect(() => readFitMessages(bytes, { limits: { maxSamples: 80 } })).toThrow(/maxSamples/);
    expect(readFitMessages(bytes, { limits: { maxSamples: 81 } }).hr?.n).toBe(81);
  });

  it('costs nothing on files without hr messages', () => {
    const m = readFitMessages(fitFile(5, []));
    expect(m.hr).toBeNull();
  });
});

/**
 * A FIT file written by hand with `big`-endian or little-endian definitions (the SDK's Encoder writes
 * little-endian only): 12 records at 1 Hz, an anchor hr message, then hr messages with uint32
 * event_timestamp[2] and uint8 filtered_bpm[2] arrays (one with an invalid 0xFF bpm), and a sint8 field the
 * profile does not know (skipped).
 */
function handMade(big: boolean): Uint8Array {
  const out: number[] = [];
  const int = (v: number, size: number): void => void out.push(...intBytes(v, size, big));
  const define = (local: number, global: number, fields: [number, number, number][]): void => {
    out.push(0x40 | local, 0, big ? 1 : 0);
    int(global, 2);
    out.push(fields.length);
    for (const f of fields) out.push(...f);
  };
  define(0, 20, [[253, 4, 0x86]]);
  define(1, 132, [[253, 4, 0x86], [0, 2, 0x84], [9, 4, 0x86], [6, 1, 0x02]]);
  define(2, 132, [[9, 8, 0x86], [200, 1, 0x01], [6, 2, 0x02]]);
  for (let i = 0; i < 12; i++) {
    out.push(0);
    int(T0 + i, 4);
  }
  out.push(1);
  int(T0 + 1, 4);
  int(16384, 2); // 0.5 s
  int(70_000, 4);
  int(80, 1);
  for (let q = 1; q <= 8; q++) {
    out.push(2);
    int(70_000 + q * 1024, 4);
    int(70_000 + q * 1024 + 512, 4);
    out.push(0x7f);
    int(80 + q, 1);
    int(q === 4 ? 0xff : 90 + q, 1);
  }
  return handMadeFile(out);
}

describe('hr messages: array fields of both byte orders', () => {
  it('reads big-endian and little-endian uint32/uint8 arrays alike, as the SDK does', () => {
    const le = handMade(false);
    const be = handMade(true);
    const o = ours(le);
    expect(ours(be).hr).toEqual(o.hr);
    // Every reading is valid except one bpm (0xFF), which the SDK averages in as 0 and runjson leaves
    // out: the records whose window holds it differ, all others are the SDK's.
    for (const bytes of [le, be]) {
      const s = sdk(bytes);
      expect(s.errors).toBe(0);
      const differ = o.hr.flatMap((v, i) => (v === s.merged[i] ? [] : [i]));
      expect(differ.length).toBeGreaterThan(0);
      expect(differ.length).toBeLessThanOrEqual(2);
      for (const i of differ) expect(o.hr[i] as number).toBeGreaterThan(s.merged[i] as number);
    }
    // Anchor (80 bpm) at T0 + 1.5 s = event 70000/1024 s; readings q at T0 + 1.5 + q (80 + q bpm) and
    // T0 + 2 + q (90 + q bpm), a 0.25 s fill after each. Record T0 + 2: the anchor and its fills at
    // 1.75 and 2.0 → 80; record T0 + 3: fill 2.25 (80), 2.5 (81), fill 2.75 (81), 3.0 (91) → 83.25 → 83.
    expect(o.hr.slice(0, 4)).toEqual([undefined, undefined, 80, 83]);
  });
});

const files = [...listFiles(FIXTURES, 'fit', '.fit'), ...(HAS_CORPUS ? listFiles(CORPUS, 'fit', '.fit') : [])];

describe('hr messages: real files against @garmin/fitsdk', () => {
  let withHr = 0;
  for (const path of files) {
    const name = basename(path);
    const bytes = readBytes(path);
    const { messages } = new Decoder(Stream.fromByteArray(bytes)).read({ mergeHeartRates: false });
    if (((messages as Record<string, unknown[]>).hrMesgs?.length ?? 0) === 0) continue;
    withHr++;
    it(`${name}: every record has its own heart rate, else the SDK's merged one`, () => {
      const s = sdk(bytes);
      const o = ours(bytes);
      expect(o.hr.length).toBe(s.merged.length);
      let filled = 0;
      for (let i = 0; i < o.hr.length; i++) {
        expect(o.hr[i], `record ${i}`).toBe(s.own[i] ?? s.merged[i]);
        if (s.own[i] === undefined && s.merged[i] !== undefined) filled++;
      }
      expect(filled).toBeGreaterThan(0);
      expect(o.filled).toBe(filled);
    });
  }
  it('finds the files with hr messages', () => {
    // fixtures/fit/fitparse__sample_mulitple_header.fit, and three more in the corpus.
    expect(withHr).toBeGreaterThanOrEqual(HAS_CORPUS ? 5 : 1);
  });
});
