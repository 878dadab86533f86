/**
 * `page/*`: the same files converted to Activity JSON by the page (web/) in a real browser and by
 * `convertSync` in Node, on the same machine in the same run. The promise: the page converts a file
 * within 2× of Node. One FIT, one TCX and one GPX from `fixtures/` (the largest real runs of each format
 * that convert with the default options), each timed both ways:
 * - `node: FILE`: `convertSync(bytes).activities[0].toBytes('json')`, in this process;
 * - `page: FILE`: the same work in a conversion worker of the page (`worker.js`, a module worker created
 *   by the page from its own origin, as its pool does, under the page's Content-Security-Policy: no
 *   `eval`, no WebAssembly), from the file's bytes to the Activity JSON bytes: the worker's own `ms`;
 * - `page, round trip: FILE`: the page's whole trip for one `export` request, timed **inside the page**
 *   with `performance.now()` from the `postMessage` of the file's `Blob` to the bytes back: the worker
 *   reads the Blob, converts and encodes run 0. Reading a Blob costs Chromium about half a millisecond
 *   whatever its size, so this ratio is printed, not gated (docs/performance.md#the-page-against-node).
 * Both reach tinybench as `overriddenDuration`, so neither the DevTools protocol round trip of
 * `page.evaluate` nor the IPC to the driver is counted. Chromium coarsens `performance.now()` to 0.1 ms
 * in a page that is not cross-origin isolated; the page's times are milliseconds.
 *
 * The page is built into a temporary folder from web/ (`scripts/build-web.mjs`, so the group never
 * depends on an earlier build), served by `startWebServer` on 127.0.0.1 (a free port) and opened in
 * Debian's Chromium (`/usr/bin/chromium` or `RUNJSON_CHROMIUM`) through puppeteer-core. All of that lives
 * in a child process (this module, started as a driver), as the upload group's sandbox does: the harness
 * has no hook at the end of a run, and a child whose IPC channel closes when this process exits closes
 * the browser and the server and removes the folder whatever way the run ends. Without Chromium the group
 * is skipped with the reason printed, except under RUNJSON_REQUIRE_TOOLS=1, where that is an error.
 *
 * Checked before timing: the page's bytes are the bytes of Node's conversion, for each file (otherwise
 * the two times would not measure the same work).
 *
 * Reproduce: `npm run bench -- --only page` (`--quick` for a short run). Figures:
 * docs/performance.md#the-page-against-node.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { startWebServer, type WebServer } from '../../src/cli/web/server.js';
import { convertSync } from '../../src/index.js';
import { launchChromium, skipWithoutChromium, CHROMIUM } from '../../test/helpers/chromium.js';
import type { Engine, WorkerAnswer, WorkerRequest } from '../../web/protocol.js';
import type { BenchGroup, BenchRatio, BenchTask } from '../harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'fixtures');
const NAME = 'page/fixtures/fit+tcx+gpx';

/**
 * The files, per format: the largest real runs of `fixtures/` that convert with the default options (a
 * Fenix 2 run of 2,809 samples; Garmin Connect's TCX with one track per lap, 250 samples; a GPX with
 * Garmin's TrackPointExtension, 1,118 samples).
 */
const FILES = [
  { format: 'FIT', path: 'fit/fenix2-run.fit' },
  { format: 'TCX', path: 'tcx/connect-one-track-per-lap.tcx' },
  { format: 'GPX', path: 'gpx/togeojson__run_gpxtpx.gpx' },
] as const;

/** Set in the environment of the driver process (this module, run by itself). */
const DRIVER_ENV = 'RUNJSON_BENCH_PAGE_DRIVER';

/** What this process asks the driver. */
type DriverRequest = { kind: 'bytes'; file: number } | { kind: 'time'; file: number };
/** What the driver answers: ready once the page is open, then one answer per request. */
type DriverAnswer =
  | { kind: 'ready'; version: string; url: string }
  | { kind: 'bytes'; bytes: Uint8Array; engine: Engine | null }
  | { kind: 'time'; ms: number; workerMs: number }
  | { kind: 'error'; message: string };

/** What the page holds for the benchmark (set up by one `page.evaluate`, used by the next ones). */
interface PageScope {
  runjsonBench?: {
    trip(file: number, kind?: 'export' | 'overview'): Promise<{ ms: number; answer: WorkerAnswer }>;
  };
}

