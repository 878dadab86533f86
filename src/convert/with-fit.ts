/**
 * Installs the FIT decoder at load time: imported by the Node entry (`runjson`), so that `convertSync` and
 * `ConvertSession` read FIT without an `await` first. The browser entry leaves it out (see `decoders.ts`).
 */
import { createFitDecoder } from '../decode/fit/index.js';
import { installFitDecoder } from './decoders.js';

installFitDecoder(createFitDecoder);
