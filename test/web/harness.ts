/**
 * The page in a real browser: built into a temporary folder from web/ (so a test never depends on an
 * earlier build), served by `startWebServer` under its Content-Security-Policy, sending to a sandbox, and
 * driven in Debian's Chromium through puppeteer-core.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { startWebServer, type WebServer } from '../../src/cli/web/server.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { launchChromium } from '../helpers/chromium.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface PageHarness {
  dir: string;
  sandbox: Sandbox;
  server: WebServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function openHarness(): Promise<PageHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'runjson-web-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), join(dir, 'page')], { stdio: 'ignore' });
  const sandbox = await startSandbox({});
  const server = await startWebServer({ root: join(dir, 'page'), apiBase: sandbox.apiBase, authBase: sandbox.authBase });
  const browser = await launchChromium();
  return {
    dir,
    sandbox,
    server,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new tab on the page, its errors collected. */
export async function openPage(h: PageHarness, browser: Pick<Browser, 'newPage'> = h.browser): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(h.server.url, { waitUntil: 'load' });
  return { page, errors, requests };
}

/** Picks `files` with the page's file input and waits until every one has its card(s). */
export async function pick(page: Page, files: string[]): Promise<void> {
  const before = await page.$$eval('#cards > li', (l) => l.length);
  const input = (await page.$('#files')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(...files);
  await page.waitForFunction((n: number) => document.querySelectorAll('#cards > li.pending').length === 0 && document.querySelectorAll('#cards > li').length >= n, { timeout: 30_000 }, before + files.length);
}

/** Waits for a file of `name` (done downloading) in `dir`. */
export async function downloaded(dir: string, name: string, timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const files = readdirSync(dir);
    if (files.includes(name) && !files.some((f) => f.endsWith('.crdownload'))) return join(dir, name);
    if (Date.now() > end) throw new Error(`no download ${name} in ${dir} (found ${files.join(', ') || 'nothing'})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
