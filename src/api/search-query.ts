/**
 * The query of a search (`/my/activities/search…?page=&count=&fromDate=`), checked before anything is
 * sent: `page` from 0, `count` from 1 to 100 (Smashrun's limit), `fromDate` a `Date` or unix seconds.
 */
import { LocalRefusal } from './errors.js';
import type { SearchKind, SearchOptions } from './types.js';

/** The most runs a search page may ask for. */
export const MAX_SEARCH_COUNT = 100;

/** The path of each kind of search, below `/my/activities`. */
export const SEARCH_PATHS: Readonly<Record<SearchKind, string>> = {
  summaries: '/search',
  ids: '/search/ids',
  briefs: '/search/briefs',
  extended: '/search/extended',
};

/**
 * The query parameters for `options` (only those given).
 *
 * @throws {LocalRefusal} `page` not an integer ≥ 0, `count` not an integer in 1…100, `fromDate` not a
 * valid `Date` or a number of seconds ≥ 0.
 */
export function searchQuery(options: SearchOptions): Record<string, string> {
  const q: Record<string, string> = {};
  const { page, count, fromDate } = options;
  if (page !== undefined) {
    if (!Number.isSafeInteger(page) || page < 0) throw new LocalRefusal('page', `page must be an integer from 0, not ${String(page)}`);
    q.page = String(page);
  }
  if (count !== undefined) {
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SEARCH_COUNT) {
      throw new LocalRefusal('count', `count must be an integer from 1 to ${MAX_SEARCH_COUNT}, not ${String(count)}`);
    }
    q.count = String(count);
  }
  if (fromDate !== undefined) q.fromDate = String(unixSeconds(fromDate));
  return q;
}

function unixSeconds(d: Date | number): number {
  const seconds = d instanceof Date ? d.getTime() / 1000 : d;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new LocalRefusal('fromDate', `fromDate must be a valid Date or unix seconds ≥ 0, not ${d instanceof Date ? 'an invalid Date' : String(d)}`);
  }
  return Math.floor(seconds);
}
