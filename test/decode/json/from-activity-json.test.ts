import { describe, expect, it } from 'vitest';
import { ConvertError, type Warning } from '../../../src/core/errors.js';
import { convertSync } from '../../../src/index.js';
import type { ConvertOptions } from '../../../src/convert/options.js';
import { validate } from '../../../src/activity-json/validate.js';
import { makeActivity } from '../../helpers/make-activity.js';

type Doc = Record<string, unknown> & { recordingValues: unknown[][]; recordingKeys: string[] };

/** A 40-sample run: clock, duration, distance, latitude, longitude, heartRate, cadence; a pause at 20; laps at 13 s and 39 s (the last duration). */
const base = (): Doc => makeActivity({ samples: 40 }) as Doc;
const col = (d: Doc, key: string): unknown[] => d.recordingValues[d.recordingKeys.indexOf(key)];

/** JSON text of `doc`, where the string `'INF'` stands for the number `1e999` (Infinity once parsed) and `'-INF'` for `-1e999`. */
const text = (doc: unknown): string => JSON.stringify(doc).replace(/"-INF"/g, '-1e999').replace(/"INF"/g, '1e999');

function errorOf(doc: unknown, options: ConvertOptions = {}): ConvertError {
  try {
    convertSync(typeof doc === 'string' ? doc : text(doc), options);
  } catch (e) {
    expect(e).toBeInstanceOf(ConvertError);
    return e as ConvertError;
  }
  throw new Error('expected a ConvertError');
}

/** Converts, checks that every output passes validate(), returns the documents and the warnings by code. */
function ok(doc: unknown, options: ConvertOptions = {}): { docs: Doc[]; warnings: Record<string, Warning> } {
  const r = convertSync(text(doc), options);
  const docs = r.activities.map((a) => a.toObject() as unknown as Doc);
  for (const d of docs) expect(validate(d)).toEqual([]);
  return { docs, warnings: Object.fromEntries(r.warnings.map((w) => [w.code, w])) };
}

describe('Activity JSON input: limits', () => {
  const samples = JSON.stringify(base());

  it('maxSamples: a recording longer than the limit is refused, before parsing when it is far over', () => {
    // Far over the largest array limit: the scan refuses it before JSON.parse, with line and column.
    const early = errorOf(samples, { limits: { maxSamples: 39, maxLaps: 1, maxActivities: 1 } });
    expect(early).toMatchObject({ code: 'limit-exceeded', path: '/recordingValues/0', line: 1 });
    expect(early.column).toBeGreaterThan(1);
    // Within what the scan lets through (maxLaps is larger): the parsed recording is checked exactly.
    expect(errorOf(samples, { limits: { maxSamples: 39 } })).toMatchObject({ code: 'limit-exceeded', path: '/recordingValues/0' });
    expect(convertSync(samples, { limits: { maxSamples: 40 } }).activities).toHaveLength(1);
  });

  it('maxLaps: more laps than the limit are refused', () => {
    expect(errorOf(samples, { limits: { maxLaps: 1 } })).toMatchObject({ code: 'limit-exceeded', path: '/laps' });
    expect(convertSync(samples, { limits: { maxLaps: 2 } }).activities[0].activity.laps).toHaveLength(2);
  });

  it('maxActivities: an array of more activities than the limit is refused', () => {
    const three = `[${samples},${samples},${samples}]`;
    expect(errorOf(three, { limits: { maxActivities: 2 } })).toMatchObject({ code: 'limit-exceeded', path: '' });
    expect(convertSync(three, { limits: { maxActivities: 3 } }).activities).toHaveLength(3);
  });

  it('maxStringLength and maxDepth', () => {
    const d = base();
    d.notes = 'n'.repeat(2000);
    expect(errorOf(d, { limits: { maxStringLength: 1000 } })).toMatchObject({ code: 'limit-exceeded', path: '/notes' });
    d.notes = 'short';
    d.songs = [{ song: 'x', extra: [[[[[1]]]]] }];
    expect(errorOf(d, { limits: { maxDepth: 6 } })).toMatchObject({ code: 'limit-exceeded', path: '/songs/0/extra/0/0/0' });
    expect(convertSync(text(d), { limits: { maxDepth: 8 } }).activities).toHaveLength(1);
  });
});

