/**
 * The columnar activity: metadata, one typed-array column per series with one entry per recorded sample,
 * and small tables for pauses and laps. No object per sample anywhere.
 */
import type { SourceFormat } from './errors.js';
import type { Columns } from './series.js';

/** Lap types of Activity JSON (spec §5). */
export const LAP_TYPES = ['general', 'interval', 'recovery', 'warmup', 'cooldown'] as const;
/** A lap type of Activity JSON. */
export type LapType = (typeof LAP_TYPES)[number];

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

/** A lap as Activity JSON sends it: by duration (s, pauses excluded) or by distance (m). */
export interface Lap {
  type: LapType;
  by: 'duration' | 'distance';
  /** Seconds on the duration timeline when `by` is `duration`; metres when `by` is `distance`. */
  end: number;
}

/** A lap as a decoder knows it: the last sample inside it, how it was triggered and what it was. */
export interface SourceLap {
  /** Index of the last sample that belongs to the lap. */
  endIndex: number;
  /** The lap was triggered by distance (auto-lap by distance): it is sent by distance. */
  byDistance: boolean;
  intensity: Intensity;
}

/** Terrains of Activity JSON. */
export const TERRAINS = ['road', 'trail', 'track', 'treadmill', 'beach', 'snowpack'] as const;
export type Terrain = (typeof TERRAINS)[number];
/** `howFelt` values of Activity JSON. */
export const HOW_FELT = ['unstoppable', 'great', 'soso', 'tired', 'injured'] as const;
export type HowFelt = (typeof HOW_FELT)[number];
/** `weatherType` values of Activity JSON. */
export const WEATHER_TYPES = ['indoor', 'clear', 'cloudy', 'rain', 'storm', 'snow'] as const;
export type WeatherType = (typeof WEATHER_TYPES)[number];
/** `deviceType` values of Activity JSON (spec §2, v3: the documented values only). */
export const DEVICE_TYPES = ['Google', 'Apple', 'RIM', 'Microsoft', 'Symbian', 'Other'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** A song played during the run (pass-through). */
export interface Song {
  album?: string;
  artist?: string;
  song?: string;
  BPM?: number;
  startClock?: number;
  endClock?: number;
}

/** Heart rate logged after the end of the run. */
export interface HeartRateRecovery {
  /** Seconds after the run ended. */
  duration: number;
  heartRate: number;
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
