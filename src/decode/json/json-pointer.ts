/**
 * Positions in a JSON text, for error messages: the JSON pointer (RFC 6901) of the value at a byte offset,
 * and the line and column of that offset. Both are worked out only when an error is thrown, by a second,
 * slower walk over the bytes up to the offset: the fast paths never track where they are.
 */

/** A JSON pointer segment, escaped (`~` → `~0`, `/` → `~1`). */
export function escapeSegment(segment: string | number): string {
  return typeof segment === 'number' ? String(segment) : segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Keys longer than this (hostile input only) are cut in a pointer, and marked with `…`. */
const KEY_CUT = 100;

interface Frame {
  array: boolean;
  /** Index of the current element (-1 before the first). */
  index: number;
  /** The current member's key; null between members. */
  key: string | null;
}

/**
 * The JSON pointer of the value that starts at byte `target` of a JSON text (or, for the opening quote of an
 * object key, of the object holding it). Tolerates broken JSON: it only follows brackets, strings, commas
 * and colons. Iterative, so a deep input cannot overflow the stack.
 */
export function pointerAt(bytes: Uint8Array, target: number): string {
  const stack: Frame[] = [];
  const n = bytes.length;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let expectKey = false;
  while (i < n && i <= target) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x3a) {
      i++;
      continue;
    }
    const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
    if (c === 0x2c) {
      if (top !== undefined && !top.array) {
        top.key = null;
        expectKey = true;
      }
      i++;
      continue;
    }
    if (c === 0x5d || c === 0x7d) {
      stack.pop();
      expectKey = false;
      i++;
      continue;
    }
    if (c === 0x22 && top !== undefined && !top.array && expectKey) {
      if (i >= target) return framesPointer(stack);
      const start = i;
      i = stringEnd(bytes, i);
      top.key = decodeKey(bytes, start + 1, i - 1);
      expectKey = false;
      continue;
    }
    // A value starts here.
    if (top !== undefined && top.array) top.index++;
    if (i >= target) return framesPointer(stack);
    if (c === 0x5b || c === 0x7b) {
      stack.push({ array: c === 0x5b, index: -1, key: null });
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x22) {
      i = stringEnd(bytes, i);
    } else {
      while (i < n && !isDelimiter(bytes[i])) i++;
    }
  }
  return framesPointer(stack);
}

/** Offset just past the string that opens at `i` (or the end of the input). */
function stringEnd(bytes: Uint8Array, i: number): number {
  const n = bytes.length;
  i++;
  while (i < n && bytes[i] !== 0x22) i += bytes[i] === 0x5c ? 2 : 1;
  return Math.min(i + 1, n);
}

function isDelimiter(c: number): boolean {
  return c === 0x2c || c === 0x5d || c === 0x7d || c === 0x3a || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function decodeKey(bytes: Uint8Array, start: number, end: number): string {
  const td = new TextDecoder();
  if (end - start > KEY_CUT * 4) return td.decode(bytes.subarray(start, start + KEY_CUT)) + '…';
  const raw = td.decode(bytes.subarray(start, end));
  let key: string;
  try {
    key = JSON.parse('"' + raw + '"') as string;
  } catch {
    key = raw;
  }
  return key.length > KEY_CUT ? key.slice(0, KEY_CUT) + '…' : key;
}

function framesPointer(stack: readonly Frame[]): string {
  let out = '';
  for (const f of stack) {
    if (f.array ? f.index < 0 : f.key === null) break;
    out += '/' + (f.array ? String(f.index) : escapeSegment(f.key as string));
  }
  return out;
}

/** The 1-based line and column (in characters: UTF-8 continuation bytes are not counted) of byte `offset`. */
export function lineColumnAt(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  const end = Math.min(offset, bytes.length);
  for (let i = 0; i < end; i++) {
    const c = bytes[i];
    if (c === 0x0a) {
      line++;
      column = 1;
    } else if ((c & 0xc0) !== 0x80) column++;
  }
  return { line, column };
}
