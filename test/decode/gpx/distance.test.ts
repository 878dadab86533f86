/**
 * Distance from positions (GPX and TCX files with no distance of their own): every centimetre-rounded
 * cumulative distance equals the sum of Karney's exact geodesic hops, rounded the same way — over the
 * project's fixtures and, when present, the shared corpus. (Vincenty's inverse, used for every hop
 * before the mid-latitude fast path, missed this at 2 915 of 41 085 corpus samples by 1 cm.)
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertSync } from '../../../src/index.js';
import { geodesicDistanceExact } from '../../../src/core/geodesic.js';
import { CORPUS, FIXTURES, HAS_CORPUS, listFiles, readBytes } from '../../helpers/paths.js';

/** Checks every activity of `path` whose distance was computed; returns how many samples were checked. */
function checkAgainstKarney(path: string): number {
  let r;
  try {
    r = convertSync(readBytes(path), { sports: 'all' });
  } catch {
    return 0; // broken fixtures are tested elsewhere
  }
  if (!r.warnings.some((w) => w.code === 'distance-from-positions')) return 0;
  let checked = 0;
  for (const { activity: a } of r.activities) {
    const { latitude: lat, longitude: lon, distance } = a.series;
    if (lat === null || lon === null || distance === null) continue;
    let m = 0;
    let pLat = NaN;
    let pLon = NaN;
    for (let i = 0; i < a.length; i++) {
      if (lat[i] === lat[i] && lon[i] === lon[i]) {
        if (pLat === pLat) m += geodesicDistanceExact(pLat, pLon, lat[i], lon[i]);
        pLat = lat[i];
        pLon = lon[i];
      }
      if (pLat !== pLat) continue;
      expect(distance[i], `${basename(path)} sample ${i}`).toBe(Math.round(m * 100) / 100000);
      checked++;
    }
  }
  return checked;
}

describe('distance from positions equals Karney summed, to the centimetre', () => {
  it('fixtures', () => {
    let n = 0;
    for (const f of [...listFiles(FIXTURES, 'gpx', '.gpx'), ...listFiles(FIXTURES, 'tcx', '.tcx')]) n += checkAgainstKarney(f);
    expect(n).toBeGreaterThan(1000);
  });
  it.skipIf(!HAS_CORPUS)('corpus', () => {
    let n = 0;
    for (const f of [...listFiles(CORPUS, 'gpx', '.gpx'), ...listFiles(CORPUS, 'tcx', '.tcx')]) n += checkAgainstKarney(f);
    expect(n).toBeGreaterThan(39000);
  });
});
