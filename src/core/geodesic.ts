/**
 * Distance from positions, for sources with no distance series at all (spec §1): geodesic distance on the
 * WGS-84 ellipsoid between consecutive positions.
 *
 * Hot path: a GPX run has one call per point. Vincenty's inverse formula converges in 2–4 iterations for
 * the short hops between consecutive GPS fixes and agrees with Karney's algorithm to well under a
 * millimetre there; where it does not converge (nearly antipodal points) we fall back to Karney's
 * algorithm from `geographiclib-geodesic`, which is exact everywhere but several times slower.
 */
import * as geographiclib from 'geographiclib-geodesic';

const A = 6378137.0;
const F = 1 / 298.257223563;
const B = A * (1 - F);
const RAD = Math.PI / 180;

type GeodesicModule = typeof geographiclib;
const geo: GeodesicModule = (geographiclib as unknown as { default?: GeodesicModule }).default ?? geographiclib;

/** Geodesic distance in metres between two WGS-84 positions given in degrees (Karney's algorithm). */
export function geodesicDistanceExact(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return geo.Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, geo.Geodesic.DISTANCE).s12 ?? NaN;
}

/** Geodesic distance in metres between two WGS-84 positions given in degrees. */
export function geodesicDistance(lat1: number, lon1: number, lat2: number, lon2: number): number {
  if (lat1 === lat2 && lon1 === lon2) return 0;
  const L = (lon2 - lon1) * RAD;
  const U1 = Math.atan((1 - F) * Math.tan(lat1 * RAD));
  const U2 = Math.atan((1 - F) * Math.tan(lat2 * RAD));
  const sinU1 = Math.sin(U1);
  const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2);
  const cosU2 = Math.cos(U2);
  let lambda = L;
  for (let iter = 0; iter < 20; iter++) {
    const sinLambda = Math.sin(lambda);
    const cosLambda = Math.cos(lambda);
    const t1 = cosU2 * sinLambda;
    const t2 = cosU1 * sinU2 - sinU1 * cosU2 * cosLambda;
    const sinSigma = Math.sqrt(t1 * t1 + t2 * t2);
    if (sinSigma === 0) return 0;
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
    const sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
    const cos2Alpha = 1 - sinAlpha * sinAlpha;
    const cos2SigmaM = cos2Alpha !== 0 ? cosSigma - (2 * sinU1 * sinU2) / cos2Alpha : 0;
    const C = (F / 16) * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha));
    const prev = lambda;
    lambda =
      L + (1 - C) * F * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda - prev) < 1e-12) {
      const u2 = (cos2Alpha * (A * A - B * B)) / (B * B);
      const Ak = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
      const Bk = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
      const deltaSigma =
        Bk *
        sinSigma *
        (cos2SigmaM +
          (Bk / 4) *
            (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
              (Bk / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
      return B * Ak * (sigma - deltaSigma);
    }
  }
  return geodesicDistanceExact(lat1, lon1, lat2, lon2);
}

/**
 * Cumulative distance in km along the positions, rounded to the centimetre (FIT's resolution). Samples before the first position have no distance
 * (NaN); a sample without a position keeps the distance reached so far.
 */
export function distanceFromPositions(lat: Float64Array, lon: Float64Array, length: number = lat.length): Float64Array {
  const out = new Float64Array(length).fill(NaN);
  let m = 0;
  let pLat = NaN;
  let pLon = NaN;
  for (let i = 0; i < length; i++) {
    const la = lat[i];
    const lo = lon[i];
    if (la !== la || lo !== lo) {
      if (pLat === pLat) out[i] = Math.round(m * 100) / 100000;
      continue;
    }
    if (pLat === pLat) m += geodesicDistance(pLat, pLon, la, lo);
    pLat = la;
    pLon = lo;
    out[i] = Math.round(m * 100) / 100000;
  }
  return out;
}
