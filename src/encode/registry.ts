/**
 * Encoders by target format. The batch, the CLI (`--to`) and `ConvertedActivity` take a format name and
 * find its encoder here, so a new format plugs in with one line below.
 */
import { ConvertError, ErrorCode } from '../core/errors.js';
import type { Encoder } from './encoder.js';
import { activityJsonEncoder } from './json/to-activity-json.js';
import { tcxEncoder } from './tcx/to-tcx.js';
import { gpxEncoder } from './gpx/to-gpx.js';
import { fitEncoderSlot } from './fit/fit-encoder-slot.js';
import { svgEncoder } from './svg/to-svg.js';

/** The target formats runjson writes. */
export const TARGET_FORMATS = ['json', 'gpx', 'tcx', 'fit', 'svg'] as const;
/** A target format. */
export type TargetFormat = (typeof TARGET_FORMATS)[number];

const ENCODERS: { readonly [F in TargetFormat]: Encoder } = {
  json: activityJsonEncoder,
  tcx: tcxEncoder,
  gpx: gpxEncoder,
  fit: fitEncoderSlot,
  svg: svgEncoder,
};

/** Whether `name` is a target format runjson writes. */
export function isTargetFormat(name: string): name is TargetFormat {
  return (TARGET_FORMATS as readonly string[]).includes(name);
}

/**
 * The encoder of a target format.
 *
 * @throws {ConvertError} `unsupported` for a format runjson does not write.
 */
export function encoderFor(format: string): Encoder {
  if (!isTargetFormat(format)) {
    throw new ConvertError(ErrorCode.Unsupported, `runjson does not write '${format}' (it writes ${TARGET_FORMATS.join(', ')})`);
  }
  return ENCODERS[format];
}
