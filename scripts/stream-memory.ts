/**
 * Peak memory of one streamed conversion, for the memory scripts (gpx-memory.ts, fit-memory.ts): the
 * chunks are pushed into a ConvertSession as they are generated, so the input is never held whole.
 */
import type { ConvertOptions } from '../src/convert/options.js';
import { ConvertSession } from '../src/index.js';
import type { ConvertResult } from '../src/convert/result.js';

export interface StreamPeak {
  /** Input bytes pushed. */
  input: number;
  result: ConvertResult;
  /** The first activity's Activity JSON. */
  output: Uint8Array;
  /** Peak RSS above the baseline, bytes (sampled, and the kernel's high-water mark). */
  peakRss: number;
  /** Peak JS heap in use + typed-array memory above the baseline, bytes. */
  peakLive: number;
  seconds: number;
}

/** Converts `chunks` as a stream, sampling memory every `sampleEvery` pushes and after each step. */
export function measureStream(chunks: Iterable<Uint8Array>, options: ConvertOptions = {}, sampleEvery = 1): StreamPeak {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let peak = 0;
  let peakLive = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss - base.rss);
    // JS heap in use + typed-array memory: what the conversion holds, without V8's free semi-space.
    peakLive = Math.max(peakLive, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
  };
  const session = new ConvertSession(options);
  let input = 0;
  let pushes = 0;
  const started = performance.now();
  for (const c of chunks) {
    input += c.length;
    session.push(c);
    if (++pushes % sampleEvery === 0) sample();
  }
  const result = session.finish();
  sample();
  const output = result.activities[0].toBytes();
  sample();
  // The kernel's high-water mark catches peaks between samples (inside finish and the writer).
  const maxRss = process.resourceUsage().maxRSS * 1024 - base.rss;
  return { input, result, output, peakRss: Math.max(peak, maxRss), peakLive, seconds: (performance.now() - started) / 1000 };
}

/** Bytes as MB with one decimal. */
export const mb = (x: number): string => (x / 1e6).toFixed(1);
