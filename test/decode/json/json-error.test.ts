import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../../../src/decode/json/json-error.js';

describe('jsonErrorOffset', () => {
  it('is -1 exactly when JSON.parse accepts the text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 1, 2), (v, indent) => {
        expect(jsonErrorOffset(JSON.stringify(v, null, indent))).toBe(-1);
      }),
      { numRuns: 500 },
    );
  });

  it('points at the first offending character', () => {
    expect(jsonErrorOffset('{"a": [1, 2,, 3]}')).toBe(12);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('[1, 2')).toBe(5);
    expect(jsonErrorOffset('{"a":1}x')).toBe(7);
    expect(jsonErrorOffset('"\\x"')).toBe(0 + 1);
    expect(jsonErrorOffset('[01]')).toBe(2);
  });

  it('agrees with JSON.parse on mutated texts', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom(',', ']', '}', '"', ':', 'x', '0', ' '), (v, pos, ch) => {
        const s = JSON.stringify(v);
        const p = pos % (s.length + 1);
        const t = s.slice(0, p) + ch + s.slice(p);
        let ok = true;
        try {
          JSON.parse(t);
        } catch {
          ok = false;
        }
        expect(jsonErrorOffset(t) === -1).toBe(ok);
      }),
      { numRuns: 1000 },
    );
  });

  it('survives deep nesting without recursion', () => {
    expect(jsonErrorOffset('['.repeat(100_000) + ']'.repeat(100_000))).toBe(-1);
    expect(jsonErrorOffset('['.repeat(100_000))).toBe(100_000);
  });
});
