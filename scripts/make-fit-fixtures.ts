/**
 * Writes the generated FIT fixtures of `fixtures/fit/` (ours, MIT): one synthetic run written three ways
 * (little-endian, big-endian, compressed-timestamp record headers) that must decode to the same activity,
 * and a recording cut short with no session (a watch that died).
 *
 * The run: timer start; 1 Hz records with distance, position, altitude, heart rate, cadence (with
 * fractional cadence); a pause from +200 s to +260 s with 9 records logged while the timer was stopped;
 * two records sharing the timestamp +300 s (the second carries only a temperature); a distance-triggered lap, a rest lap and a last active lap;
 * the final stop at +599 s and two heart-rate-only records after it (heart-rate recovery); a treadmill
 * session; an activity message whose local time is UTC+1.
 *
 * Run: `npx tsc -p tsconfig.json && node dist-bench/scripts/make-fit-fixtures.js`
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc16 } from '../src/fit/crc.js';

type Field = [num: number, size: number, baseType: number];

const ENUM = 0x00;
const UINT8 = 0x02;
const UINT16 = 0x84;
const SINT32 = 0x85;
const UINT32 = 0x86;
const UINT32Z = 0x8c;

/** A minimal FIT writer: definitions, data messages (normal or compressed-timestamp headers), CRCs. */
class FitWriter {
  private readonly out: number[] = [];
  private readonly defs = new Map<number, Field[]>();
  constructor(private readonly big: boolean) {}

  define(local: number, global: number, fields: Field[]): void {
    this.defs.set(local, fields);
    this.out.push(0x40 | local, 0, this.big ? 1 : 0);
    this.int(global, 2);
    this.out.push(fields.length);
    for (const [num, size, bt] of fields) this.out.push(num, size, bt);
  }

  data(local: number, values: number[], compressedOffset = -1): void {
    const fields = this.defs.get(local) as Field[];
    this.out.push(compressedOffset >= 0 ? 0x80 | (local << 5) | (compressedOffset & 0x1f) : local);
    fields.forEach(([, size], i) => this.int(values[i], size));
  }

  private int(v: number, size: number): void {
    const bytes: number[] = [];
    let x = v < 0 ? 2 ** (8 * size) + v : v;
    for (let i = 0; i < size; i++) {
      bytes.push(x % 256);
      x = Math.floor(x / 256);
    }
    this.out.push(...(this.big ? bytes.reverse() : bytes));
  }

  bytes(cutAt = -1): Uint8Array {
    const data = cutAt >= 0 ? this.out.slice(0, cutAt) : this.out;
    const header = new Uint8Array(14);
    header.set([14, 0x20, 0x52, 0x08]);
    const size = cutAt >= 0 ? this.out.length : data.length;
    header.set([size & 0xff, (size >> 8) & 0xff, (size >> 16) & 0xff, size >>> 24], 4);
    header.set([0x2e, 0x46, 0x49, 0x54], 8);
    const hc = crc16(0, header, 0, 12);
    header.set([hc & 0xff, hc >> 8], 12);
    const file = new Uint8Array(14 + data.length + (cutAt >= 0 ? 0 : 2));
    file.set(header);
    file.set(data, 14);
    if (cutAt < 0) {
      const c = crc16(0, file, 0, 14 + data.length);
      file.set([c & 0xff, c >> 8], 14 + data.length);
    }
    return file;
  }
}

const T0 = 1_000_000_000; // FIT seconds (2021-09-09T01:46:40Z)
const SEMI = 2 ** 31 / 180;

