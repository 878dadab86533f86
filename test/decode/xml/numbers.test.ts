/** Number and time parsing of the XML decoders. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsoTimeParser, metresTextToKm, parseNumber } from '../../../src/decode/xml/numbers.js';

describe('parseNumber', () => {
  it('is Number() except that blank text and infinities are missing', () => {
    expect(parseNumber('12.5')).toBe(12.5);
    expect(parseNumber(' 7 ')).toBe(7);
    expect(parseNumber('0')).toBe(0);
    expect(parseNumber('-0.0')).toBe(-0);
    expect(parseNumber('')).toBeNaN();
    expect(parseNumber('  \n ')).toBeNaN();
    expect(parseNumber('abc')).toBeNaN();
    expect(parseNumber('Infinity')).toBeNaN();
    expect(parseNumber('1e400')).toBeNaN();
  });
});

/** What parseNumber promises: Number(), blank and infinities missing. */
function reference(s: string): number {
  const v = Number(s);
  if (v === 0) return /[0-9]/.test(s) ? v : NaN;
  return Number.isFinite(v) ? v : NaN;
}

describe('parseNumber fast path', () => {
  const digits = (max: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: max });
  it('plain decimals (up to 20 + 25 digits, mantissas past 2^53): exactly Number()', () => {
    fc.assert(
      fc.property(fc.boolean(), digits(20), fc.option(digits(25)), (neg, int, frac) => {
        const s = `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}`;
        expect(Object.is(parseNumber(s), reference(s))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
  it('coordinates and sensor values at every precision GPS files use: exactly Number()', () => {
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), fc.integer({ min: 0, max: 17 }), (x, k) => {
        const s = x.toFixed(k);
        expect(Object.is(parseNumber(s), Number(s))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
  it('any text from digits, signs, dots, exponents and blanks: the reference', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.-+eEx \n'), maxLength: 12 }), (s) => {
        expect(Object.is(parseNumber(s), reference(s))).toBe(true);
      }),
      { numRuns: 3000 },
    );
    for (const s of ['-', '.', '-.', '5.', '.5', '-0', '00012.500', '9007199254740993', '0.1234567890123456789012345', '1.7976931348623157e308'])
      expect(Object.is(parseNumber(s), reference(s))).toBe(true);
  });
});

describe('metresTextToKm', () => {
  it('gives the correctly rounded decimal', () => {
    expect(metresTextToKm('1234.56')).toBe(1.23456);
    expect(metresTextToKm('0.1')).toBe(0.0001);
    expect(metresTextToKm('1000.0')).toBe(1);
    expect(metresTextToKm('4070.894395965853')).toBe(4.070894395965853);
    expect(metresTextToKm('-5')).toBe(-0.005);
    expect(metresTextToKm('')).toBeNaN();
    expect(metresTextToKm('.')).toBeNaN();
    expect(metresTextToKm('1.5e3')).toBe(1.5);
    expect(metresTextToKm('0.20000000298023224')).toBe(0.20000000298023224 / 1000);
  });

  it('equals m / 10^(k+3) for every mantissa below 2^53 (one correctly rounded division)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), fc.integer({ min: 0, max: 19 }), (m, k) => {
        const digits = m.toString().padStart(k + 1, '0');
        const text = k === 0 ? digits : `${digits.slice(0, digits.length - k)}.${digits.slice(digits.length - k)}`;
        expect(metresTextToKm(text)).toBe(Number(m) / 10 ** (k + 3));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('IsoTimeParser', () => {
  it('agrees with Date.parse on UTC and offset times, keeping milliseconds', () => {
    const p = new IsoTimeParser();
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: -14 * 60, max: 14 * 60 }), (d, off) => {
        const iso = d.toISOString();
        expect(p.parse(iso)).toBe(d.getTime());
        expect(p.parse(iso.replace('.000Z', 'Z').replace(/\.\d{3}Z/, (m) => m))).toBe(d.getTime());
        const sign = off < 0 ? '-' : '+';
        const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
        const mm = String(Math.abs(off) % 60).padStart(2, '0');
        const local = new Date(d.getTime() + off * 60000).toISOString().slice(0, 23);
        expect(p.parse(`${local}${sign}${hh}:${mm}`)).toBe(d.getTime());
        expect(p.parse(`${local}${sign}${hh}${mm}`)).toBe(d.getTime());
      }),
      { numRuns: 500 },
    );
    expect(p.noZone).toBe(0);
  });

  it('a run of nearby times through one parser (its minute and date caches) reads each as a fresh parser does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1999, 11, 31, 23, 50), max: Date.UTC(2030, 0, 1) }),
        fc.array(fc.tuple(fc.integer({ min: -90_000, max: 200_000 }), fc.constantFrom('Z', '.250Z', '+01:00', '-0530', '', 'Q', '.Z')), { maxLength: 40 }),
        (t0, steps) => {
          const shared = new IsoTimeParser();
          let t = t0;
          for (const [dt, zone] of steps) {
            t += dt;
            const text = `${new Date(t).toISOString().slice(0, 19)}${zone}`;
            expect(Object.is(shared.parse(text), new IsoTimeParser().parse(text))).toBe(true);
            if (zone === 'Z') expect(shared.parse(text)).toBe(Math.floor(t / 1000) * 1000);
            // A malformed minute must not be taken from the cache.
            expect(shared.parse(`${text.slice(0, 14)}6x${text.slice(16)}`)).toBeNaN();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts times with no zone (read as UTC) and sub-millisecond digits (rounded)', () => {
    const p = new IsoTimeParser();
    expect(p.parse('2016-09-12T11:55:24')).toBe(Date.UTC(2016, 8, 12, 11, 55, 24));
    expect(p.noZone).toBe(1);
    expect(p.parse('2016-09-12T11:55:24.0516Z')).toBe(Date.UTC(2016, 8, 12, 11, 55, 24, 52));
    expect(p.parse('2016-09-12T11:55:24.0514Z')).toBe(Date.UTC(2016, 8, 12, 11, 55, 24, 51));
    expect(p.subMs).toBe(2);
    expect(p.parse('2016-09-12T11:55:24.5Z')).toBe(Date.UTC(2016, 8, 12, 11, 55, 24, 500));
  });

  it('rejects what is not a date-time', () => {
    const p = new IsoTimeParser();
    for (const bad of ['', 'yesterday', '2016-09-12', '2016-13-12T11:55:24Z', '2016-09-12T11:55:24X', '2016-09-12T11:55:24.Z']) {
      expect(p.parse(bad), bad).toBeNaN();
    }
  });
});
