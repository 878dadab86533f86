/**
 * Counterexamples kept as permanent fixtures: `fixtures/fuzz/<kind>-<short hash>.<ext>` (the extension
 * says which format's seed the input was made from) and beside it a `.txt` of one line: what failed, the
 * options, the seed and input number that made it, and the failure's class. The regression test reads
 * the options back from that line.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { ConvertOptions } from '../../src/convert/options.js';
import type { Failure, FailureKind } from './property.js';
import type { SeedFormat } from './seeds.js';

/** At most this many counterexamples of one kind are kept in a folder (each of a class not kept yet). */
export const MAX_PER_KIND = 6;

/** Input extensions of counterexamples. */
export const COUNTEREXAMPLE_EXTS = ['.fit', '.tcx', '.gpx', '.json', '.bin'] as const;

/** What a sidecar line says. */
export interface Sidecar {
  kind: string;
  options: ConvertOptions;
  key: string | null;
}

/** The one line of a sidecar. */
export function sidecarLine(f: Failure, options: ConvertOptions, origin: string): string {
  const detail = f.detail.replace(/\s+/g, ' ');
  return `${f.kind}: ${detail} | options ${JSON.stringify(options)} | ${origin} | class ${f.key}`.replace(/\s+/g, ' ');
}

/** Reads a sidecar line (lenient: a line without options gives `{}`). */
export function parseSidecar(line: string): Sidecar {
  const kind = /^([a-z-]+):/.exec(line)?.[1] ?? 'unknown';
  const opt = / \| options (\{.*?\}) \| /.exec(line)?.[1];
  let options: ConvertOptions = {};
  if (opt !== undefined) {
    try {
      options = JSON.parse(opt) as ConvertOptions;
    } catch {
      options = {};
    }
  }
  const key = / \| class (.+)$/.exec(line.trim())?.[1] ?? null;
  return { kind, options, key };
}

/** The counterexample inputs in `dir`, with their sidecars (sorted by name). */
export function listCounterexamples(dir: string): { path: string; sidecar: string | null }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => (COUNTEREXAMPLE_EXTS as readonly string[]).includes(extname(f)))
    .sort()
    .map((f) => {
      const txt = join(dir, `${basename(f, extname(f))}.txt`);
      return { path: join(dir, f), sidecar: existsSync(txt) ? readFileSync(txt, 'utf8') : null };
    });
}

/** Classes and counts per kind already kept in `dir`. */
export class Kept {
  readonly keys = new Set<string>();
  private readonly perKind = new Map<string, number>();
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    for (const c of listCounterexamples(dir)) {
      const s = parseSidecar(c.sidecar ?? '');
      if (s.key !== null) this.keys.add(s.key);
      const kind = basename(c.path).replace(/-[0-9a-f]+\.[a-z]+$/, '');
      this.perKind.set(kind, (this.perKind.get(kind) ?? 0) + 1);
    }
  }

  /** Whether a failure of this class should be shrunk and kept. */
  wants(kind: FailureKind, key: string): boolean {
    return !this.keys.has(key) && (this.perKind.get(kind) ?? 0) < MAX_PER_KIND;
  }

  /** Writes the counterexample and its sidecar; returns the input's path. */
  save(kind: FailureKind, key: string, bytes: Uint8Array, format: SeedFormat | 'bin', line: string): string {
    mkdirSync(this.dir, { recursive: true });
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 10);
    const name = `${kind}-${hash}`;
    const path = join(this.dir, `${name}.${format}`);
    writeFileSync(path, bytes);
    writeFileSync(join(this.dir, `${name}.txt`), `${line}\n`);
    this.keys.add(key);
    this.perKind.set(kind, (this.perKind.get(kind) ?? 0) + 1);
    return path;
  }
}
