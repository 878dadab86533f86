/**
 * Installs the FIT encoder at load time: imported by the Node entry (`runjson`), so that `toBytes('fit')`
 * and `runjson convert --to fit` write FIT without an `await` first, as `toFit` does. The
 * browser entry leaves it out (see `fit-encoder-slot.ts`).
 */
import { installFitEncoder } from './fit-encoder-slot.js';
import { fitEncoder, toFit } from './to-fit.js';

installFitEncoder(fitEncoder, toFit);

