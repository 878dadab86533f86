/**
 * A conversion worker of the page: the same `convert()` as in Node, in a Web Worker so that the page stays
 * responsive while a folder converts. Under the page's Content-Security-Policy (no `eval`, no
 * WebAssembly) the FIT decoder runs its field plans through its interpreter and the CRC in JavaScript.
 */
import { type ConvertOptions, type ConvertResult, convert, isConvertError, loadFitEncoder, Report, splits, toSvg, type Warning } from '../src/browser.js';
import { planEngine } from '../src/decode/fit/plan-compiler.js';
import { crcInWasm } from '../src/fit/crc.js';
import type { PageConvertOptions, RunOverview, WorkerAnswer, WorkerRequest } from './protocol.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerAnswer, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (e) => {
  void answer(e.data).then(
    (a) => scope.postMessage(a, a.kind === 'export' && ownsBuffer(a.bytes) ? [a.bytes.buffer] : []),
    (err: unknown) => scope.postMessage({ kind: 'error', id: e.data.id, error: errorOf(err) }),
  );
};

async function answer(r: WorkerRequest): Promise<WorkerAnswer> {
  const t0 = performance.now();
  // Whole: a watch's file is a few megabytes at most, and one buffer converts faster than a stream.
  const bytes = readWhole(r.file);
  const t1 = performance.now();
  const readMs = t1 - t0;
  const result = await convert(bytes, convertOptions(r.options));
  if (r.kind === 'overview') {
    const runs = result.activities.map((_, i) => overview(result, i));
    const engine = { plans: planEngine(), crc: crcInWasm ? 'wasm' : 'js' } as const;
    return { kind: 'overview', id: r.id, format: result.format, runs, warnings: result.warnings, readMs, ms: performance.now() - t1, engine };
  }
  const run = result.activities[r.activity];
  if (run === undefined) throw new RangeError(`the file holds ${result.activities.length} runs, not run ${r.activity + 1}`);
  // What the format cannot hold is counted, as the command line adds it to the file's warnings.
  const report = new Report(false, result.format);
  // The FIT encoder is a chunk of its own, loaded the first time a FIT file is asked for.
  if (r.to === 'fit') await loadFitEncoder();
  const out = run.toBytes(r.to, { report });
  return { kind: 'export', id: r.id, bytes: out, warnings: report.warnings, readMs, ms: performance.now() - t1 };
}

/**
 * The file's bytes. `FileReaderSync`, which workers have, reads a small file in a tenth of the time
 * `Blob.arrayBuffer()` takes in Chromium (about 1 ms whatever the size: a trip through the browser
 * process), which would otherwise be most of the page's time for a watch's FIT file.
 */
function readWhole(file: Blob): ArrayBuffer {
  return new (self as unknown as WorkerGlobals).FileReaderSync().readAsArrayBuffer(file);
}

/** What a worker has beyond the DOM library's types (the page's code is typed with DOM, not WebWorker). */
interface WorkerGlobals {
  FileReaderSync: new () => { readAsArrayBuffer(blob: Blob): ArrayBuffer };
}

/** Whether `b` is the whole of its buffer (then the buffer can be handed over rather than copied). */
function ownsBuffer(b: Uint8Array): boolean {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
}

function convertOptions(o: PageConvertOptions): ConvertOptions {
  return { sports: o.sports };
}

function overview(result: ConvertResult, index: number): RunOverview {
  const { activity: a, summary } = result.activities[index];
  const n = a.length;
  const several = result.activities.length > 1;
  const warnings: Warning[] = result.warnings.filter((w) => w.activity === undefined || w.activity === index || !several);
  return {
    index,
    sport: a.meta.sport,
    summary,
    startTime: a.startTime,
    utcOffset: a.utcOffset,
    elapsed: n > 0 && a.hasClock ? (a.time[n - 1] - a.startTime) / 1000 : summary.duration,
    hasClock: a.hasClock,
    pauses: a.pauses.length,
    laps: a.laps.length,
    splits: { km: splits(a, 'km'), mi: splits(a, 'mile') },
    svg: { km: toSvg(a, { units: 'km', summary }), mi: toSvg(a, { units: 'mi', summary }) },
    warnings,
  };
}

function errorOf(e: unknown): { name: string; code: string; message: string } {
  if (isConvertError(e)) return { name: e.name, code: e.code, message: e.message };
  if (e instanceof Error) return { name: e.name, code: 'error', message: e.message };
  return { name: 'Error', code: 'error', message: String(e) };
}
