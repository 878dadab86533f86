/**
 * Peak memory of converting a generated FIT file of 200 MB (by default), streamed in 64 KiB chunks: the
 * input is never held whole (the chunks are written as they are pushed, the file CRC computed on the
 * way), so what the conversion holds is the decoder's carry buffer, the record columns and the output.
 * Prints the peak above the baseline against the size of the Activity JSON it gives.
 * Run: `npx tsc -p tsconfig.json && node --expose-gc dist-bench/scripts/fit-memory.js [MB]`.
 */
import { crc16 } from '../src/fit/crc.js';
import { mb, measureStream } from './stream-memory.js';

const targetBytes = Number(process.argv[2] ?? 200) * 1e6;

/** Record fields: [field number, size, base type]. */
const FIELDS: [number, number, number][] = [
  [253, 4, 0x86], // timestamp
  [0, 4, 0x85], // position_lat (semicircles)
  [1, 4, 0x85], // position_long
  [5, 4, 0x86], // distance (1/100 m)
  [78, 4, 0x86], // enhanced_altitude (1/5 m, offset 500 m)
  [3, 1, 0x02], // heart_rate
  [4, 1, 0x02], // cadence
];
const RECORD = 1 + FIELDS.reduce((s, f) => s + f[1], 0);
const T0 = 1_000_000_000; // FIT seconds (2021-09-09)

function* chunks(): Generator<Uint8Array> {
  const definition = [0x40, 0, 0, 20, 0, FIELDS.length, ...FIELDS.flat()];
  const records = Math.floor((targetBytes - 14 - definition.length - 2) / RECORD);
  const dataSize = definition.length + records * RECORD;
  const header = new Uint8Array(14);
  const hv = new DataView(header.buffer);
  header.set([14, 0x20, 0x52, 0x08]);
  hv.setUint32(4, dataSize, true);
  header.set([0x2e, 0x46, 0x49, 0x54], 8); // ".FIT"; header CRC 0: not computed
  let crc = crc16(0, header, 0, 14);
  yield header;
  const per = Math.floor(65536 / RECORD);
  let chunk = new Uint8Array(definition);
  crc = crc16(crc, chunk, 0, chunk.length);
  yield chunk;
  for (let i = 0; i < records; i += per) {
    const n = Math.min(per, records - i);
    chunk = new Uint8Array(n * RECORD);
    const v = new DataView(chunk.buffer);
    for (let k = 0; k < n; k++) {
      const r = i + k;
      let p = k * RECORD;
      chunk[p++] = 0;
      v.setUint32(p, T0 + r, true);
      v.setInt32(p + 4, Math.round(((45.19 + (r % 100_000) * 0.0000271) * 2 ** 31) / 180), true);
      v.setInt32(p + 8, Math.round(((5.72 + Math.sin(r / 500) * 0.01) * 2 ** 31) / 180), true);
      v.setUint32(p + 12, r * 300, true); // 3 m/s
      v.setUint32(p + 16, Math.round((210 + 5 * Math.sin(r / 10) + 500) * 5), true);
      chunk[p + 20] = 140 + (r % 20);
      chunk[p + 21] = 84 + (r % 3);
    }
    crc = crc16(crc, chunk, 0, chunk.length);
    yield chunk;
  }
  yield new Uint8Array([crc & 0xff, crc >> 8]);
}

const { input, result, output, peakRss, peakLive, seconds } = measureStream(chunks(), { format: 'fit' }, 64);
const warnings = result.warnings.map((w) => `${w.code} ${w.count}`).join(', ') || 'none';
console.log(
  `input ${mb(input)} MB FIT, ${result.activities[0].activity.length} samples → Activity JSON ${mb(output.length)} MB in ${seconds.toFixed(1)} s ` +
    `(warnings: ${warnings}); peak RSS above baseline ${mb(peakRss)} MB = ${(peakRss / output.length).toFixed(2)} × output, ` +
    `${(peakRss / input).toFixed(2)} × input; peak heapUsed + arrayBuffers above baseline ${mb(peakLive)} MB = ${(peakLive / output.length).toFixed(2)} × output`,
);
