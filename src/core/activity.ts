/**
 * The columnar activity: metadata, one typed-array column per series with one entry per recorded sample,
 * and small tables for pauses and laps. No object per sample anywhere.
 */
import type { HeartRateRecovery, Song } from '../activity-json/types.js';
import type { DeviceType, HowFelt, LapType, Terrain, WeatherType } from '../activity-json/vocabulary.js';
import type { SourceFormat } from './errors.js';
import type { Columns } from './series.js';

/** What the source says a lap was (FIT `intensity`, TCX `Intensity`). */
export const Intensity = {
  Active: 'active',
  Rest: 'rest',
  Warmup: 'warmup',
  Cooldown: 'cooldown',
  Recovery: 'recovery',
  Interval: 'interval',
  Other: 'other',
} as const;
/** One of the {@link Intensity} values. */
export type Intensity = (typeof Intensity)[keyof typeof Intensity];

/** What ended a lap, as the source says (FIT `lap_trigger`, TCX `TriggerMethod`). */
export const LapTrigger = {
  Manual: 'manual',
  Time: 'time',
  Distance: 'distance',
  /** A place: FIT position_start / position_lap / position_waypoint / position_marked, TCX Location. */
  Position: 'position',
  HeartRate: 'heart-rate',
  SessionEnd: 'session-end',
  FitnessEquipment: 'fitness-equipment',
  /** The source does not say (Activity JSON, GPX). */
  Unknown: 'unknown',
} as const;
/** One of the {@link LapTrigger} values. */
export type LapTrigger = (typeof LapTrigger)[keyof typeof LapTrigger];

/** A lap as a decoder knows it: the last sample inside it, and what the source said of it. */
export interface SourceLap {
  /** Index of the last sample that belongs to the lap. */
  endIndex: number;
  /** What ended the lap; a lap triggered by distance (auto-lap by distance) is sent by distance. */
  trigger: LapTrigger;
  intensity: Intensity;
  /** When the source says the lap started (ms since the epoch), NaN when it does not. */
  startTime: number;
  /** The energy the source gives for the lap (kcal), NaN when it gives none: carried to TCX and FIT. */
  calories: number;
}

/**
 * A lap of an activity: as Activity JSON sends it (`type`, `by`, `end`, spec §5), beside what the source
 * said of it ({@link SourceLap}), so that formats with richer laps (TCX, FIT) write them as they were.
 */
export interface Lap extends SourceLap {
  /** The Activity JSON lap type, decided over the whole run (see `lapTypes`). */
  type: LapType;
  by: 'duration' | 'distance';
  /** Seconds on the duration timeline when `by` is `duration`; metres when `by` is `distance`. */
  end: number;
}

/** Summary values the source gave for series it does not carry (kept only where no series exists). */
export interface GivenSummary {
  heartRateAverage?: number;
  heartRateMin?: number;
  heartRateMax?: number;
  cadenceAverage?: number;
  cadenceMin?: number;
  cadenceMax?: number;
  temperature?: number;
}

/** Everything about an activity that is not a sample. */
export interface ActivityMeta {
  format: SourceFormat;
  /** Lower-case sport as the source names it (`running`, `cycling`, …); `running` where the source is silent and the format implies it. */
  sport: string;
  /** The source does not say its sport and `sport` is a guess (GPX without a type, a FIT file with no session or sport). */
  sportAssumed: boolean;
  /**
   * The UTC offset (minutes) the source itself gives (FIT `activity.local_timestamp`), or null. The
   * offset at the run's position wins over it (spec §2, v4): devices write 0 when their zone was never set.
   */
  sourceOffset: number | null;
  subSport: string | null;
  externalId: string | null;
  deviceType: DeviceType | null;
  appVersion: string | null;
  /** Human name of the recording device or app, for reports (not emitted). */
  device: string | null;
  notes: string | null;
  terrain: Terrain | null;
  bodyWeight: number | null;
  howFelt: HowFelt | null;
  weatherType: WeatherType | null;
  humidity: number | null;
  windSpeed: number | null;
  songs: Song[] | null;
  heartRateRecovery: HeartRateRecovery[] | null;
  given: GivenSummary;
}

/** Returns metadata with every optional field empty. */
export function emptyMeta(format: SourceFormat, sport = 'running'): ActivityMeta {
  return {
    format,
    sport,
    sportAssumed: false,
    sourceOffset: null,
    subSport: null,
    externalId: null,
    deviceType: null,
    appVersion: null,
    device: null,
    notes: null,
    terrain: null,
    bodyWeight: null,
    howFelt: null,
    weatherType: null,
    humidity: null,
    windSpeed: null,
    songs: null,
    heartRateRecovery: null,
    given: {},
  };
}

/**
 * One activity in columns. `time[i]` is the absolute instant of sample i (ms since the Unix epoch, UTC);
 * `duration[i]` is seconds since the start with pauses excluded (spec §4); every series column has the
 * same length, `NaN` where a sample has no value.
 */
export interface Activity {
  /** Number of samples. */
  length: number;
  /** The instant the run started (ms since the epoch, UTC); at or before `time[0]` (spec §3). */
  startTime: number;
  /** Offset of local time from UTC at the start, in minutes; `null` when unknown. */
  utcOffset: number | null;
  /** Absolute time of each sample, ms since the epoch. */
  time: Float64Array;
  /** Seconds since the start, pauses excluded. */
  duration: Float64Array;
  /** Whether the wall clock of each sample is known (false only for Activity JSON input without `clock`). */
  hasClock: boolean;
  series: Columns;
  /** Index of the first sample after each pause, strictly increasing, in 1…length−1. */
  pauses: Uint32Array;
  laps: Lap[];
  meta: ActivityMeta;
}