function run(big: boolean, compressed: boolean, withSummary: boolean): FitWriter {
  const w = new FitWriter(big);
  w.define(0, 0, [[0, 1, ENUM], [1, 2, UINT16], [2, 2, UINT16], [3, 4, UINT32Z], [4, 4, UINT32]]);
  w.data(0, [4, 1, 2697, 123456789, T0 - 10]);
  w.define(1, 23, [[253, 4, UINT32], [0, 1, UINT8], [2, 2, UINT16], [5, 2, UINT16]]);
  w.data(1, [T0 - 10, 0, 1, 1234]);
  w.define(2, 3, [[4, 2, UINT16]]);
  w.data(2, [705]);
  w.define(3, 21, [[253, 4, UINT32], [0, 1, ENUM], [1, 1, ENUM]]);
  w.data(3, [T0, 0, 0]);
  // Records: timestamp, lat, lon, distance, enhanced_altitude, heart_rate, cadence, fractional_cadence.
  const recordFields: Field[] = [[0, 4, SINT32], [1, 4, SINT32], [5, 4, UINT32], [78, 4, UINT32], [3, 1, UINT8], [4, 1, UINT8], [53, 1, UINT8]];
  w.define(4, 20, [[253, 4, UINT32], ...recordFields]);
  if (compressed) w.define(2, 20, recordFields); // compressed headers address local types 0–3 only
  w.define(6, 19, [[253, 4, UINT32], [2, 4, UINT32], [23, 1, ENUM], [24, 1, ENUM]]);
  w.define(7, 20, [[253, 4, UINT32], [3, 1, UINT8]]);
  w.define(10, 20, [[253, 4, UINT32], [13, 1, 0x01]]);
  let dist = 0;
  const rec = (s: number): void => {
    const values = [
      Math.round((47.6 + s * 1e-5) * SEMI), Math.round((-122.3 + s * 2e-5) * SEMI), Math.round(dist * 100), (120 + (s % 7) * 0.2 + 500) * 5,
      140 + (s % 11), 80 + (s % 3), (s * 37) % 128,
    ];
    if (compressed) w.data(2, values, (T0 + s) & 0x1f);
    else w.data(4, [T0 + s, ...values]);
  };
  let lapStart = T0;
  for (let s = 0; s < 600; s++) {
    if (s === 201) w.data(3, [T0 + 200, 0, 4]); // timer stop_all
    if (s === 260) w.data(3, [T0 + 260, 0, 0]); // timer start
    if (s > 200 && s < 260 && s >= 210) continue; // 9 records logged while stopped: +201…+209
    if (!(s > 200 && s < 260)) dist += 2.5;
    rec(s);
    if (s === 300) w.data(10, [T0 + 300, 21]); // a second partial record at the same second (temperature)
    if (s === 150) {
      w.data(6, [T0 + s, lapStart, 0, 2]); // distance-triggered lap, active
      lapStart = T0 + s;
    }
    if (s === 400) {
      w.data(6, [T0 + s, lapStart, 1, 0]); // manual lap, rest
      lapStart = T0 + s;
    }
  }
  w.data(3, [T0 + 599, 0, 4]); // final stop_all
  w.data(7, [T0 + 630, 120]);
  w.data(7, [T0 + 660, 100]);
  if (withSummary) {
    w.data(6, [T0 + 599, lapStart, 0, 0]);
    // session: timestamp, start_time, sport, sub_sport, total_elapsed_time, total_timer_time, total_distance
    w.define(8, 18, [[253, 4, UINT32], [2, 4, UINT32], [5, 1, ENUM], [6, 1, ENUM], [7, 4, UINT32], [8, 4, UINT32], [9, 4, UINT32]]);
    w.data(8, [T0 + 599, T0, 1, 1, 599000, 539000, Math.round(dist * 100)]);
    // activity: timestamp, local_timestamp (UTC+1)
    w.define(9, 34, [[253, 4, UINT32], [5, 4, UINT32]]);
    w.data(9, [T0 + 599, T0 + 599 + 3600]);
  }
  return w;
}

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'fit');
writeFileSync(join(dir, 'synthetic-run.fit'), run(false, false, true).bytes());
writeFileSync(join(dir, 'synthetic-run-big-endian.fit'), run(true, false, true).bytes());
writeFileSync(join(dir, 'synthetic-run-compressed-timestamps.fit'), run(false, true, true).bytes());
const died = run(false, false, false);
const full = died.bytes();
writeFileSync(join(dir, 'synthetic-watch-died.fit'), died.bytes(full.length - 14 - 2 - 7));
console.log('wrote 4 fixtures to', dir);
