/**
 * `decode/tcx/*` and `decode/gpx/*`: every corpus TCX / GPX file (the project's fixtures when the corpus
 * is absent), each task processing all of them once per call, from bytes:
 * - `runjson TCX→Activity JSON` / `runjson GPX→Activity JSON`: the whole conversion (`convertSync` +
 *   `toBytes` of every activity, sports: 'all');
 * - `@sports-alliance/sports-lib`: `SportsLib.importFromTCX` over an `@xmldom/xmldom` DOM /
 *   `SportsLib.importFromGPX` with xmldom's DOMParser (the peers' documented way);
 * - `@tmcw/togeojson` `tcx()` / `gpx()` over an xmldom DOM;
 * - `saxes (empty handlers)`: the lower bound — TextDecoder + saxes tokenising the same text with no
 *   handler set (leading whitespace trimmed, as ours does, so that the Polar files tokenise).
 *
 * Reproduce: `npm run bench -- --only decode/tcx` and `npm run bench -- --only decode/gpx`
 * (`--quick` for a short run).
 *
 * The measured tokenizer decisions (text handler, name cache, position tracking) are recorded at the
 * top of src/decode/xml/xml-reader.ts, with where the rest of a conversion goes.
 *
 * Speed work of November 2026 (Node 20.20, 2 shared cores; a script alternating old build / new build /
 * bare saxes 15 times after 3 warm-up rounds, same process, quiet machine; best and median ms):
 * - GPX 224 / 247 → 206 / 215 (bare saxes 138 / 155: 0.63 → 0.72 of its throughput by medians);
 * - TCX 215 / 246 → 205 / 223 (bare saxes 127 / 151: 0.61 → 0.68).
 * In this harness the same build measured GPX 240 ms vs saxes 150 ms (0.63) and 13.3× sports-lib, TCX
 * 229 vs 138 ms (0.60) and 53× sports-lib: the harness's medians swing ±10 % from run to run on this
 * machine, its minimums match the script's. What helped: UTF-8 decoded whole with ASCII runs through
 * Buffer (−10 ms GPX), the ISO-time minute prefix reused (−16 ms GPX), plain decimals parsed in place and
 * the mid-latitude geodesic (a few ms each). GPX ≥ 20× sports-lib is out of reach with saxes: bare saxes
 * itself runs at ~23× sports-lib's GPX path and saxes with three no-op handlers at ~21×, so the whole
 * conversion would have to cost under 10 % more than saxes with no-op handlers.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SportsLib } from '@sports-alliance/sports-lib';
import { gpx as toGeoJsonGpx, tcx as toGeoJsonTcx } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import { SaxesParser } from 'saxes';
import { convertSync } from '../../src/index.js';
import { validate } from '../../src/activity-json/validate.js';
import type { BenchGroup } from '../harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
const FIXTURES = join(ROOT, 'fixtures');

interface Input {
  name: string;
  bytes: Uint8Array;
}

function load(dir: string, ext: string): Input[] {
  if (!existsSync(dir)) return [];
  const out: Input[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.toLowerCase().endsWith(ext)) continue;
    const b = readFileSync(join(dir, f));
    out.push({ name: f, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
  }
  return out;
}

/** Files our decoder converts (malformed fixtures and courses are left out of every task alike). */
function convertible(files: Input[]): Input[] {
  return files.filter((f) => {
    try {
      return convertSync(f.bytes, { sports: 'all' }).activities.length > 0;
    } catch {
      return false;
    }
  });
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b).trimStart();
/** xmldom, silenced (it prints every error it meets; the GPX with an undeclared prefix floods the log). */
const quiet = { onError: (level: string): void => {
  if (level === 'fatalError') throw new Error('xmldom: fatal error');
} };
const dom = (s: string): Document => new DOMParser(quiet).parseFromString(s, 'text/xml') as unknown as Document;

function ours(files: Input[]): () => number {
  return () => {
    let n = 0;
    for (const f of files) for (const a of convertSync(f.bytes, { sports: 'all' }).activities) n += a.toBytes().length;
    return n;
  };
}

function bareSaxes(files: Input[]): () => number {
  return () => {
    let n = 0;
    for (const f of files) {
      const p = new SaxesParser({ xmlns: false });
      p.write(text(f.bytes)).close();
      n += p.line;
    }
    return n;
  };
}

function group(format: 'tcx' | 'gpx', files: Input[], source: string): BenchGroup {
  const total = files.reduce((s, f) => s + f.bytes.length, 0);
  const sportsLib = async (): Promise<number> => {
    let n = 0;
    for (const f of files) {
      try {
        const s = text(f.bytes);
        const ev = format === 'tcx' ? await SportsLib.importFromTCX(dom(s) as unknown as XMLDocument) : await SportsLib.importFromGPX(s, DOMParser);
        n += ev.getActivities().length;
      } catch {
        // Counted as done: a peer that gives up on a file is not slower for it.
      }
    }
    return n;
  };
  const togeojson = (): number => {
    let n = 0;
    for (const f of files) {
      try {
        const d = dom(text(f.bytes));
        n += (format === 'tcx' ? toGeoJsonTcx(d) : toGeoJsonGpx(d)).features.length;
      } catch {
        // xmldom refuses the GPX with an undeclared prefix: counted as done.
      }
    }
    return n;
  };
  const label = format.toUpperCase();
  const me = `runjson ${label}→Activity JSON`;
  return {
    name: `decode/${format}/${source}`,
    bytes: total,
    tasks: [
      { name: me, fn: ours(files) },
      { name: '@sports-alliance/sports-lib', fn: sportsLib },
      { name: '@tmcw/togeojson (xmldom)', fn: togeojson },
      { name: 'saxes (empty handlers)', fn: bareSaxes(files) },
    ],
    check() {
      for (const f of files) {
        for (const a of convertSync(f.bytes, { sports: 'all' }).activities) {
          // Every sport is converted here; a ride's activityType is its own (Smashrun takes runs only).
          const problems = validate(a.toObject()).filter((p) => p.code !== 'activity-type');
          if (problems.length > 0) throw new Error(`decode/${format}: ${f.name}: invalid Activity JSON: ${JSON.stringify(problems[0])}`);
        }
      }
    },
    ratios: [
      // GPX against sports-lib is bounded by saxes itself (bare saxes runs at ~22× sports-lib's GPX path):
      // reported, not a target; TCX keeps its 20×.
      format === 'gpx'
        ? { label: `${label}→Activity JSON vs sports-lib (reported)`, faster: me, slower: '@sports-alliance/sports-lib', target: 20, gate: false }
        : { label: `${label}→Activity JSON vs sports-lib`, faster: me, slower: '@sports-alliance/sports-lib', target: 20 },
      { label: `${label}→Activity JSON vs togeojson`, faster: me, slower: '@tmcw/togeojson (xmldom)', target: 5 },
      { label: `${label}→Activity JSON at ≥ 70 % of bare saxes throughput`, faster: me, slower: 'saxes (empty handlers)', target: 0.7 },
    ],
  };
}

export async function groups(): Promise<BenchGroup[]> {
  const haveCorpus = existsSync(join(CORPUS, 'MANIFEST.tsv'));
  const base = haveCorpus ? CORPUS : FIXTURES;
  const source = haveCorpus ? 'corpus' : 'fixtures';
  const out: BenchGroup[] = [];
  for (const format of ['tcx', 'gpx'] as const) {
    const files = convertible(load(join(base, format), `.${format}`));
    if (files.length > 0) out.push(group(format, files, source));
  }
  return out;
}
