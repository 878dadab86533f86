/**
 * The page in Debian's Chromium: each card's numbers and picture are what `convert()` gives in Node for
 * the same file (FIT through the decoder's interpreter and JavaScript CRC, as the page's policy refuses
 * `eval` and WebAssembly), a `.gz` converts, miles are remembered, the downloads are the bytes runjson
 * writes in Node, the page reaches nothing but its own origin, and it is usable by keyboard.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert, type ConvertResult, toSvg } from '../../src/index.js';
import { startWebServer } from '../../src/cli/web/server.js';
import { skipWithoutChromium } from '../helpers/chromium.js';
import { makeActivity } from '../helpers/make-activity.js';
import { downloaded, openHarness, openPage, type PageHarness, pick, ROOT } from './harness.js';

const FIXTURES = join(ROOT, 'fixtures');
const FILES = ['fit/synthetic-run.fit', 'fit/fitparse__garmin-fenix-5-run.fit', 'tcx/training-center-segments.tcx', 'gpx/togeojson__run_gpxtpx.gpx'].map((f) => join(FIXTURES, f));

/** What a card shows, read off the page. */
interface CardView {
  file: string;
  run: number;
  values: Record<string, string | undefined>;
  texts: Record<string, string>;
  picture: string;
  splitRows: number;
  warnings: string[];
}

async function cards(page: Page): Promise<CardView[]> {
  return page.$$eval('#cards > li.card[data-run]', async (list) =>
    Promise.all(
      list.map(async (li) => {
        const values: Record<string, string | undefined> = {};
        const texts: Record<string, string> = {};
        for (const dd of Array.from(li.querySelectorAll<HTMLElement>('dd[data-field]'))) {
          values[dd.dataset.field as string] = dd.dataset.value;
          texts[dd.dataset.field as string] = dd.textContent ?? '';
        }
        const img = li.querySelector('img.picture') as HTMLImageElement;
        const picture = await (await fetch(img.src)).text();
        return {
          file: (li as HTMLElement).dataset.file as string,
          run: Number((li as HTMLElement).dataset.run),
          values,
          texts,
          picture,
          splitRows: li.querySelectorAll('.splits tbody tr').length,
          warnings: Array.from(li.querySelectorAll<HTMLElement>('.warnings li'), (w) => w.dataset.code as string),
        };
      }),
    ),
  );
}