describe('Activity JSON input: pass-through fields', () => {
  it('songs nested 5000 deep: refused by maxDepth; with a larger limit, left out — never written', () => {
    const d = base();
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const t = text(d).replace(/}$/, `,"songs":[${deep}]}`);
    expect(t.length).toBeLessThan(40_000);
    expect(errorOf(t)).toMatchObject({ code: 'limit-exceeded' });
    const r = convertSync(t, { limits: { maxDepth: 6000 } });
    const out = r.activities[0].toObject();
    expect(out.songs).toEqual([]);
    expect(r.warnings.find((w) => w.code === 'bad-pass-through')).toMatchObject({ count: 1, path: '/songs/0' });
  });

  it('keeps flat songs of the documented fields; leaves out and counts the rest', () => {
    const d = base();
    const good = { album: 'A', artist: 'B', song: 'C', BPM: 170, startClock: 0, endClock: 200.5 };
    d.songs = [good, { song: 'D', genre: 'rock' }, { song: ['E'] }, { BPM: 'INF' }, 'F', null, { artist: 'G', album: null }, { song: { deep: 1 } }];
    const { docs, warnings } = ok(d);
    expect(docs[0].songs).toEqual([good, { artist: 'G' }]);
    expect(warnings['bad-pass-through']).toMatchObject({ count: 6, path: '/songs/1' });
  });

  it('keeps flat {duration, heartRate} recovery entries of finite numbers; counts the rest', () => {
    const d = base();
    d.heartRateRecovery = [{ duration: 60, heartRate: 120 }, { duration: 120, heartRate: 'INF' }, { duration: 1, heartRate: 2, x: [] }, [60, 120], { duration: 180 }];
    const { docs, warnings } = ok(d);
    expect(docs[0].heartRateRecovery).toEqual([{ duration: 60, heartRate: 120 }]);
    expect(warnings['bad-pass-through']).toMatchObject({ count: 4, path: '/heartRateRecovery/1' });
  });

  it('songs that are not an array are left out and counted', () => {
    const d = base();
    d.songs = { song: 'x' };
    const { docs, warnings } = ok(d);
    expect(docs[0]).not.toHaveProperty('songs');
    expect(warnings['bad-pass-through']).toMatchObject({ count: 1, path: '/songs' });
  });
});

