/**
 * Google's encoded polyline (https://developers.google.com/maps/documentation/utilities/polylinealgorithm):
 * each coordinate rounded to 1e-5°, the difference from the previous one zig-zag encoded in 5-bit chunks,
 * each chunk + 63 as one ASCII character. What `GET /v1/my/activities/{id}/polyline` answers.
 */

/**
 * Encodes the positions of a run (`latitude[i]`, `longitude[i]`; samples where either is missing are
 * skipped). Returns '' when there are none.
 *
 * @example
 * ```ts
 * encodePolyline([38.5, 40.7, 43.252], [-120.2, -120.95, -126.453]); // '_p~iF~ps|U_ulLnnqC_mqNvxq`@'
 * ```
 */
export function encodePolyline(latitude: ArrayLike<number | null>, longitude: ArrayLike<number | null>): string {
  const out: string[] = [];
  let prevLat = 0;
  let prevLon = 0;
  const n = Math.min(latitude.length, longitude.length);
  for (let i = 0; i < n; i++) {
    const la = latitude[i];
    const lo = longitude[i];
    if (typeof la !== 'number' || typeof lo !== 'number' || la !== la || lo !== lo) continue;
    const lat = Math.round(la * 1e5);
    const lon = Math.round(lo * 1e5);
    push(out, lat - prevLat);
    push(out, lon - prevLon);
    prevLat = lat;
    prevLon = lon;
  }
  return out.join('');
}

function push(out: string[], delta: number): void {
  let v = delta < 0 ? ~(delta * 2) : delta * 2;
  while (v >= 0x20) {
    out.push(String.fromCharCode((0x20 | (v & 0x1f)) + 63));
    v = Math.floor(v / 32);
  }
  out.push(String.fromCharCode(v + 63));
}
