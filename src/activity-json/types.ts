/**
 * The Activity JSON document (spec `activity-json.md`), as TypeScript types.
 */
import type { DeviceType, HowFelt, LapType, RecordingKey, Terrain, WeatherType } from './vocabulary.js';

/** A lap of Activity JSON: by duration (s, pauses excluded) or by distance (m). */
export type ActivityJsonLap =
  | { lapType: LapType; endDuration: number; endDistance?: number }
  | { lapType: LapType; endDistance: number; endDuration?: undefined };

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

/** Smashrun's JSON activity object. */
export interface ActivityJson {
  externalId?: string;
  startDateTimeLocal: string;
  /** km: the last distance recording. */
  distance: number;
  /** Seconds, pauses excluded: the last duration recording. */
  duration: number;
  /** `running` (the only type Smashrun takes); another sport's own name when converted with `sports: 'all'`. */
  activityType: string;
  notes?: string;
  cadenceAverage?: number;
  cadenceMin?: number;
  cadenceMax?: number;
  heartRateAverage?: number;
  heartRateMin?: number;
  heartRateMax?: number;
  temperature?: number;
  bodyWeight?: number;
  howFelt?: HowFelt;
  terrain?: Terrain;
  weatherType?: WeatherType;
  humidity?: number;
  windSpeed?: number;
  deviceType?: DeviceType;
  appVersion?: string;
  recordingKeys: RecordingKey[];
  recordingValues: (number | null)[][];
  pauseIndexes: number[];
  laps: ActivityJsonLap[];
  songs?: Song[];
  heartRateRecovery?: HeartRateRecovery[];
}
