/**
 * Debian's Chromium, driven by puppeteer-core, for the page's tests: found at /usr/bin/chromium (or
 * RUNJSON_CHROMIUM), or the test is skipped with the reason — except under RUNJSON_REQUIRE_TOOLS=1
 * (`.ci/run`, which installs it), where a missing browser fails instead.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

export const CHROMIUM = process.env.RUNJSON_CHROMIUM ?? '/usr/bin/chromium';

/** For `describe.skipIf(skipWithoutChromium())`. */
export function skipWithoutChromium(): boolean {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.RUNJSON_REQUIRE_TOOLS === '1') throw new Error(`Chromium is required here (RUNJSON_REQUIRE_TOOLS=1) and ${CHROMIUM} is missing`);
  return true;
}

/** A headless Chromium with a new profile of its own (puppeteer removes it on close), kept off the network but loopback. */
export async function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
