/**
 * The README's examples run as tests, as a user runs them: outside the repository, against the package as
 * `npm pack` makes it. The tarball is unpacked into a scratch project's node_modules/runjson (its
 * dependencies linked from ours, so no registry is needed), the files the examples name are put in the
 * scratch folder (`run.fit`: a real Garmin run from fixtures/; `activity.json`: a Smashrun response;
 * `runs/`: a few fixtures), and every ```js block runs there with node.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from './helpers/paths.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const dir = mkdtempSync(join(tmpdir(), 'runjson-readme-'));
let packed: string[] = [];

beforeAll(() => {
  // npm pack lists what the package ships; --ignore-scripts: dist/ is built already (npm test builds).
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  packed = info.files.map((f) => f.path);
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, 'runjson'), { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, info.filename), '-C', join(modules, 'runjson'), '--strip-components=1']);
  for (const dep of Object.keys(pkg.dependencies)) {
    mkdirSync(join(modules, dep, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep), 'dir');
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-examples', private: true, type: 'module' }));
  copyFileSync(join(FIXTURES, 'fit', 'fenix2-run.fit'), join(dir, 'run.fit'));
  copyFileSync(join(FIXTURES, 'json', 'smashrun-response.json'), join(dir, 'activity.json'));
  mkdirSync(join(dir, 'runs'));
  for (const f of ['fit/fenix2-run.fit', 'fit/synthetic-run.fit', 'tcx/multi-activity.tcx', 'gpx/togeojson__run.gpx', 'gpx/synthetic-ride.gpx']) {
    cpSync(join(FIXTURES, f), join(dir, 'runs', f.replace('/', '-')));
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the package', () => {
  it('ships the built library, the schema and the docs, and no tests or sources', () => {
    for (const f of ['dist/index.js', 'dist/browser.js', 'dist/index.d.ts', 'dist/batch/index.js', 'dist/cli/main.js', 'dist/web/index.html', 'dist/web/main.js', 'dist/web/worker.js', 'schema/activity-json.schema.json', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
      expect(packed, f).toContain(f);
    }
    expect(packed.some((f) => f.startsWith('test/') || f.startsWith('src/') || f.endsWith('.map'))).toBe(false);
  });

  it('resolves runjson/schema.json and runjson/browser from outside the repository', () => {
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "import s from 'runjson/schema.json' with { type: 'json' }; import * as b from 'runjson/browser'; console.log(s.title, typeof b.convert)"],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(out).toMatch(/Activity JSON .* function/);
  });
});

describe('README examples', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs outside the repository`, () => {
      const file = join(dir, `example-${i + 1}.mjs`);
      writeFileSync(file, code);
      // The examples' cache (the batch's resume journal) goes to the scratch folder, never the real home.
      const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
      const out = execFileSync(process.execPath, [file], { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      // Where the example says what it prints (`// a b c` after a console.log), check it.
      for (const m of code.matchAll(/console\.log\([^\n]*\); \/\/ ([^\n—]+)$/gm)) {
        const expected = m[1].trim();
        if (!expected.startsWith('[') && !expected.includes('…')) expect(out).toContain(expected);
      }
    }, 60_000);
  });
});

describe('README warning codes', () => {
  it('lists every warning code, and marks exactly the notes', async () => {
    const { WARNING_CODES } = await import('../src/core/errors.js');
    const rows = new Map([...readme.matchAll(/^\| `([a-z0-9-]+)` \| [^|]+ \| (note)? ?\|$/gm)].map((m) => [m[1], m[2] === 'note']));
    for (const [code, meaning] of Object.entries(WARNING_CODES)) {
      expect(rows.has(code), code).toBe(true);
      expect(rows.get(code), `${code} is ${meaning.includes('(note)') ? '' : 'not '}a note`).toBe(meaning.includes('(note)'));
    }
  });
});
