/**
 * The layering rules (`.dependency-cruiser.cjs`) and the browser-safe type check (`tsconfig.browser.json`)
 * catch what they are there to catch: each case plants one violation in a scratch copy of the layout and
 * runs the same command `npm run lint` runs, which must fail naming the rule; the same tree without the
 * violation passes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'runjson-lint-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;

/** A scratch project with `files` (path → text) and the project's own lint configuration. */
function project(files: Record<string, string>): string {
  const dir = join(scratch, String(n++));
  const all: Record<string, string> = {
    'tsconfig.json': JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true },
      include: ['src'],
    }),
    'tsconfig.browser.json': JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { types: [], lib: ['ES2022', 'DOM'] },
      include: ['src'],
      exclude: ['src/batch', 'src/cli'],
    }),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function depcruise(dir: string, folders: string[] = ['src']): { status: number | null; out: string } {
  const bin = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const r = spawnSync(process.execPath, [bin, ...folders, '--config', join(ROOT, '.dependency-cruiser.cjs')], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

function browserCheck(dir: string): { status: number | null; out: string } {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.browser.json'], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

const base = {
  'src/activity-json/vocabulary.ts': 'export const KEYS = 1;\n',
  'src/core/series.ts': "import { KEYS } from '../activity-json/vocabulary.js';\nexport const S = KEYS;\n",
  'src/fit/profile.ts': "import { S } from '../core/series.js';\nexport const P = S;\n",
  'src/decode/xml/reader.ts': "import { S } from '../../core/series.js';\nexport const R = S;\n",
  'src/decode/tcx/from-tcx.ts': "import { R } from '../xml/reader.js';\nexport const T = R;\n",
  'src/decode/fit/index.ts': "import { P } from '../../fit/profile.js';\nexport const F = P;\n",
  'src/encode/json/to-json.ts': "import { S } from '../../core/series.js';\nexport const J = S;\n",
  'src/convert/decoders.ts': "export const load = () => import('../decode/fit/index.js');\nimport { T } from '../decode/tcx/from-tcx.js';\nexport const D = T;\n",
  'src/batch/pool.ts': "import { readFileSync } from 'node:fs';\nimport { D } from '../convert/decoders.js';\nexport const B = [readFileSync, D];\n",
};

describe('npm run lint', () => {
  it('passes the layout with no violation (the control)', () => {
    const dir = project(base);
    const r = depcruise(dir);
    expect(r.out).toContain('no dependency violations');
    expect(r.status).toBe(0);
  }, 60_000);

  const planted: [string, string, string, string][] = [
    ['core imports a decoder', 'src/core/summary.ts', "import { T } from '../decode/tcx/from-tcx.js';\nexport const X = T;\n", 'core-imports-nothing-above'],
    ['a decoder imports an encoder', 'src/decode/tcx/extra.ts', "import { J } from '../../encode/json/to-json.js';\nexport const X = J;\n", 'decode-never-encode'],
    ['an encoder imports a decoder', 'src/encode/json/extra.ts', "import { T } from '../../decode/tcx/from-tcx.js';\nexport const X = T;\n", 'encode-never-decode'],
    ['the browser-safe tree imports Node', 'src/core/io.ts', "import { readFileSync } from 'node:fs';\nexport const X = readFileSync;\n", 'browser-safe-no-node'],
    ['convert imports the FIT decoder statically', 'src/convert/session.ts', "import { F } from '../decode/fit/index.js';\nexport const X = F;\n", 'fit-loads-on-demand'],
    ['the XML reader imports a format above it', 'src/decode/xml/extra.ts', "import { T } from '../tcx/from-tcx.js';\nexport const X = T;\n", 'xml-primitives-below-formats'],
    ['activity-json imports the core', 'src/activity-json/validate.ts', "import { S } from '../core/series.js';\nexport const X = S;\n", 'activity-json-stands-alone'],
  ];
  for (const [what, path, text, rule] of planted) {
    it(`fails when ${what} (${rule})`, () => {
      const r = depcruise(project({ ...base, [path]: text }));
      expect(r.status).not.toBe(0);
      expect(r.out).toContain(rule);
    }, 60_000);
  }

  // The page (web/) is built from the browser-safe part only, and reaches FIT through convert().
  const page = { ...base, 'web/main.ts': "import { D } from '../src/convert/decoders.js';\nexport const M = D;\n" };
  it('passes a page that imports the browser-safe part (the control)', () => {
    const r = depcruise(project(page), ['src', 'web']);
    expect(r.out).toContain('no dependency violations');
    expect(r.status).toBe(0);
  }, 60_000);
  const plantedInPage: [string, string, string][] = [
    ['the page imports the Node wing', "import { B } from '../src/batch/pool.js';\nexport const X = B;\n", 'web-is-browser-safe'],
    ['the page imports Node', "import { readFileSync } from 'node:fs';\nexport const X = readFileSync;\n", 'web-node-built-ins'],
    ['the page imports the FIT decoder statically', "import { F } from '../src/decode/fit/index.js';\nexport const X = F;\n", 'web-loads-fit-on-demand'],
  ];
  for (const [what, text, rule] of plantedInPage) {
    it(`fails when ${what} (${rule})`, () => {
      const r = depcruise(project({ ...page, 'web/worker.ts': text }), ['src', 'web']);
      expect(r.status).not.toBe(0);
      expect(r.out).toContain(rule);
    }, 60_000);
  }

  it('the browser-safe type check refuses Buffer and process below batch/, and allows them in batch/', () => {
    const ok = browserCheck(project({ 'src/core/a.ts': 'export const a = new Uint8Array(1);\n', 'src/batch/b.ts': 'export const b = 1;\n' }));
    expect(ok.status, ok.out).toBe(0);
    const bad = browserCheck(project({ 'src/core/a.ts': "export const a = Buffer.from('x');\nexport const e = process.env;\n" }));
    expect(bad.status).not.toBe(0);
    expect(bad.out).toMatch(/Cannot find name 'Buffer'/);
    expect(bad.out).toMatch(/Cannot find name 'process'/);
  }, 60_000);
});
