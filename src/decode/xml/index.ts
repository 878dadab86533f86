/** XML decoder entry point: TCX or GPX, chosen by the root element (see issue: TCX and GPX → Activity JSON). */
import { ConvertError, ErrorCode } from '../../core/errors.js';
import type { DecoderFactory } from '../decoder.js';

/** Creates a push decoder for TCX or GPX input. */
export const createXmlDecoder: DecoderFactory = () => {
  throw new ConvertError(ErrorCode.Unsupported, 'TCX and GPX decoding is not built yet', { format: 'tcx' });
};
