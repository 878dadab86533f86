/** How `runjson pull` names runs, recognises a changed summary and reads `--since`. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import { parseSince, runStem, startedSince, summaryFingerprint } from '../../src/cli/pull/run-names.js';

describe('runStem', () => {
  it('is the local start to the minute, then the id: names sort by date and stay unique', () => {
    expect(runStem('2026-11-20T07:32:10.123-05:00', '1000001')).toBe('2026-11-20T07-32_1000001');
    expect(runStem('2026-11-20 07:32', '7')).toBe('2026-11-20T07-32_7');
    const names = [runStem('2026-11-20T07:32:59+09:00', '3'), runStem('2026-11-20T07:32:00Z', '2'), runStem('2025-12-31T23:59:00Z', '9')];
    expect([...names].sort()).toEqual([names[2], names[1], names[0]]);
  });

  it('a start that cannot be read gives `undated`; an id that is not plain text gives its hash', () => {
    expect(runStem(null, '5')).toBe('undated_5');
    expect(runStem('yesterday', '5')).toBe('undated_5');
    const odd = runStem('2026-11-20T07:32:00Z', '../../etc/passwd');
    expect(odd).toMatch(/^2026-11-20T07-32_id-[0-9a-f]{16}$/);
    expect(runStem('2026-11-20T07:32:00Z', '../../etc/passwd2')).not.toBe(odd);
  });
});

describe('summaryFingerprint', () => {
  it('ignores the order of the fields, and sees any change of a value', () => {
    const a = { activityId: 1, notes: 'x', distance: 5.2, nested: { b: 1, a: [1, 2] } };
    expect(summaryFingerprint(a)).toBe(summaryFingerprint({ nested: { a: [1, 2], b: 1 }, distance: 5.2, notes: 'x', activityId: 1 }));
    expect(summaryFingerprint({ ...a, notes: 'y' })).not.toBe(summaryFingerprint(a));
    expect(summaryFingerprint({ ...a, nested: { b: 1, a: [2, 1] } })).not.toBe(summaryFingerprint(a));
  });
});

describe('--since', () => {
  it('a date is the run’s own local date', () => {
    const since = parseSince('2026-01-01');
    // 07:00 on New Year's Day in Tokyo is 22:00 on 31 December in UTC: on or after, by its own date.
    expect(startedSince('2026-01-01T07:00:00+09:00', since)).toBe(true);
    // 20:00 on New Year's Eve in New York is already 1 January in UTC: before, by its own date.
    expect(startedSince('2025-12-31T20:00:00-05:00', since)).toBe(false);
    expect(startedSince('2026-01-01T00:00:00.000-05:00', since)).toBe(true);
  });

  it('a date-time with an offset is an instant', () => {
    const since = parseSince('2026-01-01T00:00:00Z');
    expect(startedSince('2026-01-01T07:00:00+09:00', since)).toBe(false);
    expect(startedSince('2025-12-31T20:00:00-05:00', since)).toBe(true);
  });

  it('a run whose start cannot be read is kept; a bad date is a usage error', () => {
    expect(startedSince(undefined, parseSince('2026-01-01'))).toBe(true);
    for (const bad of ['2026-13-01', 'last week', '', '2026-02-30']) expect(() => parseSince(bad)).toThrow(UsageError);
  });
});
