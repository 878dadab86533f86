/**
 * FIT through the registry: loaded on demand (as a browser would) or up front (the Node entry), then
 * reached by `ConvertedActivity.toBytes('fit')`, `runjson convert --to fit` (one file to stdout, a folder
 * with -o) and `runjson pull --to fit`. Imports are dynamic where the order of loading is the point.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, listFiles, readBytes } from '../../helpers/paths.js';
import { readWithSdk } from '../../helpers/fit-sdk.js';

const FILE = join(FIXTURES, 'fit', 'fitparse__2013-02-06-12-11-14.fit');

describe('the FIT encoder in the registry', () => {
  it('is `unsupported` until loaded, and writes FIT once `loadFitEncoder()` is awaited', async () => {
    const { encoderFor, TARGET_FORMATS } = await import('../../../src/encode/registry.js');
    const slot = await import('../../../src/encode/fit/fit-encoder-slot.js');
    const { convertSync } = await import('../../../src/convert/convert.js');
    const { loadFitDecoder } = await import('../../../src/convert/decoders.js');
    await loadFitDecoder();
    expect(TARGET_FORMATS).toContain('fit');
    const enc = encoderFor('fit');
    expect([enc.format, enc.extension, enc.mediaType]).toEqual(['fit', 'fit', 'application/vnd.ant.fit']);
    const [run] = convertSync(readBytes(FILE)).activities;
    // Nothing imported so far loads the FIT encoder (the browser entry's situation).
    expect(slot.fitEncoderLoaded()).toBe(false);
    expect(() => run.toBytes('fit')).toThrow(expect.objectContaining({ code: 'unsupported', format: 'fit' }));
    const toFit = await slot.loadFitEncoder();
    expect(slot.fitEncoderLoaded()).toBe(true);
    const bytes = run.toBytes('fit');
    expect(Buffer.from(bytes).equals(Buffer.from(toFit(run.activity, { summary: run.summary })))).toBe(true);
    expect(readWithSdk(bytes).integrity).toBe(true);
    // withBytes hands the chunks in order.
    const parts: Uint8Array[] = [];
    run.withBytes((c) => parts.push(c.slice()), 'fit');
    expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true);
  });

  it('is loaded up front by the Node entry, which exports toFit', async () => {
    const index = await import('../../../src/index.js');
    const slot = await import('../../../src/encode/fit/fit-encoder-slot.js');
    expect(slot.fitEncoderLoaded()).toBe(true);
    const [run] = index.convertSync(readBytes(FILE)).activities;
    expect(Buffer.from(index.toFit(run.activity)).equals(Buffer.from(run.toBytes('fit')))).toBe(true);
  });
});

describe('runjson convert --to fit', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runjson-to-fit-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one file to stdout, as its bytes', async () => {
    const { run } = await import('../../../src/cli/run.js');
    const { convertSync } = await import('../../../src/index.js');
    const out: Uint8Array[] = [];
    const code = await run(['convert', FILE, '--to', 'fit'], {
      stdout: { write: (c: string | Uint8Array) => out.push(typeof c === 'string' ? new TextEncoder().encode(c) : c.slice()) },
      stderr: { write: () => undefined, isTTY: false, columns: 100 },
      env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') },
    });
    expect(code).toBe(0);
    const [want] = convertSync(readBytes(FILE)).activities;
    expect(Buffer.concat(out).equals(Buffer.from(want.toBytes('fit')))).toBe(true);
  });

  it('writes a folder with -o, each output named with .fit', async () => {
    const { convertFiles } = await import('../../../src/batch/index.js');
    const out = join(dir, 'out');
    const inputs = listFiles(FIXTURES, 'tcx', '.tcx');
    const results = [];
    for await (const r of convertFiles(join(FIXTURES, 'tcx'), { outDir: out, to: 'fit', concurrency: 0, journalDir: join(dir, 'journal') })) results.push(r);
    expect(results.length).toBe(inputs.length);
    const written = readdirSync(out);
    expect(written.length).toBeGreaterThan(3);
    for (const name of written) {
      expect(name).toMatch(/\.fit$/);
      expect(readWithSdk(new Uint8Array(readFileSync(join(out, name)))).integrity).toBe(true);
    }
  });
});

describe('runjson pull --to fit', () => {
  it('writes each run of the account as a .fit file that reads back as the run', async () => {
    const { PullWorld } = await import('../../cli/pull-harness.js');
    const { convertSync } = await import('../../../src/index.js');
    const world = new PullWorld();
    await world.start();
    try {
      const [run] = convertSync(readBytes(FILE)).activities;
      await world.client.uploadJson(run.toBytes('json'));
      const dir = world.dir('fit');
      const r = await world.cli(['pull', '-o', dir, '--to', 'fit']);
      expect(r.code, r.stderr).toBe(0);
      const names = readdirSync(dir).filter((n) => !n.startsWith('.'));
      expect(names).toHaveLength(1);
      expect(names[0]).toMatch(/\.fit$/);
      const bytes = new Uint8Array(readFileSync(join(dir, names[0])));
      expect(readWithSdk(bytes).integrity).toBe(true);
      const [back] = convertSync(bytes).activities;
      expect(back.activity.length).toBe(run.activity.length);
      expect(back.summary.distance).toBeCloseTo(run.summary.distance ?? NaN, 5);
      expect(back.summary.duration).toBe(run.summary.duration);
    } finally {
      await world.stop();
    }
  }, 30_000);
});
