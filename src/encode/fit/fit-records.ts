/**
 * The FIT writer's hot path: one record per sample, written straight from the columns into the writer's
 * buffer at fixed offsets, with the timer events of each pause and each lap message in between.
 */
import { FIT_EPOCH_S } from '../../fit/profile.js';
import { type FitChunkWriter, MAX_MESSAGE } from './fit-chunk-writer.js';
import { writeDefinition } from './fit-layout.js';
import { type FitPlan, LAP, SEMICIRCLES, TYPE_START, TYPE_STOP_ALL } from './fit-plan.js';
import { writeLap } from './fit-totals.js';

/** What the record loop changed or left out, by kind. */
export interface LossCounts {
  rounded: number;
  sameSecond: number;
  outOfRange: number;
}

/**
 * The hot loop: one record per sample, the pause events and the laps in between. Every field is written
 * by its offset in the record; `blankMessage` is not used here, each field writes its invalid value
 * itself (one store instead of two).
 */
export function writeRecords(plan: FitPlan, w: FitChunkWriter, timer: (t: number, type: number) => void): LossCounts {
  const { a, record: l, laps, pauseWritten } = plan;
  const n = a.length;
  const time = a.time;
  const s = a.series;
  const lat = l.at.positionLat === undefined ? null : s.latitude;
  const lon = s.longitude;
  const dist = l.at.distance === undefined ? null : s.distance;
  const ele = l.at.enhancedAltitude === undefined ? null : s.elevation;
  const speed = l.at.enhancedSpeed === undefined ? null : s.speed;
  const hr = l.at.heartRate === undefined ? null : s.heartRate;
  const cad = l.at.cadence === undefined ? null : s.cadence;
  const pow = l.at.power === undefined ? null : s.power;
  const temp = l.at.temperature === undefined ? null : s.temperature;
  const oLat = l.at.positionLat ?? 0;
  const oDist = l.at.distance ?? 0;
  const oEle = l.at.enhancedAltitude ?? 0;
  const oSpeed = l.at.enhancedSpeed ?? 0;
  const oHr = l.at.heartRate ?? 0;
  const oCad = l.at.cadence ?? 0;
  const oFrac = l.at.fractionalCadence ?? 0;
  const oPow = l.at.power ?? 0;
  const oTemp = l.at.temperature ?? 0;
  const size = l.size;
  const local = l.local;

  w.room(MAX_MESSAGE);
  w.pos = writeDefinition(w.buf, w.pos, l);
  let buf = w.buf;
  let pos = w.pos;
  // Room for a record and, after it, a lap, two events and their definitions without a check between.
  const room = size + 4 * MAX_MESSAGE;
  let limit = w.whole ? Infinity : buf.length - room;

  let rounded = 0;
  let sameSecond = 0;
  let outOfRange = 0;
  let prevT = -1;
  let nextPause = a.pauses.length > 0 ? a.pauses[0] : -1;
  let p = 0;
  let lapAt = 0;
  let nextLapEnd = laps[0].endIndex;
  let lapDefined = false;

  for (let i = 0; i < n; i++) {
    const ms = time[i];
    const t = Math.round(ms / 1000) - FIT_EPOCH_S;
    if (ms % 1000 !== 0) rounded++;
    if (i === nextPause) {
      if (pauseWritten[p] === 1) {
        w.pos = pos;
        timer(prevT, TYPE_STOP_ALL);
        timer(t, TYPE_START);
        pos = w.pos;
      }
      nextPause = ++p < a.pauses.length ? a.pauses[p] : -1;
    }
    if (t === prevT) sameSecond++;
    prevT = t;
    if (pos > limit) {
      w.pos = pos;
      w.flush();
      buf = w.buf;
      pos = 0;
      limit = buf.length - room;
    }
    buf[pos] = local;
    buf[pos + 1] = t & 0xff;
    buf[pos + 2] = (t >>> 8) & 0xff;
    buf[pos + 3] = (t >>> 16) & 0xff;
    buf[pos + 4] = (t >>> 24) & 0xff;
    if (lat !== null && lon !== null) {
      const la = lat[i];
      const lo = lon[i];
      let x = 0x7fffffff;
      let y = 0x7fffffff;
      if (la === la && lo === lo) {
        x = Math.round(la * SEMICIRCLES);
        y = Math.round(lo * SEMICIRCLES);
        // +180° is 2^31 semicircles, one past int32: it is the same meridian as −180°. 2^31 − 1 is the
        // invalid value; one semicircle west of it (8.4e-8°) keeps the point.
        if (y >= 0x80000000) y -= 0x100000000;
        if (x === 0x7fffffff) x--;
        if (y === 0x7fffffff) y--;
      } else if (la === la || lo === lo) {
        outOfRange++;
      }
      const o = pos + oLat;
      buf[o] = x & 0xff;
      buf[o + 1] = (x >> 8) & 0xff;
      buf[o + 2] = (x >> 16) & 0xff;
      buf[o + 3] = (x >> 24) & 0xff;
      buf[o + 4] = y & 0xff;
      buf[o + 5] = (y >> 8) & 0xff;
      buf[o + 6] = (y >> 16) & 0xff;
      buf[o + 7] = (y >> 24) & 0xff;
    }
    if (dist !== null) {
      const d = dist[i];
      let v = 0xffffffff;
      if (d === d) {
        const r = Math.round(d * 100_000);
        if (r >= 0 && r < 0xffffffff) v = r;
        else outOfRange++;
      }
      const o = pos + oDist;
      buf[o] = v & 0xff;
      buf[o + 1] = (v >>> 8) & 0xff;
      buf[o + 2] = (v >>> 16) & 0xff;
      buf[o + 3] = (v >>> 24) & 0xff;
    }
    if (ele !== null) {
      const e = ele[i];
      let v = 0xffffffff;
      if (e === e) {
        const r = Math.round((e + 500) * 5);
        // Raw 0 (−500 m) is what devices write for "no altitude", and readers take it so: not written.
        if (r > 0 && r < 0xffffffff) v = r;
        else outOfRange++;
      }
      const o = pos + oEle;
      buf[o] = v & 0xff;
      buf[o + 1] = (v >>> 8) & 0xff;
      buf[o + 2] = (v >>> 16) & 0xff;
      buf[o + 3] = (v >>> 24) & 0xff;
    }
    if (speed !== null) {
      const sp = speed[i];
      let v = 0xffffffff;
      if (sp === sp) {
        const r = Math.round(sp * 1000);
        if (r >= 0 && r < 0xffffffff) v = r;
        else outOfRange++;
      }
      const o = pos + oSpeed;
      buf[o] = v & 0xff;
      buf[o + 1] = (v >>> 8) & 0xff;
      buf[o + 2] = (v >>> 16) & 0xff;
      buf[o + 3] = (v >>> 24) & 0xff;
    }
    if (hr !== null) {
      const h = hr[i];
      let v = 0xff;
      if (h === h) {
        const r = Math.round(h);
        if (r !== h) rounded++;
        if (r >= 0 && r < 0xff) v = r;
        else outOfRange++;
      }
      buf[pos + oHr] = v;
    }
    if (cad !== null) {
      const c = cad[i];
      let whole = 0xff;
      let frac = 0xff;
      if (c === c) {
        // One leg, as the core keeps it and as FIT's running cadence is (strides per minute), its
        // fraction in 1/128.
        let wv = Math.floor(c);
        let fv = Math.round((c - wv) * 128);
        if (fv === 128) {
          wv++;
          fv = 0;
        }
        if (wv >= 0 && wv < 0xff) {
          whole = wv;
          frac = fv;
        } else {
          outOfRange++;
        }
      }
      buf[pos + oCad] = whole;
      buf[pos + oFrac] = frac;
    }
    if (pow !== null) {
      const pw = pow[i];
      let v = 0xffff;
      if (pw === pw) {
        const r = Math.round(pw);
        if (r !== pw) rounded++;
        if (r >= 0 && r < 0xffff) v = r;
        else outOfRange++;
      }
      buf[pos + oPow] = v & 0xff;
      buf[pos + oPow + 1] = v >>> 8;
    }
    if (temp !== null) {
      const c = temp[i];
      let v = 0x7f;
      if (c === c) {
        const r = Math.round(c);
        if (r !== c) rounded++;
        if (r >= -127 && r < 127) v = r & 0xff;
        else outOfRange++;
      }
      buf[pos + oTemp] = v;
    }
    pos += size;
    if (i === nextLapEnd) {
      w.pos = pos;
      if (!lapDefined) {
        w.pos = writeDefinition(w.buf, w.pos, LAP);
        lapDefined = true;
      }
      writeLap(plan, w, lapAt, t);
      pos = w.pos;
      nextLapEnd = ++lapAt < laps.length ? laps[lapAt].endIndex : -1;
    }
  }
  w.pos = pos;
  return { rounded, sameSecond, outOfRange };
}
