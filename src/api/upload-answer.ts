/**
 * What an answer to `POST /my/activities` means (docs/smashrun-api.md, "Answers to a POST"): success is
 * HTTP 200 with a non-empty `activityIds`; Smashrun also answers 200 when it refuses a run, with a
 * `validations` node instead, whose inner shape is not published — it is kept verbatim, and nothing is
 * assumed but that it is there. Anything else is an error of the request.
 */
import { ApiError, SmashrunErrorCode, SmashrunRejected } from './errors.js';
import type { UploadResult } from './types.js';

/**
 * Reads an upload's answer.
 *
 * @param body - the answer parsed (JSON, or the text when it is not JSON), secrets already replaced.
 * @throws {SmashrunRejected} 200 with `validations` and no ids; {@link ApiError} `bad-response` (200 with
 * neither), `http-error` (any other status).
 */
export function readUploadAnswer(status: number, body: unknown, path: string): UploadResult {
  const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  if (status !== 200) {
    throw new ApiError(SmashrunErrorCode.Http, { status, method: 'POST', path, body });
  }
  const ids = fields === null ? null : idsOf(fields.activityIds);
  if (ids !== null && ids.length > 0) {
    const result: UploadResult = { activityId: ids[0], activityIds: ids };
    if (fields !== null && 'validations' in fields) result.validations = fields.validations;
    return result;
  }
  if (fields !== null && 'validations' in fields) throw new SmashrunRejected(path, fields.validations);
  throw new ApiError(SmashrunErrorCode.BadResponse, { status, method: 'POST', path, body, detail: 'Smashrun answered 200 with neither activityIds nor validations' });
}

/** The ids as strings (integers turned into their decimal text), or `null` if the value is not a list of ids. */
function idsOf(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const ids: string[] = [];
  for (const v of value) {
    if (typeof v === 'string' && v !== '') ids.push(v);
    else if (typeof v === 'number' && Number.isSafeInteger(v)) ids.push(String(v));
    else return null;
  }
  return ids;
}
