/**
 * The record columns of FIT pass 1 (`fit-messages.ts`), as pass 2 and the heart-rate merge read them.
 */
import type { SeriesKey } from '../../core/series.js';

/** Record columns of pass 1, one per series (capacity-sized; valid up to `n`). */
export type RecordColumns = { n: number; time: Float64Array } & { [K in SeriesKey]: Float64Array };
