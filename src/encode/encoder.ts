/**
 * The contract every encoder meets: an activity in columns → the bytes of one target format, written
 * straight from the columns (no object per sample) and handed out in chunks, so that a large run is never
 * held twice. Encoders are looked up by target format in `registry.ts`; the batch, the CLI and
 * `ConvertedActivity` know formats only through it.
 */
import type { Activity } from '../core/activity.js';
import type { Report } from '../core/errors.js';
import type { Summary } from '../core/summary.js';

/** What every encoder may be given. */
export interface EncodeOptions {
  /** Write the `power` series (Activity JSON: only when asked, spec §3). Default false. */
  includePower?: boolean;
  /** The activity's summary, when the caller has it already (saves recomputing it). */
  summary?: Summary;
  /** Where an encoder counts values its format cannot hold (merged by code, like the converter's). */
  report?: Report;
}

/** An encoder of one target format. */
export interface Encoder {
  /** The target format, as `--to` and `ConvertedActivity.toBytes(to)` name it. */
  readonly format: string;
  /** File extension of its output, without the dot (`json`). */
  readonly extension: string;
  /** Media type of its output, for an HTTP `Content-Type`. */
  readonly mediaType: string;
  /**
   * Writes `activity`, handing the output to `sink` in order, in one or more chunks. A chunk is valid only
   * during its call (encoders reuse their buffers): copy it to keep it.
   */
  encode(activity: Activity, options: EncodeOptions, sink: (chunk: Uint8Array) => void): void;
}

/**
 * Runs `encode` (an encoder's `encode` with its activity and options bound) and returns its whole output
 * as bytes of their exact size: the one chunk as it came, or the chunks joined. Each chunk is copied as it
 * comes, since encoders reuse their buffers.
 */
export function encodeToBytes(encode: (sink: (chunk: Uint8Array) => void) => void): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  encode((c) => {
    chunks.push(c.slice());
    total += c.length;
  });
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
