/**
 * Distance from positions, for sources with no distance series at all (spec §1): geodesic distance on the
 * WGS-84 ellipsoid between consecutive positions.
 *
 * Hot path: a GPX run has one call per point. Hops under 200 m between latitudes ±70° (nearly every
 * pair of consecutive GPS fixes) use the mid-latitude formula on the ellipsoid,
 * s = √((M·Δφ)² + (N·cos φm·Δλ)²) with the meridional and prime-vertical radii of curvature M and N at
 * the mean latitude φm: no iteration, one sin, one cos and two square roots. Its truncation error grows
 * as s³·tan²φ / R²; measured against Karney's algorithm (geographiclib, accurate to 15 nm) over random
 * hops: ≤ 4e-9 m up to 100 m, ≤ 6.4e-8 m up to 200 m below 70° (Karney's own noise level), where our
 * Vincenty is off by up to 6e-6 m with a bias of −1.8e-8 of the length (it stops iterating once λ moves
 * less than 1e-12 rad, which for a 10 m hop — λ ≈ 1e-6 rad — leaves an error of relative order f³).
 * Consequence for the output, which sums hops and rounds to the centimetre: over every corpus and fixture
 * activity whose distance comes from positions (41 085 samples), Vincenty's sums differed from Karney's
 * at 2 915 samples (by 1 cm: the bias accumulates), the mid-latitude sums at none. So the fast path is
 * also a correction; test/core/geodesic.test.ts checks both bounds. Speed: 45 k GPX points, geodesic
 * share of a whole-corpus GPX conversion profile 3.0 % → see the bench notes in decode-xml.ts.
 *
 * Longer hops and high latitudes use Vincenty's inverse formula (2–4 iterations, within 0.1 mm of
 * Karney up to 10 km); where it does not converge (nearly antipodal points) we fall back to Karney's
 * algorithm from `geographiclib-geodesic`, which is exact everywhere but several times slower.
 */
import * as geographiclib from 'geographiclib-geodesic';

const A = 6378137.0;
const F = 1 / 298.257223563;
const B = A * (1 - F);
const RAD = Math.PI / 180;
/** First eccentricity squared. */
const E2 = F * (2 - F);
/** Longest hop (m) and highest mean latitude (rad) for the mid-latitude formula. */
const MID_MAX_M = 200;
const MID_MAX_LAT = 70 * RAD;

type GeodesicModule = typeof geographiclib;
const geo: GeodesicModule = (geographiclib as unknown as { default?: GeodesicModule }).default ?? geographiclib;

/** Geodesic distance in metres between two WGS-84 positions given in degrees (Karney's algorithm). */
export function geodesicDistanceExact(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return geo.Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, geo.Geodesic.DISTANCE).s12 ?? NaN;
}

/** Geodesic distance in metres between two WGS-84 positions given in degrees. */
export function geodesicDistance(lat1: number, lon1: number, lat2: number, lon2: number): number {
  if (lat1 === lat2 && lon1 === lon2) return 0;
  const phi = (lat1 + lat2) * (0.5 * RAD);
  if (phi <= MID_MAX_LAT && phi >= -MID_MAX_LAT) {
    const sin = Math.sin(phi);
    const w2 = 1 - E2 * sin * sin;
    const n = A / Math.sqrt(w2);
    const x = ((n * (1 - E2)) / w2) * ((lat2 - lat1) * RAD);
    const y = n * Math.cos(phi) * ((lon2 - lon1) * RAD);
    const s = Math.sqrt(x * x + y * y);
    if (s <= MID_MAX_M) return s;
  }
  return vincentyDistance(lat1, lon1, lat2, lon2);
}

/** Vincenty's inverse formula (metres), Karney's algorithm where it does not converge. */
export function vincentyDistance(lat1: number, lon1: number, lat2: number, lon2: number): number {
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
