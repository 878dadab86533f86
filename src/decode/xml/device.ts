/**
 * `deviceType` from the name of the recording device or app (TCX `Creator/Name`, GPX `creator`).
 * Spec §2: a dedicated device → `Other`; a phone app → `Apple` / `Google` only where the file says which;
 * anything else → null (the option, if any, fills it later).
 */
import type { DeviceType } from '../../activity-json/vocabulary.js';

/** Dedicated devices (watches, bike computers, handhelds) and the services that only export them. */
const DEDICATED =
  /garmin|forerunner|fenix|fēnix|edge\b|vivoactive|vívoactive|epix|instinct|enduro|venu|oregon|etrex|gpsmap|montana|dakota|mapsource|training center|polar|suunto|movescount|coros|amazfit|huami|wahoo|elemnt|bryton|lezyne|hammerhead/i;
const ANDROID = /android/i;
const APPLE = /iphone|\bios\b|apple watch|ipad/i;

/** Maps a creator name to a deviceType, or null when the name does not say. */
export function deviceTypeOf(creator: string | null): DeviceType | null {
  if (creator === null || creator === '') return null;
  if (ANDROID.test(creator)) return 'Google';
  if (APPLE.test(creator)) return 'Apple';
  if (DEDICATED.test(creator)) return 'Other';
  return null;
}
