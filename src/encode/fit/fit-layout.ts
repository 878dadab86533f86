/**
 * The messages runjson writes in a FIT activity file, as fixed layouts: for each message its global
 * number and the fields it carries, each with its field number, base type and size, looked up in the
 * profile when the module loads (nothing of the SDK's tables is copied here, see `src/fit/profile.ts`).
 * A layout gives the definition message once and the byte offset of every field in the data message, so
 * the writer fills a data message by offset and never looks a field up by name.
 *
 * Spec: https://developer.garmin.com/fit/protocol/ ("Definition Message", "Base Types").
 */
import { messageNamed, type ProfileField } from '../../fit/profile.js';

/** A FIT base type as the encoder writes it: its code in a definition message, size and invalid value. */
export interface BaseType {
  readonly code: number;
  readonly size: number;
  /** The invalid sentinel, as an unsigned integer of `size` bytes. */
  readonly invalid: number;
}

/** The base types runjson writes, by the profile's name for them. */
export const BASE_TYPES: Readonly<Record<string, BaseType>> = {
  enum: { code: 0x00, size: 1, invalid: 0xff },
  sint8: { code: 0x01, size: 1, invalid: 0x7f },
  uint8: { code: 0x02, size: 1, invalid: 0xff },
  sint16: { code: 0x83, size: 2, invalid: 0x7fff },
  uint16: { code: 0x84, size: 2, invalid: 0xffff },
  sint32: { code: 0x85, size: 4, invalid: 0x7fffffff },
  uint32: { code: 0x86, size: 4, invalid: 0xffffffff },
  uint8z: { code: 0x0a, size: 1, invalid: 0 },
  uint16z: { code: 0x8b, size: 2, invalid: 0 },
  uint32z: { code: 0x8c, size: 4, invalid: 0 },
};

/** One field of a layout. */
export interface FieldLayout {
  /** camelCase name, as the profile spells it (`timestamp` for field 253). */
  readonly name: string;
  readonly num: number;
  readonly type: BaseType;
  /** Byte offset of the field in the data message, after its one-byte header. */
  readonly at: number;
}

/** A message as runjson writes it: one definition, then data messages of `size` bytes (header included). */
export interface MessageLayout {
  readonly global: number;
  readonly local: number;
  readonly fields: readonly FieldLayout[];
  /** Bytes of one data message, its header included. */
  readonly size: number;
  /** Bytes of the definition message. */
  readonly definitionSize: number;
  /** Offset of each field by name. */
  readonly at: Readonly<Record<string, number>>;
}

/** The profile's base type of a field, mapped onto {@link BASE_TYPES}. */
function baseTypeOf(f: ProfileField): BaseType {
  const t = BASE_TYPES[f.baseType];
  if (t === undefined) throw new Error(`FIT encoder: no base type '${f.baseType}' for field '${f.name}'`);
  return t;
}

/**
 * The layout of `message` with `fields` in that order (`timestamp` is field 253 of every message that
 * has one, typed uint32).
 */
export function layout(message: string, local: number, fields: readonly string[]): MessageLayout {
  const m = messageNamed(message);
  const byName = new Map<string, ProfileField>();
  for (const key in m.fields) byName.set(m.fields[key].name, m.fields[key]);
  const out: FieldLayout[] = [];
  const at: Record<string, number> = {};
  let offset = 1;
  for (const name of fields) {
    let num: number;
    let type: BaseType;
    if (name === 'timestamp') {
      num = 253;
      type = BASE_TYPES.uint32;
    } else {
      const f = byName.get(name);
      if (f === undefined) throw new Error(`FIT profile has no field '${message}.${name}'`);
      num = f.num;
      type = baseTypeOf(f);
    }
    out.push({ name, num, type, at: offset });
    at[name] = offset;
    offset += type.size;
  }
  return { global: m.num, local, fields: out, size: offset, definitionSize: 6 + 3 * out.length, at };
}

/**
 * Writes the definition message of `l` at `pos` of `buf` (little-endian data); returns the position after it.
 */
export function writeDefinition(buf: Uint8Array, pos: number, l: MessageLayout): number {
  buf[pos++] = 0x40 | l.local;
  buf[pos++] = 0; // reserved
  buf[pos++] = 0; // architecture: little-endian
  buf[pos++] = l.global & 0xff;
  buf[pos++] = l.global >>> 8;
  buf[pos++] = l.fields.length;
  for (const f of l.fields) {
    buf[pos++] = f.num;
    buf[pos++] = f.type.size;
    buf[pos++] = f.type.code;
  }
  return pos;
}

/**
 * Fills a data message of `l` at `pos` with every field invalid (its header written); the caller then
 * writes the fields it has. Returns `pos`.
 */
export function blankMessage(buf: Uint8Array, pos: number, l: MessageLayout): number {
  buf[pos] = l.local;
  for (const f of l.fields) writeUint(buf, pos + f.at, f.type.size, f.type.invalid);
  return pos;
}

/** Writes unsigned `v` (already in range) in `size` little-endian bytes at `at`. */
export function writeUint(buf: Uint8Array, at: number, size: number, v: number): void {
  buf[at] = v & 0xff;
  if (size === 1) return;
  buf[at + 1] = (v >>> 8) & 0xff;
  if (size === 2) return;
  buf[at + 2] = (v >>> 16) & 0xff;
  buf[at + 3] = (v >>> 24) & 0xff;
}
