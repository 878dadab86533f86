/**
 * The limits of untrusted Activity JSON, checked on the bytes before `JSON.parse` sees them: `JSON.parse`
 * cannot be bounded (it builds whatever the text holds, as deep and as long as it is), so one pass over the
 * bytes measures what it would build — nesting depth, string lengths, array lengths — and refuses the input
 * with `limit-exceeded` at the first place a limit is crossed.
 *
 * The scan is not a parser: it only tells strings apart from structure, so that a `[` inside a string is not
 * counted. Whatever the bytes, it never throws anything but the limit error (syntax is JSON.parse's job,
 * and `jsonErrorOffset`'s for the position).
 *
 * How it is fast: Activity JSON is mostly number arrays, where no byte matters to the scan. It reads four
 * bytes at a time and steps byte by byte only around a quote or a bracket. Array lengths are bounded by
 * their extent (an array of k values spans at least 2k bytes); only an array long enough in bytes to hold
 * more values than allowed has its values counted (with the default limits, a series of more
 * than ~2 million samples).
 *
 * Measured (December 2026, Node 20.20; a 2-core machine shared with other jobs, so absolute times moved
 * ×2 from run to run while the ratios held) on a 20.1 MB Activity JSON, a generated 1 Hz run of 250 000
 * samples with every series, medians of 15–25 interleaved rounds: this scan 13–38 ms, UTF-8 decoding +
 * `JSON.parse` of the same bytes 190–485 ms, the scan 6–8 % of the parse in every run. (A plain loop that
 * only sums the bytes: 33–75 ms.) With the limits lowered so that every series is counted value by value
 * (what a series of over ~2 million samples costs): 65–100 ms, ~20 % of the parse. A first version, byte
 * by byte through a byte-class table with a comma count per open array, took 84–87 ms where the parse
 * took 180 ms (47 %): the word-at-a-time skip and the bound from the extent replaced it.
 */
import { ConvertError, ErrorCode } from '../../core/errors.js';
import type { Limits } from '../limits.js';
import { lineColumnAt, pointerAt } from './json-pointer.js';

/**
 * Checks the bytes of a JSON text against `maxDepth` (arrays and objects), `maxStringLength` (UTF-8 bytes
 * between the quotes, escapes as written) and the length of every array, which may be at most the largest
 * of `maxSamples`, `maxLaps` and `maxActivities` (each of those is checked exactly on the parsed document,
 * where it is known which array is what).
 *
 * @throws {ConvertError} `limit-exceeded`, with the byte offset, line, column and JSON pointer of the place.
 */
export function checkJsonLimits(bytes: Uint8Array, limits: Limits): void {
  const maxDepth = limits.maxDepth;
  const maxString = limits.maxStringLength;
  const maxItems = Math.max(limits.maxSamples, limits.maxLaps, limits.maxActivities);
  // Per open container (index = depth − 1): whether it is an array, where it opened, and the bytes and
  // number of the containers directly inside it (each of those is one value, however long). Sized for the
  // default depth and grown on need, so that any maxDepth (Infinity too) is a valid limit.
  let cap = Math.min(maxDepth, 64);
  let isArray = new Uint8Array(cap);
  let opened = new Float64Array(cap);
  let innerBytes = new Float64Array(cap);
  let children = new Float64Array(cap);
  const n = bytes.length;
  // The whole words of the input, from the first byte at a 4-byte boundary of the buffer.
  const head = (4 - (bytes.byteOffset & 3)) & 3;
  const wordCount = n > head ? (n - head) >>> 2 : 0;
  const words = wordCount === 0 ? new Int32Array(0) : new Int32Array(bytes.buffer, bytes.byteOffset + head, wordCount);
  const wordsEnd = head + wordCount * 4;
  let depth = 0;
  let i = 0;
  while (i < n) {
    if (i >= head && i < wordsEnd && ((i - head) & 3) === 0) {
      i = head + skipWords(words, (i - head) >>> 2) * 4;
      if (i >= n) break;
    }
    const c = bytes[i];
    if (c === 0x22) {
      const start = i++;
      while (i < n) {
        const s = bytes[i];
        if (s === 0x22) break;
        i += s === 0x5c ? 2 : 1;
      }
      if (i - start - 1 > maxString) throw limitError(bytes, start, `a string longer than limits.maxStringLength (${maxString} bytes)`);
    } else if (c === 0x5b || c === 0x7b) {
      if (depth >= maxDepth) throw limitError(bytes, i, `arrays and objects nested deeper than limits.maxDepth (${maxDepth})`);
      if (depth === cap) {
        cap *= 2;
        isArray = grow(isArray, new Uint8Array(cap));
        opened = grow(opened, new Float64Array(cap));
        innerBytes = grow(innerBytes, new Float64Array(cap));
        children = grow(children, new Float64Array(cap));
      }
      isArray[depth] = c === 0x5b ? 1 : 0;
      opened[depth] = i;
      innerBytes[depth] = 0;
      children[depth] = 0;
      depth++;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) {
        depth--;
        const from = opened[depth];
        const span = i - from + 1;
        // At most one value per 2 bytes of its own (a value and its comma), plus one per container inside.
        const bound = (span - innerBytes[depth]) / 2 + children[depth];
        if (isArray[depth] === 1 && bound > maxItems && countValues(bytes, words, head, from, i) > maxItems) {
          throw limitError(bytes, from, `an array of more than ${maxItems} values (limits.maxSamples, maxLaps, maxActivities)`);
        }
        if (depth > 0) {
          innerBytes[depth - 1] += span;
          children[depth - 1]++;
        }
      }
    }
    i++;
  }
}