function readFixture(path: string): Uint8Array {
  const b = readFileSync(join(FIXTURES, path));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Node's conversion, the reference and the Node-side task. */
function nodeBytes(bytes: Uint8Array): Uint8Array {
  return convertSync(bytes).activities[0].toBytes('json');
}

/** The driver in a child process, spoken to over IPC (structured clone, so bytes pass as they are). */
async function startDriver(): Promise<{ ready: Extract<DriverAnswer, { kind: 'ready' }>; ask(r: DriverRequest): Promise<DriverAnswer> }> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, [DRIVER_ENV]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  // An open IPC channel keeps this process alive: it is held only while an answer is awaited, so that the
  // run ends when the benchmarks do; the driver then sees the channel close and cleans up.
  child.unref();
  const next = (): Promise<DriverAnswer> =>
    new Promise((resolve, reject) => {
      child.channel?.ref();
      const onExit = (status: number | null): void => reject(new Error(`page: the driver process exited (${String(status)})`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        child.channel?.unref();
        resolve(m as DriverAnswer);
      });
    });
  const ready = await next();
  if (ready.kind !== 'ready') {
    child.kill();
    throw new Error(`page: the driver did not start: ${ready.kind === 'error' ? ready.message : ready.kind}`);
  }
  // One request at a time (tinybench calls tasks one after the other; the chain keeps it so regardless).
  let last: Promise<unknown> = Promise.resolve();
  return {
    ready,
    ask(r) {
      const answer = last.then(() => {
        const a = next();
        child.send(r);
        return a;
      });
      last = answer.catch(() => undefined);
      return answer;
    },
  };
}

export async function groups(): Promise<BenchGroup[]> {
  // The factories run before `--only` filters the groups: a run of another group should not build the
  // page and start a browser for nothing.
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
  if (only !== undefined && !NAME.includes(only)) return [];
  // Throws under RUNJSON_REQUIRE_TOOLS=1 when Chromium is missing.
  if (skipWithoutChromium()) {
    console.log(`(${NAME}: skipped — no Chromium at ${CHROMIUM}; install Debian's chromium or set RUNJSON_CHROMIUM)`);
    return [];
  }
  const files = FILES.map((f) => {
    const bytes = readFixture(f.path);
    return { ...f, bytes, expected: nodeBytes(bytes) };
  });
  const driver = await startDriver();

  // Checked ahead of the timing (check() is synchronous): the page's Activity JSON for each file.
  const mismatches: string[] = [];
  let engine: Engine | null = null;
  for (const [i, f] of files.entries()) {
    const a = await driver.ask({ kind: 'bytes', file: i });
    if (a.kind === 'error') throw new Error(`page: ${f.path}: ${a.message}`);
    if (a.kind !== 'bytes') throw new Error(`page: ${f.path}: the driver answered ${a.kind}`);
    if (f.format === 'FIT') engine = a.engine;
    if (!Buffer.from(a.bytes).equals(Buffer.from(f.expected))) {
      mismatches.push(`${f.path} (page ${a.bytes.length} bytes, Node ${f.expected.length})`);
    }
  }
  const paths = engine === null ? '' : `, FIT field plans ${engine.plans}, CRC in ${engine.crc}`;
  console.log(`(${NAME}: ${driver.ready.version}, page at ${driver.ready.url}${paths})`);

  const tasks: BenchTask[] = [];
  const ratios: BenchRatio[] = [];
  for (const [i, f] of files.entries()) {
    const node = `node: ${f.path}`;
    const page = `page: ${f.path}`;
    const trip = `page, round trip: ${f.path}`;
    tasks.push({ name: node, fn: () => nodeBytes(f.bytes) });
    const timed = (which: 'workerMs' | 'ms'): BenchTask['fn'] => async () => {
      const t0 = performance.now();
      const a = await driver.ask({ kind: 'time', file: i });
      if (a.kind !== 'time') throw new Error(`page: ${f.path}: ${a.kind === 'error' ? a.message : a.kind}`);
      // The sample is the page's own time; the whole call (the evaluate and the IPC) is what the time
      // budget spends.
      return { overriddenDuration: a[which], overriddenIterationCost: performance.now() - t0 };
    };
    // The conversion in the worker, from the file's bytes to the Activity JSON bytes: Node's work.
    tasks.push({ name: page, fn: timed('workerMs') });
    // The page's whole trip for the file: the message to the worker, the Blob read, the conversion, the
    // bytes back.
    tasks.push({ name: trip, fn: timed('ms') });
    // node / page ≥ 0.5: the page converts within 2× of Node.
    ratios.push({ label: `${f.format}: the page's conversion within 2× of Node`, faster: page, slower: node, target: 0.5 });
    // The round trip adds a cost of its own whatever the file: reading a Blob goes through Chromium's
    // browser process (about 0.5 ms with FileReaderSync, 0.8–1 ms with Blob.arrayBuffer(), for 771 bytes
    // as for 122 KB) and the message round trip ~0.2 ms. On a FIT file that takes Node 0.8 ms that is most
    // of the page's time, so this ratio is printed, not gated.
    ratios.push({ label: `${f.format}: the page's round trip against Node`, faster: trip, slower: node, target: 0.5, gate: false });
  }
  return [
    {
      name: NAME,
      bytes: 0,
      tasks,
      check() {
        if (mismatches.length > 0) throw new Error(`page: the page's Activity JSON differs from Node's for ${mismatches.join(', ')}`);
        for (const f of files) if (!Buffer.from(nodeBytes(f.bytes)).equals(Buffer.from(f.expected))) throw new Error(`page: ${f.path}: Node's conversion is not deterministic`);
      },
      ratios,
    },
  ];
}

