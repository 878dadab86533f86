import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/core/activity.js';
import { Report } from '../../../src/core/errors.js';
import { fromActivityJsonText } from '../../../src/decode/json/from-activity-json.js';
import { toActivityJson, toActivityJsonBytes } from '../../../src/encode/json/to-activity-json.js';
import { validate } from '../../../src/activity-json/validate.js';
import { activityArb } from '../../helpers/arbitrary.js';

function read(text: string): Activity {
  const report = new Report();
  const [a] = fromActivityJsonText(text, report);
  expect(report.warnings).toEqual([]);
  return a;
}

const noNegZero = (v: number): number => (v === 0 ? 0 : v);

function sameColumns(a: Activity, b: Activity): void {
  expect(b.length).toBe(a.length);
  expect(b.startTime).toBe(a.startTime);
  expect(b.utcOffset).toBe(a.utcOffset);
  expect(Array.from(b.time)).toEqual(Array.from(a.time));
  expect(Array.from(b.duration)).toEqual(Array.from(a.duration));
  for (const key of Object.keys(a.series) as (keyof Activity['series'])[]) {
    if (key === 'speed') continue;
    const x = a.series[key];
    const y = b.series[key];
    if (x === null) expect(y).toBeNull();
    else expect(y === null ? null : Array.from(y, noNegZero)).toEqual(Array.from(x, noNegZero)); // NaN equals NaN here; -0 is written 0, as JSON.stringify does
  }
  expect(Array.from(b.pauses)).toEqual(Array.from(a.pauses));
  // Laps as Activity JSON sends them come back as they were; what the source said of them (trigger,
  // intensity) is what the document implies, and each read lap ends at a sample with its end.
  const encoded = (laps: Activity['laps']): unknown => laps.map(({ type, by, end }) => ({ type, by, end }));
  expect(encoded(b.laps)).toEqual(encoded(a.laps));
  for (const lap of b.laps) {
    if (lap.by === 'duration') expect(b.duration[lap.endIndex]).toBe(lap.end);
  }
  const { format: _f, ...metaA } = a.meta;
  const { format: _g, ...metaB } = b.meta;
  expect(metaB).toEqual(metaA);
}

describe('Activity JSON round trip (property)', () => {
  it('read(write(a)) gives back the same columns, and write(read(write(a))) is byte-identical', () => {
    fc.assert(
      fc.property(activityArb(120), (a) => {
        const text = toActivityJson(a, { includePower: true });
        const b = read(text);
        sameColumns(a, b);
        expect(toActivityJson(b, { includePower: true })).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('every generated activity passes validate()', () => {
    fc.assert(
      fc.property(activityArb(120), (a) => {
        const doc: unknown = JSON.parse(toActivityJson(a));
        expect(validate(doc)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('the text is what JSON.stringify of the parsed document gives back, value for value', () => {
    fc.assert(
      fc.property(activityArb(60), (a) => {
        const text = toActivityJson(a, { includePower: true });
        const doc: unknown = JSON.parse(text);
        expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
        // Every number in the recordings is the column's own double.
        const d = doc as { recordingKeys: string[]; recordingValues: (number | null)[][] };
        const hr = d.recordingKeys.indexOf('heartRate');
        if (hr >= 0 && a.series.heartRate) {
          d.recordingValues[hr].forEach((v, i) => expect(v ?? NaN).toEqual(a.series.heartRate![i]));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('toActivityJsonBytes (one writer reused between calls)', () => {
  it('gives each call bytes of its own, of exact size, equal to the text', () => {
    fc.assert(
      fc.property(fc.array(activityArb(60), { minLength: 2, maxLength: 4 }), (acts) => {
        const bytes = acts.map((a) => toActivityJsonBytes(a));
        const texts = acts.map((a) => toActivityJson(a));
        const again = acts.map((a) => toActivityJsonBytes(a));
        for (let i = 0; i < acts.length; i++) {
          // Earlier results are not overwritten by later calls, and nothing is left over at the end.
          expect(new TextDecoder().decode(bytes[i])).toBe(texts[i]);
          expect(bytes[i].buffer.byteLength).toBe(bytes[i].byteLength);
          expect(again[i]).toEqual(bytes[i]);
        }
      }),
      { numRuns: 40 },
    );
  });
});
