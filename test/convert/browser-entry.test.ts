/**
 * The browser entry (`runjson` under the `browser` condition, `runjson/browser`): the same API as the Node
 * entry, with the FIT decoder loaded on demand, and gzip undone without Node's zlib. This file imports only
 * the browser entry first, so the FIT decoder starts unloaded (vitest gives each test file its own modules).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as browser from '../../src/browser.js';
import { FIXTURES } from '../helpers/paths.js';

const fit = new Uint8Array(readFileSync(join(FIXTURES, 'fit', 'fenix2-run.fit')));
const gpx = new Uint8Array(readFileSync(join(FIXTURES, 'gpx', 'togeojson__run.gpx')));

describe('browser entry', () => {
  it('reads GPX without ever loading the FIT decoder', async () => {
    expect(browser.fitDecoderLoaded()).toBe(false);
    const r = browser.convertSync(gpx);
    expect(r.format).toBe('gpx');
    expect((await browser.convert(gpx)).activities[0].toJson()).toBe(r.activities[0].toJson());
    expect(browser.fitDecoderLoaded()).toBe(false);
  });

  it('refuses FIT synchronously until the decoder is loaded, with a typed error', () => {
    expect(browser.fitDecoderLoaded()).toBe(false);
    let caught: unknown;
    try {
      browser.convertSync(fit);
    } catch (e) {
      caught = e;
    }
    expect(browser.isConvertError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'unsupported', format: 'fit', offset: 0 });
  });

  it('convert() loads the FIT decoder when a FIT file arrives, and gives what the Node entry gives', async () => {
    const r = await browser.convert(fit);
    expect(browser.fitDecoderLoaded()).toBe(true);
    const node = await import('../../src/index.js');
    expect(r.activities[0].toJson()).toBe(node.convertSync(fit).activities[0].toJson());
    // Once loaded, the synchronous API reads FIT too.
    expect(browser.convertSync(fit).activities[0].summary).toEqual(r.activities[0].summary);
  });

  it('exports exactly what the Node entry exports', async () => {
    const node = await import('../../src/index.js');
    expect(Object.keys(node).sort()).toEqual(Object.keys(browser).sort());
  });
});

describe('gzip where Node’s zlib is absent (browsers)', () => {
  /** Runs `f` with `process.getBuiltinModule('node:zlib')` answering nothing, as in a browser. */
  async function withoutZlib<T>(f: () => Promise<T>): Promise<T> {
    const proc = process as unknown as { getBuiltinModule: (id: string) => unknown };
    const real = proc.getBuiltinModule;
    proc.getBuiltinModule = (id: string) => (id === 'node:zlib' ? undefined : real.call(process, id));
    try {
      return await f();
    } finally {
      proc.getBuiltinModule = real;
    }
  }

  it('convert(bytes) decompresses through DecompressionStream', async () => {
    const plain = browser.convertSync(gpx).activities[0].toJson();
    const gz = new Uint8Array(gzipSync(gpx));
    const r = await withoutZlib(() => browser.convert(gz));
    expect(r.format).toBe('gpx');
    expect(r.activities[0].toJson()).toBe(plain);
  });

  it('a gzip FIT file loads the FIT decoder on the way', async () => {
    const r = await withoutZlib(() => browser.convert(new Uint8Array(gzipSync(fit))));
    expect(r.format).toBe('fit');
    expect(r.activities[0].summary.distance).toBeGreaterThan(9);
  });

  it('convertSync refuses gzip there with a typed error, and damaged gzip is malformed', async () => {
    const gz = new Uint8Array(gzipSync(gpx));
    await withoutZlib(async () => {
      expect(() => browser.convertSync(gz)).toThrow(expect.objectContaining({ code: 'unsupported' }));
      const cut = gz.subarray(0, gz.length >> 1);
      await expect(browser.convert(cut)).rejects.toMatchObject({ code: expect.stringMatching(/^(malformed|truncated)$/) });
    });
  });
});
