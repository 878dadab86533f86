/**
 * The lap and session messages of a FIT file, with their totals recomputed from the series (the core's
 * summary rules: duration-weighted averages, heart rate and cadence zeros left out).
 */
import { seriesStats } from '../../core/summary.js';
import { fitIntensity, fitLapTrigger } from '../../fit/vocabulary.js';
import type { FitChunkWriter } from './fit-chunk-writer.js';
import { MAX_MESSAGE } from './fit-chunk-writer.js';
import { fitSport, fitSubSport } from './fit-identity.js';
import { type MessageLayout, blankMessage, writeDefinition, writeUint } from './fit-layout.js';
import { EVENT_LAP, EVENT_SESSION, type FitPlan, LAP, SESSION, TYPE_STOP, fitSeconds } from './fit-plan.js';

/** Index of the last sample at or before `i` with a value in `col`, or −1. */
function lastValueAt(col: Float64Array, i: number, from: number): number {
  for (let k = i; k >= from; k--) if (col[k] === col[k]) return k;
  return -1;
}

/** Writes lap `k` (its last record was just written, at FIT time `t`), with its totals over its samples. */
export function writeLap(plan: FitPlan, w: FitChunkWriter, k: number, t: number): void {
  const { a, laps } = plan;
  const lap = laps[k];
  const from = k === 0 ? 0 : laps[k - 1].endIndex + 1;
  const to = lap.endIndex;
  const at = w.pos;
  blankMessage(w.buf, at, LAP);
  w.pos += LAP.size;
  const buf = w.buf;
  const put = (field: string, v: number): void => {
    const f = LAP.fields.find((x) => x.name === field);
    if (f !== undefined && v === v) writeUint(buf, at + f.at, f.type.size, v);
  };
  // A lap starts where the one before it ended (the first, where the run starts); the source's own start
  // wins where it lies between the two.
  const prevEnd = k === 0 ? fitSeconds(a.startTime) : fitSeconds(a.time[from - 1]);
  let start = prevEnd;
  if (lap.startTime === lap.startTime) {
    const own = fitSeconds(lap.startTime);
    if (own >= prevEnd && own <= t) start = own;
  }
  const timer = a.duration[to] - (k === 0 ? 0 : a.duration[from - 1]);
  put('timestamp', t);
  put('startTime', start);
  put('totalElapsedTime', (t - start) * 1000);
  put('totalTimerTime', Math.round(timer * 1000));
  const d = a.series.distance;
  if (d !== null) {
    const e = lastValueAt(d, to, 0);
    const b = k === 0 ? -1 : lastValueAt(d, from - 1, 0);
    const km = e < 0 ? NaN : d[e] - (b < 0 ? 0 : d[b]);
    const cm = Math.round(km * 100_000);
    if (cm >= 0 && cm < 0xffffffff) put('totalDistance', cm);
  }
  put('messageIndex', k);
  statsInto(put, a.series.heartRate, a.duration, true, from, to + 1, 'avgHeartRate', 'maxHeartRate', 0xff);
  statsInto(put, a.series.cadence, a.duration, true, from, to + 1, 'avgCadence', 'maxCadence', 0xff);
  statsInto(put, a.series.power, a.duration, false, from, to + 1, 'avgPower', 'maxPower', 0xffff);
  // The source's energy for the lap, as it gave it (runjson works none out).
  const kcal = Math.round(lap.calories);
  if (kcal >= 0 && kcal < 0xffff) put('totalCalories', kcal);
  put('event', EVENT_LAP);
  put('eventType', TYPE_STOP);
  put('intensity', fitIntensity(lap.intensity));
  put('lapTrigger', fitLapTrigger(lap.trigger));
  put('sport', fitSport(a.meta.sport));
  put('subSport', fitSubSport(a.meta));
}

/** Writes the rounded average and maximum of a series' samples `[from, to)`, where they fit the field. */
function statsInto(
  put: (field: string, v: number) => void,
  col: Float64Array | null,
  duration: Float64Array,
  dropZeros: boolean,
  from: number,
  to: number,
  avgField: string,
  maxField: string,
  invalid: number,
): void {
  if (col === null) return;
  const st = seriesStats(col, duration, dropZeros, from, to);
  const avg = Math.round(st.average);
  const max = Math.round(st.max);
  if (avg >= 0 && avg < invalid) put(avgField, avg);
  if (max >= 0 && max < invalid) put(maxField, max);
}

export function writeSession(
  plan: FitPlan,
  w: FitChunkWriter,
  message: (l: MessageLayout) => number,
  put: (at: number, l: MessageLayout, field: string, v: number) => void,
  start: number,
  last: number,
): void {
  const { a, summary } = plan;
  w.room(MAX_MESSAGE);
  w.pos = writeDefinition(w.buf, w.pos, SESSION);
  const at = message(SESSION);
  const S = SESSION;
  put(at, S, 'timestamp', last);
  put(at, S, 'startTime', start);
  put(at, S, 'totalElapsedTime', (last - start) * 1000);
  const timer = Math.round(summary.duration * 1000);
  put(at, S, 'totalTimerTime', timer);
  if (summary.distance !== null) {
    const cm = Math.round(summary.distance * 100_000);
    if (cm >= 0 && cm < 0xffffffff) put(at, S, 'totalDistance', cm);
    if (timer > 0) put(at, S, 'enhancedAvgSpeed', Math.round((cm / 100 / (timer / 1000)) * 1000));
  }
  put(at, S, 'firstLapIndex', 0);
  put(at, S, 'numLaps', plan.laps.length);
  // The session's energy: the laps' sum, when the source gave every lap's.
  const kcal = plan.laps.reduce((sum, l) => sum + Math.round(l.calories), 0);
  if (kcal >= 0 && kcal < 0xffff) put(at, S, 'totalCalories', kcal);
  const u8 = (field: string, v: number | null): void => {
    if (v !== null && Math.round(v) >= 0 && Math.round(v) < 0xff) put(at, S, field, Math.round(v));
  };
  u8('avgHeartRate', summary.heartRateAverage);
  u8('maxHeartRate', summary.heartRateMax);
  u8('avgCadence', summary.cadenceAverage);
  u8('maxCadence', summary.cadenceMax);
  const power = a.series.power;
  if (power !== null) {
    const st = seriesStats(power, a.duration, false);
    if (Math.round(st.average) >= 0 && Math.round(st.average) < 0xffff) put(at, S, 'avgPower', Math.round(st.average));
    if (Math.round(st.max) >= 0 && Math.round(st.max) < 0xffff) put(at, S, 'maxPower', Math.round(st.max));
  }
  put(at, S, 'event', EVENT_SESSION);
  put(at, S, 'eventType', TYPE_STOP);
  put(at, S, 'sport', fitSport(a.meta.sport));
  put(at, S, 'subSport', fitSubSport(a.meta));
}
