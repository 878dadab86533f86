/**
 * Caps on what untrusted input may make a decoder allocate (style: bound untrusted input; each cap has a
 * safe default and a test).
 */

/** Caps on what untrusted input may make runjson allocate. Each has a safe default. */
export interface Limits {
  /** Largest input, in bytes (after gzip decompression). Default 512 MiB. */
  maxBytes: number;
  /** Most samples (records, trackpoints) in one file. Default 10 million. */
  maxSamples: number;
  /** Most messages of any kind in one FIT file. Default 50 million. */
  maxMessages: number;
  /** Most developer fields defined in one FIT file. Default 1024. */
  maxDeveloperFields: number;
  /** Longest string or text node, in characters or bytes. Default 1 MiB. */
  maxStringLength: number;
  /** Deepest nesting of XML elements or JSON arrays and objects. Default 64. */
  maxDepth: number;
  /** Most laps in one activity. Default 100 000. */
  maxLaps: number;
  /** Most activities in one file. Default 1000. */
  maxActivities: number;
}

/** Default {@link Limits}. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBytes: 512 * 1024 * 1024,
  maxSamples: 10_000_000,
  maxMessages: 50_000_000,
  maxDeveloperFields: 1024,
  maxStringLength: 1024 * 1024,
  maxDepth: 64,
  maxLaps: 100_000,
  maxActivities: 1000,
});
