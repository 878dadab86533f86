/**
 * What the client's calls take and give. Smashrun publishes its answers as examples, not a schema: the
 * types name the fields docs/smashrun-api.md lists and leave the rest open (`[field: string]: unknown`),
 * and the client passes Smashrun's objects on as they came unless a field is said to be normalised.
 */
import type { ActivityJson } from '../activity-json/types.js';
import type { Activity } from '../core/activity.js';
import type { Warning } from '../core/errors.js';

/** What every call takes. */
export interface CallOptions {
  /** Aborts the call: waiting for the limiter, the request, the waits between retries. */
  signal?: AbortSignal;
}

/** An activity id as Smashrun gives it: an integer in some answers, a string in others. */
export type ActivityId = string | number;

/** A JSON object as Smashrun sent it. */
export interface JsonObject {
  [field: string]: unknown;
}

/** A successful upload. */
export interface UploadResult {
  /** The first (usually the only) id of the activities Smashrun created or updated. */
  activityId: string;
  /** Every id of the answer, as strings (an integer id is turned into its decimal string). */
  activityIds: string[];
  /** A `validations` node that came beside the ids (notes at import), verbatim; absent when none came. */
  validations?: unknown;
}

/** A run's summary, from `listActivities` and `search`. */
export interface ActivitySummary {
  activityId: ActivityId;
  startDateTimeLocal?: string;
  /** km */
  distance?: number;
  /** s */
  duration?: number;
  [field: string]: unknown;
}

/** A run in brief, from `searchBriefs`. */
export interface ActivityBrief {
  activityId: ActivityId;
  startDateTimeLocal: string;
  distance: number;
  duration: number;
}

/** What each kind of search gives per run. */
export interface SearchResults {
  summaries: ActivitySummary;
  ids: number;
  briefs: ActivityBrief;
  extended: ActivitySummary;
}

/** The kinds of search: `/search`, `/search/ids`, `/search/briefs`, `/search/extended`. */
export type SearchKind = keyof SearchResults;

/** A search's page, size and date. */
export interface SearchOptions extends CallOptions {
  /** The page, from 0. */
  page?: number;
  /** Runs per page, at most 100 (Smashrun's default when absent). */
  count?: number;
  /**
   * Only runs Smashrun changed at or after this time — when Smashrun last changed the run, not when it
   * was run. A `Date`, or unix seconds.
   */
  fromDate?: Date | number;
}

/** One run in detail, as Smashrun keeps it and as runjson reads it. */
export interface ActivityDetail {
  /** The answer as Smashrun sent it (read-only fields, `-1` placeholders and all). */
  document: JsonObject;
  /**
   * The run in runjson's columns, read with runjson's Activity JSON reader after the `-1` placeholders
   * were made missing; `null` for a run with no recordings (entered by hand).
   */
  activity: Activity | null;
  /** What the reader left out or corrected. */
  warnings: Warning[];
  /** How many latitude and longitude values were Smashrun's `-1` placeholder, read as missing. */
  positionPlaceholders: number;
}

/** The fields `patchActivity` may change: the only ones Smashrun's PATCH takes. */
export interface ActivityPatch {
  /** At most 800 characters. */
  notes?: string;
  /** s */
  duration?: number;
  /** km */
  distance?: number;
  /** ISO 8601 local date-time with its offset. */
  startDateTimeLocal?: string;
}

/** A document for `updateActivity`: Activity JSON, or any object Smashrun's PUT takes. */
export type ActivityDocument = ActivityJson | JsonObject;

/** The account, from `userInfo`. */
export interface UserInfo {
  /** Always a string: turned into one if Smashrun sends a number. */
  id: string;
  userName?: string;
  firstName?: string;
  lastName?: string;
  /** Moves whenever a run changes: a syncing client's cue. */
  dateTimeUTCOfLastRunDataUpdated?: string;
  [field: string]: unknown;
}

/** What Smashrun says of the token (`GET /auth/{token}`), without the token itself. */
export interface TokenStatus {
  [field: string]: unknown;
}
