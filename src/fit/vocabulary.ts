/**
 * FIT's words for what runjson's core knows, both ways: lap intensity and lap trigger, so that the decoder
 * reads them and an encoder writes them from one table.
 */
import { Intensity, LapTrigger } from '../core/activity.js';
import { enumName, enumValue } from './profile.js';

/** FIT `intensity` enum (0 active … 6 other), by value → core {@link Intensity}. */
export const FIT_INTENSITY: readonly Intensity[] = [
  Intensity.Active, Intensity.Rest, Intensity.Warmup, Intensity.Cooldown, Intensity.Recovery, Intensity.Interval, Intensity.Other,
];

/** Core lap intensity of a FIT `intensity` value (absent: active). */
export function intensityOfFit(value: number): Intensity {
  if (value !== value) return Intensity.Active;
  return FIT_INTENSITY[value] ?? Intensity.Other;
}

/** The FIT `intensity` value of a core lap intensity. */
export function fitIntensity(intensity: Intensity): number {
  return FIT_INTENSITY.indexOf(intensity);
}

/** FIT `lap_trigger` names (snake case, as the profile spells them) → core {@link LapTrigger}. */
const TRIGGER_OF_FIT: Readonly<Record<string, LapTrigger>> = {
  manual: LapTrigger.Manual,
  time: LapTrigger.Time,
  distance: LapTrigger.Distance,
  position_start: LapTrigger.Position,
  position_lap: LapTrigger.Position,
  position_waypoint: LapTrigger.Position,
  position_marked: LapTrigger.Position,
  session_end: LapTrigger.SessionEnd,
  fitness_equipment: LapTrigger.FitnessEquipment,
};

/** Core lap trigger of a FIT `lap_trigger` value (absent or unknown: `unknown`). */
export function lapTriggerOfFit(value: number): LapTrigger {
  const name = enumName('lapTrigger', value);
  return (name !== null && TRIGGER_OF_FIT[name]) || LapTrigger.Unknown;
}

/** The FIT `lap_trigger` value of a core lap trigger (`unknown` and `heart-rate`: manual). */
export function fitLapTrigger(trigger: LapTrigger): number {
  switch (trigger) {
    case LapTrigger.Time:
      return enumValue('lapTrigger', 'time');
    case LapTrigger.Distance:
      return enumValue('lapTrigger', 'distance');
    case LapTrigger.Position:
      return enumValue('lapTrigger', 'positionLap');
    case LapTrigger.SessionEnd:
      return enumValue('lapTrigger', 'sessionEnd');
    case LapTrigger.FitnessEquipment:
      return enumValue('lapTrigger', 'fitnessEquipment');
    default:
      return enumValue('lapTrigger', 'manual');
  }
}
