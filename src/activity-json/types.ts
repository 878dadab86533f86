/**
 * The Activity JSON document (spec `activity-json.md`), as a TypeScript type.
 */
import type { DeviceType, HeartRateRecovery, HowFelt, LapType, Song, Terrain, WeatherType } from '../core/activity.js';

/** Recording keys of Activity JSON (spec §3). */
export const RECORDING_KEYS = [
  'clock',
  'duration',
  'distance',
  'latitude',
  'longitude',
  'elevation',
  'heartRate',
  'cadence',
  'temperature',
  'power',
] as const;
/** A recording key. */
export type RecordingKey = (typeof RECORDING_KEYS)[number];

/** A lap of Activity JSON: by duration (s) or by distance (m). */
export type ActivityJsonLap =
  | { lapType: LapType; endDuration: number; endDistance?: number }
  | { lapType: LapType; endDistance: number; endDuration?: undefined };

/** Smashrun's JSON activity object. */
export interface ActivityJson {
  externalId?: string;
  startDateTimeLocal: string;
  distance: number;
  duration: number;
  activityType: 'running';
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
