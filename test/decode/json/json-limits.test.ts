import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConvertError, Report } from '../../../src/core/errors.js';
import { fromActivityJsonText } from '../../../src/decode/json/from-activity-json.js';
import { checkJsonLimits } from '../../../src/decode/json/json-limits.js';
import { lineColumnAt, pointerAt } from '../../../src/decode/json/json-pointer.js';
import { DEFAULT_LIMITS, type Limits } from '../../../src/decode/limits.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const limits = (o: Partial<Limits>): Limits => ({ ...DEFAULT_LIMITS, ...o });

function errorOf(bytes: Uint8Array, l: Limits): ConvertError | null {
  try {
    checkJsonLimits(bytes, l);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(ConvertError);
    return e as ConvertError;
  }
}

/** What the scan should find, worked out on the parsed value: deepest nesting, longest array, longest string as written. */
function measure(v: unknown, depth = 0): { depth: number; items: number; string: number } {
  const written = (s: string): number => utf8(JSON.stringify(s)).length - 2;
  if (typeof v === 'string') return { depth, items: 0, string: written(v) };
  if (v === null || typeof v !== 'object') return { depth, items: 0, string: 0 };
  const out = { depth: depth + 1, items: Array.isArray(v) ? v.length : 0, string: 0 };
  for (const [k, x] of Object.entries(v)) {
    if (!Array.isArray(v)) out.string = Math.max(out.string, written(k));
    const m = measure(x, depth + 1);
    out.depth = Math.max(out.depth, m.depth);
    out.items = Math.max(out.items, m.items);
    out.string = Math.max(out.string, m.string);
  }
  return out;
}

describe('checkJsonLimits (the scan before JSON.parse)', () => {
  it('refuses exactly what crosses a limit, at any alignment and indentation (property)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(0, 1, 2),
        (v, maxDepth, maxItems, maxString, shift, indent) => {
          const text = JSON.stringify(v, null, indent);
          // The same bytes at every offset from a 4-byte boundary, with noise around them.
          const buf = new Uint8Array(shift + text.length * 3 + 8).fill(0x5b);
          const enc = utf8(text);
          buf.set(enc, shift);
          const bytes = buf.subarray(shift, shift + enc.length);
          const l = limits({ maxDepth, maxSamples: maxItems, maxLaps: 0, maxActivities: 0, maxStringLength: maxString });
          const m = measure(v);
          const err = errorOf(bytes, l);
          const over = m.depth > maxDepth || m.items > maxItems || m.string > maxString;
          expect(err !== null).toBe(over);
          if (err !== null) {
            expect(err.code).toBe('limit-exceeded');
            expect(err.path).toBeDefined();
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('counts values exactly in arrays long enough to need counting: strings with commas, nested arrays', () => {
    const arr = ['a,b,c', [1, 2, 3, [4, 5]], { x: ',,,' }, 'q\\"",', 7, null, true];
    const text = JSON.stringify({ k: arr, padding: 'x'.repeat(50) });
    const l = (max: number): Limits => limits({ maxSamples: max, maxLaps: 0, maxActivities: 0 });
    expect(errorOf(utf8(text), l(7))).toBeNull();
    expect(errorOf(utf8(text), l(6))?.path).toBe('/k');
    // Long arrays of numbers counted four bytes at a time, at every alignment of the array.
    for (let pad = 0; pad < 4; pad++) {
      const nums = Array.from({ length: 1001 }, (_, i) => (i % 3 === 0 ? i * 1.5 : i));
      const t = utf8(' '.repeat(pad) + JSON.stringify({ series: [nums] }));
      expect(errorOf(t, l(1001))).toBeNull();
      expect(errorOf(t, l(1000))?.path).toBe('/series/0');
    }
  });

  it('maxDepth: refuses deep nesting early, with its place (songs nested 5000 deep)', () => {
    const deep = '{"startDateTimeLocal":"2024-01-01T00:00:00Z",\n"songs":[' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + ']}';
    const err = errorOf(utf8(deep), DEFAULT_LIMITS);
    expect(err?.code).toBe('limit-exceeded');
    expect(err?.path).toBe('/songs/0' + '/a'.repeat(62));
    expect(err?.line).toBe(2);
    expect(errorOf(utf8('['.repeat(100_000) + ']'.repeat(100_000)), DEFAULT_LIMITS)?.path).toBe('/0'.repeat(64));
    expect(errorOf(utf8('['.repeat(5000) + ']'.repeat(5000)), limits({ maxDepth: Infinity }))).toBeNull();
    expect(errorOf(utf8('['.repeat(200) + ']'.repeat(200)), limits({ maxDepth: 200 }))).toBeNull();
    expect(errorOf(utf8('['.repeat(201) + ']'.repeat(201)), limits({ maxDepth: 200 }))?.offset).toBe(200);
    expect(errorOf(utf8('[[[1]]]'), limits({ maxDepth: 3 }))).toBeNull();
    expect(errorOf(utf8('[[[[1]]]]'), limits({ maxDepth: 3 }))?.offset).toBe(3);
  });

  it('maxStringLength: counts the bytes between the quotes, not brackets inside strings', () => {
    const l = limits({ maxStringLength: 10 });
    expect(errorOf(utf8('{"notes":"0123456789"}'), l)).toBeNull();
    const err = errorOf(utf8('{"a":1,\n "notes": "01234567890"}'), l);
    expect(err).toMatchObject({ code: 'limit-exceeded', path: '/notes', line: 2, column: 11, offset: 18 });
    expect(errorOf(utf8('{"notes":"[[[[[[[[["}'), limits({ maxDepth: 1 }))).toBeNull();
    expect(errorOf(utf8('{"0123456789A":1}'), l)?.path).toBe('');
  });

  it('never throws anything but the limit error, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 4 }), (bytes, maxDepth) => {
        const err = errorOf(bytes, limits({ maxDepth, maxStringLength: 20, maxSamples: 5, maxLaps: 0, maxActivities: 0 }));
        if (err !== null) expect(err.code).toBe('limit-exceeded');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('pointerAt, lineColumnAt', () => {
  it('give the JSON pointer, line and column of a value', () => {
    const text = '{"a": [1, {"b~/c": "x"}],\n  "é": [[], "y"]}';
    const b = utf8(text);
    const off = (s: string): number => utf8(text.slice(0, text.indexOf(s))).length;
    expect(pointerAt(b, off('"x"'))).toBe('/a/1/b~0~1c');
    expect(pointerAt(b, off('"y"'))).toBe('/é/1');
    expect(pointerAt(b, off('[]'))).toBe('/é/0');
    expect(pointerAt(b, 0)).toBe('');
    expect(lineColumnAt(b, off('[]'))).toEqual({ line: 2, column: 9 });
  });
});

describe('fromActivityJsonText', () => {
  it('applies the limits too (maxBytes, and the scan)', () => {
    const text = '{"startDateTimeLocal":"2024-01-01T00:00:00Z","recordingKeys":["duration"],"recordingValues":[[0,1,2]]}';
    const codeOf = (l: Partial<Limits>): string => {
      try {
        fromActivityJsonText(text, new Report(), limits(l));
        return 'ok';
      } catch (e) {
        expect(e).toBeInstanceOf(ConvertError);
        return (e as ConvertError).code;
      }
    };
    expect(codeOf({})).toBe('ok');
    expect(codeOf({ maxBytes: 50 })).toBe('limit-exceeded');
    expect(codeOf({ maxDepth: 2 })).toBe('limit-exceeded');
    expect(codeOf({ maxSamples: 2 })).toBe('limit-exceeded');
  });
});
