/**
 * Generated Activity JSON documents for the batch tests and the batch benchmark (files we make ourselves,
 * so no licence question): a steady run with a pause, laps and every common series, deterministic for a
 * given seed.
 */

/** Options of {@link makeActivityJson}. */
export interface MakeActivityOptions {
  /** Samples (1 s apart). Default 600. */
  samples?: number;
  /** Varies the start time, position and values. Default 1. */
  seed?: number;
  /** Default `running`; anything else makes a file runjson skips as not running. */
  activityType?: string;
}

/** One Activity JSON document as an object. */
export function makeActivity(o: MakeActivityOptions = {}): Record<string, unknown> {
  const n = Math.max(2, o.samples ?? 600);
  const seed = o.seed ?? 1;
  const pauseAt = Math.floor(n / 2);
  const clock: number[] = [];
  const duration: number[] = [];
  const distance: number[] = [];
  const lat: number[] = [];
  const lon: number[] = [];
  const hr: number[] = [];
  const cad: number[] = [];
  let d = 0;
  let paused = 0;
  for (let i = 0; i < n; i++) {
    if (i === pauseAt) paused += 30; // a 30 s pause before this sample
    const c = i + paused;
    clock.push(c);
    duration.push(i === pauseAt ? duration[i - 1] : i);
    if (i > 0 && i !== pauseAt) d += 0.0028 + ((i * 7 + seed) % 5) * 0.0001;
    d = Math.round(d * 1e6) / 1e6;
    distance.push(d);
    lat.push(Math.round((45.5 + seed * 0.001 + i * 0.00002) * 1e7) / 1e7);
    lon.push(Math.round((-73.6 + i * 0.00001) * 1e7) / 1e7);
    hr.push(120 + ((i + seed) % 40));
    cad.push(85 + ((i * 3 + seed) % 6));
  }
  const day = 1 + (seed % 28);
  return {
    startDateTimeLocal: `2023-05-${String(day).padStart(2, '0')}T07:${String(seed % 60).padStart(2, '0')}:00.000-04:00`,
    externalId: `gen-${seed}`,
    activityType: o.activityType ?? 'running',
    distance: distance[n - 1],
    duration: duration[n - 1],
    recordingKeys: ['clock', 'duration', 'distance', 'latitude', 'longitude', 'heartRate', 'cadence'],
    recordingValues: [clock, duration, distance, lat, lon, hr, cad],
    pauseIndexes: [pauseAt],
    laps: [{ lapType: 'general', endDuration: Math.floor(n / 3) }, { lapType: 'general', endDuration: duration[n - 1] }],
  };
}

/** One Activity JSON document as text. */
export function makeActivityJson(o: MakeActivityOptions = {}): string {
  return JSON.stringify(makeActivity(o));
}
