/**
 * runjson for browsers (and any bundle that asks for the `browser` condition): FIT, TCX, GPX and Activity
 * JSON → Smashrun's Activity JSON, in typed-array columns. Nothing here needs Node. The FIT decoder, whose
 * field tables come from `@garmin/fitsdk`, loads the first time `convert()` meets a FIT file (or when
 * `loadFitDecoder()` is awaited), so a page that never sees FIT never downloads it.
 *
 * The Node entry (`index.ts`) is this same API with the FIT decoder loaded up front.
 *
 * @packageDocumentation
 */

// Converting.
export { convert, convertSync, type ConvertInput } from './convert/convert.js';
export { ConvertSession } from './convert/session.js';
export { type ConvertedActivity, type ConvertResult } from './convert/result.js';
export { fitDecoderLoaded, loadFitDecoder } from './convert/decoders.js';
export { type ConvertOptions, type ResolvedOptions } from './convert/options.js';
export { DEFAULT_LIMITS, type Limits } from './decode/limits.js';

// Errors and warnings.
export {
  ConvertError,
  type ConvertErrorInit,
  ErrorCode,
  isConvertError,
  type Position,
  Report,
  type SourceFormat,
  type Warning,
  type WarningCode,
  WARNING_CODES,
} from './core/errors.js';

// Activity JSON: the format's words, its reader and writer, and the checker.
export { type ActivityJson, type ActivityJsonLap, type HeartRateRecovery, type Song } from './activity-json/types.js';
export {
  DEVICE_TYPES,
  type DeviceType,
  HOW_FELT,
  type HowFelt,
  LAP_TYPES,
  type LapType,
  MAX_NOTES,
  RECORDING_KEYS,
  type RecordingKey,
  TERRAINS,
  type Terrain,
  WEATHER_TYPES,
  type WeatherType,
} from './activity-json/vocabulary.js';
export { formatLocalTime, parseLocalTime, type ParsedLocalTime } from './activity-json/local-time.js';
export { type Problem, ProblemCode, validate } from './activity-json/validate.js';
export { fromActivityJson, fromActivityJsonText } from './decode/json/from-activity-json.js';
export { recordingKeys, toActivityJson, toActivityJsonBytes, type ToActivityJsonOptions } from './encode/json/to-activity-json.js';
export { toTcx } from './encode/tcx/to-tcx.js';
export { toGpx } from './encode/gpx/to-gpx.js';
export { niceStep, type SvgOptions, timeStep, toSvg } from './encode/svg/to-svg.js';
export { fitEncoderLoaded, loadFitEncoder, toFit, type ToFit } from './encode/fit/fit-encoder-slot.js';

// Encoders by target format.
export { type Encoder, type EncodeOptions } from './encode/encoder.js';
export { encoderFor, isTargetFormat, TARGET_FORMATS, type TargetFormat } from './encode/registry.js';

// The columnar core.
export {
  type Activity,
  type ActivityMeta,
  emptyMeta,
  type GivenSummary,
  Intensity,
  type Lap,
  LapTrigger,
  type SourceLap,
} from './core/activity.js';
export { ActivityBuilder } from './core/builder.js';
export { deriveDuration, totalPauseSeconds } from './core/duration.js';
export { distanceFromPositions, geodesicDistance } from './core/geodesic.js';
export {
  type Columns,
  emptyColumns,
  RECORDED_SERIES_KEYS,
  type RecordedSeriesKey,
  SERIES,
  SERIES_KEYS,
  type SeriesInfo,
  type SeriesKey,
} from './core/series.js';
export { type Split, splits, SPLIT_UNITS, type SplitUnit } from './core/splits.js';
export { type SeriesStats, seriesStats, type Summary, summarize } from './core/summary.js';

// Writing a decoder of one's own.
export { type DecodeContext, type DecodeOptions, type DecoderFactory, type PushDecoder } from './decode/decoder.js';
