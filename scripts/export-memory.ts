/**
 * Peak memory of a streamed export of about 100 MB, for each target format of the encoder registry (TCX,
 * GPX, FIT — those registered): a generated run with every series, pauses and laps, sized so that its
 * output is about the size asked, is written through `encoderFor(format).encode(activity, {}, sink)`
 * to a sink that keeps nothing (a file writer's use: each chunk goes out and is forgotten). Target: the
 * peak, columns included, stays under 2 × the columns' size — the export itself holds its chunk buffer and
 * a few small tables, never a second copy of the run.
 *
 * Each format runs in a child process of its own, so that one format's high-water marks do not carry into
 * the next.
 *
 * Run: `npx tsc -p tsconfig.json && node --expose-gc dist-bench/scripts/export-memory.js [MB] [format]`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Activity } from '../src/core/activity.js';
import { encoderFor, isTargetFormat } from '../src/encode/registry.js';
import { generateRun } from '../test/helpers/generate.js';
import { mb } from './stream-memory.js';

const targetMb = Number(process.argv[2] ?? 100);
const only = process.argv[3];
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Bytes the activity's columns hold: time, duration, every series, pauses. */
function columnBytes(a: Activity): number {
  let n = a.time.byteLength + a.duration.byteLength + a.pauses.byteLength;
  for (const col of Object.values(a.series)) if (col !== null) n += col.byteLength;
  return n;
}

/** Output bytes of `format` for `a`, through a sink that only counts. */
function outputBytes(format: string, a: Activity): number {
  let n = 0;
  encoderFor(format).encode(a, {}, (c) => {
    n += c.length;
  });
  return n;
}

function measure(format: string): void {
  // Samples for about `targetMb` of output, from the size per sample of a small run.
  const probe = generateRun(20_000, 3);
  const perSample = outputBytes(format, probe) / probe.length;
  const n = Math.ceil((targetMb * 1e6) / perSample);
  gc();
  const base = process.memoryUsage();
  const activity = generateRun(n, 3);
  gc();
  const built = process.memoryUsage();
  const columns = columnBytes(activity);
  let peakLive = 0;
  let peakRss = 0;
  let bytes = 0;
  let chunks = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakLive = Math.max(peakLive, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
    peakRss = Math.max(peakRss, m.rss - base.rss);
  };
  const started = performance.now();
  encoderFor(format).encode(activity, {}, (c) => {
    bytes += c.length;
    if (++chunks % 16 === 0) sample();
  });
  sample();
  const seconds = (performance.now() - started) / 1000;
  const held = built.heapUsed + built.arrayBuffers - base.heapUsed - base.arrayBuffers;
  console.log(
    `${format}: ${n} samples → ${mb(bytes)} MB in ${chunks} chunks, ${seconds.toFixed(1)} s; columns ${mb(columns)} MB ` +
      `(heap + arrayBuffers after building: ${mb(held)} MB); peak heapUsed + arrayBuffers during the export ${mb(peakLive)} MB = ` +
      `${(peakLive / columns).toFixed(2)} × columns (target < 2 ×), of which the export's own ${mb(peakLive - held)} MB; ` +
      `peak RSS above the baseline ${mb(peakRss)} MB = ${(peakRss / columns).toFixed(2)} × columns`,
  );
}

if (only !== undefined) {
  measure(only);
} else {
  for (const format of ['tcx', 'gpx', 'fit']) {
    if (!isTargetFormat(format)) {
      console.log(`${format}: not registered, skipped`);
      continue;
    }
    const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), String(targetMb), format], { encoding: 'utf8' });
    process.stdout.write(out);
  }
}
