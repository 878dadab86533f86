/**
 * `encode/xml/*`: writing one large generated run (every series GPX holds, pauses, laps) as GPX and, once
 * the TCX encoder is registered, as TCX:
 * - `runjson toGpx`: the GPX encoder writing to a sink that only counts the chunks (a file writer's use);
 * - `sports-lib EventExporterGPX`: `@sports-alliance/sports-lib`'s GPX exporter (gpx-builder underneath)
 *   writing the same run, read into its event model beforehand from our own GPX (untimed);
 * - `runjson TCX encoder`: the TCX encoder from the registry over the same run, for the cost per sample
 *   of TCX against GPX (same samples, so time per call compares per sample).
 *
 * Reproduce: `npm run bench -- --only encode/xml` (`--quick` for a short run).
 */
import { DOMParser } from '@xmldom/xmldom';
import { EventExporterGPX, type EventInterface, SportsLib } from '@sports-alliance/sports-lib';
import type { Activity } from '../../src/core/activity.js';
import { toGpx } from '../../src/encode/gpx/to-gpx.js';
import { encoderFor, isTargetFormat } from '../../src/encode/registry.js';
import { convertSync } from '../../src/index.js';
import { generateRun } from '../../test/helpers/generate.js';
import type { BenchGroup, BenchRatio, BenchTask } from '../harness.js';

/** Bytes written to a sink that keeps nothing (the chunks are counted, as a file writer would take them). */
function encodeCounting(format: 'gpx' | 'tcx', a: Activity): number {
  let n = 0;
  encoderFor(format).encode(a, {}, (c) => {
    n += c.length;
  });
  return n;
}

export async function groups(): Promise<BenchGroup[]> {
  const n = 20_000;
  const activity = generateRun(n, 11, 4000);
  const gpx = toGpx(activity);
  const event: EventInterface = await SportsLib.importFromGPX(new TextDecoder().decode(gpx), DOMParser);
  const exporter = new EventExporterGPX();
  const tasks: BenchTask[] = [
    { name: 'runjson toGpx', fn: () => encodeCounting('gpx', activity) },
    { name: 'sports-lib EventExporterGPX', fn: () => exporter.getAsString(event) },
  ];
  const ratios: BenchRatio[] = [{ label: 'GPX: toGpx vs sports-lib', faster: 'runjson toGpx', slower: 'sports-lib EventExporterGPX', target: 20 }];
  // The TCX encoder is written beside this one; its ratio joins once it is registered.
  const withTcx = isTargetFormat('tcx');
  if (withTcx) {
    tasks.push({ name: 'runjson TCX encoder', fn: () => encodeCounting('tcx', activity) });
    ratios.push({ label: 'TCX per sample within 1.5× of GPX', faster: 'runjson TCX encoder', slower: 'runjson toGpx', target: 1 / 1.5 });
  }
  return [
    {
      name: `encode/xml/${n / 1000}k-samples`,
      bytes: 0,
      tasks,
      check() {
        const bytes = toGpx(activity);
        const back = convertSync(bytes, { sports: 'all', pauseGap: 0, cadence: 'one-leg' }).activities[0].activity;
        if (back.length !== activity.length || back.pauses.length !== activity.pauses.length) {
          throw new Error(`encode/xml: GPX read back has ${back.length} samples and ${back.pauses.length} pauses, not ${activity.length} and ${activity.pauses.length}`);
        }
        for (let i = 0; i < n; i += 997) {
          if (back.time[i] !== activity.time[i] || back.series.heartRate?.[i] !== activity.series.heartRate?.[i]) {
            if (!(Number.isNaN(back.series.heartRate?.[i]) && Number.isNaN(activity.series.heartRate?.[i]))) throw new Error(`encode/xml: GPX sample ${i} differs when read back`);
          }
        }
        if (encodeCounting('gpx', activity) !== bytes.length) throw new Error('encode/xml: the streamed GPX differs in size from toGpx');
        if (withTcx) {
          const tcx = convertSync(encoderBytes('tcx', activity), { sports: 'all', pauseGap: 0 }).activities[0].activity;
          if (tcx.length !== activity.length) throw new Error(`encode/xml: TCX read back has ${tcx.length} samples, not ${activity.length}`);
        }
      },
      ratios,
    },
  ];
}

function encoderBytes(format: 'tcx', a: Activity): Uint8Array {
  const chunks: Uint8Array[] = [];
  encoderFor(format).encode(a, {}, (c) => chunks.push(c.slice()));
  return Buffer.concat(chunks);
}
