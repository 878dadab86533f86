/**
 * The account's answers and requests: the user's id kept a string, a weight recording's body, and the
 * year and month of goals and stats checked before anything is sent.
 */
import { LocalRefusal } from './errors.js';
import type { UserInfo } from './types.js';

/**
 * The account as `userInfo` gives it: Smashrun's object, with `id` a string even when a number came.
 * `null` when the answer is not an object with an `id`.
 */
export function userInfoFrom(body: unknown): UserInfo | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const id = b.id;
  if (typeof id === 'string' && id !== '') return { ...b, id };
  // An integer id turned into text here would be exact; a larger number already lost digits in JSON.parse.
  if (typeof id === 'number' && Number.isSafeInteger(id)) return { ...b, id: String(id) };
  return null;
}

/**
 * The body of `POST /my/body/weight`: `{"date", "weightInKilograms"}`, `date` left out when not given
 * (Smashrun's choice then: today, as a public client documents it). A `Date` is sent as ISO 8601 in UTC; a string as it is.
 *
 * @throws {LocalRefusal} `kg` not a number above 0 and below 1000; `date` an invalid `Date` or empty.
 */
export function weightBody(kg: number, date?: Date | string): string {
  if (typeof kg !== 'number' || !(kg > 0 && kg < 1000)) throw new LocalRefusal('kg', `a weight must be a number of kilograms above 0 and below 1000, not ${String(kg)}`);
  const body: { date?: string; weightInKilograms: number } = { weightInKilograms: kg };
  if (date instanceof Date) {
    if (Number.isNaN(date.getTime())) throw new LocalRefusal('date', 'date is an invalid Date');
    body.date = date.toISOString();
  } else if (date !== undefined) {
    if (typeof date !== 'string' || date === '') throw new LocalRefusal('date', 'date must be a Date or a non-empty string');
    body.date = date;
  }
  return JSON.stringify(body);
}

/**
 * The path below `/my/goals` or `/my/stats` for a year and month (`/2024/5`), checked.
 *
 * @throws {LocalRefusal} a year that is not an integer from 1900 to 2100, a month not from 1 to 12, a month
 * without a year.
 */
export function periodPath(year: number | undefined, month: number | undefined): string {
  if (year === undefined) {
    if (month !== undefined) throw new LocalRefusal('month', 'a month needs a year');
    return '';
  }
  if (!Number.isInteger(year) || year < 1900 || year > 2100) throw new LocalRefusal('year', `year must be an integer from 1900 to 2100, not ${String(year)}`);
  if (month === undefined) return `/${year}`;
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new LocalRefusal('month', `month must be an integer from 1 to 12, not ${String(month)}`);
  return `/${year}/${month}`;
}
