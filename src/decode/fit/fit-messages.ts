/**
 * Pass 1 of FIT semantics: the {@link FitSink} that collects what a FIT file says, as it streams by.
 * Records go straight into growable typed-array columns, already in Activity JSON units (one append per
 * column, nothing per field); the few other messages (sessions, laps, timer events, file id, device
 * info…) are kept as small objects. Nothing is dropped here: pass 2 (`from-fit.ts`) decides what is part
 * of the run, with the whole file in view (sessions come at the end of a FIT file).
 *
 * Units (spec §3): time = (fit_timestamp + 631065600) × 1000 epoch ms; distance km = raw / (scale × 1000)
 * (one division, so the value is the correctly rounded decimal); elevation m = (raw − offset × scale) /
 * scale; positions in degrees rounded to 1e-9° (every semicircle stays recoverable, step 8.4e-8°, and the
 * JSON writer takes its fast digit path); cadence = cadence + fractional_cadence / 128 (one leg); speed m/s.
 */
import { ConvertError, ErrorCode } from '../../core/errors.js';
import { SERIES_KEYS } from '../../core/series.js';
import type { Limits } from '../limits.js';
import type { FitSink } from './fit-reader.js';
import type { RecordColumns } from './record-columns.js';
import type { FitThreadCache } from './thread-cache.js';
import { HrMessages } from './hr-merge.js';
import { FIT_EPOCH_S, Mesg, profileComponents } from '../../fit/profile.js';
import {
  ActivitySlots as A,
  DeviceInfoSlots as D,
  EventSlots as E,
  FileCreatorSlots as FC,
  FileIdSlots as F,
  LapSlots as L,
  PlainRecordFields,
  RecordScale,
  RecordSlots as R,
  SessionSlots as S,
  SportSlots as SP,
  UserProfileSlots as U,
} from './message-specs.js';

/** A session message (times in epoch ms, NaN when absent). */
export interface FitSession {
  startTime: number;
  timestamp: number;
  sport: number;
  subSport: number;
  /** Seconds. */
  totalTimerTime: number;
  totalElapsedTime: number;
  /** Metres. */
  totalDistance: number;
  avgHeartRate: number;
  maxHeartRate: number;
  numLaps: number;
}

/** A lap message. */
export interface FitLap {
  timestamp: number;
  startTime: number;
  /** Seconds. */
  totalElapsedTime: number;
  trigger: number;
  intensity: number;
  sport: number;
  subSport: number;
  /** kcal, NaN when absent. */
  totalCalories: number;
}

/** A timer event: the timer stopped (`stop`) or started at `time` (epoch ms). */
export interface FitTimerEvent {
  time: number;
  stop: boolean;
}

/** file_id, as read (NaN / null when absent). */
export interface FitFileId {
  type: number;
  manufacturer: number;
  product: number;
  serialNumber: number;
  timeCreated: number;
  productName: string | null;
}

/** device_info of the creator (device_index 0), or the first device_info. */
export interface FitDeviceInfo {
  deviceIndex: number;
  manufacturer: number;
  product: number;
  /** Raw (× 100). */
  softwareVersion: number;
  productName: string | null;
}

const EVENT_TIMER = 0;
const DIST_DIV = RecordScale.distance.scale * 1000;
const ALT_SUB = RecordScale.altitude.offset * RecordScale.altitude.scale;
const ALT_DIV = RecordScale.altitude.scale;
const EALT_SUB = RecordScale.enhancedAltitude.offset * RecordScale.enhancedAltitude.scale;
const EALT_DIV = RecordScale.enhancedAltitude.scale;
const SPEED_DIV = RecordScale.speed.scale;
const ESPEED_DIV = RecordScale.enhancedSpeed.scale;
const FRAC_DIV = RecordScale.fractionalCadence.scale;
const CSD = profileComponents('record', 'compressedSpeedDistance');
const CSD_SPEED_BITS = CSD.bits[0];
const CSD_SPEED_MASK = 2 ** CSD.bits[0] - 1;
const CSD_DIST_MASK = 2 ** CSD.bits[1] - 1;
const CSD_SPEED_DIV = CSD.scale[0];
const CSD_DIST_DIV = CSD.scale[1] * 1000;
const SEMI_TO_DEG = 180 / 2 ** 31;
const PLAIN_COUNT = PlainRecordFields.length;
const PLAIN_SLOT = Int32Array.from(PlainRecordFields, (f) => f.slot);
const PLAIN_SUB = Float64Array.from(PlainRecordFields, (f) => f.sub);
const PLAIN_DIV = Float64Array.from(PlainRecordFields, (f) => f.div);
/** How many of the plain series `record()` stores directly (their raw value is the value). */
const DIRECT_PLAIN = 3;
if (
  PlainRecordFields.slice(0, DIRECT_PLAIN).map((f) => `${f.series}/${f.sub}/${f.div}`).join() !==
  'heartRate/0/1,temperature/0/1,power/0/1'
) {
  throw new Error('fit-messages: the first plain record series must be heart rate, temperature and power, unscaled');
}

