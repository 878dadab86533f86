/**
 * The words and limits of Activity JSON (spec `activity-json.md` §2–§5): recording keys, the enums, the
 * longest notes. Every other part of runjson (the core, decoders, the writer, validate) takes them from
 * here; this folder imports nothing else of runjson.
 */

/** Recording keys of Activity JSON (spec §3), in the order runjson writes them. */
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

/** Lap types of Activity JSON (spec §5). Input also accepts `work`, a synonym of `interval`. */
export const LAP_TYPES = ['general', 'interval', 'recovery', 'warmup', 'cooldown'] as const;
/** A lap type of Activity JSON. */
export type LapType = (typeof LAP_TYPES)[number];

/** Terrains of Activity JSON. */
export const TERRAINS = ['road', 'trail', 'track', 'treadmill', 'beach', 'snowpack'] as const;
/** A terrain of Activity JSON. */
export type Terrain = (typeof TERRAINS)[number];

/** `howFelt` values of Activity JSON (compared case-insensitively on input, written in lower case). */
export const HOW_FELT = ['unstoppable', 'great', 'soso', 'tired', 'injured'] as const;
/** A `howFelt` value. */
export type HowFelt = (typeof HOW_FELT)[number];

/** `weatherType` values of Activity JSON. */
export const WEATHER_TYPES = ['indoor', 'clear', 'cloudy', 'rain', 'storm', 'snow'] as const;
/** A `weatherType` value. */
export type WeatherType = (typeof WEATHER_TYPES)[number];

/** `deviceType` values of Activity JSON (spec §2, v3: the documented values only). */
export const DEVICE_TYPES = ['Google', 'Apple', 'RIM', 'Microsoft', 'Symbian', 'Other'] as const;
/** A `deviceType` value. */
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** Longest `notes`, in characters (spec §2): longer notes are cut, with a warning. */
export const MAX_NOTES = 800;
