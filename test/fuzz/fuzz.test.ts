/**
 * The fuzzer itself: a small fixed-seed run over the fixtures that must find no failure (the CI budget:
 * about half a minute on two cores), and the parts of it that could be wrong without anyone noticing —
 * the FIT walk (against `@garmin/fitsdk`'s Decoder), CRCs recomputed by structure-aware mutations (against
 * the SDK's integrity check), inputs made again from (seed, n), the JSON writer, the UTF-16 round trip of
 * the XML mutations, the shrinker, and the property's verdicts on errors that break its rules.
 */
import { Decoder, Stream } from '@garmin/fitsdk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Runjson from '../../src/browser.js';
import { crc16 } from '../../src/fit/crc.js';
import { assembleFit, splitFit, walkFit } from '../../scripts/fuzz/fit-walk.js';
import { failureCount, runFuzz } from '../../scripts/fuzz/fuzz-run.js';
import { makeInput } from '../../scripts/fuzz/inputs.js';
import { Checker } from '../../scripts/fuzz/pool.js';
import { FIT_OP_NAMES, mutateFit } from '../../scripts/fuzz/mutate-fit.js';
import { Entries, Raw, mutateJson, writeJson } from '../../scripts/fuzz/mutate-json.js';
import { mutateXml } from '../../scripts/fuzz/mutate-xml.js';
import { checkConversion, type RunjsonApi, throwSite, xmlRoot } from '../../scripts/fuzz/property.js';
import { Rng } from '../../scripts/fuzz/random.js';
import { SeedPicker, loadSeeds } from '../../scripts/fuzz/seeds.js';
import { shrink } from '../../scripts/fuzz/shrink.js';
import { summaryTable } from '../../scripts/fuzz/summary.js';
import { type BundledWorker, FUZZ_PATHS, bundleCheckWorker } from '../helpers/fuzz-worker.js';
import { FIXTURES, listFiles, readBytes } from '../helpers/paths.js';

const fitFixtures = listFiles(FIXTURES, 'fit', '.fit').map((path) => ({ path, bytes: readBytes(path) }));

/** What `@garmin/fitsdk` reads: definitions and data messages by global number, or null when it reports errors. */
function sdkCounts(bytes: Uint8Array): { definitions: number; data: Map<number, number> } | null {
  const data = new Map<number, number>();
  let definitions = 0;
  const { errors } = new Decoder(Stream.fromByteArray(Array.from(bytes))).read({
    includeUnknownData: true,
    mergeHeartRates: false,
    mesgListener: (num: number) => data.set(num, (data.get(num) ?? 0) + 1),
    mesgDefinitionListener: () => definitions++,
  });
  return errors.length > 0 ? null : { definitions, data };
}

function integrity(bytes: Uint8Array): boolean {
  return new Decoder(Stream.fromByteArray(Array.from(bytes))).checkIntegrity();
}