/** Collects a FIT file's messages (pass 1). */
export class FitMessages implements FitSink {
  /** The records, in file order, none left out. */
  readonly rec: RecordColumns;
  /** Records without a timestamp (cannot be placed in time): counted, not stored. */
  untimed = 0;
  /** Records whose position is out of range or has one coordinate only: position left out, counted. */
  badPositions = 0;
  /** Records whose altitude is FIT's "no altitude" placeholder (raw 0, −500 m): read as missing, counted. */
  altitudePlaceholders = 0;
  readonly sessions: FitSession[] = [];
  readonly laps: FitLap[] = [];
  readonly timer: FitTimerEvent[] = [];
  fileId: FitFileId | null = null;
  device: FitDeviceInfo | null = null;
  fileCreatorVersion = NaN;
  /** user_profile weight, raw (× 10 kg). */
  weight = NaN;
  sport = NaN;
  subSport = NaN;
  /** activity message: timestamp and local_timestamp (FIT seconds). */
  activityTimestamp = NaN;
  activityLocal = NaN;
  /** Heart rate stored by a strap (`hr` messages), null when the file has none (merged in pass 2). */
  hr: HrMessages | null = null;

  private cap: number;
  private readonly maxSamples: number;
  private readonly maxLaps: number;
  private readonly maxSessions: number;
  private readonly cache: FitThreadCache;
  /** The columns of {@link PlainRecordFields}, in its order (re-read after a grow). */
  private readonly plainCols: Float64Array[];
  // record.distance is accumulated when it comes from compressed_speed_distance (12-bit rollover).
  private accDist = NaN;
  private accLast = 0;

  constructor(estimate: number, limits: Pick<Limits, 'maxSamples' | 'maxLaps' | 'maxActivities'>, threadCache: FitThreadCache) {
    const maxSamples = limits.maxSamples;
    this.maxSamples = maxSamples;
    this.maxLaps = limits.maxLaps;
    this.maxSessions = limits.maxActivities;
    this.cache = threadCache;
    this.cap = Math.max(64, Math.min(estimate | 0, maxSamples));
    // The previous conversion's columns when they are big enough: no allocation, no zero fill (every slot
    // below n is written).
    const spare = threadCache.takeRecordColumns(this.cap, maxSamples);
    if (spare !== null) this.cap = spare[0].length;
    const cap = this.cap;
    const cols = spare ?? Array.from({ length: SERIES_KEYS.length + 1 }, () => new Float64Array(cap));
    const rec = { n: 0, time: cols[0] } as RecordColumns;
    SERIES_KEYS.forEach((key, k) => (rec[key] = cols[k + 1]));
    this.rec = rec;
    this.plainCols = PlainRecordFields.map((f) => rec[f.series]);
  }

  /**
   * Whether the record columns will be handed back by {@link release} once pass 2 is done (then pass 2
   * must copy what it keeps instead of keeping views of them).
   */
  get reusable(): boolean {
    return this.cache.keepsRecordColumns(this.cap);
  }

  /**
   * Hands the record columns over to the next conversion on this thread, when they are small enough to
   * keep (see `FitThreadCache`); this object's columns are emptied. Call only when nothing refers to them
   * any more.
   */
  release(): void {
    if (!this.reusable) return;
    const r = this.rec;
    this.cache.keepRecordColumns([r.time, ...SERIES_KEYS.map((key) => r[key])]);
    const none = new Float64Array(0);
    r.n = 0;
    r.time = none;
    for (const key of SERIES_KEYS) r[key] = none;
    this.plainCols.fill(none);
    this.cap = 0;
  }

