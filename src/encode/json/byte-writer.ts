/**
 * A growable byte buffer that writes JSON tokens, with a fast number formatter.
 *
 * Why bytes and not string `+=`: measured on 100k-sample activities (bench `encode/json/*`), building the
 * text with `'' + v` per number is ~2.3× slower than `JSON.stringify` of the same numbers as plain arrays,
 * and joining parts is slower still. Writing ASCII digits into a Uint8Array and decoding once at the end
 * beats `JSON.stringify` on every column where the numbers are short decimals (times, distance, heart
 * rate, cadence, elevation, rounded positions).
 *
 * Numbers: a finite double `v` that equals `r / 10^k` for an integer `r < 2^53` and `k ≤ 9` (checked
 * exactly: the IEEE division is correctly rounded, so equality means the k-digit decimal parses back to
 * `v`) is written as that decimal with trailing zeros stripped (r < 2^51 in fact: see MAX_R); anything else goes through `'' + v`
 * (V8's shortest round-trip formatting). Either way `JSON.parse` gives back the same double.
 */

const P10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const MAX_K = 9;
/** 10^(3−k) and 10^(9−k): scale a k-digit fraction to 3 or 9 digits (see writeFraction). */
const TO3 = [1000, 100, 10, 1];
const TO9 = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1000, 100, 10, 1];
/**
 * Largest r for the fast path. Below 2^51 the decimals r/10^k are spaced at least two ulps of x apart, so
 * the one that parses back to x is unique, `Math.round(x * 10^k)` finds it exactly, and with trailing zeros
 * stripped it is the shortest form, the one `JSON.stringify` writes. (Found by the property test: with
 * r near 2^53, 67186249.3683 came out as 67186249.36830001, correct as a double but not shortest.)
 */
const MAX_R = 2 ** 51;
/** Below this, x · 10^9 < 2^51 (see scaleOf). */
const QUICK_REJECT_BELOW = MAX_R / 1e9;

/** Two ASCII digits for each of 00…99. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + ((i / 10) | 0);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

/**
 * Digits of 0…999, 3 bytes each (left-aligned), and their lengths. The column loops store them packed
 * (DIGITS_C below), written out in each loop on purpose: a `writeSmall` helper called from those places
 * measured 20–60 % slower per value (corpus FIT columns, alternated builds, November 2026).
 */
const SMALL = new Uint8Array(3000);
const SMALL_LEN = new Uint8Array(1000);
for (let i = 0; i < 1000; i++) {
  const s = String(i);
  SMALL_LEN[i] = s.length;
  for (let j = 0; j < s.length; j++) SMALL[3 * i + j] = s.charCodeAt(j);
}

/** For 1…999 milliseconds: how many of the three digits remain once trailing zeros are stripped. */
const MS_LEN = new Uint8Array(1000);
for (let i = 1; i < 1000; i++) MS_LEN[i] = i % 100 === 0 ? 1 : i % 10 === 0 ? 2 : 3;

/**
 * The same digits packed for one 4-byte little-endian store (`DataView.setUint32`), which replaces three
 * byte loads and three byte stores (each bounds-checked) in the column loops:
 * - DIGITS_C[i]: the digits of 0…999 and a comma (length SMALL_LEN[i] + 1; the comma is overwritten
 *   when a fraction follows);
 * - PAD3_C[i]: 000…999 zero-padded and a comma (4 bytes): the low group of 4–6 digit integers, and
 *   each group of three digits of a long fraction;
 * - MS_DOT[i]: `.mmm` for 1…999 ms (or a fraction of up to three digits) with trailing zeros stripped
 *   (1 + MS_LEN[i] bytes).
 * Measured with the corpus FIT columns (writer alone, best of 15, alternated): heart rate 6.7 → 3.7 ns per
 * value, cadence 8.8–11.5 → 4.1, NaN columns (null) 8.6 → 3.6.
 */
