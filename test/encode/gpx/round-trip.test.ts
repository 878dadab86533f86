/**
 * Round trips through GPX: generated activities (fast-check) and every running fixture and corpus file with
 * positions, X → GPX → runjson agreeing with X → runjson within what GPX carries (see the README's GPX
 * section: the samples with a position, their times, the series GPX holds to the printed precision, the
 * pauses as segments; distance comes back computed from the positions, laps do not come back).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/core/activity.js';
import { Report } from '../../../src/core/errors.js';
import { summarize } from '../../../src/core/summary.js';
import { toGpx } from '../../../src/encode/gpx/to-gpx.js';
import { toActivityJson } from '../../../src/encode/json/to-activity-json.js';
import { convertSync } from '../../../src/index.js';
import { activityArb } from '../../helpers/arbitrary.js';
import { CORPUS, FIXTURES, HAS_CORPUS, listFiles } from '../../helpers/paths.js';
import { asGpx, count, expectGpxRoundTrip, readBack, withPosition } from './gpx-helpers.js';

describe('Activity JSON → GPX → Activity JSON (property)', () => {
  it('gives back what GPX carries, within its precision, and counts the rest', () => {
    fc.assert(
      fc.property(
        activityArb(80).filter((a) => withPosition(a).length > 0),
        (source) => {
          // The source as Smashrun would hold it: through its own Activity JSON first.
          const a = convertSync(new TextEncoder().encode(toActivityJson(source, { includePower: true })), { sports: 'all', includePower: true }).activities[0].activity;
          const report = new Report();
          const b = readBack(toGpx(a, { report }));
          expectGpxRoundTrip(a, b);
          expect(count(report.warnings, 'samples-without-position')).toBe(a.length - b.length);
          expect(count(report.warnings, 'laps-not-carried')).toBe(a.laps.length > 1 ? a.laps.length : 0);
          // The counts agree with the values written, counted here from the series.
          let rounded = 0;
          let outOfRange = 0;
          for (const i of withPosition(a)) {
            for (const key of ['heartRate', 'cadence', 'power'] as const) {
              const v = a.series[key]?.[i] ?? NaN;
              if (v !== v) continue;
              const w = asGpx(key, v);
              if (w !== w) outOfRange++;
              else if (w !== v) rounded++;
            }
          }
          expect(count(report.warnings, 'rounded-to-format')).toBe(rounded);
          expect(count(report.warnings, 'out-of-format-range')).toBe(outOfRange);
          // What was written is a fixed point: written again, the points are the same bytes.
          const points = (bytes: Uint8Array): string => new TextDecoder().decode(bytes).replace(/^[\s\S]*?<trkseg>/, '');
          expect(points(toGpx(b))).toBe(points(toGpx(a)));
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** Every running fixture and corpus file: the activities runjson reads from it (none when it refuses the file). */
function inputs(): string[] {
  const dirs = ['fit', 'tcx', 'gpx'];
  const files = dirs.flatMap((d) => [...listFiles(FIXTURES, d, `.${d}`), ...(HAS_CORPUS ? listFiles(CORPUS, d, `.${d}`) : [])]);
  return files;
}

const converted = new Map<string, Activity[]>();
/** Each file converted once, for both tests below. */
function runsOf(path: string): Activity[] {
  let runs = converted.get(path);
  if (runs === undefined) {
    try {
      runs = convertSync(readFileSync(path)).activities.map((c) => c.activity);
    } catch {
      runs = [];
    }
    converted.set(path, runs);
  }
  return runs;
}
const seen = { runs: 0, pauses: 0, partial: 0, formats: new Set<string>() };

describe('X → GPX → runjson agrees with X → runjson, for every running fixture and corpus file with positions', () => {
  const files = inputs();
  it.each(files.map((f) => [f.replace(/^.*\/(fixtures|corpus)\//, '$1/'), f]))('%s', (_name, path) => {
    for (const a of runsOf(path)) {
      if (withPosition(a).length === 0) {
        expect(() => toGpx(a)).toThrow(/GPX cannot hold this run/);
        continue;
      }
      const bytes = toGpx(a);
      const b = readBack(bytes);
      expectGpxRoundTrip(a, b);
      // A reader with runjson's default cadence rule (auto) gets the same one-leg cadence of a real run.
      if (b.series.cadence !== null) {
        const auto = convertSync(bytes, { sports: 'all', pauseGap: 0 }).activities[0].activity;
        expect(Array.from(auto.series.cadence ?? [])).toEqual(Array.from(b.series.cadence));
      }
      seen.runs++;
      seen.pauses += b.pauses.length;
      if (withPosition(a).length < a.length) seen.partial++;
      seen.formats.add(path.slice(path.lastIndexOf('.') + 1));
      if (withPosition(a).length === a.length) {
        const [sa, sb] = [summarize(a), summarize(b)];
        expect(sb.duration).toBe(sa.duration - Math.round(a.duration[0] * 1000) / 1000);
        expect(b.pauses.length).toBe(a.pauses.length);
      }
    }
  });

  it('covered runs of every source format, with pauses, and runs with samples that have no position', () => {
    expect([...seen.formats].sort()).toEqual(['fit', 'gpx', 'tcx']);
    expect(seen.pauses).toBeGreaterThan(0);
    expect(seen.partial).toBeGreaterThan(0);
  });
});