  message(global: number, v: Float64Array, s: (string | null)[], offset: number, arrs: Float64Array[]): void {
    switch (global) {
      case Mesg.Record:
        this.record(v, offset);
        return;
      case Mesg.Event:
        if (v[E.event] === EVENT_TIMER && v[E.timestamp] === v[E.timestamp]) {
          const t = v[E.eventType];
          // start = 0; stop = 1, stop_all = 4, stop_disable = 8, stop_disable_all = 9.
          if (t === 0 || t === 1 || t === 4 || t === 8 || t === 9) this.timer.push({ time: ms(v[E.timestamp]), stop: t !== 0 });
        }
        return;
      case Mesg.Lap:
        if (this.laps.length >= this.maxLaps) this.limit('maxLaps', this.maxLaps, offset);
        this.laps.push({
          timestamp: ms(v[L.timestamp]),
          startTime: ms(v[L.startTime]),
          totalElapsedTime: v[L.totalElapsedTime] / 1000,
          trigger: v[L.lapTrigger],
          intensity: v[L.intensity],
          sport: v[L.sport],
          subSport: v[L.subSport],
          totalCalories: v[L.totalCalories],
        });
        return;
      case Mesg.Session:
        if (this.sessions.length >= this.maxSessions) this.limit('maxActivities', this.maxSessions, offset);
        this.sessions.push({
          startTime: ms(v[S.startTime]),
          timestamp: ms(v[S.timestamp]),
          sport: v[S.sport],
          subSport: v[S.subSport],
          totalTimerTime: v[S.totalTimerTime] / 1000,
          totalElapsedTime: v[S.totalElapsedTime] / 1000,
          totalDistance: v[S.totalDistance] / 100,
          avgHeartRate: v[S.avgHeartRate],
          maxHeartRate: v[S.maxHeartRate],
          numLaps: v[S.numLaps],
        });
        return;
      case Mesg.FileId:
        // Chained files carry one file_id each: keep the first activity one (else the first).
        if (this.fileId === null || (this.fileId.type !== 4 && v[F.type] === 4)) {
          this.fileId = {
            type: v[F.type],
            manufacturer: v[F.manufacturer],
            product: v[F.product],
            serialNumber: v[F.serialNumber],
            timeCreated: v[F.timeCreated],
            productName: s[F.productName],
          };
        }
        return;
      case Mesg.DeviceInfo:
        if (this.device === null || (this.device.deviceIndex !== 0 && v[D.deviceIndex] === 0)) {
          this.device = {
            deviceIndex: v[D.deviceIndex],
            manufacturer: v[D.manufacturer],
            product: v[D.product],
            softwareVersion: v[D.softwareVersion],
            productName: s[D.productName],
          };
        }
        return;
      case Mesg.FileCreator:
        if (this.fileCreatorVersion !== this.fileCreatorVersion) this.fileCreatorVersion = v[FC.softwareVersion];
        return;
      case Mesg.UserProfile:
        if (v[U.weight] === v[U.weight]) this.weight = v[U.weight];
        return;
      case Mesg.Sport:
        if (this.sport !== this.sport) {
          this.sport = v[SP.sport];
          this.subSport = v[SP.subSport];
        }
        return;
      case Mesg.Hr:
        (this.hr ??= new HrMessages(this.maxSamples)).add(v, arrs, offset);
        return;
      case Mesg.Activity:
        if (this.activityTimestamp !== this.activityTimestamp) {
          this.activityTimestamp = v[A.timestamp];
          this.activityLocal = v[A.localTimestamp];
        }
        return;
      default:
        return;
    }
  }

