/**
 * The FIT encoder as the registry holds it, loaded on demand like the FIT decoder
 * (`convert/decoders.ts`): it writes field numbers from `@garmin/fitsdk`'s profile, two thirds of a
 * browser bundle, so a page that only writes Activity JSON, TCX or GPX never downloads it. The Node
 * entry (`runjson`) installs it up front (`install.ts`), so `toBytes('fit')` and `runjson convert --to fit`
 * work at once there; in a browser, await {@link loadFitEncoder} once.
 *
 * This module imports nothing of the FIT protocol; it only holds what was loaded.
 */
import type { Activity } from '../../core/activity.js';
import { ConvertError, ErrorCode } from '../../core/errors.js';
import type { Encoder, EncodeOptions } from '../encoder.js';

/** The signature of `toFit`: an activity → the bytes of a FIT activity file. */
export type ToFit = (activity: Activity, options?: EncodeOptions) => Uint8Array;

/**
 * The loaded FIT encoder, if any. Module state, deliberately (as for the FIT decoder): it stands for code
 * loaded into this realm, is written at most once with the same value, and is never reset.
 */
const loaded: { encoder: Encoder | null; toFit: ToFit | null } = { encoder: null, toFit: null };

/** Installs the FIT encoder (the Node entry does it when it loads). */
export function installFitEncoder(encoder: Encoder, toFit: ToFit): void {
  loaded.encoder = encoder;
  loaded.toFit = toFit;
}

/**
 * Loads the FIT encoder if it is not loaded yet, and returns `toFit`. Browsers: await it once before
 * `toBytes('fit')`. In Node it is already loaded.
 *
 * @example
 * ```ts
 * const toFit = await loadFitEncoder();
 * const bytes = toFit(result.activities[0].activity);
 * ```
 */
export async function loadFitEncoder(): Promise<ToFit> {
  if (loaded.encoder === null || loaded.toFit === null) {
    const m = await import('./to-fit.js');
    installFitEncoder(m.fitEncoder, m.toFit);
    return m.toFit;
  }
  return loaded.toFit;
}

/**
 * An activity → the bytes of a FIT activity file, once the FIT encoder is loaded (in Node: always; in a
 * browser: after `await loadFitEncoder()`).
 *
 * @throws {ConvertError} `unsupported` while it is not loaded; see `toFit` in `to-fit.ts` for the rest.
 */
export function toFit(activity: Activity, options?: EncodeOptions): Uint8Array {
  if (loaded.toFit === null) {
    throw new ConvertError(ErrorCode.Unsupported, 'the FIT encoder is not loaded yet: await loadFitEncoder() first', { format: 'fit' });
  }
  return loaded.toFit(activity, options);
}

/** Whether the FIT encoder is loaded. */
export function fitEncoderLoaded(): boolean {
  return loaded.encoder !== null;
}

/** The registry's FIT encoder: the loaded one, or an `unsupported` error that says how to load it. */
export const fitEncoderSlot: Encoder = {
  format: 'fit',
  extension: 'fit',
  mediaType: 'application/vnd.ant.fit',
  encode(activity: Activity, options: EncodeOptions, sink: (chunk: Uint8Array) => void): void {
    if (loaded.encoder === null) {
      throw new ConvertError(ErrorCode.Unsupported, 'the FIT encoder is not loaded yet: await loadFitEncoder() first', { format: 'fit' });
    }
    loaded.encoder.encode(activity, options, sink);
  },
};