describe.skipIf(skipWithoutChromium())('the page in Chromium', () => {
  let h: PageHarness;
  let gz: string;
  const node = new Map<string, ConvertResult>();

  beforeAll(async () => {
    h = await openHarness();
    gz = join(h.dir, 'compressed-timestamps.fit.gz');
    writeFileSync(gz, gzipSync(readFileSync(join(FIXTURES, 'fit', 'synthetic-run-compressed-timestamps.fit'))));
    for (const f of [...FILES, gz]) node.set(basename(f), await convert(new Uint8Array(readFileSync(f))));
  }, 60_000);
  afterAll(async () => h?.close());

  it('shows every run with the numbers and the picture convert() gives in Node, a .gz included', async () => {
    const { page, errors } = await openPage(h);
    await pick(page, [...FILES, gz]);
    const seen = await cards(page);
    let runs = 0;
    for (const [file, result] of node) {
      result.activities.forEach((a, i) => {
        runs++;
        const card = seen.find((c) => c.file === file && c.run === i);
        expect(card, `${file} run ${i}`).toBeDefined();
        const c = card as CardView;
        const s = a.summary;
        expect(c.values.distance).toBe(s.distance === null ? undefined : String(s.distance));
        expect(c.texts.distance).toBe(s.distance === null ? '–' : `${s.distance.toFixed(2)} km`);
        expect(Number(c.values.duration)).toBe(s.duration);
        expect(c.values.heartRateAverage).toBe(s.heartRateAverage === null ? undefined : String(s.heartRateAverage));
        expect(c.values.cadenceAverage).toBe(s.cadenceAverage === null ? undefined : String(s.cadenceAverage));
        expect(Number(c.values.pauses)).toBe(a.activity.pauses.length);
        expect(Number(c.values.laps)).toBe(a.activity.laps.length);
        // The picture: the same SVG as in Node, one pause mark per pause and one band per lap.
        expect(c.picture).toBe(toSvg(a.activity, { units: 'km', summary: s }));
        expect(c.picture.match(/<g class="pause">/g)?.length ?? 0).toBe(a.activity.pauses.length);
        expect(c.picture.match(/<g class="lap">/g)?.length ?? 0).toBe(a.activity.laps.length);
        // The warnings of the run (those of the file, and its own).
        const own = result.warnings.filter((w) => w.activity === undefined || w.activity === i || result.activities.length === 1).map((w) => w.code);
        expect(c.warnings).toEqual(own);
      });
    }
    expect(seen.length).toBe(runs);
    expect(runs).toBeGreaterThanOrEqual(FILES.length + 1);
    // Pauses and laps are really there to count in these files.
    expect(seen.some((c) => Number(c.values.pauses) > 0)).toBe(true);
    expect(seen.some((c) => Number(c.values.laps) > 1)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('runs under a policy that refuses eval and WebAssembly, and asks nothing of another origin', async () => {
    const { page, errors, requests } = await openPage(h);
    const res = await page.goto(h.server.url);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self';/);
    // The page's own scripts run under it: an inline script is refused, and so is WebAssembly.
    await page.addScriptTag({ content: 'window.inlineRan = true' }).catch(() => undefined);
    expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    const wasm = await page.evaluate(() => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => 'compiled', (e: Error) => e.name));
    expect(wasm).toBe('CompileError');
    // A FIT file converts all the same (its numbers checked against Node above), and the worker says how:
    // its field plans through the interpreter (new Function refused) and the CRC in JavaScript.
    await pick(page, [join(FIXTURES, 'fit', 'fitparse__garmin-fenix-5-run.fit')]);
    const [card] = await cards(page);
    const expected = node.get('fitparse__garmin-fenix-5-run.fit')?.activities[0].summary;
    expect(Number(card.values.duration)).toBe(expected?.duration);
    expect(await page.$eval('#engine', (e) => e.textContent)).toBe('FIT files here: field plans interpreted (this page allows no eval), CRC in JavaScript (this page allows no WebAssembly).');
    const origins = new Set(requests.map((u) => (u.startsWith('blob:') ? 'blob' : new URL(u).origin)));
    expect([...origins].sort()).toEqual([new URL(h.server.url).origin, 'blob'].sort());
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('gives a file it cannot convert a card that says why, and goes on with the others', async () => {
    const { page, errors } = await openPage(h);
    const junk = join(h.dir, 'junk.fit');
    writeFileSync(junk, Buffer.from('not a watch file at all, just text'));
    const bad = [join(FIXTURES, 'tcx', 'malformed.tcx'), join(FIXTURES, 'fit', 'fitparse__MonitoringFile.fit'), join(FIXTURES, 'gpx', 'synthetic-ride.gpx'), junk];
    await pick(page, [...bad, join(FIXTURES, 'fit', 'synthetic-run.fit')]);
    const shown = await page.$$eval('#cards > li', (l) => l.map((li) => [li.className, (li as HTMLElement).dataset.file ?? '', li.textContent ?? '']));
    for (const f of bad) {
      // The error convert() gives in Node for the same file.
      const code = await convert(new Uint8Array(readFileSync(f))).then(
        () => 'converted',
        (e: unknown) => (e as { code: string }).code,
      );
      expect(code, f).not.toBe('converted');
      const card = shown.find(([, file]) => file === basename(f));
      expect(card, f).toBeDefined();
      expect(card?.[0], f).toBe(code === 'not-running' || code === 'not-an-activity' ? 'card skipped' : 'card failed');
      expect(card?.[2], f).toContain(`${code}: `);
    }
    expect(shown.filter(([c]) => c === 'card').map(([, f]) => f)).toContain('synthetic-run.fit');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows each run of a file that holds several, and names its downloads apart', async () => {
    const { page } = await openPage(h);
    const dir = join(h.dir, 'multi-downloads');
    mkdirSync(dir, { recursive: true });
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    const file = join(h.dir, 'two-runs.json');
    writeFileSync(file, JSON.stringify([makeActivity({ seed: 3, samples: 300 }), makeActivity({ seed: 4, samples: 200 })]));
    const result = await convert(new Uint8Array(readFileSync(file)));
    expect(result.activities).toHaveLength(2);
    await pick(page, [file]);
    const titles = await page.$$eval('#cards > li.card h3', (l) => l.map((e) => e.textContent));
    expect(titles.map((t) => t?.replace(/^.* — /, ''))).toEqual(['two-runs.json (run 1 of 2)', 'two-runs.json (run 2 of 2)']);
    const seen = await cards(page);
    expect(seen.map((c) => Number(c.values.duration))).toEqual(result.activities.map((a) => a.summary.duration));
    await page.click('#cards > li.card:nth-child(2) button[data-to="json"]');
    const second = await downloaded(dir, 'two-runs-2.json');
    expect(new Uint8Array(readFileSync(second))).toEqual(result.activities[1].toBytes('json'));
    await page.close();
  }, 60_000);

  it('says so on the card when the conversion worker cannot run, and waits for nothing', async () => {
    // The page without its worker script: each worker fails to start, and the pool gives up.
    const broken = join(h.dir, 'broken-page');
    cpSync(join(h.dir, 'page'), broken, { recursive: true });
    rmSync(join(broken, 'worker.js'));
    const server = await startWebServer({ root: broken });
    const page = await h.browser.newPage();
    try {
      await page.goto(server.url, { waitUntil: 'load' });
      await pick(page, [join(FIXTURES, 'fit', 'synthetic-run.fit'), join(FIXTURES, 'gpx', 'togeojson__run.gpx')]);
      const shown = await page.$$eval('#cards > li', (l) => l.map((li) => [li.className, li.textContent ?? '']));
      expect(shown).toHaveLength(2);
      for (const [cls, text] of shown) {
        expect(cls).toBe('card failed');
        expect(text).toMatch(/worker: the conversion worker failed/);
      }
      expect(await page.$eval('#progress', (e) => e.textContent)).toBe('2 files read (2 not converted: see their cards).');
    } finally {
      await page.close();
      await server.close();
    }
  }, 60_000);

  it('switches to miles and remembers it', async () => {
    const { page } = await openPage(h);
    await pick(page, [join(FIXTURES, 'fit', 'synthetic-run.fit')]);
    await page.select('#units', 'mi');
    const km = node.get('synthetic-run.fit')?.activities[0].summary.distance as number;
    const [card] = await cards(page);
    expect(card.texts.distance).toBe(`${(km / 1.609344).toFixed(2)} mi`);
    expect(card.picture).toContain(' mi');
    expect(await page.$eval('.splits caption', (e) => e.textContent)).toBe('Splits per mile');
    await page.reload({ waitUntil: 'load' });
    expect(await page.$eval('#units', (e) => (e as HTMLSelectElement).value)).toBe('mi');
    await page.select('#units', 'km');
    await page.close();
  }, 60_000);

  it('downloads Activity JSON, TCX, GPX, FIT and the picture with the bytes runjson writes in Node', async () => {
    const { page } = await openPage(h);
    const dir = join(h.dir, 'downloads');
    mkdirSync(dir, { recursive: true });
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    await pick(page, [join(FIXTURES, 'fit', 'synthetic-run.fit')]);
    const run = node.get('synthetic-run.fit')?.activities[0];
    for (const to of ['json', 'tcx', 'gpx', 'fit', 'svg'] as const) {
      await page.click(`#cards > li.card button[data-to="${to}"]`);
      const file = await downloaded(dir, `synthetic-run.${to}`);
      const want = to === 'svg' ? new TextEncoder().encode(toSvg(run!.activity, { units: 'km', summary: run!.summary })) : run!.toBytes(to);
      expect(new Uint8Array(readFileSync(file)), to).toEqual(want);
    }
    expect(await page.$eval('#cards .export-note', (e) => e.textContent)).toMatch(/^synthetic-run\.svg: \d+ bytes/);
    await page.close();
  }, 60_000);

  it('is usable by keyboard, every control with a name a screen reader reads', async () => {
    const { page } = await openPage(h);
    await pick(page, [join(FIXTURES, 'tcx', 'training-center-segments.tcx')]);
    const tree = await page.accessibility.snapshot({ interestingOnly: true });
    const controls: { role: string; name: string }[] = [];
    const walk = (n: { role: string; name?: string; children?: unknown[] } | null): void => {
      if (n === null) return;
      if (['button', 'checkbox', 'combobox', 'link'].includes(n.role)) controls.push({ role: n.role, name: n.name ?? '' });
      for (const c of (n.children ?? []) as (typeof n)[]) walk(c);
    };
    walk(tree as never);
    expect(controls.length).toBeGreaterThan(8);
    expect(controls.filter((c) => c.name.trim() === '')).toEqual([]);
    expect(await page.$eval('img.picture', (i) => (i as HTMLImageElement).alt)).toMatch(/^The run of .*pause.*lap/);
    // Tab from the top reaches the file inputs, the options, Smashrun's buttons and each card's buttons.
    const reached = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        return e === null ? '' : e.id || e.dataset.to || e.className || e.tagName;
      }));
    }
    for (const want of ['files', 'folder', 'units', 'all-sports', 'connect', 'json', 'fit', 'send-one']) expect(reached, want).toContain(want);
    // A download by keyboard.
    await page.focus('#cards button[data-to="svg"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /bytes/.test(document.querySelector('#cards .export-note')?.textContent ?? ''));
    await page.close();
  }, 60_000);
});
