/**
 * "Send to Smashrun" from the page, in Debian's Chromium, against the sandbox: the sandbox's sign-in page
 * in a pop-up redirects back to the page with a token (implicit flow, client id `client`), the page
 * uploads each run once through runjson's client, a run sent before is not sent again (this browser's
 * record, and Smashrun's externalId), a refused run shows Smashrun's validations, and a run the
 * plausibility checks flag waits until the runner confirms it. Screenshots of a card, light and dark, go
 * to test-output/web/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { implausibleRun } from '../cli/upload-helpers.js';
import { skipWithoutChromium } from '../helpers/chromium.js';
import { openHarness, openPage, type PageHarness, pick, ROOT } from './harness.js';

const FIXTURES = join(ROOT, 'fixtures');
const RUNS = ['fit/synthetic-run.fit', 'tcx/training-center-segments.tcx', 'gpx/togeojson__run_gpxtpx.gpx'].map((f) => join(FIXTURES, f));
const SHOTS = join(ROOT, 'test-output', 'web');

/** The status of each card's last send: `[file, status, text]`. */
function statuses(page: Page): Promise<[string, string, string][]> {
  return page.$$eval('#cards > li.card[data-run]', (l) =>
    l.map((li) => {
      const s = li.querySelector('.send-status') as HTMLElement;
      return [(li as HTMLElement).dataset.file as string, s.dataset.status ?? '', s.textContent ?? ''] as [string, string, string];
    }),
  );
}

/** Waits until no card is sending and `n` cards have a final status. */
async function settled(page: Page, statuses: string[], n: number): Promise<void> {
  await page.waitForFunction(
    (want: string[], count: number) => Array.from(document.querySelectorAll<HTMLElement>('.send-status')).filter((s) => want.includes(s.dataset.status ?? '')).length >= count,
    { timeout: 30_000 },
    statuses,
    n,
  );
}

/** Allows access on the sandbox's sign-in page opened by `page` in a pop-up (as `user` when given); resolves once it has closed. */
async function signInPopup(browser: Browser, page: Page, user?: string): Promise<void> {
  const target = await browser.waitForTarget((t) => t.opener() === page.target(), { timeout: 10_000 });
  const popup = (await target.page()) as Page;
  await popup.waitForSelector('button[value="allow"]');
  if (user !== undefined) {
    await popup.$eval('input[name="user"]', (e) => ((e as HTMLInputElement).value = ''));
    await popup.type('input[name="user"]', user);
  }
  const closed = new Promise<void>((resolve) => popup.once('close', () => resolve()));
  await popup.click('button[value="allow"]');
  await closed;
}

