import { describe, expect, it } from 'vitest';
import { emptyMeta, type Intensity } from '../../src/core/activity.js';
import { ActivityBuilder } from '../../src/core/builder.js';
import { Report } from '../../src/core/errors.js';
import { km2m, lapsFromSource, lapTypes } from '../../src/core/laps.js';

const T0 = Date.UTC(2024, 0, 1);

describe('ActivityBuilder', () => {
  it('grows by doubling, allocates a series on first use with earlier samples missing, and trims', () => {
    const b = new ActivityBuilder(16);
    for (let i = 0; i < 1000; i++) {
      const k = b.add(T0 + i * 1000);
      if (i >= 500) b.set('heartRate', k, 100 + (i % 50));
    }
    const a = b.finish(emptyMeta('fit'), new Report());
    expect(a.length).toBe(1000);
    expect(a.time.length).toBe(1000);
    expect(a.series.heartRate!.length).toBe(1000);
    expect(Number.isNaN(a.series.heartRate![499])).toBe(true);
    expect(a.series.heartRate![500]).toBe(100);
    expect(a.series.cadence).toBeNull();
    expect(a.duration[999]).toBe(999);
  });

  it('adopts a ready column without copying it, only when sized exactly', () => {
    const b = new ActivityBuilder(3);
    for (let i = 0; i < 3; i++) b.add(T0 + i * 1000);
    const hr = Float64Array.from([120, 121, 122]);
    b.adopt('heartRate', hr);
    expect(() => b.adopt('cadence', new Float64Array(2))).toThrow(RangeError);
    expect(b.finish(emptyMeta('fit'), new Report()).series.heartRate).toBe(hr);
    const loose = new ActivityBuilder(8);
    loose.add(T0);
    expect(() => loose.adopt('power', new Float64Array(1))).toThrow(RangeError);
  });

  it('drops a column whose every value is missing (a key only appears with real values, spec §3)', () => {
    const b = new ActivityBuilder();
    b.set('power', b.add(T0), NaN);
    expect(b.finish(emptyMeta('fit'), new Report()).series.power).toBeNull();
  });

  it('records a pause before the next sample, once, and ignores one before the first sample', () => {
    const b = new ActivityBuilder();
    b.pause();
    b.add(T0);
    b.add(T0 + 1000);
    b.pause();
    b.pause();
    b.add(T0 + 60_000);
    b.add(T0 + 61_000);
    const a = b.finish(emptyMeta('fit'), new Report());
    expect(Array.from(a.pauses)).toEqual([2]);
    expect(Array.from(a.duration)).toEqual([0, 1, 1, 2]);
  });

  it('starts the run at startTime when the source says it began before the first sample, never after', () => {
    const b = new ActivityBuilder();
    b.add(T0 + 3000);
    b.add(T0 + 4000);
    expect(Array.from(b.finish(emptyMeta('fit'), new Report(), { startTime: T0 }).duration)).toEqual([3, 4]);
    const late = b.finish(emptyMeta('fit'), new Report(), { startTime: T0 + 9000 });
    expect(late.startTime).toBe(T0 + 3000);
  });
});

describe('laps (spec §5)', () => {
  const duration = Float64Array.from([0, 10, 20, 20, 30, 40, 50]);
  const distance = Float64Array.from([0, 0.04, 0.08, 0.08, 0.12, 0.16, 0.2]);

  it('types: active laps are interval only when the run has rest laps', () => {
    expect(lapTypes(['active', 'active'])).toEqual(['general', 'general']);
    expect(lapTypes(['warmup', 'active', 'rest', 'active', 'cooldown'])).toEqual(['warmup', 'interval', 'recovery', 'interval', 'cooldown']);
  });

  it('sends distance-triggered laps by distance in metres, others by duration; the last lap ends the run', () => {
    const r = new Report();
    const laps = lapsFromSource(
      [
        { endIndex: 2, trigger: 'distance', intensity: 'active', startTime: NaN, calories: NaN },
        { endIndex: 4, trigger: 'manual', intensity: 'active', startTime: NaN, calories: NaN },
        { endIndex: 5, trigger: 'manual', intensity: 'active', startTime: NaN, calories: NaN },
      ],
      duration,
      distance,
      r,
    );
    expect(laps.map(({ type, by, end }) => ({ type, by, end }))).toEqual([
      { type: 'general', by: 'distance', end: 80 },
      { type: 'general', by: 'duration', end: 30 },
      { type: 'general', by: 'duration', end: 50 },
    ]);
    // Each lap keeps what the source said of it; the last ends at the last sample.
    expect(laps.map((l) => [l.endIndex, l.trigger, l.intensity])).toEqual([
      [2, 'distance', 'active'],
      [4, 'manual', 'active'],
      [6, 'manual', 'active'],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('merges laps with no sample or no duration of their own, and counts them', () => {
    const r = new Report();
    const intensity: Intensity = 'active';
    const laps = lapsFromSource(
      [
        { endIndex: 2, trigger: 'manual', intensity, startTime: NaN, calories: NaN },
        { endIndex: 2, trigger: 'manual', intensity, startTime: NaN, calories: NaN }, // same end sample
        { endIndex: 3, trigger: 'manual', intensity, startTime: NaN, calories: NaN }, // ends inside the pause: no duration of its own
        { endIndex: 6, trigger: 'manual', intensity, startTime: NaN, calories: NaN },
      ],
      duration,
      distance,
      r,
    );
    expect(laps.map((l) => l.end)).toEqual([20, 50]);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'empty-lap', count: 2 })]);
  });

  it('km2m gives clean metres', () => {
    expect(km2m(0.4)).toBe(400);
    expect(km2m(1.23456)).toBe(1234.56);
  });
});
