/**
 * runjson: FIT, TCX, GPX and Activity JSON → Smashrun's Activity JSON, in typed-array columns.
 *
 * @packageDocumentation
 */
export type { ActivityJson, ActivityJsonLap, RecordingKey } from './activity-json/types.js';
export { RECORDING_KEYS } from './activity-json/types.js';
export {
  convert,
  convertSync,
  ConvertSession,
  type ConvertedActivity,
  type ConvertInput,
  type ConvertResult,
} from './convert/convert.js';
export * from './core/index.js';
export type { DecodeContext, DecoderFactory, PushDecoder } from './decode/decoder.js';
export { fromActivityJson, fromActivityJsonText } from './decode/json/from-activity-json.js';
export { recordingKeys, toActivityJson, toActivityJsonBytes, type ToActivityJsonOptions } from './encode/json/to-activity-json.js';
export { validate, ProblemCode, type Problem } from './activity-json/validate.js';
export { type ConvertOptions, DEFAULT_LIMITS, type Limits, type ResolvedOptions, resolveOptions } from './convert/options.js';