describe.skipIf(skipWithoutChromium())('Send to Smashrun, from the page to the sandbox', () => {
  let h: PageHarness;
  beforeAll(async () => {
    h = await openHarness();
  }, 60_000);
  afterAll(async () => h?.close());

  const posts = (from: number): number => h.sandbox.requestLog.slice(from).filter((e) => e.method === 'POST' && e.path === '/v1/my/activities').length;

  it('signs in through the pop-up, sends each run once, and never twice', async () => {
    const { page, errors } = await openPage(h);
    await pick(page, RUNS);
    const from = h.sandbox.requestLog.length;
    // The first send asks to sign in: the sandbox's consent page in a pop-up, which hands the token back.
    const popup = signInPopup(h.browser, page);
    await page.click('#cards > li.card .send-one');
    await popup;
    await settled(page, ['sent'], 1);
    expect(await page.$eval('#account', (e) => e.textContent)).toMatch(/^Connected to http:\/\/127\.0\.0\.1:\d+\/v1 as /);
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toContain('runjson.smashrun.token');
    expect(await page.evaluate(() => location.hash)).toBe('');
    // The token is in the tab's storage and nowhere on the page.
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('runjson.smashrun.token') ?? '{}') as { accessToken?: string }).accessToken);
    expect(token).toMatch(/^.{16,}$/);
    expect(await page.content()).not.toContain(token);
    expect(page.url()).not.toContain(token);
    await page.click('#send-all');
    await settled(page, ['sent'], RUNS.length);
    const sent = await statuses(page);
    expect(sent.map(([, s]) => s)).toEqual(RUNS.map(() => 'sent'));
    expect(posts(from)).toBe(RUNS.length);
    const stored = h.sandbox.activities;
    expect(stored.length).toBe(RUNS.length);
    expect(new Set(stored.map((a) => a.externalId)).size).toBe(RUNS.length);
    // Each card links to its run.
    const links = await page.$$eval('.send-status a', (l) => l.map((a) => (a as HTMLAnchorElement).href));
    expect(links.sort()).toEqual(stored.map((a) => `${h.sandbox.apiBase}/my/activities/${a.id}`).sort());

    // Another account signed in here has been sent nothing: its runs go to it.
    await page.click('#disconnect');
    await page.waitForFunction(() => /^Not connected/.test(document.getElementById('account')?.textContent ?? ''));
    await page.reload({ waitUntil: 'load' });
    await pick(page, RUNS);
    const second = signInPopup(h.browser, page, 'second-runner');
    await page.click('#connect');
    await second;
    await page.waitForFunction(() => /as second-runner/.test(document.getElementById('account')?.textContent ?? ''));
    // Send every run twice at once, with one card's own Send clicked too: each run still goes once.
    await page.evaluate(() => {
      const all = document.getElementById('send-all') as HTMLButtonElement;
      (document.querySelector('#cards .send-one') as HTMLButtonElement).click();
      all.click();
      all.click();
    });
    await settled(page, ['sent'], RUNS.length);
    await page.waitForFunction(() => !(document.getElementById('send-all') as HTMLButtonElement).disabled);
    expect(posts(from)).toBe(2 * RUNS.length);
    expect(h.sandbox.activities.filter((a) => a.userName === 'second-runner')).toHaveLength(RUNS.length);
    expect(h.sandbox.activities).toHaveLength(2 * RUNS.length);

    // Send every run again: nothing is sent.
    await page.click('#send-all');
    expect(await page.$$eval('.send-one', (b) => b.every((x) => (x as HTMLButtonElement).disabled))).toBe(true);
    // The same files again, after a reload (the tab keeps its token): already sent, no request.
    await page.reload({ waitUntil: 'load' });
    await pick(page, RUNS);
    await page.click('#send-all');
    await settled(page, ['already-sent'], RUNS.length);
    expect(posts(from)).toBe(2 * RUNS.length);
    expect(h.sandbox.activities.length).toBe(2 * RUNS.length);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('shows the validations of a run Smashrun refuses, and holds a flagged run until the runner confirms it', async () => {
    const { page, errors } = await openPage(h);
    // The tab signs in first (a new tab has no token).
    const popup = signInPopup(h.browser, page);
    await page.click('#connect');
    await popup;
    await page.waitForFunction(() => /^Connected/.test(document.getElementById('account')?.textContent ?? ''));
    // A ride, converted because the runner asked for every sport: Smashrun takes runs only.
    await page.click('#all-sports');
    await pick(page, [join(FIXTURES, 'gpx', 'synthetic-ride.gpx')]);
    await page.click('#all-sports');
    const fast = join(h.dir, 'fast.json');
    writeFileSync(fast, implausibleRun('page-fast-1'));
    await pick(page, [fast]);
    const before = h.sandbox.activities.length;
    const from = h.sandbox.requestLog.length;
    await page.click('#send-all');
    await settled(page, ['rejected'], 1);
    const [ride, held] = await statuses(page);
    expect(ride[1]).toBe('rejected');
    expect(ride[2]).toMatch(/^Smashrun refused it:activityType: only running activities are accepted/);
    expect(await page.$eval('#cards > li:nth-child(1) .sport-note', (e) => e.textContent)).toBe('A cycling activity: Smashrun takes runs only, and will refuse it.');
    expect(held[1]).toBe('held');
    expect(held[2]).toMatch(/^Held back: implausible-speed: /);
    expect(posts(from)).toBe(1);
    expect(await page.$eval('#cards > li:nth-child(2) .send-one', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    // Confirmed, it goes.
    await page.click('#cards > li:nth-child(2) .confirm');
    await page.click('#cards > li:nth-child(2) .send-one');
    await settled(page, ['sent'], 1);
    expect(posts(from)).toBe(2);
    expect(h.sandbox.activities.length).toBe(before + 1);
    expect(h.sandbox.activities.some((a) => a.externalId === 'page-fast-1')).toBe(true);
    // Disconnect revokes the token at Smashrun and forgets it.
    const revokes = (): number => h.sandbox.requestLog.filter((e) => e.method === 'DELETE' && e.path === '/v1/auth/{token}' && e.status === 204).length;
    const revoked = revokes();
    await page.click('#disconnect');
    await page.waitForFunction(() => /^Not connected/.test(document.getElementById('account')?.textContent ?? ''));
    expect(revokes()).toBe(revoked + 1);
    expect(await page.evaluate(() => Object.keys(sessionStorage))).not.toContain('runjson.smashrun.token');
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('draws a card in the light and the dark scheme (screenshots in test-output/web/)', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const { page } = await openPage(h);
    await page.setViewport({ width: 900, height: 1400 });
    await pick(page, [join(FIXTURES, 'fit', 'synthetic-run.fit')]);
    const colours: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      const card = await page.$('#cards > li.card');
      const png = await card!.screenshot({ type: 'png' });
      writeFileSync(join(SHOTS, `card-${scheme}.png`), png);
      expect(Buffer.from(png).subarray(1, 4).toString()).toBe('PNG');
      colours.push(await page.$eval('#cards > li.card', (e) => getComputedStyle(e).backgroundColor));
    }
    expect(colours).toEqual(['rgb(255, 255, 255)', 'rgb(13, 17, 23)']);
    await page.close();
  }, 60_000);
});
