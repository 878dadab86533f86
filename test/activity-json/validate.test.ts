import { describe, expect, it } from 'vitest';
import { validate } from '../../src/activity-json/validate.js';

/** A small valid document; each test breaks one rule. */
function doc(): Record<string, unknown> {
  return {
    externalId: 'x1',
    startDateTimeLocal: '2024-05-12T06:30:00.000-07:00',
    distance: 0.03,
    duration: 4,
    activityType: 'running',
    recordingKeys: ['clock', 'duration', 'distance', 'latitude', 'longitude', 'heartRate'],
    recordingValues: [
      [0, 1, 10, 11, 12],
      [0, 1, 1, 2, 4],
      [0, 0.005, 0.01, 0.02, 0.03],
      [47.1, 47.1001, 47.1002, 47.1003, 47.1004],
      [8.1, 8.1, 8.1, 8.1, 8.1],
      [120, null, 130, 0, 140],
    ],
    pauseIndexes: [2],
    laps: [
      { lapType: 'general', endDuration: 2 },
      { lapType: 'general', endDistance: 30 },
    ],
  };
}

const codes = (d: unknown): string[] => validate(d).map((p) => p.code);

describe('validate (spec §7)', () => {
  it('accepts a valid document', () => {
    expect(validate(doc())).toEqual([]);
  });

  const cases: [string, (d: Record<string, unknown>) => void, string][] = [
    ['ragged arrays', (d) => (d.recordingValues as number[][])[2].pop(), 'length-mismatch'],
    ['duplicate key', (d) => ((d.recordingKeys as string[])[5] = 'distance'), 'duplicate-recording-key'],
    ['unknown key', (d) => ((d.recordingKeys as string[])[5] = 'speed'), 'unknown-recording-key'],
    [
      'no duration series',
      (d) => {
        (d.recordingKeys as string[]).splice(1, 1);
        (d.recordingValues as number[][]).splice(1, 1);
      },
      'no-duration-series',
    ],
    [
      'no distance nor position',
      (d) => {
        (d.recordingKeys as string[]).splice(2, 2);
        (d.recordingValues as number[][]).splice(2, 2);
      },
      'no-distance-or-position',
    ],
    ['clock decreasing', (d) => ((d.recordingValues as number[][])[0][3] = 9), 'clock-decreases'],
    ['duration decreasing', (d) => ((d.recordingValues as number[][])[1][4] = 0.5), 'duration-decreases'],
    ['pause index out of range', (d) => (d.pauseIndexes = [5]), 'pause-index'],
    ['pause index not increasing', (d) => (d.pauseIndexes = [3, 2]), 'pause-index'],
    ['duration moving across a pause', (d) => (d.pauseIndexes = [3]), 'duration-moves-across-pause'],
    ['summary duration', (d) => (d.duration = 5), 'summary-duration'],
    ['summary distance', (d) => (d.distance = 0.031), 'summary-distance'],
    ['lap ends not increasing', (d) => (d.laps = [{ lapType: 'general', endDuration: 3 }, { lapType: 'general', endDuration: 2 }]), 'lap-order'],
    ['lap beyond the run', (d) => (d.laps = [{ lapType: 'general', endDuration: 5 }]), 'lap-range'],
    ['lap type', (d) => (d.laps = [{ lapType: 'sprint', endDuration: 4 }]), 'enum'],
    ['terrain enum', (d) => (d.terrain = 'mud'), 'enum'],
    ['deviceType enum (documented values only)', (d) => (d.deviceType = 'Garmin'), 'enum'],
    ['latitude range', (d) => ((d.recordingValues as number[][])[3][1] = 91), 'latitude-range'],
    ['longitude range', (d) => ((d.recordingValues as number[][])[4][1] = -180.5), 'longitude-range'],
    ['non-finite value', (d) => ((d.recordingValues as unknown[][])[5][1] = 'NaN'), 'not-finite'],
    ['notes too long', (d) => (d.notes = 'x'.repeat(801)), 'notes-too-long'],
    ['start time without offset', (d) => (d.startDateTimeLocal = '2024-05-12T06:30:00'), 'start-time'],
    ['activity type', (d) => (d.activityType = 'cycling'), 'activity-type'],
    ['integer summary', (d) => (d.heartRateAverage = 131.5), 'wrong-type'],
  ];
  for (const [name, breakIt, code] of cases) {
    it(`reports ${name} as ${code}`, () => {
      const d = doc();
      breakIt(d);
      expect(codes(d)).toContain(code);
    });
  }

  it('rejects what is not an object', () => {
    for (const x of [null, 'run', 42, [doc()]]) expect(codes(x)).toEqual(['not-object']);
  });

  it('accepts Smashrun response extras and case-insensitive enums (howFelt "Unstoppable", lapType "work")', () => {
    const d: Record<string, unknown> = { ...doc(), activityId: 123, source: 'garmin', hasDetails: 1, isTreadmill: 0, howFelt: 'Unstoppable' };
    d.laps = [{ lapType: 'work', endDuration: 2 }];
    expect(validate(d)).toEqual([]);
  });

  it('points at the offending value and caps repeated problems', () => {
    const d = doc();
    const many = Array.from({ length: 100 }, (_, i) => 100 - i);
    d.recordingKeys = ['duration', 'distance'];
    d.recordingValues = [many, many];
    d.pauseIndexes = [];
    d.laps = [];
    const problems = validate(d).filter((p) => p.code === 'duration-decreases');
    expect(problems[0].path).toBe('/recordingValues/0/1');
    expect(problems.length).toBe(21);
  });
});
