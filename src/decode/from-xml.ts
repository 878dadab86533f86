/**
 * XML decoder entry point: TCX or GPX, decided while streaming from the root element's local name
 * (`TrainingCenterDatabase` → TCX, `gpx` → GPX); any other XML is `unknown-format`.
 */
import { GpxHandler } from './gpx/from-gpx.js';
import { TcxHandler } from './tcx/from-tcx.js';
import type { DecodeContext, DecoderFactory, PushDecoder } from './decoder.js';
import { type XmlHandler, type XmlPosition, XmlReader } from './xml/xml-reader.js';

/** Picks the format handler for a root element, or null. */
export function selectXmlHandler(ctx: DecodeContext, root: string, where: () => XmlPosition): XmlHandler | null {
  if (root === 'TrainingCenterDatabase') return new TcxHandler(ctx, where);
  if (root === 'gpx') return new GpxHandler(ctx, where);
  return null;
}

/**
 * Creates a push decoder for TCX or GPX input.
 *
 * @example
 * ```ts
 * const decoder = createXmlDecoder({ options: resolveOptions(), report: new Report() });
 * decoder.push(bytes);
 * const activities = decoder.finish();
 * ```
 */
export const createXmlDecoder: DecoderFactory = (ctx: DecodeContext): PushDecoder => {
  const reader = new XmlReader(ctx, (root, where) => selectXmlHandler(ctx, root, where));
  return {
    push: (chunk) => reader.push(chunk),
    finish: () => reader.finish(),
  };
};
