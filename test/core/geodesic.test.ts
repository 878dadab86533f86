import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceFromPositions, geodesicDistance, geodesicDistanceExact } from '../../src/core/geodesic.js';

describe('geodesic distance (WGS-84)', () => {
  it('agrees with Karney (geographiclib) to 0.1 mm for hops up to 10 km anywhere', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -89.9, max: 89.9, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -0.05, max: 0.05, noNaN: true }),
        fc.double({ min: -0.05, max: 0.05, noNaN: true }),
        (lat, lon, dlat, dlon) => {
          const lat2 = Math.max(-90, Math.min(90, lat + dlat));
          const lon2 = lon + dlon;
          expect(Math.abs(geodesicDistance(lat, lon, lat2, lon2) - geodesicDistanceExact(lat, lon, lat2, lon2))).toBeLessThan(1e-4);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('falls back to Karney for nearly antipodal points', () => {
    const d = geodesicDistance(0, 0, 0.5, 179.7);
    expect(d).toBeCloseTo(geodesicDistanceExact(0, 0, 0.5, 179.7), 3);
    expect(geodesicDistance(10, 20, 10, 20)).toBe(0);
  });

  it('knows a measured distance: one degree of latitude at the equator is 110574.4 m', () => {
    expect(geodesicDistance(0, 0, 1, 0)).toBeCloseTo(110574.389, 2);
  });

  it('accumulates along positions, keeps the distance over gaps, and has none before the first fix', () => {
    const lat = Float64Array.from([NaN, 0, 0, NaN, 0]);
    const lon = Float64Array.from([NaN, 0, 0.001, NaN, 0.002]);
    const d = distanceFromPositions(lat, lon);
    expect(Number.isNaN(d[0])).toBe(true);
    expect(d[1]).toBe(0);
    expect(d[2]).toBeCloseTo(0.11132, 5);
    expect(d[3]).toBe(d[2]);
    expect(d[4]).toBeCloseTo(0.22264, 5);
  });
});
