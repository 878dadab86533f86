/**
 * The FIT profile as runjson's decoder and encoder both need it, built at run time from `@garmin/fitsdk`'s
 * exported `Profile` (global message numbers, field numbers, base types, scales, offsets, enum names).
 * Nothing of the SDK's generated tables is copied into this source: its licence does not allow
 * sublicensing them, so we name the fields we want and look everything else up when the module loads.
 *
 * Spec: https://developer.garmin.com/fit/protocol/ (messages and fields: the SDK's Profile).
 */
import { Profile } from '@garmin/fitsdk';

export interface ProfileField {
  num: number;
  name: string;
  type: string;
  baseType: string;
  scale: number | number[];
  offset: number | number[];
}
export interface ProfileMessage {
  num: number;
  name: string;
  fields: Record<string, ProfileField>;
}
const messages = Profile.messages as unknown as Record<string, ProfileMessage>;
const types = Profile.types as unknown as Record<string, Record<string, string>>;

export function messageNamed(name: string): ProfileMessage {
  for (const key in messages) if (messages[key].name === name) return messages[key];
  throw new Error(`FIT profile has no message '${name}'`);
}

/** The profile's definition of `message.field` (camelCase names, as the SDK spells them). */
export function profileField(message: string, field: string): { num: number; scale: number; offset: number } {
  const m = messageNamed(message);
  for (const key in m.fields) {
    const f = m.fields[key];
    if (f.name !== field) continue;
    const scale = Array.isArray(f.scale) ? f.scale[0] : f.scale;
    const offset = Array.isArray(f.offset) ? f.offset[0] : f.offset;
    return { num: f.num, scale, offset };
  }
  throw new Error(`FIT profile has no field '${message}.${field}'`);
}

/** The components a field expands into (bit widths and the component scales), from the profile. */
export function profileComponents(message: string, field: string): { bits: number[]; scale: number[] } {
  const m = messageNamed(message);
  for (const key in m.fields) {
    const f = m.fields[key] as ProfileField & { bits: number[] };
    if (f.name === field) return { bits: [...f.bits], scale: Array.isArray(f.scale) ? [...f.scale] : [f.scale] };
  }
  throw new Error(`FIT profile has no field '${message}.${field}'`);
}

/** Value of enum `type` named `name` (e.g. `enumValue('lapTrigger', 'distance')` → 2). */
export function enumValue(type: string, name: string): number {
  const t = types[type];
  for (const k in t) if (t[k] === name) return Number(k);
  throw new Error(`FIT profile has no value '${type}.${name}'`);
}

/** Name of enum value `value` of `type` in the FIT snake_case spelling (`fitness_equipment`), or null. */
export function enumName(type: string, value: number): string | null {
  if (value !== value) return null;
  const name = types[type]?.[String(value)];
  return name === undefined ? null : snake(name);
}

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

/** Global message numbers runjson reads. */
export const Mesg = {
  FileId: messageNamed('fileId').num,
  UserProfile: messageNamed('userProfile').num,
  Sport: messageNamed('sport').num,
  Session: messageNamed('session').num,
  Lap: messageNamed('lap').num,
  Record: messageNamed('record').num,
  Event: messageNamed('event').num,
  DeviceInfo: messageNamed('deviceInfo').num,
  Activity: messageNamed('activity').num,
  FileCreator: messageNamed('fileCreator').num,
  FieldDescription: messageNamed('fieldDescription').num,
  Hr: messageNamed('hr').num,
} as const;

/** FIT epoch (1989-12-31T00:00:00Z) in Unix seconds. */
export const FIT_EPOCH_S = 631065600;