const DIGITS_C = new Uint32Array(1000);
const PAD3_C = new Uint32Array(1000);
const MS_DOT = new Uint32Array(1000);
const pack = (text: string): number => {
  let w = 0;
  for (let j = 0; j < text.length; j++) w |= text.charCodeAt(j) << (8 * j);
  return w >>> 0;
};
for (let i = 0; i < 1000; i++) {
  DIGITS_C[i] = pack(`${i},`);
  PAD3_C[i] = pack(`${String(i).padStart(3, '0')},`);
  MS_DOT[i] = pack(`.${String(i).padStart(3, '0')}`.replace(/0+$/, ''));
}
/** `null` for one 4-byte store. */
const NULL4 = pack('null');

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes JSON into a growable Uint8Array. */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Writes an ASCII string (JSON punctuation, keys known to be ASCII). */
  ascii(s: string): void {
    this.ensure(s.length);
    const b = this.buf;
    let q = this.pos;
    for (let i = 0; i < s.length; i++) b[q++] = s.charCodeAt(i);
    this.pos = q;
  }

  /** Writes any string value as a JSON string literal (quoted, escaped, UTF-8). */
  string(s: string): void {
    this.utf8(JSON.stringify(s));
  }

  /** Writes text as UTF-8 (e.g. JSON already serialised). */
  utf8(text: string): void {
    this.ensure(text.length * 3);
    this.pos += encoder.encodeInto(text, this.buf.subarray(this.pos)).written;
  }

  /** Writes `v`, or `null` for NaN or ±Infinity. */
  number(v: number): void {
    this.ensure(32);
    this.pos = writeNumber(this.buf, this.pos, v);
  }

  /**
   * Writes `[s0,s1,…]`, the seconds `(t[i] − startMs) / 1000` of the first `n` times (epoch ms), without
   * a temporary column: the clock. A whole-millisecond offset below 2^31 ms (24 days) is split into
   * seconds and milliseconds with integer arithmetic and written as `s` or `s.mmm` (trailing zeros
   * stripped): that decimal is exactly d / 1000, so it parses to the same double the division gives, and
   * it is the shortest that does (the fast path's argument, below). Anything else takes the general path.
   * Measured on the corpus FIT clocks (189k values, writer alone): 20 → 14 ns per value, the float
   * division and the decimal search gone (a whole conversion: about 2 %).
   */
  seconds(t: Float64Array, n: number, startMs: number): void {
    this.ensure(n * 25 + 2);
    const b = this.buf;
    // Every store below stays inside the room ensured above: a value's stores reach at most 24 bytes past
    // its start (see writeFraction), and this value and the ones after it have 25 bytes each.
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let q = this.pos;
    b[q++] = 91; // [
    for (let i = 0; i < n; i++) {
      const d = t[i] - startMs;
      const di = d | 0;
      if (di === d && di >= 0) {
        const s = (di / 1000) | 0;
        const m = di - s * 1000;
        if (s < 1000) {
          dv.setUint32(q, DIGITS_C[s], true);
          q += SMALL_LEN[s];
        } else if (s < 1_000_000) {
          // 4–6 digits (most of a run's clock): the high group as is, the low group zero-padded.
          const hi = (s / 1000) | 0;
          dv.setUint32(q, DIGITS_C[hi], true);
          q += SMALL_LEN[hi];
          dv.setUint32(q, PAD3_C[s - hi * 1000], true);
          q += 3;
        } else {
          q = writeUint(b, q, s);
        }
        if (m !== 0) {
          // ".mmm" with trailing zeros stripped.
          dv.setUint32(q, MS_DOT[m], true);
          q += 1 + MS_LEN[m];
        }
      } else {
        q = writeNumber(b, q, d / 1000);
      }
      b[q++] = 44; // ,
    }
    if (n > 0) q--; // the last comma
    b[q++] = 93; // ]
    this.pos = q;
  }

  /** Writes `[c[0],c[1],…]` for the first `n` values of `c`, `null` for NaN. */
  column(c: Float64Array, n: number): void {
    this.ensure(n * 25 + 2);
    const b = this.buf;
    // As in `seconds`: no store below goes past the room ensured above.
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let q = this.pos;
    b[q++] = 91; // [
    // The decimal scale that worked for the previous value: a column's values share their precision,
    // so most values need one check instead of a search (measured: 2–3× faster on distance/cadence/positions).
    let k = 0;
    let p = 1;
    for (let i = 0; i < n; i++) {
      const v = c[i];
      const iv = v | 0;
      if (iv === v && iv >= 0) {
        // Non-negative integers: heart rate, power, whole-second times. Below 1000, one packed store
        // (the comma included). Tables are indexed with the int32 `iv`, not the double `v`.
        if (iv < 1000) {
          dv.setUint32(q, DIGITS_C[iv], true);
          q += SMALL_LEN[iv] + 1;
          continue;
        }
        if (iv < 1_000_000) {
          // 4–6 digits (times in seconds): the high group as is, the low group zero-padded.
          const hi = (iv / 1000) | 0;
          dv.setUint32(q, DIGITS_C[hi], true);
          q += SMALL_LEN[hi];
          dv.setUint32(q, PAD3_C[iv - hi * 1000], true);
          q += 4;
          continue;
        }
        q = writeUint(b, q, v);
      } else if (v !== v) {
        dv.setUint32(q, NULL4, true);
        q += 4;
      } else {
        const x = v < 0 ? -v : v;
        // floor(x·p + ½), not Math.round (8.3 vs 1.3 ns a call on Node 20, see fit-messages.ts): where the
        // two differ, r / p !== x sends the value to scaleOf, which uses Math.round. The check is exact,
        // so a wrong r can only cost time, never a wrong digit.
        let r = Math.floor(x * p + 0.5);
        if (r / p !== x || r >= MAX_R) {
          k = scaleOf(x, k);
          if (k < 0) {
            q = writeShortest(b, q, v);
            k = 0;
            p = 1;
            b[q++] = 44; // ,
            continue;
          }
          p = P10[k];
          r = Math.round(x * p);
        }
        if (v < 0 && r !== 0) b[q++] = 45; // -
        const ip = Math.floor(x); // x = r / 10^k exactly, so floor(x) = floor(r / 10^k)
        if (ip < 1000) {
          // Inline: positions, distances, cadences (the call to writeUint was 8 % of a FIT conversion).
          const ii = ip | 0;
          dv.setUint32(q, DIGITS_C[ii], true);
          q += SMALL_LEN[ii];
        } else {
          q = writeUint(b, q, ip);
        }
        q = writeFraction(b, dv, q, r - ip * p, k);
      }
      b[q++] = 44; // ,
    }
    if (n > 0) q--; // the last comma
    b[q++] = 93; // ]
    this.pos = q;
  }

  /** The bytes written so far (a view; copy it to keep it past the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** The text written so far. */
  text(): string {
    return decoder.decode(this.bytes());
  }
}

