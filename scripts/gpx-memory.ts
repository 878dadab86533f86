/**
 * Peak memory of converting a generated 100 MB GPX, streamed in 64 KiB chunks (the input is never held
 * whole), against the size of the Activity JSON it gives. Target: peak < 5 × output.
 * Run: `npx tsc -p tsconfig.json && node --expose-gc dist-bench/scripts/gpx-memory.js [MB]`.
 */
import { ConvertSession } from '../src/convert.js';

const targetBytes = Number(process.argv[2] ?? 100) * 1e6;
const enc = new TextEncoder();
const gc = (globalThis as { gc?: () => void }).gc;

function* chunks(): Generator<Uint8Array> {
  const t0 = Date.UTC(2021, 4, 2, 7, 0, 0);
  let text = '<?xml version="1.0" encoding="UTF-8"?>\n<gpx creator="runjson memory test" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n <trk>\n  <type>running</type>\n  <trkseg>\n';
  let bytes = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    const lat = (45.19 + i * 0.0000271).toFixed(7);
    const lon = (5.72 + Math.sin(i / 500) * 0.01).toFixed(7);
    text += `   <trkpt lat="${lat}" lon="${lon}">\n    <ele>${(210 + 5 * Math.sin(i / 10)).toFixed(1)}</ele>\n    <time>${new Date(t0 + i * 1000).toISOString().replace('.000Z', 'Z')}</time>\n    <extensions>\n     <gpxtpx:TrackPointExtension>\n      <gpxtpx:hr>${140 + (i % 20)}</gpxtpx:hr>\n      <gpxtpx:cad>${84 + (i % 3)}</gpxtpx:cad>\n     </gpxtpx:TrackPointExtension>\n    </extensions>\n   </trkpt>\n`;
    if (text.length > 65536) {
      const b = enc.encode(text);
      bytes += b.length;
      yield b;
      text = '';
    }
  }
  yield enc.encode(`${text}  </trkseg>\n </trk>\n</gpx>\n`);
}

gc?.();
const base = process.memoryUsage();
let peak = 0;
let peakLive = 0;
const sample = (): void => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss - base.rss);
  // JS heap in use + typed-array memory: what the conversion holds, without V8's free semi-space.
  peakLive = Math.max(peakLive, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
};
const session = new ConvertSession();
let input = 0;
const started = performance.now();
for (const c of chunks()) {
  input += c.length;
  session.push(c);
  sample();
}
const result = session.finish();
sample();
const out = result.activities[0].toBytes();
sample();
// The kernel's high-water mark catches peaks between samples (inside finish and the writer).
const maxRss = process.resourceUsage().maxRSS * 1024 - base.rss;
const secs = (performance.now() - started) / 1000;
const mb = (x: number): string => (x / 1e6).toFixed(1);
console.log(
  `input ${mb(input)} MB GPX, ${result.activities[0].activity.length} samples → Activity JSON ${mb(out.length)} MB in ${secs.toFixed(1)} s; ` +
    `peak RSS above baseline ${mb(Math.max(peak, maxRss))} MB = ${(Math.max(peak, maxRss) / out.length).toFixed(2)} × output; ` +
    `peak heapUsed + arrayBuffers above baseline ${mb(peakLive)} MB = ${(peakLive / out.length).toFixed(2)} × output (target < 5 ×)`,
);
