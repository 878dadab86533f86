/**
 * The sample series a runjson activity can carry, beside the always-present `time` and `duration`.
 * Units are the Activity JSON units (spec §3), so a value is written exactly as it is stored.
 */
export const SERIES_KEYS = [
  'distance', // km, cumulative
  'latitude', // degrees WGS-84
  'longitude', // degrees WGS-84
  'elevation', // m
  'heartRate', // bpm
  'cadence', // steps/min, one leg
  'temperature', // °C
  'power', // W
  'speed', // m/s; kept for encoders and pause rules, not an Activity JSON key
] as const;

/** Name of a sample series. */
export type SeriesKey = (typeof SERIES_KEYS)[number];

/** One column per series: `null` when the source has no value at all for it; `NaN` marks a missing sample. */
export type Columns = Record<SeriesKey, Float64Array | null>;

/** Series that Activity JSON carries (speed is internal). */
export const JSON_SERIES_KEYS = [
  'distance',
  'latitude',
  'longitude',
  'elevation',
  'heartRate',
  'cadence',
  'temperature',
  'power',
] as const satisfies readonly SeriesKey[];

/** Returns a {@link Columns} object with every series absent. */
export function emptyColumns(): Columns {
  return {
    distance: null,
    latitude: null,
    longitude: null,
    elevation: null,
    heartRate: null,
    cadence: null,
    temperature: null,
    power: null,
    speed: null,
  };
}
