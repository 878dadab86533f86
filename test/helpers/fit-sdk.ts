/**
 * Reading FIT with `@garmin/fitsdk`, the independent reader the FIT tests and the FIT encoding benchmark
 * check runjson's output against: every message in file order, with the SDK's own scaling.
 */
import { Decoder, type Mesg, Profile, Stream } from '@garmin/fitsdk';

/** One message as the SDK reads it: its global number, its name and its fields (scaled, dates as Date). */
export interface SdkMessage {
  num: number;
  name: string;
  fields: Record<string, unknown>;
}

const NAMES = new Map<number, string>();
for (const m of Object.values(Profile.messages as unknown as Record<string, { num: number; name: string }>)) NAMES.set(m.num, m.name);

/** What the SDK says of a FIT file. */
export interface SdkRead {
  isFit: boolean;
  integrity: boolean;
  errors: unknown[];
  /** Every message in file order. */
  messages: SdkMessage[];
}

/** Reads `bytes` with the SDK's `Decoder`. */
export function readWithSdk(bytes: Uint8Array): SdkRead {
  const stream = (): Stream => Stream.fromByteArray(Array.from(bytes));
  const isFit = new Decoder(stream()).isFIT();
  const integrity = new Decoder(stream()).checkIntegrity();
  const messages: SdkMessage[] = [];
  const { errors } = new Decoder(stream()).read({
    mesgListener: (num: number, mesg: Mesg) => {
      messages.push({ num, name: NAMES.get(num) ?? String(num), fields: mesg as Record<string, unknown> });
    },
    mergeHeartRates: false,
  });
  return { isFit, integrity, errors, messages };
}

/** Seconds since the Unix epoch of a date field as the SDK gives it. */
export function sdkSeconds(v: unknown): number {
  return v instanceof Date ? v.getTime() / 1000 : NaN;
}
