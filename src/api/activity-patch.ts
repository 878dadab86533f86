/**
 * What `PATCH /my/activities/{id}` may change: `notes`, `duration`, `distance` and `startDateTimeLocal`,
 * and nothing else (docs/smashrun-api.md). Anything else is refused here, before a request is sent, with
 * the field named — rather than sent for Smashrun to ignore or refuse.
 */
import { parseLocalTime } from '../activity-json/local-time.js';
import { MAX_NOTES } from '../activity-json/vocabulary.js';
import { LocalRefusal } from './errors.js';
import type { ActivityPatch } from './types.js';

/** The fields a PATCH may carry. */
export const PATCHABLE_FIELDS = ['notes', 'duration', 'distance', 'startDateTimeLocal'] as const;

/**
 * Checks a patch and returns it as the body to send.
 *
 * @throws {LocalRefusal} with `argument` the field at fault: one not in {@link PATCHABLE_FIELDS}; `notes`
 * not a string of at most 800 characters; `duration` or `distance` not a finite number ≥ 0;
 * `startDateTimeLocal` not an ISO 8601 date-time; or `fields` when there is nothing to change.
 */
export function checkPatch(fields: ActivityPatch): ActivityPatch {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw new LocalRefusal('fields', 'the patch must be an object');
  const out: ActivityPatch = {};
  for (const [key, value] of Object.entries(fields) as [string, unknown][]) {
    if (value === undefined) continue;
    switch (key) {
      case 'notes':
        if (typeof value !== 'string' || value.length > MAX_NOTES) throw new LocalRefusal(key, `notes must be a string of at most ${MAX_NOTES} characters`);
        out.notes = value;
        break;
      case 'duration':
      case 'distance':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new LocalRefusal(key, `${key} must be a finite number ≥ 0`);
        out[key] = value;
        break;
      case 'startDateTimeLocal':
        if (typeof value !== 'string' || parseLocalTime(value) === null) throw new LocalRefusal(key, 'startDateTimeLocal must be an ISO 8601 local date-time');
        out.startDateTimeLocal = value;
        break;
      default:
        throw new LocalRefusal(key, `a PATCH may change only ${PATCHABLE_FIELDS.join(', ')}; '${key.length > 40 ? key.slice(0, 40) + '…' : key}' must go through updateActivity (PUT)`);
    }
  }
  if (Object.keys(out).length === 0) throw new LocalRefusal('fields', `nothing to change: give one of ${PATCHABLE_FIELDS.join(', ')}`);
  return out;
}
