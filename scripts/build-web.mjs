#!/usr/bin/env node
/**
 * Builds the page (web/) into dist/web/: main.js and worker.js bundled by esbuild from the browser-safe
 * part of runjson (the FIT decoder and FIT encoder in chunks of their own, loaded the first time a FIT
 * file comes), beside index.html and style.css. `npm run web`; `npm run build` runs it too.
 *
 * Usage: node scripts/build-web.mjs [OUTDIR]
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'dist', 'web'));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: { main: join(root, 'web', 'main.ts'), worker: join(root, 'web', 'worker.ts') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['browser'],
  minify: true,
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css', 'icon.svg']) copyFileSync(join(root, 'web', f), join(out, f));
const js = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'));
const total = js.reduce((n, [, o]) => n + o.bytes, 0);
console.log(`runjson page: ${out} (${js.length} scripts, ${(total / 1024).toFixed(0)} kB)`);
