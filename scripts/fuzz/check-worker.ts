/**
 * The worker thread that runs the property (`property.ts`) on one input at a time, against the built
 * package (`dist/index.js`, whose URL comes in `workerData`), and measures what each conversion keeps in
 * memory. The pool (`pool.ts`) gives each conversion a deadline and ends this thread when it is missed.
 *
 * Memory: the worker's `heapUsed + external` (typed arrays included) is read just before `convertSync`
 * and just after the last output (`toJson`, `toBytes`, `validate`), while the result is still referenced:
 * the growth is what a conversion holds at its end, plus whatever garbage it has not yet released. Over
 * the fixtures and the shared corpus that growth is at most ~18 MB, and at most 31× the input for inputs
 * over 100 KB (small inputs grow more in ratio: a few MB of code warming up). The bound is
 * `max(64 MiB, 40 × input)`; a conversion over it is measured again after a full GC (see `measured`)
 * before it counts, so that a collection that happened not to run does not make a failure. Transient
 * peaks beyond what is held at the end are caught by the thread's heap cap (`resourceLimits`, `pool.ts`).
 * Memory runjson keeps between conversions on a thread counts for the conversion that made it: a
 * failure of this kind is shrunk and re-checked on fresh threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { ConvertOptions } from '../../src/convert/options.js';
import { type CheckReply, type CheckRequest, type MeasuredVerdict, memoryBound } from './check-protocol.js';
import { importPackage } from './load-package.js';
import { checkConversion, crash, type RunjsonApi, type Verdict } from './property.js';

/** A full collection (V8's gc, reached through a fresh context once the flag is set). */
function makeGc(): () => void {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    return gc;
  } catch {
    return () => undefined;
  }
}

/**
 * Runs the property once, measuring memory at its end (the result still referenced). When the growth is
 * over `bound`, a full GC runs right there and the growth is measured again: what is left is what the
 * conversion holds (its result, and anything runjson keeps for later conversions), not garbage a
 * collection had not yet reached. Running the conversion a second time instead would hide memory that
 * runjson keeps between conversions (the second run reuses it).
 */
function measured(api: RunjsonApi, bytes: Uint8Array, options: ConvertOptions, bound: number, gc: () => void): MeasuredVerdict {
  const m0 = process.memoryUsage();
  const t0 = performance.now();
  let growth = 0;
  let rss = 0;
  const measure = (): void => {
    let m1 = process.memoryUsage();
    if (m1.heapUsed + m1.external - (m0.heapUsed + m0.external) > bound) {
      gc();
      m1 = process.memoryUsage();
    }
    growth = m1.heapUsed + m1.external - (m0.heapUsed + m0.external);
    rss = m1.rss - m0.rss;
  };
  let v: Verdict;
  let measuredAtEnd = false;
  try {
    v = checkConversion(api, bytes, options, () => {
      measure();
      measuredAtEnd = true;
    });
  } catch (e) {
    // The property itself must not throw; if it does, the input still failed (and says where).
    v = crash(e, 'property');
  }
  const ms = performance.now() - t0;
  if (!measuredAtEnd) measure();
  if (v.failure === null && growth > bound) {
    v = {
      ...v,
      outcome: 'failed',
      failure: {
        kind: 'memory',
        key: 'memory:growth',
        detail: `a conversion held ${mb(growth)} MB after a full GC for a ${(bytes.length / 1024).toFixed(1)} KB input (bound ${mb(bound)} MB; outcome ${v.outcome})`,
      },
    };
  }
  return { ...v, ms, growth, rss };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('check-worker runs in a worker thread');
  const { packageUrl } = workerData as { packageUrl: string };
  let api: RunjsonApi;
  try {
    api = await importPackage<RunjsonApi>(packageUrl);
  } catch (e) {
    port.postMessage({ type: 'fatal', message: `cannot import ${packageUrl}: ${String(e)}` } satisfies CheckReply);
    return;
  }
  const gc = makeGc();
  port.on('message', (req: CheckRequest) => {
    const verdicts: MeasuredVerdict[] = [];
    const bound = memoryBound(req.bytes.length);
    req.options.forEach((options, index) => {
      port.postMessage({ type: 'step', id: req.id, index } satisfies CheckReply);
      verdicts.push(measured(api, req.bytes, options, bound, gc));
    });
    port.postMessage({ type: 'done', id: req.id, verdicts } satisfies CheckReply);
  });
  port.postMessage({ type: 'ready' } satisfies CheckReply);
}

function mb(n: number): string {
  return (n / 1048576).toFixed(1);
}

void main();
