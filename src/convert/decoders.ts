/**
 * Which decoder reads which sniffed input. JSON and XML decoders are always here; the FIT decoder is
 * loaded on demand, because it reads its field tables from `@garmin/fitsdk`'s profile, two thirds of a
 * browser bundle: a page that converts GPX never downloads it. The Node entry (`runjson`) installs it up
 * front (`with-fit.ts`), so `convertSync` reads FIT at once there; the browser entry loads it the first
 * time `convert()` meets a FIT file, or when the caller awaits {@link loadFitDecoder}.
 */
import { ConvertError, ErrorCode } from '../core/errors.js';
import type { DecoderFactory } from '../decode/decoder.js';
import { createXmlDecoder } from '../decode/from-xml.js';
import { createJsonDecoder } from '../decode/json/from-activity-json.js';

/**
 * The loaded FIT decoder, if any. Module state, deliberately: it stands for code loaded into this realm
 * (like the module cache itself), is written at most once with the same value, and is never reset.
 */
const loaded: { fit: DecoderFactory | null } = { fit: null };

/** Installs the FIT decoder (the Node entry does it when it loads). */
export function installFitDecoder(factory: DecoderFactory): void {
  loaded.fit = factory;
}

/**
 * Loads the FIT decoder if it is not loaded yet. Browsers: await it once before `convertSync` or a
 * `ConvertSession` meets FIT input (`convert()` does it by itself). In Node it is already loaded.
 */
export async function loadFitDecoder(): Promise<void> {
  if (loaded.fit === null) loaded.fit = (await import('../decode/fit/index.js')).createFitDecoder;
}

/** Whether the FIT decoder is loaded. */
export function fitDecoderLoaded(): boolean {
  return loaded.fit !== null;
}

/**
 * The decoder of a sniffed input kind.
 *
 * @throws {ConvertError} `unsupported` for FIT while its decoder is not loaded.
 */
export function decoderFor(kind: 'fit' | 'xml' | 'json'): DecoderFactory {
  if (kind === 'xml') return createXmlDecoder;
  if (kind === 'json') return createJsonDecoder;
  if (loaded.fit === null) {
    throw new ConvertError(ErrorCode.Unsupported, 'the FIT decoder is not loaded yet: use convert(), or await loadFitDecoder() first', {
      format: 'fit',
      offset: 0,
    });
  }
  return loaded.fit;
}
