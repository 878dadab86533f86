/** What the GPX encoder's tests share: building small runs, encoding, and reading the output back with runjson. */
import { expect } from 'vitest';
import { type Activity, emptyMeta } from '../../../src/core/activity.js';
import { ActivityBuilder } from '../../../src/core/builder.js';
import { Report, type Warning } from '../../../src/core/errors.js';
import type { SeriesKey } from '../../../src/core/series.js';
import { distanceFromPositions } from '../../../src/core/geodesic.js';
import { toGpx } from '../../../src/encode/gpx/to-gpx.js';
import { convertSync } from '../../../src/index.js';

/** One sample of {@link run}: its time (ms since the start) and its values. */
export interface Sample extends Partial<Record<SeriesKey, number>> {
  t: number;
  /** A pause ends just before this sample. */
  pause?: boolean;
}

/** A run built from samples, starting at 2024-05-12 06:30 UTC. */
export function run(samples: Sample[], meta: Partial<Activity['meta']> = {}, laps: number[] = []): Activity {
  const b = new ActivityBuilder(samples.length);
  const t0 = Date.UTC(2024, 4, 12, 6, 30, 0);
  for (const s of samples) {
    if (s.pause === true) b.pause();
    const i = b.add(t0 + s.t);
    for (const [k, v] of Object.entries(s)) {
      if (k !== 't' && k !== 'pause' && typeof v === 'number') b.set(k as SeriesKey, i, v);
    }
  }
  for (const end of laps) b.lap('manual', 'active', end);
  return b.finish({ ...emptyMeta('json'), ...meta }, new Report(), { startTime: t0, utcOffset: 0 });
}

/** The GPX text of `a` and the warnings the encoder counted. */
export function gpxOf(a: Activity): { text: string; bytes: Uint8Array; warnings: Warning[] } {
  const report = new Report();
  const bytes = toGpx(a, { report });
  return { text: new TextDecoder().decode(bytes), bytes, warnings: report.warnings };
}

/** A warning's count by code (0 when absent). */
export function count(warnings: readonly Warning[], code: string): number {
  return warnings.filter((w) => w.code === code).reduce((s, w) => s + w.count, 0);
}

/**
 * Reads a GPX back with runjson, as the export is meant to be read: other sports kept, the pause gap rule
 * off (a run without pauses is one segment, which runjson would otherwise search for gaps) and cadence
 * taken as one leg (as written).
 */
export function readBack(bytes: Uint8Array): Activity {
  const r = convertSync(bytes, { sports: 'all', pauseGap: 0, cadence: 'one-leg' });
  expect(r.activities.length).toBe(1);
  return r.activities[0].activity;
}

const round = (v: number, k: number): number => {
  const r = Math.round(v * 10 ** k) / 10 ** k;
  return r === 0 ? 0 : r;
};

/** Indexes of the samples of `a` that have a position: the ones a GPX holds. */
export function withPosition(a: Activity): number[] {
  const { latitude: lat, longitude: lon } = a.series;
  const out: number[] = [];
  if (lat === null || lon === null) return out;
  for (let i = 0; i < a.length; i++) if (lat[i] === lat[i] && lon[i] === lon[i]) out.push(i);
  return out;
}

/** Where the pauses of `a` fall among the samples `kept`: before the first kept sample at or after each. */
export function pausesAmong(a: Activity, kept: readonly number[]): number[] {
  const out: number[] = [];
  for (const p of a.pauses) {
    const j = kept.findIndex((i) => i >= p);
    if (j > 0 && out[out.length - 1] !== j) out.push(j);
  }
  return out;
}

/** The value GPX holds of `v` for a series, as the writer prints it (NaN: not written). */
export function asGpx(key: SeriesKey, v: number): number {
  if (v !== v) return NaN;
  switch (key) {
    case 'latitude':
    case 'longitude':
      return round(v, 9);
    case 'elevation':
    case 'speed':
      return round(v, 3);
    case 'temperature':
      return round(v, 2);
    case 'heartRate': {
      const r = Math.round(v);
      return r >= 1 && r <= 255 ? r : NaN;
    }
    case 'cadence': {
      const r = Math.round(v);
      return r >= 0 && r <= 254 ? r : NaN;
    }
    case 'power': {
      const r = Math.round(v);
      return r >= 0 && r <= 65535 ? r : NaN;
    }
    default:
      return NaN;
  }
}

/** Series a GPX carries, compared point by point. */
export const GPX_SERIES = ['latitude', 'longitude', 'elevation', 'heartRate', 'cadence', 'temperature', 'speed', 'power'] as const;

/**
 * `b`, read back from the GPX of `a`, holds what GPX carries of `a`: the samples with a position, at the
 * same times, every carried series as the writer prints it, the pauses among those samples, the duration
 * derived from them (the run starting at its first point), and distance computed from the positions.
 */
export function expectGpxRoundTrip(a: Activity, b: Activity): void {
  const kept = withPosition(a);
  expect(b.length).toBe(kept.length);
  expect(Array.from(b.time)).toEqual(kept.map((i) => a.time[i]));
  expect(b.startTime).toBe(a.time[kept[0]]);
  for (const key of GPX_SERIES) {
    const col = a.series[key];
    const want = kept.map((i) => (col === null ? NaN : asGpx(key, col[i])));
    const got = b.series[key];
    if (want.every((v) => v !== v)) expect(got, key).toBeNull();
    else expect(Array.from(got ?? [], (v) => (v === 0 ? 0 : v)), key).toEqual(want);
  }
  const pauses = pausesAmong(a, kept);
  expect(Array.from(b.pauses)).toEqual(pauses);
  // Duration: the source's, less the time before the first point written, wherever no sample was left out.
  if (kept.length === a.length) {
    const lead = Math.round(a.duration[0] * 1000);
    expect(Array.from(b.duration, (d) => Math.round(d * 1000))).toEqual(Array.from(a.duration, (d) => Math.round(d * 1000) - lead));
  }
  const lat = b.series.latitude;
  const lon = b.series.longitude;
  expect(lat).not.toBeNull();
  if (lat !== null && lon !== null) expect(Array.from(b.series.distance ?? [])).toEqual(Array.from(distanceFromPositions(lat, lon, b.length)));
  expect(b.laps.length).toBeLessThanOrEqual(1);
}
