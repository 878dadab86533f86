/**
 * The byte writer of the XML encoders (TCX, GPX): markup, escaped text, numbers and UTC times written as
 * bytes into one reused buffer, handed to the encoder's sink in chunks of about `chunkBytes`, so that a
 * long run is never held whole (the contract of `Encoder`, encode/encoder.ts). Numbers go through the
 * Activity JSON writer's formatter (shortest round trip, or rounded to a fixed number of decimals first),
 * and a time is written from integer arithmetic, its date part computed once per day.
 */
import { ByteWriter, writeFixed, writeNumber, writeSeriesNumber } from '../json/byte-writer.js';

const MS_PER_DAY = 86_400_000;
const P10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** How many series {@link XmlWriter.seriesNumber} keeps a scale for. */
export const SERIES_SLOTS = 8;

/** Two ASCII digits for each of 00…99. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + ((i / 10) | 0);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

/**
 * Markup prepared once for {@link XmlWriter.markup}: its ASCII bytes packed four to a 32-bit word, so
 * that writing it takes one store per four bytes. Measured (Node 20.20): copying the eight strings of
 * a TCX trackpoint took 60 ns a string with a `charCodeAt` loop, 21 ns with `Uint8Array#set`, 12 ns
 * packed.
 */
export interface Markup {
  readonly words: Uint32Array;
  readonly length: number;
}

/** Packs ASCII markup for {@link XmlWriter.markup} (made once, at module level). */
export function markup(ascii: string): Markup {
  const words = new Uint32Array(Math.ceil(ascii.length / 4));
  for (let i = 0; i < ascii.length; i++) {
    const c = ascii.charCodeAt(i);
    if (c > 127) throw new Error(`markup must be ASCII: ${JSON.stringify(ascii)}`);
    words[i >> 2] |= c << (8 * (i & 3));
  }
  return { words, length: ascii.length };
}

/** Writes XML as UTF-8 bytes into chunks. */
export class XmlWriter {
  readonly #w = new ByteWriter(1 << 16);
  readonly #sink: (chunk: Uint8Array) => void;
  readonly #chunkBytes: number;
  /** The day whose `YYYY-MM-DDT` prefix is cached, as days since the epoch (NaN: none yet). */
  #day = Number.NaN;
  #dayPrefix = '';
  /** A view of the writer's buffer for packed stores (made again when the buffer grows). */
  #dv: DataView = new DataView(new ArrayBuffer(0));
  /** The scale (decimals) of each series' last value written by {@link seriesNumber}. */
  readonly #scales = new Int8Array(SERIES_SLOTS);
  /** The buffer {@link #dv} views (compared by identity: reading a view's `buffer` costs more). */
  #dvOf: Uint8Array | null = null;

  /**
   * @param sink - receives each chunk; a chunk is valid only during the call (the buffer is reused).
   * @param chunkBytes - a chunk is handed out once the buffer holds this much, at a {@link flushIfFull}.
   */
  constructor(sink: (chunk: Uint8Array) => void, chunkBytes = 1 << 16) {
    this.#sink = sink;
    this.#chunkBytes = chunkBytes;
  }

  /** Markup or any text known to be ASCII with nothing to escape (`<trkpt lat="`). */
  raw(ascii: string): void {
    this.#w.ascii(ascii);
  }

  /** Markup made by {@link markup} (the per-sample tags of the encoders' loops). */
  markup(m: Markup): void {
    const w = this.#w;
    const words = m.words;
    w.ensure(words.length * 4);
    const dv = this.#view();
    const q = w.pos;
    // The last word may store up to three bytes past the markup: inside the room ensured, overwritten next.
    for (let j = 0; j < words.length; j++) dv.setUint32(q + 4 * j, words[j], true);
    w.pos = q + m.length;
  }

