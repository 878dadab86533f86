/**
 * Conversion options, with their documented defaults.
 */
import { ConvertError, ErrorCode, type SourceFormat } from '../core/errors.js';
import { zoneOffset } from '../core/time.js';
import { type DecodeOptions, decodeOptions } from '../decode/decoder.js';
import type { Limits } from '../decode/limits.js';
import type { DeviceType, HowFelt, Terrain, WeatherType } from '../activity-json/vocabulary.js';
import type { Song } from '../activity-json/types.js';

/** Options of `convert()`; every field is optional. */
export interface ConvertOptions {
  /** Input format; sniffed from the content when not given (the file name is never trusted). */
  format?: SourceFormat;
  /**
   * IANA time zone (e.g. `Europe/Paris`) for the local start time when the source carries no offset and
   * no position to look one up from. Default: none (UTC, with a warning).
   */
  timeZone?: string;
  /** Which sports to convert: `running` (default) refuses others with a `not-running` error; `all` converts any. */
  sports?: 'running' | 'all';
  /** Emit the `power` series (spec §3). Default false: power values are left out and counted in the warnings. */
  includePower?: boolean;
  /** Turn warnings (CRC mismatch, truncation, corrected values) into errors. Default false. */
  strict?: boolean;
  /**
   * Pause gap rule for sources with no pause markers (TCX with one Track per Lap, GPX with one segment),
   * in seconds. A gap between two samples is a pause when it is longer than
   * `max(pauseGap, 10 × the file's median sampling interval)` and the distance covered across it is
   * less than a slow walk (1 m/s) would cover; in TCX a lap never gets more pause than its own elapsed
   * time minus its TotalTimeSeconds. Each pause found is counted (`pauses-detected`). Default 30;
   * `0` turns the rule off. See README, "TCX and GPX".
   */
  pauseGap?: number;
  /** Cadence legs: `auto` (default) halves clearly two-legged running cadence with a warning; `one-leg` / `two-leg` force it. */
  cadence?: 'auto' | 'one-leg' | 'two-leg';
  /** `externalId` for the activity; default derived from the source (spec §2). */
  externalId?: string;
  /** `deviceType` when the source does not say. */
  deviceType?: DeviceType;
  /** `appVersion` when the source does not say. */
  appVersion?: string;
  /** `terrain` when the source does not say. */
  terrain?: Terrain;
  /** `bodyWeight` (kg) when the source does not say. */
  bodyWeight?: number;
  /** Notes; replace the source's (cut at 800 characters with a warning). */
  notes?: string;
  howFelt?: HowFelt;
  weatherType?: WeatherType;
  humidity?: number;
  windSpeed?: number;
  songs?: Song[];
  /** Caps on untrusted input. */
  limits?: Partial<Limits>;
}

/** Options with defaults applied and checked (what a conversion runs with). */
export interface ResolvedOptions extends Omit<ConvertOptions, 'limits'> {
  sports: 'running' | 'all';
  includePower: boolean;
  strict: boolean;
  cadence: 'auto' | 'one-leg' | 'two-leg';
  limits: Limits;
  /** What the decoders are given (the limits and the rules for what sources leave unsaid). */
  decode: DecodeOptions;
}

/**
 * Applies the defaults and checks what can be checked before any input is read: the time zone (an
 * unknown one is refused here, once, with `unsupported`).
 *
 * @throws {ConvertError} `unsupported` for a `timeZone` this runtime does not know.
 */
export function resolveOptions(options: ConvertOptions = {}): ResolvedOptions {
  if (options.timeZone !== undefined) {
    try {
      zoneOffset(options.timeZone, 0);
    } catch (cause) {
      throw new ConvertError(ErrorCode.Unsupported, `unknown time zone '${options.timeZone}'`, { cause });
    }
  }
  const decode = decodeOptions(options);
  return {
    ...options,
    sports: options.sports ?? 'running',
    includePower: options.includePower ?? false,
    strict: options.strict ?? false,
    cadence: decode.cadence,
    limits: decode.limits,
    decode,
  };
}
