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
 * top of src/decode/xml/xml-reader.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SportsLib } from '@sports-alliance/sports-lib';
import { gpx as toGeoJsonGpx, tcx as toGeoJsonTcx } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import { SaxesParser } from 'saxes';
import { convertSync } from '../../src/convert.js';
import { validate } from '../../src/validate.js';
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
          const problems = validate(a.toObject());
          if (problems.length > 0) throw new Error(`decode/${format}: ${f.name}: invalid Activity JSON: ${JSON.stringify(problems[0])}`);
        }
      }
    },
    ratios: [
      { label: `${label}→Activity JSON vs sports-lib`, faster: me, slower: '@sports-alliance/sports-lib', target: 20 },
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
