/**
 * What a FIT file says about the run beyond its samples: sport and terrain, the external id, the
 * recording device and its software version, body weight and the local time offset.
 *
 * Spec: ../../../../shared/spec/activity-json.md §2 (externalId, deviceType, appVersion, terrain, bodyWeight).
 */
import { isPlausibleOffset } from '../../core/time.js';
import type { FitMessages } from './fit-messages.js';
import { enumName } from '../../fit/profile.js';
import type { DeviceType, Terrain } from '../../activity-json/vocabulary.js';

/**
 * Manufacturers whose FIT files come from a dedicated device (watch, bike computer, rowing instrument):
 * `deviceType` `Other`. Decision: Stryd, Zwift, Strava and other app makers are not in the list — their
 * files come from phone or desktop apps, and the platform is only named where the file says it (see
 * {@link platformOf}). Huawei and Zepp make watches and phone apps alike, so they are left out too.
 */
const DEDICATED = new Set([
  'garmin', 'garmin_fr405_antfs', 'dynastream', 'dynastream_oem', 'suunto', 'polar_electro', 'coros', 'coros_byte', 'wahoo_fitness',
  'sigmasport', 'lezyne', 'magellan', 'mio_magellan', 'bryton', 'bryton_sensors', 'hammerhead', 'nielsen_kellerman', 'wattbike',
]);

/** FIT sub_sport → Activity JSON terrain. */
const TERRAIN: Record<string, Terrain> = { treadmill: 'treadmill', trail: 'trail', track: 'track', street: 'road' };

/** Terrain from a FIT sub-sport name. */
export function terrainOf(subSport: string | null): Terrain | null {
  return subSport === null ? null : TERRAIN[subSport] ?? null;
}

/** The platform of a phone app, where a text of the file names it. */
function platformOf(texts: (string | null | undefined)[]): DeviceType | null {
  for (const t of texts) {
    if (!t) continue;
    if (/android/i.test(t)) return 'Google';
    if (/\b(iphone|ipad|ios|apple)\b/i.test(t)) return 'Apple';
  }
  return null;
}

/** Device-level metadata shared by every activity of the file. */
export interface FitFileMeta {
  externalId: string | null;
  deviceType: DeviceType | null;
  appVersion: string | null;
  device: string | null;
  bodyWeight: number | null;
  /** Minutes, or null when the file has no plausible offset. */
  utcOffset: number | null;
}

/** Reads the file-level metadata. */
export function fileMeta(m: FitMessages): FitFileMeta {
  const fid = m.fileId;
  const maker = fid === null ? null : enumName('manufacturer', fid.manufacturer);
  const devMaker = m.device === null ? null : enumName('manufacturer', m.device.manufacturer);
  const manufacturer = maker ?? devMaker;

  // externalId: manufacturer-serial-time_created (absent parts left out); null without serial and time.
  let externalId: string | null = null;
  if (fid !== null && (fid.serialNumber === fid.serialNumber || fid.timeCreated === fid.timeCreated)) {
    const parts: string[] = [];
    if (manufacturer !== null) parts.push(manufacturer);
    else if (fid.manufacturer === fid.manufacturer) parts.push(String(fid.manufacturer));
    if (fid.serialNumber === fid.serialNumber) parts.push(String(fid.serialNumber));
    if (fid.timeCreated === fid.timeCreated) parts.push(String(fid.timeCreated));
    externalId = parts.join('-');
  }

  let deviceType: DeviceType | null = null;
  if (manufacturer !== null && DEDICATED.has(manufacturer)) deviceType = 'Other';
  else deviceType = platformOf([fid?.productName, m.device?.productName]);

  // software_version is stored × 100 (device_info scale 100; file_creator carries the same number):
  // one division gives the shortest decimal (420 → "4.2", 20492 → "204.92").
  const raw = m.device !== null && m.device.softwareVersion === m.device.softwareVersion ? m.device.softwareVersion : m.fileCreatorVersion;
  const appVersion = raw === raw && raw > 0 ? String(raw / 100) : null;

  let product: string | null = fid?.productName ?? m.device?.productName ?? null;
  if (product === null && fid !== null && manufacturer === 'garmin') product = enumName('garminProduct', fid.product);
  const device = [manufacturer, product].filter((x) => x !== null).join(' ') || null;

  const bodyWeight = m.weight === m.weight && m.weight > 0 ? m.weight / 10 : null;

  let utcOffset: number | null = null;
  const diff = m.activityLocal - m.activityTimestamp;
  if (diff === diff && diff % 60 === 0 && isPlausibleOffset(diff / 60)) utcOffset = diff / 60;

  return { externalId, deviceType, appVersion, device, bodyWeight, utcOffset };
}
