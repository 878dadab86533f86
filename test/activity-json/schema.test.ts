/**
 * `schema/activity-json.schema.json` (the JSON Schema shipped for uploaders in other languages) against
 * real output: every converted fixture (and corpus file, when the corpus is present) passes both the schema
 * and `validate()`; what the schema can say, it rejects together with `validate()`; and what only
 * `validate()` can say (relations across fields and arrays) is shown: documents the schema accepts and
 * `validate()` rejects.
 */
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ConvertError, convertSync, validate } from '../../src/index.js';
import { CORPUS, FIXTURES, HAS_CORPUS, ROOT, listFiles, readBytes } from '../helpers/paths.js';

type Doc = Record<string, unknown>;

const SCHEMA_PATH = join(ROOT, 'schema', 'activity-json.schema.json');
const SCHEMA = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;

/** Compiles the schema in Ajv's strict mode; anything Ajv would log instead of throwing is collected. */
function compile(): { check: ValidateFunction; logged: string[] } {
  const logged: string[] = [];
  const keep = (...args: unknown[]): void => void logged.push(args.map(String).join(' '));
  const ajv = new Ajv2020({ strict: true, allErrors: true, logger: { log: keep, warn: keep, error: keep } });
  return { check: ajv.compile(SCHEMA), logged };
}

