/**
 * TCX's words for what runjson's core knows (TrainingCenterDatabase v2:
 * https://www8.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd), both ways: the decoder reads them and
 * an encoder writes them from one place.
 */
import { Intensity, LapTrigger } from '../core/activity.js';

/** TCX `Activity/@Sport` → runjson sport (`Running`, `Biking`, `Other`; others lower-cased). */
export function sportOfTcx(sport: string | undefined): string {
  switch (sport) {
    case 'Running':
      return 'running';
    case 'Biking':
      return 'cycling';
    case undefined:
    case '':
    case 'Other':
      return 'other';
    default:
      return sport.toLowerCase();
  }
}

/** runjson sport → TCX `Sport` (the schema allows Running, Biking and Other only). */
export function tcxSport(sport: string): 'Running' | 'Biking' | 'Other' {
  return sport === 'running' ? 'Running' : sport === 'cycling' ? 'Biking' : 'Other';
}

/** TCX `Lap/TriggerMethod` → core lap trigger. */
export function lapTriggerOfTcx(text: string): LapTrigger {
  switch (text.trim()) {
    case 'Manual':
      return LapTrigger.Manual;
    case 'Distance':
      return LapTrigger.Distance;
    case 'Location':
      return LapTrigger.Position;
    case 'Time':
      return LapTrigger.Time;
    case 'HeartRate':
      return LapTrigger.HeartRate;
    default:
      return LapTrigger.Unknown;
  }
}

/** Core lap trigger → TCX `TriggerMethod` (those TCX has no word for: Manual). */
export function tcxTrigger(trigger: LapTrigger): 'Manual' | 'Distance' | 'Location' | 'Time' | 'HeartRate' {
  switch (trigger) {
    case LapTrigger.Distance:
      return 'Distance';
    case LapTrigger.Position:
      return 'Location';
    case LapTrigger.Time:
      return 'Time';
    case LapTrigger.HeartRate:
      return 'HeartRate';
    default:
      return 'Manual';
  }
}

/** TCX `Lap/Intensity` → core intensity (`Resting` is rest; anything else active). */
export function intensityOfTcx(text: string): Intensity {
  return text.trim() === 'Resting' ? Intensity.Rest : Intensity.Active;
}

/** Core intensity → TCX `Intensity` (rest and recovery: Resting). */
export function tcxIntensity(intensity: Intensity): 'Active' | 'Resting' {
  return intensity === Intensity.Rest || intensity === Intensity.Recovery ? 'Resting' : 'Active';
}
