/**
 * What Smashrun refuses, and how the sandbox says so: `200 {"validations": [{"field", "message"}]}`
 * (Smashrun answers 200 with a `validations` node; its inner shape is not published, so this one is the
 * sandbox's own: one entry per problem, `field` the top-level Activity JSON field at fault, or `file` for
 * a file that cannot be read).
 *
 * Refused [doc]: any activity type but running; no duration series; neither distance nor positions.
 * Refused as unreadable [inferred]: series of unequal length, pause indexes out of range or out of order,
 * anything runjson's converter refuses. Not refused [doc]: heart-rate jumps, gaps not flagged as pauses,
 * a summary that disagrees with the series (recomputed).
 */
import { type ConvertError, ProblemCode, validate } from '../index.js';

/** One reason a run was refused. */
export interface Validation {
  /** The top-level field at fault (`activityType`, `recordingValues`, …), `file` for an unreadable upload. */
  field: string;
  message: string;
}

/** `validate()` problems that make Smashrun refuse a document (the rest are corrected or ignored). */
const REFUSED: ReadonlySet<string> = new Set([ProblemCode.NotObject, ProblemCode.NoDuration, ProblemCode.NoDistance, ProblemCode.Length, ProblemCode.PauseIndex]);

/**
 * The refusals of one Activity JSON document (parsed), before it is read: the rules the reader would
 * correct silently (it leaves a bad pause index out) but Smashrun does not.
 *
 * @param label - prefix of the messages (`activity 2: ` in an array), '' for one document.
 */
export function refusalsOf(doc: unknown, label: string): Validation[] {
  const out: Validation[] = [];
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    const type = (doc as Record<string, unknown>).activityType;
    if (type !== undefined && !(typeof type === 'string' && type.toLowerCase() === 'running')) {
      out.push({ field: 'activityType', message: `${label}only running activities are accepted, not ${JSON.stringify(type)}` });
    }
  }
  for (const p of validate(doc)) {
    const refused =
      REFUSED.has(p.code) ||
      (p.code === ProblemCode.Missing && (p.path === '/recordingKeys' || p.path === '/recordingValues')) ||
      (p.code === ProblemCode.WrongType && (p.path.startsWith('/recordingValues') || p.path === '/pauseIndexes'));
    if (refused) out.push({ field: fieldOf(p.path), message: `${label}${p.message}` });
  }
  return out;
}

/** The refusal for a conversion runjson refused. */
export function refusalOf(e: ConvertError, label: string): Validation {
  if (e.code === 'not-running') {
    // The converter's hint (how to convert other sports with runjson) is not Smashrun's to give.
    return { field: 'activityType', message: `${label}only running activities are accepted: ${e.message.replace(/ \(pass sports: 'all'[^)]*\)/, '')}` };
  }
  const field = e.code === 'no-samples' ? 'recordingKeys' : e.path !== undefined && e.path !== '' ? fieldOf(e.path) : 'file';
  return { field, message: `${label}${e.message}` };
}

/** The top-level field of a JSON pointer (`/recordingValues/2/7` → `recordingValues`), `activity` for the root. */
function fieldOf(path: string): string {
  const first = path.split('/')[1];
  return first === undefined || first === '' || /^\d+$/.test(first) ? 'activity' : first;
}
