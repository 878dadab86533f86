/**
 * GPX's words for what runjson's core knows (GPX 1.1: https://www.topografix.com/GPX/1/1/), for the decoder and
 * the encoder alike.
 */

/** Strava's numeric activity types (its GPX `<type>`). */
const STRAVA_TYPES: Record<string, string> = {
  '1': 'cycling',
  '2': 'skiing',
  '3': 'skiing',
  '4': 'hiking',
  '5': 'skating',
  '6': 'skating',
  '7': 'skiing',
  '8': 'skiing',
  '9': 'running',
  '10': 'walking',
  '11': 'other',
  '12': 'snowboarding',
  '13': 'snowshoeing',
  '16': 'swimming',
  '17': 'cycling',
  '18': 'cycling',
  '19': 'cycling',
  '53': 'running',
};

/**
 * GPX `<type>` → sport, or null when the text is not recognisable (the file is then taken as a run).
 * Strava writes a number (9 run, 1 ride, 16 swim…); Garmin Connect and others write words.
 */
export function sportOfGpx(type: string): string | null {
  const t = type.trim().toLowerCase();
  if (t === '') return null;
  if (/^\d+$/.test(t)) return STRAVA_TYPES[t] ?? null;
  if (/run|jog|treadmill/.test(t)) return 'running';
  if (/cycl|bik|ride/.test(t)) return 'cycling';
  if (/walk/.test(t)) return 'walking';
  if (/hik/.test(t)) return 'hiking';
  if (/swim/.test(t)) return 'swimming';
  if (/ski/.test(t)) return 'skiing';
  if (/row|kayak|canoe|paddl/.test(t)) return 'rowing';
  return null;
}

