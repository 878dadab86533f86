/**
 * The rule for Activity JSON input: a successful conversion always passes validate(). Whatever is wrong
 * with a document — values, pauses, laps, positions, times, pass-through fields — it is either corrected
 * or refused with a typed error and a place.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConvertError } from '../../../src/core/errors.js';
import { convertSync } from '../../../src/index.js';
import { toActivityJson } from '../../../src/encode/json/to-activity-json.js';
import { validate } from '../../../src/activity-json/validate.js';
import { activityArb } from '../../helpers/arbitrary.js';

type Doc = Record<string, unknown> & { recordingValues: unknown[][]; recordingKeys: string[] };

/** Values that break a rule somewhere; `'INF'` is written `1e999` (Infinity once parsed). */
const wrongValue = fc.constantFrom<unknown>(null, 'INF', '-INF', -1, 0, 1e12, -200, 91, 181, '5', true, [], {}, 0.0001);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('value' as const), key: fc.nat(), at: fc.nat(), value: wrongValue }),
  fc.record({ kind: fc.constant('pause' as const), value: fc.oneof(fc.integer({ min: -2, max: 130 }), wrongValue) }),
  fc.record({
    kind: fc.constant('lap' as const),
    at: fc.nat(),
    lap: fc.record(
      {
        lapType: fc.constantFrom<unknown>('general', 'work', 'Recovery', 'sprint', 3),
        endDuration: fc.oneof(fc.double({ min: -10, max: 1e5, noNaN: true }), wrongValue),
        endDistance: fc.oneof(fc.double({ min: -10, max: 1e5, noNaN: true }), wrongValue),
      },
      { requiredKeys: ['lapType'] },
    ),
  }),
  fc.record({ kind: fc.constant('field' as const), name: fc.constantFrom('heartRateAverage', 'humidity', 'windSpeed', 'bodyWeight', 'temperature', 'notes', 'deviceType', 'howFelt', 'externalId', 'appVersion'), value: wrongValue }),
  fc.record({ kind: fc.constant('songs' as const), value: fc.oneof(wrongValue, fc.array(fc.oneof(wrongValue, fc.jsonValue({ maxDepth: 3 })), { maxLength: 3 })) }),
  fc.record({ kind: fc.constant('recovery' as const), value: fc.oneof(wrongValue, fc.array(fc.oneof(wrongValue, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 })) }),
  fc.record({ kind: fc.constant('start' as const), value: fc.constantFrom('0000-01-01T00:00:00Z', '0099-06-01T00:00:00+01:00', '1969-12-31T23:59:59Z', '2099-12-31T23:59:59.999+14:00', '9999-01-01T00:00:00Z', '2024-05-01T10:00:00') }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(d: Doc, m: Mutation): void {
  switch (m.kind) {
    case 'value': {
      const arr = d.recordingValues[m.key % d.recordingValues.length];
      if (arr.length > 0) arr[m.at % arr.length] = m.value;
      break;
    }
    case 'pause':
      ((d.pauseIndexes ??= []) as unknown[]).push(m.value);
      break;
    case 'lap': {
      const laps = (d.laps ??= []) as unknown[];
      laps.splice(m.at % (laps.length + 1), 0, m.lap);
      break;
    }
    case 'field':
      d[m.name] = m.value;
      break;
    case 'songs':
      d.songs = m.value;
      break;
    case 'recovery':
      d.heartRateRecovery = m.value;
      break;
    case 'start':
      d.startDateTimeLocal = m.value;
      break;
  }
}

describe('Activity JSON input: wrong documents (property)', () => {
  it('are corrected into documents that pass validate(), or refused with a ConvertError and a place', () => {
    fc.assert(
      fc.property(activityArb(40), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (a, mutations, includePower) => {
        const d = JSON.parse(toActivityJson(a, { includePower: true })) as Doc;
        for (const m of mutations) apply(d, m);
        const text = JSON.stringify(d).replace(/"-INF"/g, '-1e999').replace(/"INF"/g, '1e999');
        let docs: unknown[];
        try {
          docs = convertSync(text, { includePower }).activities.map((r) => r.toObject());
        } catch (e) {
          expect(isConvertError(e)).toBe(true);
          const err = e as { code: string; path?: string };
          expect(['invalid-activity', 'no-samples']).toContain(err.code);
          if (err.code === 'invalid-activity') expect(err.path).toMatch(/^(\/[^/]+)+$/);
          return;
        }
        for (const doc of docs) expect(validate(doc)).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });
});
