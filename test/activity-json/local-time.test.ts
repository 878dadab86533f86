import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConvertError } from '../../src/core/errors.js';
import { convertSync } from '../../src/index.js';
import { formatLocalTime, parseLocalTime } from '../../src/activity-json/local-time.js';
import { validate } from '../../src/activity-json/validate.js';
import { makeActivity } from '../helpers/make-activity.js';

/** The instant of a UTC wall time in any year (Date.UTC would move years 0–99 to 1900–1999). */
function utc(year: number, month: number, day: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.setUTCHours(h, mi, s, ms);
}

describe('parseLocalTime / formatLocalTime', () => {
  it('reads the year that was written, years 0000–0099 included', () => {
    expect(parseLocalTime('0000-01-01T00:00:00Z')).toEqual({ epochMs: utc(0, 1, 1), offset: 0 });
    expect(parseLocalTime('0099-12-31T23:59:59.999Z')?.epochMs).toBe(utc(99, 12, 31, 23, 59, 59, 999));
    expect(parseLocalTime('0050-06-15T12:00:00+02:00')?.epochMs).toBe(utc(50, 6, 15, 10));
    expect(new Date(parseLocalTime('0012-03-04T05:06:07Z')!.epochMs).getUTCFullYear()).toBe(12);
    expect(formatLocalTime(parseLocalTime('0012-03-04T05:06:07.008+01:00')!.epochMs, 60)).toBe('0012-03-04T05:06:07.008+01:00');
  });

  it('refuses dates, times and offsets that do not exist', () => {
    for (const t of ['2023-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-01-01T24:30:00Z', '2024-01-01T10:00:00+05:99', '2024-01-01T10:00:00+24:00']) {
      expect(parseLocalTime(t)).toBeNull();
    }
    expect(parseLocalTime('2024-02-29T00:00:00Z')?.epochMs).toBe(Date.UTC(2024, 1, 29));
    expect(parseLocalTime('2024-01-01T24:00:00Z')?.epochMs).toBe(Date.UTC(2024, 0, 2));
  });

  it('formatLocalTime round-trips every instant of 1970–2099, at any offset (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) - 1 }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        (epochMs, offset) => {
          const text = formatLocalTime(epochMs, offset);
          expect(parseLocalTime(text)).toEqual({ epochMs, offset });
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('Activity JSON input: the start time', () => {
  const withStart = (s: string): string => JSON.stringify({ ...makeActivity({ samples: 10 }), startDateTimeLocal: s });
  const codeOf = (s: string): string => {
    try {
      convertSync(withStart(s));
      return 'ok';
    } catch (e) {
      expect(e).toBeInstanceOf(ConvertError);
      expect((e as ConvertError).path).toBe('/startDateTimeLocal');
      return (e as ConvertError).code;
    }
  };

  it('refuses a run dated before 1970 or after 2099 (as written, or in UTC), or an offset past ±18:00', () => {
    const refused = [
      '0000-01-01T00:00:00.000Z',
      '0070-05-01T07:00:00.000-04:00',
      '1969-12-31T23:00:00.000-02:00', // 1970 in UTC, 1969 where the run was
      '1970-01-01T00:00:00.000+01:00', // 1970 where the run was, 1969 in UTC
      '2099-12-31T23:50:00.000-12:00',
      '2100-01-01T00:00:00.000+00:00',
      '9999-12-31T23:59:59.999+14:00',
      '2024-05-01T07:00:00.000+19:00', // no time zone is that far from UTC
    ];
    for (const s of refused) {
      expect(codeOf(s)).toBe('invalid-activity');
    }
  });

  it('keeps a run dated 1970–2099 as written', () => {
    for (const s of ['1970-01-01T00:00:00.000+00:00', '1970-01-01T09:00:00.000+09:00', '2099-12-31T23:58:00.000+14:00', '2099-12-31T11:50:00.000-12:00']) {
      const doc = convertSync(withStart(s)).activities[0].toObject();
      expect(doc.startDateTimeLocal).toBe(s);
      expect(validate(doc)).toEqual([]);
    }
  });
});
