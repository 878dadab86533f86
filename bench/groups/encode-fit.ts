/**
 * `encode/fit/*`: writing a FIT activity file for a large generated run (every series, pauses, laps),
 * runjson's `toFit` against `@garmin/fitsdk`'s `Encoder` writing the same messages and records. The
 * peer's time includes building its message objects from the same columns, as a user of the SDK would;
 * it is given FIT seconds and enum numbers rather than `Date`s and names (its cheapest input), so the
 * ratio is, if anything, in the SDK's favour. The check reads both files with the SDK and compares every
 * record.
 */
import { Encoder, type Mesg, Profile } from '@garmin/fitsdk';
import type { Activity } from '../../src/core/activity.js';
import { seriesStats, summarize } from '../../src/core/summary.js';
import { toFit } from '../../src/encode/fit/to-fit.js';
import { generateRun } from '../../test/helpers/generate.js';
import { readWithSdk } from '../../test/helpers/fit-sdk.js';
import type { BenchGroup } from '../harness.js';

const FIT_EPOCH_S = 631065600;
const SEMI = 2 ** 31 / 180;
const M = (Profile as unknown as { MesgNum: Record<string, number> }).MesgNum;

/** FIT seconds of an instant in ms, as toFit rounds it. */
const fitS = (ms: number): number => Math.round(ms / 1000) - FIT_EPOCH_S;
const orUndef = (v: number): number | undefined => (v === v ? v : undefined);

/** The same file as toFit writes, through the SDK's Encoder, its message objects built from the columns. */
function withSdk(a: Activity): Uint8Array {
  const n = a.length;
  const s = a.series;
  const lat = s.latitude as Float64Array;
  const lon = s.longitude as Float64Array;
  const dist = s.distance as Float64Array;
  const ele = s.elevation as Float64Array;
  const hr = s.heartRate as Float64Array;
  const cad = s.cadence as Float64Array;
  const pow = s.power as Float64Array;
  const temp = s.temperature as Float64Array;
  const start = fitS(a.startTime);
  const last = fitS(a.time[n - 1]);
  const sdk = new Encoder();
  // The SDK's typed messages are per message number; these objects hold the same profile field names.
  const e = { onMesg: (num: number, fields: Record<string, number | undefined>): void => void sdk.onMesg(num, fields as Mesg) };
  e.onMesg(M.FILE_ID, { type: 4, manufacturer: 255, timeCreated: start });
  e.onMesg(M.DEVICE_INFO, { timestamp: start, deviceIndex: 0, manufacturer: 255 });
  e.onMesg(M.EVENT, { timestamp: start, event: 0, eventType: 0 });
  let p = 0;
  let lap = 0;
  for (let i = 0; i < n; i++) {
    const t = fitS(a.time[i]);
    if (p < a.pauses.length && a.pauses[p] === i) {
      e.onMesg(M.EVENT, { timestamp: fitS(a.time[i - 1]), event: 0, eventType: 4 });
      e.onMesg(M.EVENT, { timestamp: t, event: 0, eventType: 0 });
      p++;
    }
    const c = cad[i];
    const whole = Math.floor(c);
    e.onMesg(M.RECORD, {
      timestamp: t,
      positionLat: lat[i] === lat[i] ? Math.round(lat[i] * SEMI) : undefined,
      positionLong: lon[i] === lon[i] ? Math.round(lon[i] * SEMI) : undefined,
      distance: orUndef(dist[i] * 1000),
      enhancedAltitude: orUndef(ele[i]),
      heartRate: hr[i] === hr[i] ? Math.round(hr[i]) : undefined,
      cadence: c === c ? whole : undefined,
      fractionalCadence: c === c ? c - whole : undefined,
      power: orUndef(pow[i]),
      temperature: orUndef(temp[i]),
    });
    if (lap < a.laps.length && a.laps[lap].endIndex === i) {
      const from = lap === 0 ? 0 : a.laps[lap - 1].endIndex + 1;
      const lapStart = lap === 0 ? start : fitS(a.time[from - 1]);
      const h = seriesStats(hr, a.duration, true, from, i + 1);
      const cs = seriesStats(cad, a.duration, true, from, i + 1);
      const ps = seriesStats(pow, a.duration, false, from, i + 1);
      e.onMesg(M.LAP, {
        timestamp: t,
        startTime: lapStart,
        totalElapsedTime: t - lapStart,
        totalTimerTime: a.duration[i] - (lap === 0 ? 0 : a.duration[from - 1]),
        totalDistance: (dist[i] - (lap === 0 ? 0 : dist[from - 1])) * 1000,
        messageIndex: lap,
        avgHeartRate: Math.round(h.average),
        maxHeartRate: Math.round(h.max),
        avgCadence: Math.round(cs.average),
        maxCadence: Math.round(cs.max),
        avgPower: Math.round(ps.average),
        maxPower: Math.round(ps.max),
        event: 9,
        eventType: 1,
        intensity: 0,
        lapTrigger: 0,
        sport: 1,
        subSport: 0,
      });
      lap++;
    }
  }
  e.onMesg(M.EVENT, { timestamp: last, event: 0, eventType: 4 });
  const sum = summarize(a);
  const ps = seriesStats(pow, a.duration, false);
  e.onMesg(M.SESSION, {
    timestamp: last,
    startTime: start,
    totalElapsedTime: last - start,
    totalTimerTime: sum.duration,
    totalDistance: (sum.distance ?? 0) * 1000,
    firstLapIndex: 0,
    numLaps: a.laps.length,
    avgHeartRate: Math.round(sum.heartRateAverage ?? NaN),
    maxHeartRate: Math.round(sum.heartRateMax ?? NaN),
    avgCadence: Math.round(sum.cadenceAverage ?? NaN),
    maxCadence: Math.round(sum.cadenceMax ?? NaN),
    avgPower: Math.round(ps.average),
    maxPower: Math.round(ps.max),
    event: 8,
    eventType: 1,
    sport: 1,
    subSport: 0,
  });
  e.onMesg(M.ACTIVITY, { timestamp: last, totalTimerTime: sum.duration, numSessions: 1, type: 0, event: 26, eventType: 1, localTimestamp: last + (a.utcOffset ?? 0) * 60 });
  return sdk.close();
}