/**
 * Writes number `v` at `q` (room for 25 bytes must be ensured), returning the new position. `dv`, a
 * DataView of `b`, saves making one for a value with decimals (the XML writer keeps one per buffer).
 */
export function writeNumber(b: Uint8Array, q: number, v: number, dv?: DataView): number {
  if ((v | 0) === v && v >= 0) return writeUint(b, q, v);
  const k = scaleOf(v < 0 ? -v : v, 0);
  return k < 0 ? writeShortest(b, q, v) : writeScaled(b, q, v, k, dv ?? new DataView(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * {@link writeNumber} for the values of one series in a row: the scale search starts at the scale of the
 * series' previous value (`scales[slot]`, updated here), as the column loops do, so a series of 7-decimal
 * positions costs one test a value instead of eight. Same bytes as `writeNumber` (a larger scale than
 * needed only adds trailing zeros, which are stripped).
 */
export function writeSeriesNumber(b: Uint8Array, dv: DataView, q: number, v: number, scales: Int8Array, slot: number): number {
  if ((v | 0) === v && v >= 0) return writeUint(b, q, v);
  const k = scaleOf(v < 0 ? -v : v, scales[slot]);
  if (k < 0) return writeShortest(b, q, v);
  scales[slot] = k;
  return writeScaled(b, q, v, k, dv);
}

/**
 * The smallest k ≥ `from` (k ≤ 9) such that `x = r / 10^k` exactly for an integer r < 2^51, or −1 (also
 * for NaN and ±Infinity). A k larger than needed also satisfies the test (r then ends in zeros, which
 * `writeScaled` strips), so callers may start from the previous value's k.
 */
function scaleOf(x: number, from: number): number {
  // Quick reject, for the long values (float32 altitudes printed with 17 digits) that no k fits: when
  // x · 10^9 < 2^51, x = r / 10^k for some k ≤ 9 implies x · 10^9 rounds to r · 10^(9−k) exactly (its
  // error is below half a unit) and so passes the k = 9 test. Failing it, no k passes: one test instead
  // of up to twenty (the loop below, then again from 0). Measured on the corpus TCX columns (writer alone,
  // alternated, medians, both orders): elevation −9 to −15 %, distance −18 to −30 %.
  if (x < QUICK_REJECT_BELOW) {
    const r = Math.round(x * 1e9);
    if (r / 1e9 !== x) return -1;
  }
  for (let k = from; k <= MAX_K; k++) {
    const p = P10[k];
    const r = Math.round(x * p);
    if (r / p === x) return r < MAX_R ? k : from > 0 ? scaleOf(x, 0) : -1;
  }
  return from > 0 ? scaleOf(x, 0) : -1;
}

/** Writes `v = ±r / 10^k` as a decimal with trailing zeros stripped. */
function writeScaled(b: Uint8Array, q: number, v: number, k: number, dv: DataView): number {
  const x = v < 0 ? -v : v;
  const p = P10[k];
  const r = Math.round(x * p);
  if (v < 0 && r !== 0) b[q++] = 45; // -
  const ip = Math.floor(x);
  return writeFraction(b, dv, writeUint(b, q, ip), r - ip * p, k);
}

/**
 * Writes `v` rounded to `k` decimals (k ≤ 9), trailing zeros stripped: the same bytes as
 * `writeNumber(b, q, Math.round(v * 10^k) / 10^k)` without its search for the scale (k is known) and with
 * the caller's DataView (`dv` views `b`; room for 25 bytes at `q` must be ensured). Returns −1, writing
 * nothing, when the rounded mantissa is not below 2^51 or not finite: the caller then takes that path.
 *
 * Same bytes because r = Math.round(v · 10^k) is the integer that `writeNumber`'s scale search finds for
 * r / 10^k (decimals with r < 2^51 map to distinct doubles, see MAX_R): it writes r's digits with k
 * decimals, trailing zeros stripped, and a minus sign when r < 0 (never for −0). Checked against
 * `writeNumber` by a property test (test/encode/xml-writer.test.ts).
 */
export function writeFixed(b: Uint8Array, dv: DataView, q: number, v: number, k: number): number {
  const p = P10[k];
  let r = Math.round(v * p);
  if (!(r < MAX_R && r > -MAX_R)) return -1;
  if (r < 0) {
    b[q++] = 45; // -
    r = -r;
  }
  if (k === 0) return writeUint(b, q, r);
  const ip = Math.floor(r / p);
  return writeFraction(b, dv, writeUint(b, q, ip), r - ip * p, k);
}

/**
 * Writes `.ddd` for the k-digit fraction `frac` (< 10^k ≤ 10^9), trailing zeros stripped; nothing when 0.
 * `dv` views `b`, with room for the stores at `q`: 4 bytes for k ≤ 3, else 10.
 *
 * k ≤ 3 (elevation, cadence, seconds): one packed store of `.mmm` (MS_DOT). k > 3 (positions, distance):
 * the fraction scaled to nine digits, written as three zero-padded groups (PAD3_C), one 4-byte store each
 * (each store's fourth byte is overwritten by the next or lies past the end); the end is put after the
 * last group that is not 000, less that group's trailing zeros (MS_LEN). With r < 2^51 (16 digits), a
 * value with k > 3 has at most 12 integer digits, so its stores reach at most 1 + 12 + 1 + 10 = 24 bytes
 * past its start: inside the 25 a column reserves per value.
 *
 * This replaced a loop stripping zeros one `% 10` at a time and then writing digit pairs. Measured on the
 * corpus FIT columns (writer alone, builds alternated, medians, both orders): positions −28 to −31 %,
 * elevation and distance unchanged (within ±10 % noise, one order each way). A version with a six-digit
 * branch for k ≤ 6 as well grew past V8's inlining limit for `column` (460 bytecodes) and lost it all.
 */
function writeFraction(b: Uint8Array, dv: DataView, q: number, frac: number, k: number): number {
  if (frac === 0) return q;
  if (k <= 3) {
    const f = (frac * TO3[k]) | 0;
    dv.setUint32(q, MS_DOT[f], true);
    return q + 1 + MS_LEN[f];
  }
  const f = (frac * TO9[k]) | 0; // < 10^9 < 2^31
  const hi = (f / 1e6) | 0;
  const rest = f - hi * 1e6;
  const mid = (rest / 1000) | 0;
  const lo = rest - mid * 1000;
  b[q] = 46; // .
  dv.setUint32(q + 1, PAD3_C[hi], true);
  dv.setUint32(q + 4, PAD3_C[mid], true);
  dv.setUint32(q + 7, PAD3_C[lo], true);
  return lo !== 0 ? q + 7 + MS_LEN[lo] : mid !== 0 ? q + 4 + MS_LEN[mid] : q + 1 + MS_LEN[hi];
}

/** Writes a non-negative integer below 2^53 (2^31 and up: as two parts). */
function writeUint(b: Uint8Array, q: number, r: number): number {
  if (r < 1000) {
    const o = 3 * r;
    b[q] = SMALL[o];
    b[q + 1] = SMALL[o + 1];
    b[q + 2] = SMALL[o + 2];
    return q + SMALL_LEN[r];
  }
  if (r >= 2147483648) {
    const hi = Math.floor(r / 1e8);
    q = writeUint(b, q, hi);
    let lo = r - hi * 1e8;
    for (let e = q + 7; e >= q; e -= 2) {
      const t = (lo / 100) | 0;
      const d = (lo - t * 100) << 1;
      b[e - 1] = PAIRS[d];
      b[e] = PAIRS[d + 1];
      lo = t;
    }
    return q + 8;
  }
  const nd = r < 10 ? 1 : r < 100 ? 2 : r < 1000 ? 3 : r < 1e4 ? 4 : r < 1e5 ? 5 : r < 1e6 ? 6 : r < 1e7 ? 7 : r < 1e8 ? 8 : r < 1e9 ? 9 : 10;
  let e = q + nd;
  while (r >= 100) {
    const t = (r / 100) | 0;
    const d = (r - t * 100) << 1;
    e -= 2;
    b[e] = PAIRS[d];
    b[e + 1] = PAIRS[d + 1];
    r = t;
  }
  if (r >= 10) {
    const d = r << 1;
    b[e - 2] = PAIRS[d];
    b[e - 1] = PAIRS[d + 1];
  } else {
    b[e - 1] = 48 + r;
  }
  return q + nd;
}

function writeShortest(b: Uint8Array, q: number, v: number): number {
  if (v !== v || v === Infinity || v === -Infinity) {
    b[q] = 110; // null
    b[q + 1] = 117;
    b[q + 2] = 108;
    b[q + 3] = 108;
    return q + 4;
  }
  const s = '' + v;
  for (let i = 0; i < s.length; i++) b[q++] = s.charCodeAt(i);
  return q;
}
