/**
 * A lap that ends at a distance ends at the sample with that distance, even when metres / 1000 is not the
 * column's km value in binary (19.63 / 1000 = 0.019629999999999998 < 0.01963).
 */
import { describe, expect, it } from 'vitest';
import { convertSync } from '../../../src/index.js';

describe('Activity JSON laps by distance', () => {
  it('end at the sample whose distance the lap names', () => {
    const doc = {
      startDateTimeLocal: '2024-03-01T07:00:00-05:00',
      activityType: 'running',
      distance: 0.05,
      duration: 20,
      recordingKeys: ['clock', 'duration', 'distance'],
      recordingValues: [
        [0, 5, 10, 15, 20],
        [0, 5, 10, 15, 20],
        [0, 0.01, 0.01963, 0.035, 0.05],
      ],
      laps: [
        { lapType: 'general', endDistance: 19.63 },
        { lapType: 'general', endDistance: 50 },
      ],
    };
    expect(0.01963 > 19.63 / 1000).toBe(true); // the case itself
    const run = convertSync(new TextEncoder().encode(JSON.stringify(doc)), { format: 'json' }).activities[0];
    expect(run.activity.laps.map((l) => l.endIndex)).toEqual([2, 4]);
  });
});
