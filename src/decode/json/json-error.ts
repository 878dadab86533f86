/**
 * Where a JSON text first breaks the grammar. `JSON.parse` is the fast path; its error messages in current
 * V8 no longer carry the position, so when it fails we scan once more, only to point at the error.
 * Iterative (no recursion), so a deeply nested input cannot overflow the stack.
 */

/** Offset (UTF-16 code units) of the first syntax error in `text`, or -1 when it is valid JSON. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const stack: number[] = []; // 1 = in object, 2 = in array
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): boolean => {
    const c = text[i];
    if (c === '"') return str();
    if (c === '{' || c === '[') return true; // handled by the caller
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return true;
      }
    }
    NUM.lastIndex = i;
    if (NUM.test(text)) {
      i = NUM.lastIndex;
      return true;
    }
    return false;
  };
  ws();
  if (BOM(text, i)) i++;
  ws();
  // State machine: expecting a value, then what may follow it in the current container.
  for (;;) {
    ws();
    if (i >= n) return i;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
      } else {
        stack.push(1);
        if (text[i] !== '"' || !str()) return i;
        ws();
        if (text[i] !== ':') return i;
        i++;
        continue;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') i++;
      else {
        stack.push(2);
        continue;
      }
    } else if (!value()) return i;
    // After a value: close containers or move to the next member.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? i : -1;
      const d = text[i];
      if (d === ',') {
        i++;
        ws();
        if (top === 1) {
          if (text[i] !== '"' || !str()) return i;
          ws();
          if (text[i] !== ':') return i;
          i++;
        }
        break;
      }
      if ((top === 1 && d === '}') || (top === 2 && d === ']')) {
        stack.pop();
        i++;
        continue;
      }
      return i;
    }
  }
}

function BOM(text: string, i: number): boolean {
  return text.charCodeAt(i) === 0xfeff;
}