describe('Activity JSON input: the timeline (clock, duration)', () => {
  const cases: [string, (d: Doc) => void, string][] = [
    ['clock null', (d) => (col(d, 'clock')[17] = null), '/recordingValues/0/17'],
    ['clock decreasing', (d) => (col(d, 'clock')[17] = 3), '/recordingValues/0/17'],
    ['clock not finite', (d) => (col(d, 'clock')[17] = 'INF'), '/recordingValues/0/17'],
    ['clock a string', (d) => (col(d, 'clock')[17] = '17'), '/recordingValues/0/17'],
    ['clock negative', (d) => (col(d, 'clock')[0] = -1), '/recordingValues/0/0'],
    ['duration null', (d) => (col(d, 'duration')[5] = null), '/recordingValues/1/5'],
    ['duration decreasing', (d) => (col(d, 'duration')[5] = 1), '/recordingValues/1/5'],
    ['duration -Infinity', (d) => (col(d, 'duration')[5] = '-INF'), '/recordingValues/1/5'],
    ['a clock running past 2099', (d) => (col(d, 'clock')[39] = 4e9), '/recordingValues/0/39'],
  ];
  for (const [name, mutate, path] of cases) {
    it(`refuses ${name}, with its path`, () => {
      const d = base();
      mutate(d);
      expect(errorOf(d)).toMatchObject({ code: 'invalid-activity', format: 'json', path });
    });
  }

  it('in an array of activities, the path starts at the activity, and the message names it', () => {
    const bad = base();
    col(bad, 'clock')[17] = null;
    const err = errorOf([base(), bad]);
    expect(err).toMatchObject({ code: 'invalid-activity', path: '/1/recordingValues/0/17' });
    expect(err.message).toMatch(/^activity 1: /);
  });

  it('every refusal carries a path', () => {
    const docs: unknown[] = [
      [5],
      { ...base(), startDateTimeLocal: 'soon' },
      { ...base(), recordingKeys: 'x' },
      { ...base(), recordingValues: {} },
      { ...base(), recordingKeys: ['clock'] },
      { ...base(), recordingKeys: ['clock', 'duration', 'distance', 'latitude', 'longitude', 'heartRate', 'heartRate'] },
      { ...base(), recordingKeys: ['clock', 'duration', 'distance', 'latitude', 'longitude', 'heartRate', 7] },
      { ...base(), recordingKeys: ['clock', 'x', 'distance', 'latitude', 'longitude', 'heartRate', 'cadence'] },
      { ...base(), pauseIndexes: 3 },
      { ...base(), laps: {} },
    ];
    const paths = docs.map((d) => errorOf(d)).map((e) => [e.code, e.path]);
    expect(paths).toEqual([
      ['invalid-activity', '/0'],
      ['invalid-activity', '/startDateTimeLocal'],
      ['invalid-activity', '/recordingKeys'],
      ['invalid-activity', '/recordingValues'],
      ['invalid-activity', '/recordingValues'],
      ['invalid-activity', '/recordingKeys/6'],
      ['invalid-activity', '/recordingKeys/6'],
      ['invalid-activity', '/recordingKeys'],
      ['invalid-activity', '/pauseIndexes'],
      ['invalid-activity', '/laps'],
    ]);
    const ragged = base();
    col(ragged, 'heartRate').pop();
    expect(errorOf(ragged)).toMatchObject({ code: 'invalid-activity', path: '/recordingValues/5' });
  });

  it('keeps the line and column of a JSON syntax error; its offset counts bytes, a BOM included', () => {
    expect(errorOf('{\n "a": [1,, 2]}')).toMatchObject({ code: 'malformed', line: 2, column: 10, offset: 11 });
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"é": [1,, 2]}')]);
    try {
      convertSync(bytes);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'malformed', line: 1, column: 10, offset: 3 + 10 });
    }
  });
});