  private record(v: Float64Array, offset: number): void {
    const ts = v[R.timestamp];
    if (ts !== ts) {
      this.untimed++;
      return;
    }
    const r = this.rec;
    const i = r.n;
    if (i === this.cap) this.grow(offset);
    r.n = i + 1;
    r.time[i] = (ts + FIT_EPOCH_S) * 1000;
    // Rounded to 1e-9° with floor(x + 0.5), not Math.round: Node 20's Math.round took 8.3 ns a call here
    // (a loop over 1M positions) where floor(x + 0.5) takes 1.3, and these two lines were a quarter of
    // pass 1. The two differ only where x + 0.5 rounds up across an integer (x within an ulp, ~2e-5,
    // below n + ½): the other neighbour, 1e-9° away, well inside the double's own error on x.
    const lat = Math.floor(v[R.positionLat] * SEMI_TO_DEG * 1e9 + 0.5) / 1e9;
    const lon = Math.floor(v[R.positionLong] * SEMI_TO_DEG * 1e9 + 0.5) / 1e9;
    // A semicircle int32 spans ±180°: a latitude beyond ±90° (or one coordinate without the other) is
    // damage, not a place. The NaN checks are the common case (no GPS) and cost one compare each.
    if ((lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || (lat !== lat && lon !== lon)) {
      r.latitude[i] = lat;
      r.longitude[i] = lon;
    } else {
      r.latitude[i] = NaN;
      r.longitude[i] = NaN;
      this.badPositions++;
    }
    let d = v[R.distance];
    let sp = v[R.enhancedSpeed] / ESPEED_DIV;
    if (sp !== sp) sp = v[R.speed] / SPEED_DIV;
    if (d === d) {
      // As the SDK does: a plain distance resets the accumulator (in component units, 1/16 m).
      this.accDist = (d / RecordScale.distance.scale) * (CSD_DIST_DIV / 1000);
      this.accLast = this.accDist;
      d /= DIST_DIV;
    }
    const c = v[R.compressedSpeedDistance];
    if (c === c) {
      const c12 = (c >>> CSD_SPEED_BITS) & CSD_DIST_MASK;
      if (this.accDist !== this.accDist) this.accDist = this.accLast = c12;
      this.accDist += (c12 - this.accLast) & CSD_DIST_MASK;
      this.accLast = c12;
      d = this.accDist / CSD_DIST_DIV;
      sp = (c & CSD_SPEED_MASK) / CSD_SPEED_DIV;
    }
    r.distance[i] = d;
    r.speed[i] = sp;
    const ea = v[R.enhancedAltitude];
    const raw = ea === ea ? ea : v[R.altitude];
    if (raw === 0) {
      // Raw 0 is −500 m after the offset: devices write it for "no altitude" (spec §3, v4).
      r.elevation[i] = NaN;
      this.altitudePlaceholders++;
    } else {
      r.elevation[i] = ea === ea ? (ea - EALT_SUB) / EALT_DIV : (raw - ALT_SUB) / ALT_DIV;
    }
    const fc = v[R.fractionalCadence];
    r.cadence[i] = fc === fc ? v[R.cadence] + fc / FRAC_DIV : v[R.cadence];
    // The first three plain series (heart rate, temperature, power: scale 1, offset 0, checked below) are
    // stored directly: the same three through the loop made decode-to-columns 8–10 % slower (corpus,
    // alternated builds, 2026-12-01). Series added to the table after them go through the loop.
    r.heartRate[i] = v[PLAIN_SLOT[0]];
    r.temperature[i] = v[PLAIN_SLOT[1]];
    r.power[i] = v[PLAIN_SLOT[2]];
    for (let j = DIRECT_PLAIN; j < PLAIN_COUNT; j++) this.plainCols[j][i] = (v[PLAIN_SLOT[j]] - PLAIN_SUB[j]) / PLAIN_DIV[j];
  }

  private limit(name: string, max: number, offset: number): never {
    throw new ConvertError(ErrorCode.Limit, `FIT input exceeds limits.${name} (${max})`, { format: 'fit', offset });
  }

  private grow(offset: number): void {
    if (this.cap >= this.maxSamples) {
      throw new ConvertError(ErrorCode.Limit, `FIT input exceeds limits.maxSamples (${this.maxSamples})`, { format: 'fit', offset });
    }
    const cap = Math.min(this.cap * 2, this.maxSamples);
    const r = this.rec;
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    r.time = g(r.time);
    for (const key of SERIES_KEYS) r[key] = g(r[key]);
    PlainRecordFields.forEach((f, j) => (this.plainCols[j] = r[f.series]));
    this.cap = cap;
  }
}

/** FIT seconds → epoch ms (NaN stays NaN). */
export function ms(fitSeconds: number): number {
  return (fitSeconds + FIT_EPOCH_S) * 1000;
}