/**
 * 20,000 samples (5.5 hours at 1 Hz): the SDK takes about 14 s a call for 100,000 (2026-12-01), which made
 * the group a minute and a half of a quick run; the ratio is far above its target at both sizes (403× at
 * 100,000, 538× at 20,000 in the same session).
 */
export async function groups(): Promise<BenchGroup[]> {
  return [20_000].map((n) => {
    const activity = generateRun(n, 7, 2000);
    const ours = (): Uint8Array => toFit(activity);
    const peer = (): Uint8Array => withSdk(activity);
    return {
      name: `encode/fit/${n / 1000}k-samples`,
      bytes: 0,
      tasks: [
        { name: 'runjson toFit', fn: ours },
        { name: '@garmin/fitsdk Encoder', fn: peer },
      ],
      check() {
        const a = readWithSdk(ours());
        const b = readWithSdk(peer());
        if (!a.integrity || !b.integrity || a.errors.length > 0 || b.errors.length > 0) throw new Error('encode/fit: a file fails the SDK integrity check');
        const names = (r: typeof a): string => r.messages.map((m) => m.name).join();
        if (names(a) !== names(b)) throw new Error('encode/fit: the two files differ in their messages');
        const ra = a.messages.filter((m) => m.name === 'record');
        const rb = b.messages.filter((m) => m.name === 'record');
        if (ra.length !== n || rb.length !== n) throw new Error(`encode/fit: ${ra.length} and ${rb.length} records for ${n} samples`);
        for (let i = 0; i < n; i++) {
          const x = ra[i].fields;
          const y = rb[i].fields;
          for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
            const u = x[key];
            const v = y[key];
            // Both round to the field's resolution; a value exactly halfway may round apart by one step.
            const same = u instanceof Date && v instanceof Date ? u.getTime() === v.getTime() : typeof u === 'number' && typeof v === 'number' ? Math.abs(u - v) <= 0.01 + 1e-9 : u === v;
            if (!same) throw new Error(`encode/fit: record ${i} ${key}: ${String(u)} vs ${String(v)}`);
          }
        }
      },
      ratios: [{ label: 'toFit vs @garmin/fitsdk Encoder', faster: 'runjson toFit', slower: '@garmin/fitsdk Encoder', target: 10 }],
    };
  });
}
