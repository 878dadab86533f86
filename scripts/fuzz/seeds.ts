/**
 * The inputs mutations start from: the project's fixtures (`fixtures/{fit,tcx,gpx,json}`), the shared
 * corpus when it is there (`../shared/corpus/**`), and Activity JSON written by runjson from some of them
 * (two JSON fixtures are too few to start JSON mutations from).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { ConvertOptions } from '../../src/convert/options.js';
import type { ConvertResult } from '../../src/convert/result.js';
import type { Rng } from './random.js';

/** The formats runjson reads, as the fuzzer names seeds and counterexamples. */
export type SeedFormat = 'fit' | 'tcx' | 'gpx' | 'json';
export const SEED_FORMATS: readonly SeedFormat[] = ['fit', 'tcx', 'gpx', 'json'];

/** One input mutations start from. */
export interface Seed {
  /** Where it came from, e.g. `fixtures/fit/synthetic-run.fit` or `json from fixtures/tcx/course.tcx`. */
  name: string;
  format: SeedFormat;
  bytes: Uint8Array;
}

/** Which seeds to load. */
export interface SeedOptions {
  /** Also read `../shared/corpus/**` when it exists. */
  corpus: boolean;
  /** Leave out files larger than this (a 3 MB seed makes every input slow). */
  maxBytes: number;
}

const EXT: Record<string, SeedFormat> = { '.fit': 'fit', '.tcx': 'tcx', '.gpx': 'gpx', '.json': 'json' };

/** Seeds under `fixtures` (and `corpus`), sorted by name so that a seed number means the same everywhere. */
export function loadSeeds(fixtures: string, corpus: string, options: SeedOptions): Seed[] {
  const seeds: Seed[] = [];
  const base = join(fixtures, '..');
  for (const format of SEED_FORMATS) readDir(join(fixtures, format), base, options.maxBytes, seeds);
  if (options.corpus && existsSync(corpus)) {
    for (const format of SEED_FORMATS) readDir(join(corpus, format), join(corpus, '..'), options.maxBytes, seeds);
  }
  return seeds.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function readDir(dir: string, base: string, maxBytes: number, out: Seed[]): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    const format = EXT[extname(f).toLowerCase()];
    const path = join(dir, f);
    if (format === undefined || !statSync(path).isFile()) continue;
    const size = statSync(path).size;
    if (size === 0 || size > maxBytes) continue;
    const b = readFileSync(path);
    out.push({ name: relative(base, path), format, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
  }
}

/** The one function of runjson the seeds need (the built package's, passed in). */
export type ConvertSync = (input: Uint8Array, options?: ConvertOptions) => ConvertResult;

/**
 * Activity JSON written by runjson from up to `max` FIT/TCX/GPX seeds of at most `maxBytes`: documents
 * with laps, pauses, positions and every series the sources carry, for the JSON mutations to start from.
 * A seed runjson refuses is skipped.
 */
export function jsonSeedsFrom(seeds: readonly Seed[], convertSync: ConvertSync, max = 12, maxBytes = 300_000): Seed[] {
  const out: Seed[] = [];
  for (const s of seeds) {
    if (out.length >= max) break;
    if (s.format === 'json' || s.bytes.length > maxBytes) continue;
    try {
      const r = convertSync(s.bytes, { sports: 'all' });
      for (const a of r.activities.slice(0, 1)) out.push({ name: `json from ${s.name}`, format: 'json', bytes: a.toBytes() });
    } catch {
      // Refused (not an activity, broken on purpose…): nothing to derive.
    }
  }
  return out;
}

/**
 * Picks the seed of one input: the format first (so that the two JSON fixtures are not drowned by
 * eighty corpus files), then a file of that format, small files more often (weight 1 / (1 + size / 64 KiB)):
 * a small input runs ten times faster and reaches the same decoder paths.
 */
export class SeedPicker {
  private readonly byFormat: Map<SeedFormat, { seeds: Seed[]; weights: number[] }> = new Map();
  private readonly formats: SeedFormat[];
  private readonly formatWeights: number[];

  constructor(seeds: readonly Seed[]) {
    for (const s of seeds) {
      let g = this.byFormat.get(s.format);
      if (g === undefined) this.byFormat.set(s.format, (g = { seeds: [], weights: [] }));
      g.seeds.push(s);
      g.weights.push(1 / (1 + s.bytes.length / 65536));
    }
    this.formats = SEED_FORMATS.filter((f) => this.byFormat.has(f));
    if (this.formats.length === 0) throw new Error('no seed files found (fixtures/fit, tcx, gpx, json)');
    // FIT has the most decoder code behind it (binary structure, messages, CRC); XML the next.
    const share: Record<SeedFormat, number> = { fit: 0.35, tcx: 0.22, gpx: 0.18, json: 0.25 };
    this.formatWeights = this.formats.map((f) => share[f]);
  }

  /** A seed chosen with `rng`. */
  pick(rng: Rng): Seed {
    const g = this.byFormat.get(rng.weighted(this.formats, this.formatWeights))!;
    return rng.weighted(g.seeds, g.weights);
  }

  /** Another seed of `format` (for splices), or null when there is none. */
  other(rng: Rng, format: SeedFormat): Seed | null {
    const g = this.byFormat.get(format);
    return g === undefined ? null : rng.pick(g.seeds);
  }
}