describe('FIT walk', () => {
  it('finds every definition and data message the SDK reads, by global message number', () => {
    let compared = 0;
    for (const { path, bytes } of fitFixtures) {
      const sdk = sdkCounts(bytes);
      if (sdk === null) continue; // the SDK refuses it (compressed timestamps, damage): nothing to compare
      const layout = walkFit(bytes);
      expect(layout.stop, path).toBeNull();
      const data = new Map<number, number>();
      let definitions = 0;
      for (const f of layout.files) {
        for (const r of f.records) {
          if (r.kind === 'definition') definitions++;
          else data.set(r.def.global, (data.get(r.def.global) ?? 0) + 1);
        }
      }
      expect(definitions, path).toBe(sdk.definitions);
      expect(new Map([...data].sort((a, b) => a[0] - b[0])), path).toEqual(new Map([...sdk.data].sort((a, b) => a[0] - b[0])));
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });

  it('reads compressed-timestamp messages (which the SDK refuses) as data of their local type', () => {
    const bytes = fitFixtures.find((f) => f.path.endsWith('synthetic-run-compressed-timestamps.fit'))!.bytes;
    const layout = walkFit(bytes);
    expect(layout.stop).toBeNull();
    const compressed = layout.files[0].records.filter((r) => r.compressed);
    expect(compressed.length).toBeGreaterThan(100);
    expect(new Set(compressed.map((r) => r.def.global))).toEqual(new Set([20]));
  });

  it('split and assembled without fixes, every fixture comes back byte for byte', () => {
    for (const { path, bytes } of fitFixtures) {
      expect(assembleFit(splitFit(bytes, walkFit(bytes)), { size: false, crc: false }, crc16), path).toEqual(bytes);
    }
  });

  it('never throws, whatever the bytes', () => {
    const head = fitFixtures[0].bytes.subarray(0, 14);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (tail, withHeader) => {
        const b = withHeader ? new Uint8Array([...head, ...tail]) : tail;
        const layout = walkFit(b);
        expect(layout.end).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('structure-aware FIT mutations', () => {
  // One file each: the SDK's integrity check reads the first file of a chain only.
  const small = fitFixtures.filter((f) => f.bytes.length < 40_000 && integrity(f.bytes) && walkFit(f.bytes).files.length === 1);

  // Every op but `header`, whose point is a header that disagrees with the data.
  for (const only of FIT_OP_NAMES.filter((n) => n !== 'header')) {
    it(`${only}: with CRCs recomputed, the output passes the SDK's integrity check`, () => {
      let mutated = 0;
      for (let k = 0; k < 60; k++) {
        const f = small[k % small.length];
        const rng = new Rng(1000 + k);
        const m = mutateFit(f.bytes, rng, small[(k + 1) % small.length].bytes, { only, fixCrc: 1 });
        if (m === null) continue;
        mutated++;
        expect(integrity(m.bytes), `${f.path}: ${m.op}`).toBe(true);
      }
      expect(mutated).toBeGreaterThan(30);
    });
  }

  it('field: with the stale CRC kept, the SDK sees the damage', () => {
    let changed = 0;
    for (let k = 0; k < 40; k++) {
      const f = small[k % small.length];
      const m = mutateFit(f.bytes, new Rng(k), null, { only: 'field', fixCrc: 0 });
      if (m === null || m.bytes.every((b, i) => b === f.bytes[i])) continue;
      changed++;
      expect(integrity(m.bytes), `${f.path}: ${m.op}`).toBe(false);
    }
    expect(changed).toBeGreaterThan(20);
  });
});

describe('inputs', () => {
  const seeds = loadSeeds(FUZZ_PATHS.fixtures, FUZZ_PATHS.corpus, { corpus: false, maxBytes: 4 << 20 });
  const picker = new SeedPicker(seeds);

  it('input n of seed s is the same every time (the sidecar’s seed and input number make it again)', () => {
    for (let n = 0; n < 60; n++) {
      const a = makeInput(12345, n, picker);
      const b = makeInput(12345, n, picker);
      expect(b.op).toBe(a.op);
      expect(b.options).toEqual(a.options);
      expect(Buffer.compare(b.bytes, a.bytes), a.op).toBe(0);
    }
  });

  it('XML mutations keep UTF-16 input UTF-16, with its byte order mark', () => {
    const utf16 = seeds.find((s) => s.name.endsWith('utf16-bom.tcx'))!;
    for (let k = 0; k < 30; k++) {
      const m = mutateXml(utf16.bytes, new Rng(k));
      if (m === null) continue;
      expect([m.bytes[0], m.bytes[1]], m.op).toEqual([0xff, 0xfe]);
      expect(new TextDecoder('utf-16le').decode(m.bytes.subarray(2)), m.op).toMatch(/TrainingCenterDatabase|<!DOCTYPE|^\s*</);
    }
  });

  it('JSON mutations write numbers JSON cannot hold, and duplicate keys', () => {
    expect(writeJson({ a: [1, new Raw('1e999')], b: new Entries([['k', 1], ['k', new Raw('NaN')]]) })).toBe('{"a":[1,1e999],"b":{"k":1,"k":NaN}}');
    const json = seeds.find((s) => s.name.endsWith('smashrun-response.json'))!;
    let texts = 0;
    for (let k = 0; k < 40; k++) {
      const m = mutateJson(json.bytes, new Rng(k));
      if (m === null) continue;
      texts++;
      expect(m.bytes.length, m.op).toBeGreaterThan(0);
    }
    expect(texts).toBeGreaterThan(30);
  });
});

describe('shrink', () => {
  it('cuts a failing input down to what makes it fail', async () => {
    const rng = new Rng(3);
    const noise = rng.bytes(20_000).map((b) => (b === 0x4e ? 0x4d : b));
    const needle = new TextEncoder().encode('NEEDLE');
    const input = new Uint8Array([...noise.subarray(0, 12_345), ...needle, ...noise.subarray(12_345)]);
    const fails = async (b: Uint8Array): Promise<boolean> => Buffer.from(b).includes('NEEDLE');
    const r = await shrink(input, fails, { maxTries: 5000, maxMs: 20_000 });
    expect(new TextDecoder().decode(r.bytes)).toBe('NEEDLE');
  });
});

describe('property', () => {
  let api: typeof Runjson;
  beforeAll(async () => {
    api = (await import(FUZZ_PATHS.packageUrl)) as typeof Runjson;
  });
  const throwing = (e: unknown): RunjsonApi => ({ ...api, convertSync: () => { throw e; } });
  const fit = fitFixtures.find((f) => f.path.endsWith('synthetic-run.fit'))!.bytes;

  it('XML says its format by its root element, after declarations, comments and a DOCTYPE, in UTF-8 or UTF-16', () => {
    for (const path of listFiles(FIXTURES, 'tcx', '.tcx')) expect(xmlRoot(readBytes(path)), path).toBe('tcx');
    for (const path of listFiles(FIXTURES, 'gpx', '.gpx')) expect(xmlRoot(readBytes(path)), path).toBe('gpx');
    const text = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(xmlRoot(text('<?xml version="1.0"?><!-- c --><!DOCTYPE g [<!ENTITY a "b">]><ns:gpx/>'))).toBe('gpx');
    expect(xmlRoot(text('  <Trackpoint><Time/></Trackpoint>'))).toBeNull();
    expect(xmlRoot(text('<?xml version='))).toBeNull();
    expect(xmlRoot(text('<gpx!'))).toBeNull();
    expect(xmlRoot(text('<gpx'))).toBeNull();
  });

  it('a converted fixture passes', () => {
    expect(checkConversion(api, fit, {})).toMatchObject({ outcome: 'converted', failure: null });
  });

  it('another exception is a crash, keyed by where it was thrown', () => {
    const v = checkConversion(throwing(new TypeError("Cannot read properties of undefined (reading 'x')")), fit, {});
    expect(v.failure).toMatchObject({ kind: 'crash' });
    expect(v.failure!.key).toMatch(/^crash:convertSync:TypeError:Cannot read properties of undefined \(reading S\)@/);
  });

  it('the class of an error is where in dist/ it was thrown (file and function, not the line)', () => {
    const stack = [
      'ConvertError: x',
      '    at new ConvertError (file:///w/dist/core/errors.js:40:9)',
      '    at Report.warn (file:///w/dist/core/errors.js:120:19)',
      '    at XmlReader.fail (file:///w/dist/decode/xml/xml-reader.js:77:5)',
      '    at file:///w/dist/convert/session.js:10:3',
    ].join('\n');
    expect(throwSite(stack)).toEqual({ file: 'decode/xml/xml-reader.js', line: 77, fn: 'XmlReader.fail' });
    expect(throwSite('Error: x\n    at file:///w/dist/convert/session.js:10:3')).toEqual({ file: 'convert/session.js', line: 10, fn: '<anonymous>' });
  });

  it('malformed without a position, or without a format, breaks the rules; not-running without one is a note', () => {
    const { ConvertError } = api;
    expect(checkConversion(throwing(new ConvertError('malformed', 'x', { format: 'fit' })), fit, {}).failure?.key).toMatch(/^bad-error:no-position:malformed:fit@/);
    expect(checkConversion(throwing(new ConvertError('truncated', 'x', { offset: 5 })), fit, {}).failure?.key).toMatch(/^bad-error:format-null:truncated@/);
    expect(checkConversion(throwing(new ConvertError('malformed', 'x', { format: 'fit', offset: fit.length + 1 })), fit, {}).failure?.key).toMatch(/^bad-error:bad-position:malformed@/);
    expect(checkConversion(throwing(new ConvertError('not-running', 'x', { format: 'fit' })), fit, {})).toMatchObject({ outcome: 'not-running', failure: null, note: 'no-position:not-running:fit' });
    expect(checkConversion(throwing(new ConvertError('unknown-format', 'x', { offset: 0 })), new TextEncoder().encode('hello'), {})).toMatchObject({ failure: null });
    expect(checkConversion(throwing(new ConvertError('malformed', 'x', { offset: 0 })), new TextEncoder().encode('hello'), {}).failure?.key).toMatch(/^bad-error:unknown-not-unknown-format:malformed@/);
  });

  it('with sports: all, a ride is no failure; with the defaults, an activityType other than running is', () => {
    const walk = fitFixtures.find((f) => f.path.endsWith('fenix-5-walk.fit'))!.bytes;
    expect(checkConversion(api, walk, { sports: 'all' }).failure).toBeNull();
    const sneaky: RunjsonApi = { ...api, convertSync: (b, o) => api.convertSync(b, { ...o, sports: 'all' }) };
    expect(checkConversion(sneaky, walk, {}).failure?.key).toBe('invalid-output:activity-type');
  });
});

describe('the check worker', () => {
  let worker: BundledWorker;
  beforeAll(async () => {
    worker = await bundleCheckWorker();
  });
  afterAll(() => worker?.dispose());

  /** A stand-in package (a data: module) whose `convertSync` runs `body`. */
  const fake = (body: string): string =>
    `data:text/javascript,${encodeURIComponent(`export function convertSync() { ${body} }
export const validate = () => [];
export const isConvertError = () => false;
export const ErrorCode = {};`)}`;
  const fit = fitFixtures.find((f) => f.path.endsWith('synthetic-run.fit'))!.bytes;

  it('a conversion that never returns is a timeout (confirmed on a fresh thread), and the thread is replaced', async () => {
    const c = new Checker({ workerUrl: worker.url, packageUrl: fake('for (;;) {}'), deadlineMs: 300 });
    try {
      const r = await c.check(fit, [{}]);
      expect(r.failure).toMatchObject({ kind: 'timeout', key: 'timeout:conversion', options: {} });
      expect(c.starts).toBe(2);
    } finally {
      await c.close();
    }
  });

  it('a conversion that keeps more than the bound is a memory failure', async () => {
    const c = new Checker({ workerUrl: worker.url, packageUrl: fake("globalThis.kept = new Float64Array(12e6).fill(1); return { format: 'fit', activities: [] };") });
    try {
      const r = await c.check(fit, [{}]);
      expect(r.failure).toMatchObject({ kind: 'memory', key: 'memory:growth' });
    } finally {
      await c.close();
    }
  });

  it('a conversion that exhausts the thread’s heap is a memory failure', async () => {
    const c = new Checker({ workerUrl: worker.url, packageUrl: fake('const a = []; for (;;) a.push(new Array(1e5).fill(a.length));'), heapMb: 64 });
    try {
      const r = await c.check(fit, [{}]);
      expect(r.failure).toMatchObject({ kind: 'memory', key: 'memory:heap-cap' });
    } finally {
      await c.close();
    }
  });
});

describe('a fuzzing run (fixed seed, fixtures only)', () => {
  let worker: BundledWorker;
  beforeAll(async () => {
    worker = await bundleCheckWorker();
  });
  afterAll(() => worker?.dispose());

  it('finds no failure in 1000 inputs', async () => {
    const stats = await runFuzz({
      seed: 20_240_601,
      inputs: 1000,
      workers: 2,
      paths: FUZZ_PATHS,
      workerUrl: worker.url,
      corpus: false,
      outDir: null,
    });
    expect(stats.inputs).toBe(1000);
    expect(failureCount(stats), summaryTable(stats, 2)).toBe(0);
  }, 240_000);
});