let compiled: ValidateFunction | undefined;
/** The schema's errors for `doc` as `path: message` lines, [] when it accepts. */
function schemaErrors(doc: unknown): string[] {
  compiled ??= compile().check;
  if (compiled(doc)) return [];
  return (compiled.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'}: ${e.keyword} ${e.message ?? ''}`.trim());
}
/** The codes of validate()'s problems, sorted and without repeats. */
const codes = (doc: unknown): string[] => [...new Set(validate(doc).map((p) => p.code))].sort();

/** Activity JSON documents of a file, or null when it does not convert (a ConvertError). */
function documentsOf(path: string): Doc[] | null {
  try {
    return convertSync(readBytes(path), { sports: 'all' }).activities.map((a) => a.toObject() as unknown as Doc);
  } catch (e) {
    if (e instanceof ConvertError) return null;
    throw e;
  }
}

/**
 * Checks every document converted from `files`: schema and validate() both accept a running document. With
 * `sports: 'all'` a document of another sport carries its own activityType (spec §2): then both reject it
 * for that alone, and accept it once relabelled running. Returns the number of documents, the folders
 * (fit, tcx, …) that gave none although they hold files (a whole format skipped would hide a regression),
 * and the failures.
 */
function checkFiles(base: string, files: string[]): { documents: number; barren: string[]; failures: unknown[] } {
  let documents = 0;
  const perFolder = new Map<string, number>();
  const failures: unknown[] = [];
  for (const file of files) {
    const folder = relative(base, file).split(sep)[0];
    const docs = documentsOf(file) ?? [];
    perFolder.set(folder, (perFolder.get(folder) ?? 0) + docs.length);
    docs.forEach((doc, i) => {
      documents++;
      const where = `${relative(base, file)}#${i}`;
      if (doc.activityType === undefined || doc.activityType === 'running') {
        const schema = schemaErrors(doc);
        const problems = validate(doc);
        if (schema.length > 0 || problems.length > 0) failures.push({ where, schema: schema.slice(0, 5), problems: problems.slice(0, 5) });
        return;
      }
      const schemaOther = schemaErrors(doc);
      const codesOther = codes(doc);
      const asRun = { ...doc, activityType: 'running' };
      const ok =
        schemaOther.length > 0 &&
        schemaOther.every((e) => e.startsWith('/activityType:')) &&
        codesOther.join() === 'activity-type' &&
        schemaErrors(asRun).length === 0 &&
        validate(asRun).length === 0;
      if (!ok) failures.push({ where, activityType: doc.activityType, schema: schemaOther.slice(0, 5), codes: codesOther, asRun: schemaErrors(asRun).slice(0, 5) });
    });
  }
  const barren = [...perFolder].filter(([, n]) => n === 0).map(([folder]) => folder);
  return { documents, barren, failures };
}

const FIXTURE_FILES = [
  ...listFiles(FIXTURES, 'fit', '.fit'),
  ...listFiles(FIXTURES, 'tcx', '.tcx'),
  ...listFiles(FIXTURES, 'gpx', '.gpx'),
  ...listFiles(FIXTURES, 'json', '.json'),
];

/** A converted document with every structure the cases below change: clock, distance, positions, pauses, two laps or more. */
function baseDocument(): Doc {
  for (const file of FIXTURE_FILES) {
    for (const doc of documentsOf(file) ?? []) {
      const keys = doc.recordingKeys as string[];
      const rich =
        doc.activityType === 'running' &&
        ['clock', 'duration', 'distance', 'latitude', 'longitude', 'heartRate'].every((k) => keys.includes(k)) &&
        (doc.pauseIndexes as number[]).length > 0 &&
        (doc.laps as unknown[]).length >= 2 &&
        validate(doc).length === 0;
      if (rich) return doc;
    }
  }
  throw new Error('no fixture converts to a document with clock, distance, positions, pauses and two laps');
}

let base: Doc | undefined;
/** A fresh deep copy of the base document, to change one thing in. */
function doc(): Doc {
  base ??= baseDocument();
  return structuredClone(base);
}
const series = (d: Doc, key: string): (number | null)[] => (d.recordingValues as (number | null)[][])[(d.recordingKeys as string[]).indexOf(key)];
const length = (d: Doc): number => series(d, 'duration').length;

describe('Activity JSON schema', () => {
  it('is a draft 2020-12 schema that compiles in strict mode', () => {
    expect(SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(SCHEMA.$id).toBe('activity-json.schema.json');
    const { logged } = compile();
    expect(logged).toEqual([]);
  });

  it('accepts every converted fixture, as validate() does', () => {
    const { documents, barren, failures } = checkFiles(FIXTURES, FIXTURE_FILES);
    expect(failures).toEqual([]);
    expect(barren).toEqual([]);
    expect(documents).toBeGreaterThanOrEqual(15);
  });

  it.skipIf(!HAS_CORPUS)('accepts every converted corpus file, as validate() does', () => {
    const files = ['fit', 'tcx', 'gpx', 'json'].flatMap((dir) => listFiles(CORPUS, dir, `.${dir}`));
    const { documents, barren, failures } = checkFiles(CORPUS, files);
    expect(failures).toEqual([]);
    expect(barren).toEqual([]);
    expect(documents).toBeGreaterThan(0);
  });

  it('accepts converted runs with every optional field set (options, songs, heart-rate recovery, power)', () => {
    const songs = [{ album: 'A', artist: 'B', song: 'C', BPM: 172, startClock: 0, endClock: 215.5 }];
    const options = {
      sports: 'all',
      externalId: 'run-1',
      notes: 'é'.repeat(800),
      howFelt: 'unstoppable',
      terrain: 'trail',
      weatherType: 'rain',
      humidity: 55,
      windSpeed: 12,
      bodyWeight: 70.5,
      songs,
    } as const;
    const [run] = convertSync(readBytes(join(FIXTURES, 'fit', 'synthetic-run.fit')), options).activities;
    const d = run.toObject() as unknown as Doc;
    const fields = ['externalId', 'notes', 'howFelt', 'terrain', 'weatherType', 'humidity', 'windSpeed', 'bodyWeight', 'songs', 'heartRateRecovery', 'deviceType', 'appVersion'];
    for (const f of [...fields, 'cadenceAverage', 'heartRateAverage', 'temperature']) expect(d, f).toHaveProperty(f);
    expect(schemaErrors(d)).toEqual([]);
    expect(validate(d)).toEqual([]);

    const [withPower] = convertSync(readBytes(join(FIXTURES, 'fit', 'fitparse__developer-types-sample.fit')), { sports: 'all', includePower: true }).activities;
    const p = withPower.toObject() as unknown as Doc;
    expect(p.recordingKeys).toContain('power');
    expect(schemaErrors(p)).toEqual([]);
    expect(validate(p)).toEqual([]);
  });

  it("accepts a Smashrun response as it is (read-only fields, howFelt 'Unstoppable', lapType 'work')", () => {
    const response = JSON.parse(readFileSync(join(FIXTURES, 'json', 'smashrun-response.json'), 'utf8')) as Doc;
    expect(response.activityId).toBeDefined();
    expect(schemaErrors(response)).toEqual([]);
    expect(validate(response)).toEqual([]);
  });

  it('rejects, with validate(), a document without the summary distance (runjson input, not a document to send)', () => {
    const input = JSON.parse(readFileSync(join(FIXTURES, 'json', 'positions-only.json'), 'utf8')) as Doc;
    expect(input.distance).toBeUndefined();
    expect(schemaErrors(input)).toEqual(["/: required must have required property 'distance'"]);
    expect(codes(input)).toEqual(['missing-field']);
  });

  it('starts the cases below from a document both accept', () => {
    expect(schemaErrors(doc())).toEqual([]);
    expect(validate(doc())).toEqual([]);
  });
});

describe('what the schema says, it rejects as validate() does', () => {
  /** [case, change, where the schema objects (instance path prefix), validate()'s code]. */
  const cases: [string, (d: Doc) => void, string, string][] = [
    [
      'no duration key',
      (d) => {
        const at = (d.recordingKeys as string[]).indexOf('duration');
        (d.recordingKeys as string[]).splice(at, 1);
        (d.recordingValues as unknown[]).splice(at, 1);
      },
      '/recordingKeys',
      'no-duration-series',
    ],
    [
      'neither distance nor both positions',
      (d) => {
        for (const k of ['distance', 'longitude']) {
          const at = (d.recordingKeys as string[]).indexOf(k);
          (d.recordingKeys as string[]).splice(at, 1);
          (d.recordingValues as unknown[]).splice(at, 1);
        }
        d.laps = (d.laps as Doc[]).filter((l) => l.endDuration !== undefined);
      },
      '/recordingKeys',
      'no-distance-or-position',
    ],
    ['an unknown recording key', (d) => ((d.recordingKeys as string[])[(d.recordingKeys as string[]).indexOf('heartRate')] = 'speed'), '/recordingKeys/', 'unknown-recording-key'],
    [
      'a recording key twice',
      (d) => {
        (d.recordingKeys as string[]).push('heartRate');
        (d.recordingValues as unknown[]).push([...series(d, 'heartRate')]);
      },
      '/recordingKeys',
      'duplicate-recording-key',
    ],
    ['terrain not in the enum', (d) => (d.terrain = 'mud'), '/terrain', 'enum'],
    ['howFelt not in the enum', (d) => (d.howFelt = 'meh'), '/howFelt', 'enum'],
    ['weatherType not in the enum', (d) => (d.weatherType = 'fog'), '/weatherType', 'enum'],
    ['deviceType not a documented value', (d) => (d.deviceType = 'Garmin'), '/deviceType', 'enum'],
    ['lapType not in the enum', (d) => ((d.laps as Doc[])[0].lapType = 'sprint'), '/laps/0/lapType', 'enum'],
    ['activityType not running', (d) => (d.activityType = 'cycling'), '/activityType', 'activity-type'],
    ['humidity over 100 %', (d) => (d.humidity = 101), '/humidity', 'enum'],
    ['notes of 801 characters', (d) => (d.notes = 'x'.repeat(801)), '/notes', 'notes-too-long'],
    ['a string in recordingValues', (d) => (series(d, 'distance')[1] = '0.001' as unknown as number), '/recordingValues/', 'not-finite'],
    ['startDateTimeLocal without an offset', (d) => (d.startDateTimeLocal = (d.startDateTimeLocal as string).replace(/(Z|[+-]\d\d:\d\d)$/, '')), '/startDateTimeLocal', 'start-time'],
    ['a lap without an end', (d) => ((d.laps as Doc[])[0] = { lapType: 'general' }), '/laps/0', 'missing-field'],
    ['a pause index of 0', (d) => (d.pauseIndexes = [0]), '/pauseIndexes/0', 'pause-index'],
    ['a summary heart rate that is not an integer', (d) => (d.heartRateAverage = 150.5), '/heartRateAverage', 'wrong-type'],
    [
      'no startDateTimeLocal',
      (d) => {
        delete d.startDateTimeLocal;
      },
      '/: required',
      'missing-field',
    ],
  ];
  for (const [name, change, where, code] of cases) {
    it(`${name}: schema at ${where}, validate() ${code}`, () => {
      const d = doc();
      change(d);
      const errors = schemaErrors(d);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.filter((e) => !e.startsWith(where))).toEqual([]);
      expect(codes(d)).toEqual([code]);
    });
  }
});

describe('what only validate() can say: documents the schema accepts and validate() rejects', () => {
  const cases: [string, (d: Doc) => void, string][] = [
    ['summary distance differs from the last distance recording', (d) => (d.distance = (d.distance as number) + 0.001), 'summary-distance'],
    ['summary duration differs from the last duration recording', (d) => (d.duration = (d.duration as number) + 1), 'summary-duration'],
    [
      'duration moves at a pause index',
      (d) => {
        const dur = series(d, 'duration');
        const p = dur.findIndex((v, j) => j > 0 && v !== dur[j - 1]);
        d.pauseIndexes = [p];
      },
      'duration-moves-across-pause',
    ],
    ['a pause index beyond the recordings', (d) => (d.pauseIndexes = [...(d.pauseIndexes as number[]), length(d)]), 'pause-index'],
    ['pause indexes not increasing', (d) => (d.pauseIndexes = [...(d.pauseIndexes as number[])].reverse().concat(1)), 'pause-index'],
    ['recording arrays of unequal length', (d) => series(d, 'heartRate').pop(), 'length-mismatch'],
    ['one recording array fewer than keys', (d) => (d.recordingValues as unknown[]).pop(), 'length-mismatch'],
    [
      'a decreasing clock',
      (d) => {
        const clock = series(d, 'clock');
        const j = Math.floor(clock.length / 2);
        clock[j] = (clock[j - 1] as number) - 0.5;
      },
      'clock-decreases',
    ],
    [
      'a decreasing duration',
      (d) => {
        const dur = series(d, 'duration');
        const j = dur.findIndex((v, k) => k > 0 && v !== dur[k - 1]);
        dur[j] = (dur[j - 1] as number) - 0.5;
      },
      'duration-decreases',
    ],
    ['a null in the duration series', (d) => (series(d, 'duration')[1] = null), 'not-finite'],
    ['a latitude of 91 in the series', (d) => (series(d, 'latitude')[1] = 91), 'latitude-range'],
    ['a longitude of -181 in the series', (d) => (series(d, 'longitude')[1] = -181), 'longitude-range'],
    [
      'lap ends that decrease',
      (d) => {
        const end = d.duration as number;
        d.laps = [
          { lapType: 'general', endDuration: end / 2 },
          { lapType: 'general', endDuration: end / 4 },
        ];
      },
      'lap-order',
    ],
    ['a lap that ends after the run (duration)', (d) => (d.laps = [{ lapType: 'general', endDuration: (d.duration as number) + 1 }]), 'lap-range'],
    ['a lap that ends after the run (distance, metres)', (d) => (d.laps = [{ lapType: 'general', endDistance: (d.distance as number) * 1000 + 1 }]), 'lap-range'],
  ];
  for (const [name, change, code] of cases) {
    it(`${name}: schema accepts, validate() ${code}`, () => {
      const d = doc();
      change(d);
      expect(schemaErrors(d)).toEqual([]);
      expect(codes(d)).toEqual([code]);
    });
  }
});