  /** Text content or an attribute value: `& < > " '` escaped, written as UTF-8. */
  text(s: string): void {
    // eslint-disable-next-line no-control-regex
    const clean = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
    this.#w.utf8(/[&<>"']/.test(clean) ? clean.replace(/[&<>"']/g, escapeChar) : clean);
  }

  /** A finite number in its shortest round-trip form (never NaN or ±Infinity: the caller leaves those out). */
  number(v: number): void {
    const w = this.#w;
    w.ensure(32);
    w.pos = writeNumber(w.buf, w.pos, v, this.#view());
  }

  /**
   * A finite number of a series (`slot` < {@link SERIES_SLOTS} names it), as {@link number} writes it:
   * the shortest form's search starts where the series' previous value ended (see `writeSeriesNumber`).
   */
  seriesNumber(v: number, slot: number): void {
    const w = this.#w;
    w.ensure(32);
    w.pos = writeSeriesNumber(w.buf, this.#view(), w.pos, v, this.#scales, slot);
  }

  /** `v` rounded to `decimals` decimals (0–9), trailing zeros stripped: `fixed(12.3456, 2)` → `12.35`. */
  fixed(v: number, decimals: number): void {
    const w = this.#w;
    w.ensure(32);
    const dv = this.#view();
    const q = writeFixed(w.buf, dv, w.pos, v, decimals);
    if (q >= 0) {
      w.pos = q;
      return;
    }
    const p = P10[decimals];
    w.pos = writeNumber(w.buf, w.pos, Math.round(v * p) / p, dv);
  }

  /** A DataView of the buffer as it is now (call after `ensure`: growing replaces the buffer). */
  #view(): DataView {
    const b = this.#w.buf;
    if (this.#dvOf !== b) {
      this.#dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      this.#dvOf = b;
    }
    return this.#dv;
  }

  /** An integer (rounded). */
  int(v: number): void {
    this.number(Math.round(v));
  }

  /**
   * A UTC time, `YYYY-MM-DDTHH:MM:SSZ`, or `…SS.mmmZ` when `withMs` and the time has milliseconds.
   * `ms` is a whole number of milliseconds since the epoch within years 0000–9999.
   */
  time(ms: number, withMs: boolean): void {
    const day = Math.floor(ms / MS_PER_DAY);
    if (day !== this.#day) {
      this.#day = day;
      this.#dayPrefix = new Date(day * MS_PER_DAY).toISOString().slice(0, 11); // YYYY-MM-DDT
    }
    this.#w.ascii(this.#dayPrefix);
    let rest = Math.round(ms - day * MS_PER_DAY);
    const milli = rest % 1000;
    rest = (rest - milli) / 1000;
    const s = rest % 60;
    rest = (rest - s) / 60;
    const m = rest % 60;
    const h = (rest - m) / 60;
    const w = this.#w;
    w.ensure(14);
    const b = w.buf;
    let q = w.pos;
    b[q++] = PAIRS[2 * h];
    b[q++] = PAIRS[2 * h + 1];
    b[q++] = 58; // :
    b[q++] = PAIRS[2 * m];
    b[q++] = PAIRS[2 * m + 1];
    b[q++] = 58;
    b[q++] = PAIRS[2 * s];
    b[q++] = PAIRS[2 * s + 1];
    if (withMs && milli !== 0) {
      b[q++] = 46; // .
      b[q++] = 48 + ((milli / 100) | 0);
      b[q++] = 48 + (((milli / 10) | 0) % 10);
      b[q++] = 48 + (milli % 10);
    }
    b[q++] = 90; // Z
    w.pos = q;
  }

  /** Hands out what is written when it has reached the chunk size (call between elements). */
  flushIfFull(): void {
    if (this.#w.pos >= this.#chunkBytes) this.flush();
  }

  /** Hands out whatever is written (call once at the end). */
  flush(): void {
    if (this.#w.pos === 0) return;
    this.#sink(this.#w.bytes());
    this.#w.pos = 0;
  }
}

function escapeChar(c: string): string {
  switch (c) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    default:
      return '&apos;';
  }
}
