/**
 * runjson: FIT, TCX, GPX and Activity JSON → Smashrun's Activity JSON, in typed-array columns.
 *
 * The Node entry (and the default for bundlers that do not ask for the `browser` condition): the API of
 * `browser.ts`, with the FIT decoder loaded up front so that `convertSync` and `ConvertSession` read FIT
 * without an `await` first. `browser.ts` is the one list of what runjson exports (named exports only).
 *
 * @packageDocumentation
 */
import './convert/with-fit.js';
// The FIT encoder reads the FIT profile too: installed up front here; browsers `await loadFitEncoder()`.
import './encode/fit/install.js';

export * from './browser.js';
