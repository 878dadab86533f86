/**
 * Peak memory of converting a generated 100 MB GPX, streamed in 64 KiB chunks (the input is never held
 * whole), against the size of the Activity JSON it gives. Target: peak < 5 × output.
 * Run: `npx tsc -p tsconfig.json && node --expose-gc dist-bench/scripts/gpx-memory.js [MB]`.
 */
import { mb, measureStream } from './stream-memory.js';

const targetBytes = Number(process.argv[2] ?? 100) * 1e6;
const enc = new TextEncoder();

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

const { input, result, output, peakRss, peakLive, seconds } = measureStream(chunks());
console.log(
  `input ${mb(input)} MB GPX, ${result.activities[0].activity.length} samples → Activity JSON ${mb(output.length)} MB in ${seconds.toFixed(1)} s; ` +
    `peak RSS above baseline ${mb(peakRss)} MB = ${(peakRss / output.length).toFixed(2)} × output; ` +
    `peak heapUsed + arrayBuffers above baseline ${mb(peakLive)} MB = ${(peakLive / output.length).toFixed(2)} × output (target < 5 ×)`,
);
