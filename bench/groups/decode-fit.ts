/**
 * `decode/fit/*`: every corpus FIT file `@garmin/fitsdk` reads without error (the project's fixtures when
 * the corpus is absent), each task processing all of them once per call:
 * - `runjson decode-to-columns`: FIT bytes → activities in columns (`decodeFit`);
 * - `runjson FIT→Activity JSON`: the whole conversion (`convertSync` + `toBytes` of every activity: the
 *   UTF-8 Activity JSON an uploader sends);
 * - `@garmin/fitsdk Decoder.read()` with its default options, and `fit-file-parser`: the peers;
 * - `byte loop`: a loop that reads every byte of the same files once (the lower bound).
 *
 * Reproduce: `npm run bench -- --only decode/fit`.
 *
 * Measured (2 shared cores, full mode, 2026-11-22 afternoon, four runs of one build, machine quiet):
 * decode-to-columns 20.2–20.7 ms for the 6.81 MB, FIT→Activity JSON 35.7–36.9 ms, the SDK 1181–1600 ms:
 * 32.8–44.8× (target 30×); in a noisy hour, 29.9×. Where the time goes, what was done and what was
 * tried: docs/performance.md.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decoder, Stream } from '@garmin/fitsdk';
import FitParser from 'fit-file-parser';
import { convertSync } from '../../src/index.js';
import { decodeFit, readFitMessages } from '../../src/decode/fit/index.js';
import type { BenchGroup } from '../harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'fit');
const FIXTURES = join(ROOT, 'fixtures', 'fit');

function sdkRecords(bytes: Uint8Array): number | null {
  const { messages, errors } = new Decoder(Stream.fromByteArray(bytes)).read();
  if (errors.length > 0) return null;
  return ((messages as Record<string, unknown[]>).recordMesgs ?? []).length;
}

function load(): { name: string; bytes: Uint8Array; records: number }[] {
  const dir = existsSync(CORPUS) ? CORPUS : FIXTURES;
  const out: { name: string; bytes: Uint8Array; records: number }[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.toLowerCase().endsWith('.fit')) continue;
    const b = readFileSync(join(dir, f));
    const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    const records = sdkRecords(bytes);
    if (records !== null && records > 0) out.push({ name: f, bytes, records });
  }
  return out;
}

export async function groups(): Promise<BenchGroup[]> {
  const files = load();
  if (files.length === 0) return [];
  const total = files.reduce((s, f) => s + f.bytes.length, 0);
  const buffers = files.map((f) => Buffer.from(f.bytes));
  let sink = 0;

  const columns = (): number => {
    let n = 0;
    for (const f of files) for (const a of decodeFit(f.bytes)) n += a.length;
    return n;
  };
  const json = (): number => {
    let n = 0;
    for (const f of files) {
      try {
        for (const a of convertSync(f.bytes, { sports: 'all' }).activities) n += a.toBytes().length;
      } catch {
        // A file with neither distance nor positions (indoor trainer) cannot be Activity JSON: the work
        // up to that point is still measured.
      }
    }
    return n;
  };
  const sdk = (): number => {
    let n = 0;
    for (const f of files) n += sdkRecords(f.bytes) ?? 0;
    return n;
  };
  const ffp = (): number => {
    let n = 0;
    for (const b of buffers) {
      new FitParser({ force: true, mode: 'list' }).parse(b as Buffer<ArrayBuffer>, (_e, data) => {
        n += (data as { records?: unknown[] } | undefined)?.records?.length ?? 0;
      });
    }
    return n;
  };
  const bytes = (): number => {
    let s = 0;
    for (const f of files) {
      const b = f.bytes;
      for (let i = 0; i < b.length; i++) s += b[i];
    }
    sink ^= s;
    return s;
  };

  return [
    {
      name: `decode/fit/${existsSync(CORPUS) ? 'corpus' : 'fixtures'}`,
      bytes: total,
      tasks: [
        { name: 'runjson decode-to-columns', fn: columns },
        { name: 'runjson FIT→Activity JSON', fn: json },
        { name: '@garmin/fitsdk Decoder.read()', fn: sdk },
        { name: 'fit-file-parser', fn: ffp },
        { name: 'byte loop', fn: bytes },
      ],
      check() {
        // Our raw records must be the SDK's, file by file.
        for (const f of files) {
          const m = readFitMessages(f.bytes);
          if (m.rec.n + m.untimed !== f.records) throw new Error(`decode/fit: ${f.name}: ${m.rec.n + m.untimed} records, the SDK reads ${f.records}`);
        }
        if (json() === 0 || sink === -1) throw new Error('decode/fit: no Activity JSON written');
      },
      ratios: [
        { label: 'FIT→Activity JSON vs @garmin/fitsdk Decoder.read()', faster: 'runjson FIT→Activity JSON', slower: '@garmin/fitsdk Decoder.read()', target: 30 },
        { label: 'FIT→Activity JSON vs fit-file-parser', faster: 'runjson FIT→Activity JSON', slower: 'fit-file-parser', target: 5 },
        { label: 'decode-to-columns within 5× of the byte loop', faster: 'runjson decode-to-columns', slower: 'byte loop', target: 0.2 },
      ],
    },
  ];
}
