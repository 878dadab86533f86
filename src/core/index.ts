/**
 * The columnar core of runjson: activities as typed-array columns, and the pure derivations over them
 * (duration, summary, splits, distance from positions, laps). Imports nothing from `decode/` or `encode/`,
 * and nothing Node-specific: it runs in browsers too.
 */
export * from './activity.js';
export * from './builder.js';
export * from './duration.js';
export * from './errors.js';
export * from './geodesic.js';
export * from './laps.js';
export * from './series.js';
export * from './splits.js';
export * from './summary.js';
export * from './time.js';
