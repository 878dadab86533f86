/**
 * The one table of the sample series a runjson activity can carry, beside the always-present `time` and
 * `duration`. Every list of series in runjson — the builder's columns, the decoders' per-sample values, the
 * Activity JSON keys written and read, the FIT record columns — is derived from it, so adding a series is
 * one line here (and, in each format that carries it, one line in that format's own field table).
 *
 * Units are the Activity JSON units (spec §3), so a value is written exactly as it is stored.
 */
import type { RecordingKey } from '../activity-json/vocabulary.js';

/** What runjson knows of one series. */
export interface SeriesInfo {
  /** The series' name; for series Activity JSON carries, its recording key. */
  readonly key: string;
  /** Unit and meaning, for documentation and reports. */
  readonly unit: string;
  /** Whether Activity JSON carries it (a recording key of spec §3); `false`: kept for the encoders only. */
  readonly recording: boolean;
}

/** The series, in the order Activity JSON writes them. */
export const SERIES = [
  { key: 'distance', unit: 'km, cumulative', recording: true },
  { key: 'latitude', unit: 'degrees, WGS-84', recording: true },
  { key: 'longitude', unit: 'degrees, WGS-84', recording: true },
  { key: 'elevation', unit: 'm', recording: true },
  { key: 'heartRate', unit: 'bpm', recording: true },
  { key: 'cadence', unit: 'steps/min, one leg', recording: true },
  { key: 'temperature', unit: '°C', recording: true },
  { key: 'power', unit: 'W', recording: true },
  { key: 'speed', unit: 'm/s', recording: false },
] as const satisfies readonly SeriesInfo[];

/** Name of a sample series. */
export type SeriesKey = (typeof SERIES)[number]['key'];

/** The series Activity JSON carries (a subset of its recording keys: `clock` and `duration` are not series). */
export type RecordedSeriesKey = Extract<(typeof SERIES)[number], { recording: true }>['key'];

// Every recorded series is a recording key of the format: a compile-time check.
const recordedAreKeys: readonly RecordingKey[] = [] as RecordedSeriesKey[];
void recordedAreKeys;

/** Every series key, in table order. */
export const SERIES_KEYS: readonly SeriesKey[] = SERIES.map((s) => s.key);

/** The series Activity JSON carries, in the order it writes them. */
export const RECORDED_SERIES_KEYS: readonly RecordedSeriesKey[] = SERIES.filter(
  (s): s is Extract<(typeof SERIES)[number], { recording: true }> => s.recording,
).map((s) => s.key);

/** Each series' position in {@link SERIES} (for per-sample scratch arrays indexed by series). */
export const SERIES_INDEX: { readonly [K in SeriesKey]: number } = Object.fromEntries(SERIES.map((s, i) => [s.key, i])) as {
  [K in SeriesKey]: number;
};

/** One column per series: `null` when the source has no value at all for it; `NaN` marks a missing sample. */
export type Columns = Record<SeriesKey, Float64Array | null>;

/** Returns a {@link Columns} object with every series absent. */
export function emptyColumns(): Columns {
  const c = {} as Columns;
  for (const key of SERIES_KEYS) c[key] = null;
  return c;
}