function grow<T extends Uint8Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * The index of the first word from `j` on that holds a quote or a bracket (or the number of words). First a
 * cheap test (any byte ≥ 0x5b, or a quote), then, on words it lets through (the letters of `null`, an
 * exponent's `e`, UTF-8), the exact one.
 */
function skipWords(words: Int32Array, j: number): number {
  const count = words.length;
  for (; j < count; j++) {
    const w = words[j];
    const q = w ^ 0x22222222;
    if (((((w & 0x7f7f7f7f) + 0x25252525) | w) & 0x80808080) === 0 && ((q - 0x01010101) & ~q & 0x80808080) === 0) continue;
    if (hasQuoteOrBracket(w)) break;
  }
  return j;
}

/** Whether one of the four bytes of `w` is `"`, `[`, `]`, `{` or `}` (the classic has-a-zero-byte test, three times). */
function hasQuoteOrBracket(w: number): boolean {
  const q = w ^ 0x22222222;
  const o = w | 0x20202020; // [ → {, ] → }
  const a = o ^ 0x7b7b7b7b;
  const b = o ^ 0x7d7d7d7d;
  return ((((q - 0x01010101) & ~q) | ((a - 0x01010101) & ~a) | ((b - 0x01010101) & ~b)) & 0x80808080) !== 0;
}

/**
 * The number of values of the array that opens at `open` and closes at `close`: its commas outside strings
 * and nested containers, + 1. Four bytes at a time where no quote or bracket is (the commas of a word
 * counted by an exact zero-byte mask and a multiply), byte by byte elsewhere.
 */
function countValues(bytes: Uint8Array, words: Int32Array, head: number, open: number, close: number): number {
  let commas = 0;
  let nested = 0;
  let i = open + 1;
  const lastWord = close > head ? (close - head) >>> 2 : 0; // words wholly before `close`
  while (i < close) {
    if (i >= head && ((i - head) & 3) === 0) {
      let j = (i - head) >>> 2;
      for (; j < lastWord; j++) {
        const w = words[j];
        if (hasQuoteOrBracket(w)) break;
        if (nested === 0) {
          const x = w ^ 0x2c2c2c2c; // a comma becomes a zero byte
          const zeros = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080;
          commas += Math.imul(zeros >>> 7, 0x01010101) >>> 24;
        }
      }
      i = head + j * 4;
      if (i >= close) break;
    }
    const c = bytes[i];
    if (c === 0x22) {
      i++;
      while (i < close && bytes[i] !== 0x22) i += bytes[i] === 0x5c ? 2 : 1;
    } else if (c === 0x2c) {
      if (nested === 0) commas++;
    } else if (c === 0x5b || c === 0x7b) nested++;
    else if (c === 0x5d || c === 0x7d) nested--;
    i++;
  }
  if (commas > 0) return commas + 1;
  for (let k = open + 1; k < close; k++) {
    const c = bytes[k];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return 1;
  }
  return 0;
}

/** The limit error at byte `offset`, with its line, column and JSON pointer (worked out only now, on the slow path). */
function limitError(bytes: Uint8Array, offset: number, message: string): ConvertError {
  return new ConvertError(ErrorCode.Limit, message, { format: 'json', offset, ...lineColumnAt(bytes, offset), path: pointerAt(bytes, offset) });
}