/**
 * The driver: builds the page, serves it, opens it in Chromium, creates one conversion worker in it and
 * answers the parent's requests until the IPC channel closes; then closes the browser and the server and
 * removes the build.
 */
async function drive(): Promise<void> {
  const send = (a: DriverAnswer): Promise<void> => new Promise((ok) => void process.send?.(a, undefined, {}, () => ok()));
  const dir = mkdtempSync(join(tmpdir(), 'runjson-bench-page-'));
  // Whatever way this process ends (puppeteer exits on SIGINT/SIGTERM after killing the browser).
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  let server: WebServer | undefined;
  let browser: Browser | undefined;
  let closing = false;
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    await browser?.close().catch(() => undefined);
    await server?.close();
    process.exit(0);
  };
  process.on('disconnect', () => void close());
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), join(dir, 'page')], { stdio: 'ignore' });
    server = await startWebServer({ root: join(dir, 'page') });
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url, { waitUntil: 'load' });
    const base64 = FILES.map((f) => Buffer.from(readFixture(f.path)).toString('base64'));
    await page.evaluate((files: string[]) => {
      const blobs = files.map((b) => new Blob([Uint8Array.from(atob(b), (c) => c.charCodeAt(0))]));
      // The page's own worker script, from its origin (worker-src 'self'), as its pool creates it.
      const worker = new Worker(new URL('./worker.js', location.href), { type: 'module', name: 'runjson-bench' });
      let id = 0;
      const trip = (file: number, kind: 'export' | 'overview' = 'export'): Promise<{ ms: number; answer: WorkerAnswer }> =>
        new Promise((resolve, reject) => {
          const common = { id: ++id, file: blobs[file], name: `file-${file}`, options: { sports: 'running' } } as const;
          const request: WorkerRequest = kind === 'export' ? { kind, ...common, activity: 0, to: 'json' } : { kind, ...common };
          worker.onmessage = (e: MessageEvent<WorkerAnswer>) => resolve({ ms: performance.now() - t0, answer: e.data });
          worker.onerror = (e) => reject(new Error(e.message || 'the conversion worker stopped'));
          const t0 = performance.now();
          worker.postMessage(request);
        });
      (globalThis as unknown as PageScope).runjsonBench = { trip };
    }, base64);
    const version = await browser.version();
    process.on('message', (m: DriverRequest) => {
      void (async (): Promise<DriverAnswer> => {
        if (m.kind === 'time') {
          const { ms, workerMs } = await page.evaluate(async (file: number) => {
            const { ms, answer } = await ((globalThis as unknown as PageScope).runjsonBench as NonNullable<PageScope['runjsonBench']>).trip(file);
            if (answer.kind !== 'export') throw new Error(answer.kind === 'error' ? `${answer.error.code}: ${answer.error.message}` : answer.kind);
            return { ms, workerMs: answer.ms };
          }, m.file);
          return { kind: 'time', ms, workerMs };
        }
        const { b64, engine } = await page.evaluate(async (file: number) => {
          const bench = (globalThis as unknown as PageScope).runjsonBench as NonNullable<PageScope['runjsonBench']>;
          const { answer } = await bench.trip(file);
          if (answer.kind !== 'export') throw new Error(answer.kind === 'error' ? `${answer.error.code}: ${answer.error.message}` : answer.kind);
          let s = '';
          for (let i = 0; i < answer.bytes.length; i += 0x8000) s += String.fromCharCode(...answer.bytes.subarray(i, i + 0x8000));
          // Which FIT paths the worker ran (the overview says; the export answer does not).
          const overview = (await bench.trip(file, 'overview')).answer;
          return { b64: btoa(s), engine: overview.kind === 'overview' ? overview.engine : null };
        }, m.file);
        return { kind: 'bytes', bytes: new Uint8Array(Buffer.from(b64, 'base64')), engine };
      })().then(send, (e: unknown) => send({ kind: 'error', message: `${e instanceof Error ? e.message : String(e)}${errors.length > 0 ? ` (page errors: ${errors.join('; ')})` : ''}` }));
    });
    await send({ kind: 'ready', version, url: server.url });
  } catch (e) {
    await send({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    await close();
  }
}

if (process.env[DRIVER_ENV] === '1' && process.argv[1] === fileURLToPath(import.meta.url)) await drive();
