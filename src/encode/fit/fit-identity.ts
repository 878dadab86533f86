/**
 * What a FIT file says of its run beyond the samples, recovered from what the core keeps: the recording
 * device (manufacturer, product, serial number, software version) and the sport. Strava and Garmin
 * Connect recognise the device by file_id's manufacturer and product, so a FIT run goes back out under
 * its own device; a run from elsewhere goes out as `development`, the protocol's manufacturer for
 * software that is not a registered device maker.
 *
 * The core keeps the device as text (`meta.device`: "garmin fr935", the decoder's manufacturer and
 * product names) and the FIT `externalId` as `manufacturer-serial-time_created` (`decode/fit/fit-meta.ts`),
 * so the numbers are read back from those two.
 */
import type { ActivityMeta } from '../../core/activity.js';
import { enumValue } from '../../fit/profile.js';

/** The device as file_id and device_info carry it (NaN: unknown). */
export interface FitIdentity {
  manufacturer: number;
  product: number;
  serialNumber: number;
  /** FIT seconds, NaN when unknown (the writer then uses the start of the run). */
  timeCreated: number;
  /** device_info.software_version, raw (× 100), NaN when unknown. */
  softwareVersion: number;
}

/** The profile's manufacturer for software that is not a registered device maker. */
export const DEVELOPMENT = enumValue('manufacturer', 'development');

/** The value of enum `type` named `snake` (the decoder's snake_case spelling), or NaN. */
export function enumValueOfSnake(type: string, snake: string): number {
  const camel = snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  try {
    return enumValue(type, camel);
  } catch {
    return NaN;
  }
}

/** The device of a run, as far as its metadata tells. */
export function fitIdentity(meta: ActivityMeta): FitIdentity {
  let manufacturer = NaN;
  let product = NaN;
  let serialNumber = NaN;
  let timeCreated = NaN;
  const words = meta.device === null ? [] : meta.device.trim().split(/\s+/);
  if (words.length > 0) {
    manufacturer = enumValueOfSnake('manufacturer', words[0].toLowerCase());
    if (manufacturer === enumValue('manufacturer', 'garmin') && words.length === 2) product = enumValueOfSnake('garminProduct', words[1]);
  }
  // Only a FIT source's externalId is the decoder's `manufacturer-serial-time_created`; elsewhere it is
  // an identifier of another system, never a serial number.
  const id = meta.format === 'fit' && meta.externalId !== null ? /^[a-z0-9_]+-(\d+)-(\d+)$/.exec(meta.externalId) : null;
  if (id !== null) {
    const serial = Number(id[1]);
    const created = Number(id[2]);
    if (serial > 0 && serial < 0xffffffff) serialNumber = serial;
    if (created < 0xffffffff) timeCreated = created;
  }
  let softwareVersion = NaN;
  if (meta.appVersion !== null && /^\d+(\.\d{1,2})?$/.test(meta.appVersion)) {
    const raw = Math.round(Number(meta.appVersion) * 100);
    if (raw > 0 && raw < 0xffff) softwareVersion = raw;
  }
  if (manufacturer !== manufacturer) {
    manufacturer = DEVELOPMENT;
    product = NaN;
  }
  return { manufacturer, product, serialNumber, timeCreated, softwareVersion };
}

/** FIT sport of the run's sport name (`running`; TCX's `biking` is cycling); generic when FIT has no such sport. */
export function fitSport(sport: string): number {
  const name = sport === 'biking' ? 'cycling' : sport;
  const v = enumValueOfSnake('sport', name);
  return v === v ? v : enumValue('sport', 'generic');
}

/** Sub-sport from the source's own (a FIT run), else from the terrain; generic when neither says. */
export function fitSubSport(meta: ActivityMeta): number {
  if (meta.subSport !== null) {
    const v = enumValueOfSnake('subSport', meta.subSport);
    if (v === v) return v;
  }
  switch (meta.terrain) {
    case 'treadmill':
      return enumValue('subSport', 'treadmill');
    case 'trail':
      return enumValue('subSport', 'trail');
    case 'track':
      return enumValue('subSport', 'track');
    case 'road':
      return enumValue('subSport', 'street');
    default:
      return enumValue('subSport', 'generic');
  }
}
