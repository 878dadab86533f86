/**
 * Command-line parsing: `node:util` `parseArgs` (strict: an unknown flag is a usage error), plus the
 * mapping of the converter's flags onto {@link ConvertOptions}.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ConvertOptions } from '../convert/options.js';
import { DEVICE_TYPES, HOW_FELT, TERRAINS, WEATHER_TYPES } from '../activity-json/vocabulary.js';
import type { Limits } from '../decode/limits.js';

/** A usage error: the command line is wrong (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Flags = NonNullable<ParseArgsConfig['options']>;

/** Flags of the converter's options, shared by `convert` and `inspect`. */
export const CONVERTER_FLAGS = {
  format: { type: 'string' },
  'time-zone': { type: 'string' },
  sports: { type: 'string' },
  'include-power': { type: 'boolean' },
  strict: { type: 'boolean' },
  'pause-gap': { type: 'string' },
  cadence: { type: 'string' },
  'external-id': { type: 'string' },
  'device-type': { type: 'string' },
  'app-version': { type: 'string' },
  terrain: { type: 'string' },
  'body-weight': { type: 'string' },
  notes: { type: 'string' },
  'how-felt': { type: 'string' },
  'weather-type': { type: 'string' },
  humidity: { type: 'string' },
  'wind-speed': { type: 'string' },
  'max-bytes': { type: 'string' },
  'max-samples': { type: 'string' },
} as const satisfies Flags;

/** Parsed command line of one command. */
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses `args` against `flags` (`--help`/`-h` always allowed). Throws {@link UsageError}. */
export function parse(args: string[], flags: Flags): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...flags, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** The converter's options from parsed flags. Throws {@link UsageError} on a bad value. */
export function converterOptions(v: Parsed['values']): ConvertOptions {
  const o: ConvertOptions = {};
  const s = (name: string): string | undefined => v[name] as string | undefined;
  const format = oneOf(s('format'), ['fit', 'tcx', 'gpx', 'json'] as const, '--format');
  if (format !== undefined) o.format = format;
  if (s('time-zone') !== undefined) {
    const tz = s('time-zone') as string;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
    } catch {
      throw new UsageError(`--time-zone: unknown time zone '${tz}' (use an IANA name such as Europe/Paris)`);
    }
    o.timeZone = tz;
  }
  const sports = oneOf(s('sports'), ['running', 'all'] as const, '--sports');
  if (sports !== undefined) o.sports = sports;
  if (v['include-power'] === true) o.includePower = true;
  if (v.strict === true) o.strict = true;
  const pauseGap = num(s('pause-gap'), '--pause-gap', 0);
  if (pauseGap !== undefined) o.pauseGap = pauseGap;
  const cadence = oneOf(s('cadence'), ['auto', 'one-leg', 'two-leg'] as const, '--cadence');
  if (cadence !== undefined) o.cadence = cadence;
  if (s('external-id') !== undefined) o.externalId = s('external-id');
  const deviceType = oneOf(s('device-type'), DEVICE_TYPES, '--device-type');
  if (deviceType !== undefined) o.deviceType = deviceType;
  if (s('app-version') !== undefined) o.appVersion = s('app-version');
  const terrain = oneOf(s('terrain'), TERRAINS, '--terrain');
  if (terrain !== undefined) o.terrain = terrain;
  const bodyWeight = num(s('body-weight'), '--body-weight', 0);
  if (bodyWeight !== undefined) o.bodyWeight = bodyWeight;
  if (s('notes') !== undefined) o.notes = s('notes');
  const howFelt = oneOf(s('how-felt')?.toLowerCase(), HOW_FELT, '--how-felt');
  if (howFelt !== undefined) o.howFelt = howFelt;
  const weather = oneOf(s('weather-type'), WEATHER_TYPES, '--weather-type');
  if (weather !== undefined) o.weatherType = weather;
  const humidity = int(s('humidity'), '--humidity', 0, 100);
  if (humidity !== undefined) o.humidity = humidity;
  const wind = int(s('wind-speed'), '--wind-speed', 0);
  if (wind !== undefined) o.windSpeed = wind;
  const limits: Partial<Limits> = {};
  const maxBytes = int(s('max-bytes'), '--max-bytes', 1);
  if (maxBytes !== undefined) limits.maxBytes = maxBytes;
  const maxSamples = int(s('max-samples'), '--max-samples', 1);
  if (maxSamples !== undefined) limits.maxSamples = maxSamples;
  if (Object.keys(limits).length > 0) o.limits = limits;
  return o;
}

/** The value when it is one of `allowed`; undefined when absent; else a usage error. */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, got '${value}'`);
}

/** A finite number ≥ min, or undefined when absent. */
export function num(value: string | undefined, flag: string, min = -Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new UsageError(`${flag}: expected a number ≥ ${min}, got '${value}'`);
  return n;
}

/** An integer in [min, max], or undefined when absent. */
export function int(value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new UsageError(`${flag}: expected a whole number${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` ≥ ${min}`}, got '${value}'`);
  }
  return n;
}
