/**
 * What a browser bundle of runjson weighs, and that `@garmin/fitsdk` (whose profile is most of it) is not
 * in it unless a FIT file arrives: esbuild bundles a page's `import { convert } from 'runjson'` from the
 * built package under the `browser` condition, with code splitting; the entry chunk must not hold the SDK's
 * profile, and the chunk loaded for FIT must.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/paths.js';

const out = mkdtempSync(join(tmpdir(), 'runjson-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** A string only the SDK's profile holds (a FIT message name spelled as the profile spells it). */
const PROFILE_MARK = 'bloodPressure';

describe('browser bundle', () => {
  it('keeps @garmin/fitsdk out of the entry chunk, in a chunk loaded only for FIT', async () => {
    if (!existsSync(join(ROOT, 'dist', 'browser.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    const entry = join(out, 'page.js');
    writeFileSync(entry, "import { convert } from 'runjson';\nglobalThis.convert = convert;\n");
    await build({
      entryPoints: [entry],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      outdir: join(out, 'www'),
      alias: { runjson: ROOT },
      logLevel: 'silent',
    });
    const files = readdirSync(join(out, 'www')).filter((f) => f.endsWith('.js'));
    const size = (f: string): number => statSync(join(out, 'www', f)).size;
    const text = (f: string): string => readFileSync(join(out, 'www', f), 'utf8');
    const page = files.find((f) => f === 'page.js');
    expect(page).toBeDefined();
    expect(text('page.js')).not.toContain(PROFILE_MARK);
    const withProfile = files.filter((f) => text(f).includes(PROFILE_MARK));
    expect(withProfile.length).toBe(1);
    // The entry is a small part of the whole; the FIT chunk carries the SDK's profile.
    const total = files.reduce((s, f) => s + size(f), 0);
    expect(size('page.js')).toBeLessThan(total / 2);
    console.log(`browser bundle: entry ${size('page.js')} B, FIT chunk ${size(withProfile[0])} B, all ${files.length} chunks ${total} B`);
  }, 60_000);
});
