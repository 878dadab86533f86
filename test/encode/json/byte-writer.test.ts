import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../src/encode/json/byte-writer.js';

function writeColumn(values: number[]): string {
  const w = new ByteWriter(4);
  w.column(Float64Array.from(values), values.length);
  return w.text();
}

describe('ByteWriter numbers', () => {
  it('any double parses back to itself (NaN and infinities as null)', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 50 }), (values) => {
        const parsed = JSON.parse(writeColumn(values)) as (number | null)[];
        expect(parsed.length).toBe(values.length);
        parsed.forEach((v, i) => {
          const x = values[i];
          if (Number.isFinite(x)) expect(v).toBe(x === 0 ? 0 : x); // -0 is written 0, like JSON.stringify
          else expect(v).toBeNull();
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('short decimals are written exactly as JSON.stringify writes them', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 9 })).map(([r, k]) => r / 10 ** k),
          { maxLength: 50 },
        ),
        (values) => {
          // JSON.stringify switches to exponent form below 1e-6; our fast path writes those in fixed form,
          // which parses to the same double (checked by the property above).
          const plain = values.filter((v) => v === 0 || Math.abs(v) >= 1e-6);
          expect(writeColumn(plain)).toBe(JSON.stringify(plain));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('handles the edges', () => {
    const edge = [0, -0, 1, -1, 999, 1000, 2147483647, 2147483648, 9007199254740991, 9007199254740992, 1e21, 0.1, 0.2, 0.30000000000000004, 1e-7, 5e-324, 1.7976931348623157e308, 85.5078125, 47.123456789, -122.000000001];
    const parsed = JSON.parse(writeColumn(edge)) as number[];
    expect(parsed).toEqual(edge.map((x) => (x === 0 ? 0 : x)));
    expect(writeColumn([NaN, Infinity, -Infinity])).toBe('[null,null,null]');
    expect(writeColumn([])).toBe('[]');
    expect(writeColumn([12.3, 12.34567, 1.5, 3])).toBe('[12.3,12.34567,1.5,3]');
  });

  it('every integer of the packed paths (0…999 and 1000…999999), nulls between them, as JSON.stringify writes', () => {
    const values: number[] = [];
    for (let v = 0; v < 1_000_000; v += v < 2000 ? 1 : 7) values.push(v);
    values.push(999_999, 1_000_000, 1_000_001);
    expect(writeColumn(values)).toBe(JSON.stringify(values));
    const holes = values.slice(0, 3000).map((v, i) => (i % 3 === 1 ? NaN : v));
    expect(writeColumn(holes)).toBe(JSON.stringify(holes.map((v) => (v === v ? v : null))));
    // Each fraction length after each integer part length (the packed integer's comma is overwritten).
    const fractions = [0.5, 7.25, 12.125, 999.987654321, 1000.5, 5.000000001, 123.45678912, -0.5, -999.1, 1.1];
    expect(writeColumn(fractions)).toBe(JSON.stringify(fractions));
    // Each scale k, with zero groups of three at the start, the middle and the end of the fraction.
    const groups = [0.0001, 1.0001, 2.1234, 3.00001, 4.000002, 5.1000001, 6.000000001, 7.100000001, 8.000100001, 9.123000456, 0.000123, 10.12345, 11.100001, 12.10001, 13.001];
    expect(writeColumn(groups)).toBe(JSON.stringify(groups));
  });

  it('the stores of the longest values stay inside the room a column reserves', () => {
    // 12 integer digits and a 4-digit fraction: the fraction's stores reach 24 bytes past the value's start.
    const long = [-123456789012.3456, 999999999999.9999, -12345678901234.5, 1234567.123456789];
    for (const v of long) {
      const w = new ByteWriter(64);
      w.pos = 64 - (25 + 2); // exactly the room `column` ensures for one value: no growth
      w.column(Float64Array.of(v), 1);
      expect(w.buf.length).toBe(64);
      expect(new TextDecoder().decode(w.buf.subarray(37, w.pos))).toBe(`[${JSON.stringify(v)}]`);
    }
  });

  it('seconds() writes the clock exactly as JSON.stringify writes (t − start) / 1000', () => {
    const clock = (start: number, times: number[]): string => {
      const w = new ByteWriter(4);
      w.seconds(Float64Array.from(times), times.length, start);
      return w.text();
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2e12 }),
        // Whole ms on the fast path (up to 2^31 ms) and past it, fractional ms, before the start.
        fc.array(fc.oneof(fc.integer({ min: 0, max: 2 ** 31 + 5000 }), fc.double({ min: -5000, max: 4e9, noNaN: true })), { maxLength: 40 }),
        (start, offsets) => {
          const times = offsets.map((d) => start + d);
          const expected = times.map((t) => (t - start) / 1000).map((v) => (v === 0 ? 0 : v));
          const text = clock(start, times);
          expect(JSON.parse(text)).toEqual(expected);
          const plain = expected.filter((v) => v === 0 || Math.abs(v) >= 1e-6);
          if (plain.length === expected.length) expect(text).toBe(JSON.stringify(expected));
        },
      ),
      { numRuns: 1000 },
    );
    expect(clock(1000, [1000, 2000, 2500, 2550, 2555, 1000 + 86_400_000, 1000 + 2 ** 31])).toBe('[0,1,1.5,1.55,1.555,86400,2147483.648]');
  });

  it('strings are escaped and UTF-8 encoded', () => {
    const w = new ByteWriter(2);
    w.string('é "q" \u2028 \ud83c\udfc3 \ud800');
    expect(JSON.parse(w.text())).toBe('é "q" \u2028 \ud83c\udfc3 \ud800');
  });
});
