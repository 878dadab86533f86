/**
 * Smashrun's detail answers (`GET /my/activities/{id}`) write `-1` where a sample has no latitude or no
 * longitude (docs/smashrun-api.md). Read as a position, `-1` is a point in the sea off Gabon; runjson's
 * Activity JSON reader would take it as one. So before the reader sees the document, each latitude and
 * longitude value that is exactly `-1` becomes `null` (missing).
 *
 * The cost: a real coordinate of exactly −1° (to every decimal the file carries) is read as missing too.
 * Its partner is then alone, and the reader leaves it out and counts it (`position-out-of-range`), so the
 * loss is never silent. Only the two position arrays are copied; the document passed in is not changed.
 */

/** Smashrun's placeholder for a missing latitude or longitude. */
export const POSITION_PLACEHOLDER = -1;

/**
 * The document with every `-1` latitude and longitude recording made `null`, and how many there were.
 * Anything that is not an Activity JSON object with `recordingKeys` and `recordingValues` arrays is
 * returned as it is (the reader then says what is wrong with it).
 */
export function withoutPositionPlaceholders<T>(doc: T): { doc: T; replaced: number } {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { doc, replaced: 0 };
  const d = doc as Record<string, unknown>;
  const keys = d.recordingKeys;
  const values = d.recordingValues;
  if (!Array.isArray(keys) || !Array.isArray(values)) return { doc, replaced: 0 };
  let copy: unknown[] | null = null;
  let replaced = 0;
  for (let k = 0; k < keys.length && k < values.length; k++) {
    if (keys[k] !== 'latitude' && keys[k] !== 'longitude') continue;
    const arr: unknown = values[k];
    if (!Array.isArray(arr) || !arr.includes(POSITION_PLACEHOLDER)) continue;
    const out = arr.slice();
    for (let i = 0; i < out.length; i++) {
      if (out[i] === POSITION_PLACEHOLDER) {
        out[i] = null;
        replaced++;
      }
    }
    copy ??= values.slice();
    copy[k] = out;
  }
  return copy === null ? { doc, replaced: 0 } : { doc: { ...d, recordingValues: copy } as T, replaced };
}