describe('Activity JSON input: values corrected, counted, and written valid', () => {
  it('a pause across which the duration moves is left out; the series are kept', () => {
    const d = base();
    d.pauseIndexes = [20, 30, 45, 10];
    const { docs, warnings } = ok(d);
    expect(docs[0].pauseIndexes).toEqual([20]);
    expect(warnings['bad-pause-index']).toMatchObject({ count: 3, path: '/pauseIndexes/1' });
    expect(docs[0].recordingValues[1]).toEqual(col(base(), 'duration'));
  });

  it('positions out of range, or half a position, are left out (both coordinates)', () => {
    const d = base();
    col(d, 'latitude')[3] = 91;
    col(d, 'longitude')[4] = -180.5;
    col(d, 'latitude')[5] = null;
    const { docs, warnings } = ok(d);
    const lat = col(docs[0], 'latitude');
    const lon = col(docs[0], 'longitude');
    for (const i of [3, 4, 5]) expect([lat[i], lon[i]]).toEqual([null, null]);
    expect(lat[6]).toBe(col(base(), 'latitude')[6]);
    expect(warnings['position-out-of-range']).toMatchObject({ count: 3, path: '/recordingValues/3/3' });
  });

  it('a latitude series without longitudes is no position at all', () => {
    const d = base();
    const k = d.recordingKeys.indexOf('longitude');
    d.recordingKeys.splice(k, 1);
    d.recordingValues.splice(k, 1);
    const { docs, warnings } = ok(d);
    expect(docs[0].recordingKeys).not.toContain('latitude');
    expect(warnings['position-out-of-range']).toMatchObject({ count: 40 });
  });

  it('numbers that are not finite (1e999) are null, counted; so are summary fields', () => {
    const d = base();
    col(d, 'heartRate')[7] = 'INF';
    col(d, 'cadence')[8] = '-INF';
    d.bodyWeight = 'INF';
    const { docs, warnings } = ok(d);
    expect(col(docs[0], 'heartRate')[7]).toBeNull();
    expect(col(docs[0], 'cadence')[8]).toBeNull();
    expect(docs[0]).not.toHaveProperty('bodyWeight');
    expect(warnings['not-finite']).toMatchObject({ count: 3, path: '/recordingValues/5/7' });
  });

  it('laps ending beyond the run, before 0, or not after the lap before are left out', () => {
    const d = base();
    d.laps = [
      { lapType: 'general', endDuration: 13 },
      { lapType: 'general', endDuration: 10 }, // before the previous one
      { lapType: 'general', endDuration: 38 },
      { lapType: 'general', endDuration: 40 }, // beyond the last duration (39)
      { lapType: 'general', endDistance: -5 },
      { lapType: 'general', endDistance: 50 },
      { lapType: 'general', endDistance: 50 }, // not after the previous distance lap
      { lapType: 'general', endDistance: 1e6 }, // beyond the last distance
      { lapType: 'general', endDuration: 'INF', endDistance: 60 }, // no duration: by distance
    ];
    const { docs, warnings } = ok(d);
    expect(docs[0].laps).toEqual([
      { lapType: 'general', endDuration: 13 },
      { lapType: 'general', endDuration: 38 },
      { lapType: 'general', endDistance: 50 },
      { lapType: 'general', endDistance: 60 },
    ]);
    expect(warnings['lap-out-of-range']).toMatchObject({ count: 5, path: '/laps/1/endDuration' });
    expect(warnings['not-finite']).toMatchObject({ count: 1, path: '/laps/8/endDuration' });
  });

  it('distance laps of a run without a distance series are checked against the distance runjson computes', () => {
    const d = base();
    const k = d.recordingKeys.indexOf('distance');
    d.recordingKeys.splice(k, 1);
    d.recordingValues.splice(k, 1);
    d.laps = [
      { lapType: 'general', endDistance: 50 },
      { lapType: 'general', endDistance: 5000 },
    ];
    const { docs, warnings } = ok(d);
    expect(docs[0].laps).toEqual([{ lapType: 'general', endDistance: 50 }]);
    expect(warnings['lap-out-of-range']).toMatchObject({ count: 1, path: '/laps/1/endDistance' });
  });

  it('summary values given without their series are written as integers; humidity out of 0–100 is left out', () => {
    const d = base();
    const k = d.recordingKeys.indexOf('heartRate');
    d.recordingKeys.splice(k, 1);
    d.recordingValues.splice(k, 1);
    Object.assign(d, { heartRateAverage: 150.5, heartRateMax: 171.2, humidity: 150, windSpeed: 12.4, notes: 7 });
    const { docs, warnings } = ok(d);
    expect(docs[0]).toMatchObject({ heartRateAverage: 151, heartRateMax: 171, windSpeed: 12 });
    expect(docs[0]).not.toHaveProperty('humidity');
    expect(docs[0]).not.toHaveProperty('notes');
    expect(warnings['unknown-value']).toMatchObject({ count: 2, path: '/notes' });
  });

  it('the summary distance and duration are recomputed from the series, whatever the input says', () => {
    const d = base();
    Object.assign(d, { distance: 999, duration: -5 });
    const { docs } = ok(d);
    expect(docs[0].duration).toBe(col(base(), 'duration')[39]);
    expect(docs[0].distance).toBe(col(base(), 'distance')[39]);
  });
});
