/**
 * What the page and its conversion workers say to each other. A worker is handed the runner's file (a
 * `File` is passed by reference, not copied) and answers with what a card shows, or with the bytes of one
 * run in one format. The page keeps only the `File`: a download or an upload converts it again (a few
 * milliseconds), so a folder of a thousand runs does not hold a thousand runs in memory.
 */
import type { Summary, Split, TargetFormat, Warning } from '../src/browser.js';

/** The converter's options the page offers. */
export interface PageConvertOptions {
  /** `all` converts rides and walks too (for downloads: Smashrun takes runs only). */
  sports: 'running' | 'all';
}

/** A request to a worker. */
export type WorkerRequest =
  | { kind: 'overview'; id: number; file: Blob; name: string; options: PageConvertOptions }
  | { kind: 'export'; id: number; file: Blob; name: string; options: PageConvertOptions; activity: number; to: TargetFormat };

/** One run as a card shows it. */
export interface RunOverview {
  /** The run's index in its file. */
  index: number;
  /** The sport the source names (`running` unless "other sports" were converted). */
  sport: string;
  summary: Summary;
  /** ms since 1970, UTC. */
  startTime: number;
  /** Minutes east of UTC, or null when the run's zone is unknown (shown in UTC). */
  utcOffset: number | null;
  /** Wall-clock seconds from the first sample to the last (moving time when the file has no clock). */
  elapsed: number;
  hasClock: boolean;
  pauses: number;
  laps: number;
  splits: { km: Split[]; mi: Split[] };
  /** The run picture per unit. */
  svg: { km: string; mi: string };
  /** The warnings that concern this run (those of the file without an activity, and its own). */
  warnings: Warning[];
}

/** Which paths the worker's FIT decoder ran: the page's policy refuses `eval` and WebAssembly. */
export interface Engine {
  plans: 'compiled' | 'interpreted' | 'unused';
  crc: 'wasm' | 'js';
}

/**
 * A worker's answer. `readMs`: reading the file's bytes (in Chromium a trip through the browser process,
 * about half a millisecond whatever the size); `ms`: the conversion from those bytes (and the encoding
 * of an export), the work `convertSync` and `toBytes` do in Node.
 */
export type WorkerAnswer =
  | { kind: 'overview'; id: number; format: string; runs: RunOverview[]; warnings: Warning[]; readMs: number; ms: number; engine: Engine }
  | { kind: 'export'; id: number; bytes: Uint8Array; warnings: Warning[]; readMs: number; ms: number }
  | { kind: 'error'; id: number; error: { name: string; code: string; message: string } };
