/** FIT decoder entry point (see issue: FIT → Activity JSON). */
import { ConvertError, ErrorCode } from '../../core/errors.js';
import type { DecoderFactory } from '../decoder.js';

/** Creates a push decoder for FIT input. */
export const createFitDecoder: DecoderFactory = () => {
  throw new ConvertError(ErrorCode.Unsupported, 'FIT decoding is not built yet', { format: 'fit' });
};
