import { describe, expect, it } from 'vitest';
import { isPlausibleOffset, zoneAt, zoneOffset } from '../../src/core/time.js';
import { formatLocalTime, parseLocalTime } from '../../src/activity-json/local-time.js';

describe('local time', () => {
  it('formats the wall time with milliseconds and offset', () => {
    const t = Date.UTC(2014, 6, 1, 19, 28, 56, 321);
    expect(formatLocalTime(t, -600)).toBe('2014-07-01T09:28:56.321-10:00');
    expect(formatLocalTime(t, 330)).toBe('2014-07-02T00:58:56.321+05:30');
    expect(formatLocalTime(t, 0)).toBe('2014-07-01T19:28:56.321+00:00');
  });

  it('parses what it formats, and offsets in other spellings', () => {
    expect(parseLocalTime('2014-07-01T09:28:56.321-10:00')).toEqual({ epochMs: Date.UTC(2014, 6, 1, 19, 28, 56, 321), offset: -600 });
    expect(parseLocalTime('2014-07-01T09:28:56Z')).toEqual({ epochMs: Date.UTC(2014, 6, 1, 9, 28, 56), offset: 0 });
    expect(parseLocalTime('2014-07-01T09:28:56+0530')?.offset).toBe(330);
    expect(parseLocalTime('2014-07-01T09:28:56')).toEqual({ epochMs: Date.UTC(2014, 6, 1, 9, 28, 56), offset: null });
    expect(parseLocalTime('yesterday')).toBeNull();
    expect(parseLocalTime('2014-13-01T09:28:56Z')).toBeNull();
  });

  it('finds the offset in effect at the instant, DST included', () => {
    expect(zoneOffset('Europe/Paris', Date.UTC(2024, 0, 15, 12))).toBe(60);
    expect(zoneOffset('Europe/Paris', Date.UTC(2024, 6, 15, 12))).toBe(120);
    expect(zoneOffset('America/New_York', Date.UTC(2024, 2, 10, 6, 59))).toBe(-300); // just before the switch
    expect(zoneOffset('America/New_York', Date.UTC(2024, 2, 10, 7, 0))).toBe(-240);
    expect(zoneOffset('Asia/Kolkata', Date.UTC(2024, 6, 15, 12, 0, 0, 500))).toBe(330);
    expect(() => zoneOffset('Not/AZone', 0)).toThrow(RangeError);
  });

  it('reads the same offsets as taking the wall time apart, across zones, years and DST switches', () => {
    const zones = ['Europe/Paris', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'UTC', 'Africa/Casablanca', 'Pacific/Kiritimati', 'America/Sao_Paulo'];
    const formats = new Map<string, Intl.DateTimeFormat>();
    const byParts = (zone: string, t: number): number => {
      let f = formats.get(zone);
      if (f === undefined) {
        f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
        formats.set(zone, f);
      }
      const parts = f.formatToParts(new Date(t));
      const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
      const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
      return Math.round((wall - (t - (((t % 1000) + 1000) % 1000))) / 60_000);
    };
    let checked = 0;
    for (const zone of zones) {
      for (let t = Date.UTC(1971, 0, 1); t < Date.UTC(2099, 0, 1); t += 73 * 86_400_000 + 3_600_000 * 7 + 61_000) {
        // The instant itself and a minute either side of the hour (DST switches fall on them).
        for (const u of [t, t - (t % 3_600_000) - 60_000, t - (t % 3_600_000)]) {
          if (zoneOffset(zone, u) !== byParts(zone, u)) expect(zoneOffset(zone, u), `${zone} ${new Date(u).toISOString()}`).toBe(byParts(zone, u));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('looks the zone up from a position, offline', () => {
    expect(zoneAt(48.8566, 2.3522)).toBe('Europe/Paris');
    expect(zoneAt(47.6062, -122.3321)).toBe('America/Los_Angeles');
    expect(zoneAt(NaN, 0)).toBeNull();
    expect(zoneAt(91, 0)).toBeNull();
  });

  it('plausible offsets are within ±14 h and multiples of 15 minutes', () => {
    expect(isPlausibleOffset(330)).toBe(true);
    expect(isPlausibleOffset(-600)).toBe(true);
    expect(isPlausibleOffset(840)).toBe(true); // Kiribati +14:00
    expect(isPlausibleOffset(765)).toBe(true); // Chatham +12:45
    expect(isPlausibleOffset(855)).toBe(false);
    expect(isPlausibleOffset(7)).toBe(false);
    expect(isPlausibleOffset(15 * 60)).toBe(false);
  });
});
