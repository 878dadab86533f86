/**
 * Bytes → text for the XML tokenizer: the encoding is chosen once from the first bytes (UTF-8 / UTF-16
 * byte-order marks, UTF-16 without a mark, else the XML declaration's `encoding`, else UTF-8), then a
 * streaming `TextDecoder` turns every chunk into text, so a character split across chunks is carried.
 *
 * Whitespace before the first `<` is skipped here: some exporters (Polar Flow) write spaces before the
 * XML declaration, which strict parsers reject ("XML declaration not at start"). The skipped lines and
 * columns are remembered so that positions in errors still point into the original file.
 *
 * UTF-8 (nearly every file) is not decoded with a streaming TextDecoder: each chunk is cut before an
 * incomplete trailing character (carried to the next chunk) and decoded whole, and a chunk that is all
 * ASCII becomes text through Node's Buffer as Latin-1 when Buffer exists (ASCII is the same in both).
 * Measured (Node 20.20, corpus GPX 15 MB / TCX 17.6 MB, best of 15): streaming `decode(b, {stream:
 * true})` 23.0 ms (GPX), one-shot `decode(b)` 16.8–18.5 ms, ASCII check 3.1 / 5.3 ms + Buffer
 * `latin1Slice` 3.2 ms. A cut is only made before a byte that is not a continuation byte (0x80–0xBF):
 * the WHATWG decoder is in its initial state there or restarts there, so decoding the pieces gives
 * exactly the text of decoding the whole (a sequence left incomplete becomes one U+FFFD either way).
 */
import { ConvertError, ErrorCode, type SourceFormat } from '../../core/errors.js';

/** Bytes to look at before choosing the encoding (the XML declaration fits well within it). */
const HEAD_BYTES = 512;

/**
 * Most bytes of an ASCII run made into one text. The XML reader hands saxes its text in pieces that end
 * at most limits.maxStringLength (1 MiB) characters after the last tag (xml-reader.ts `feed`); a whole
 * 3.5 MB file pushed at once was cut there into slices of the decoded string, and saxes reads a slice
 * more slowly than a flat string: corpus GPX 480–500 ms → 510–560 ms (best of 10, alternating
 * processes, Node 20.20). Flat texts of 256 KiB are shorter than any limit's worth and leave the
 * reader nothing to slice; the extra Buffer calls cost nothing measurable (4 per MB).
 */
const ASCII_PIECE = 256 * 1024;

/** The part of Node's Buffer used for ASCII chunks (absent in browsers). */
interface Latin1Buffer {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: 'latin1'): string };
}
const NODE_BUFFER = (globalThis as { Buffer?: Latin1Buffer }).Buffer ?? null;

/** Turns pushed bytes into text chunks handed to `sink`. */
export class XmlTextStream {
  /** Lines skipped as leading whitespace (added to line numbers in errors). */
  skippedLines = 0;
  /** Characters skipped on the last skipped line (added to columns on the first parsed line). */
  skippedColumns = 0;
  /** The encoding chosen (a TextDecoder label), once known. */
  encoding = '';
  private decoder: TextDecoder | null = null;
  /** UTF-8 read by whole chunks (see the file comment); other encodings stream through `decoder`. */
  private utf8 = false;
  /** UTF-8: the incomplete character at the end of the last chunk. */
  private carry: Uint8Array | null = null;
  /** UTF-8: bytes of a byte-order mark still to drop at the start. */
  private bom = 0;
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private leading = true;
  private readonly sink: (text: string) => void;
  private readonly formatOf: (head: string) => SourceFormat | null;

  /**
   * @param formatOf - the format to name in an error, given the first bytes as Latin-1 text (an
   *   encoding runjson cannot decode leaves nothing better to go on).
   */
  constructor(sink: (text: string) => void, formatOf: (head: string) => SourceFormat | null = () => null) {
    this.sink = sink;
    this.formatOf = formatOf;
  }

  /** Feeds bytes. */
  push(bytes: Uint8Array): void {
    if (this.decoder !== null) {
      if (this.utf8) this.pushUtf8(bytes, false);
      else this.deliver(this.decoder.decode(bytes, { stream: true }));
      return;
    }
    if (this.headBytes + bytes.length < HEAD_BYTES) {
      // Copy the (small) head: the caller may reuse its buffer once push returns.
      this.head.push(bytes.slice());
      this.headBytes += bytes.length;
      return;
    }
    this.start(bytes);
  }

  /** Ends the input (flushes a trailing partial character as U+FFFD). */
  end(): void {
    if (this.decoder === null) this.start(new Uint8Array(0));
    if (this.utf8) {
      this.pushUtf8(new Uint8Array(0), true);
      return;
    }
    const decoder = this.decoder as TextDecoder;
    this.deliver(decoder.decode());
  }

  /** Chooses the encoding from the buffered head plus the start of `last`, then decodes both. */
  private start(last: Uint8Array): void {
    const need = Math.min(last.length, Math.max(0, HEAD_BYTES - this.headBytes));
    const head = new Uint8Array(this.headBytes + need);
    let o = 0;
    for (const c of this.head) {
      head.set(c, o);
      o += c.length;
    }
    head.set(last.subarray(0, need), o);
    this.encoding = chooseEncoding(head);
    let decoder: TextDecoder;
    this.utf8 = this.encoding === 'utf-8';
    try {
      // UTF-8: the byte-order mark is dropped here (a whole-chunk decode would drop one at every chunk).
      decoder = new TextDecoder(this.encoding, { ignoreBOM: this.utf8 });
    } catch (cause) {
      let latin1 = '';
      for (let i = 0; i < head.length; i++) latin1 += String.fromCharCode(head[i]);
      throw new ConvertError(ErrorCode.Unsupported, `unsupported XML encoding '${this.encoding}'`, {
        format: this.formatOf(latin1),
        line: 1,
        column: 1,
        cause,
      });
    }
    this.decoder = decoder;
    if (this.utf8 && head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) this.bom = 3;
    const parts = this.head;
    this.head = [];
    for (const c of parts) this.push(c);
    if (last.length > 0) this.push(last);
  }

  /** UTF-8: decodes the complete characters of carry + `bytes`, keeping an incomplete last one unless `final`. */
  private pushUtf8(bytes: Uint8Array, final: boolean): void {
    let b = bytes;
    if (this.bom > 0) {
      const skip = Math.min(this.bom, b.length);
      this.bom -= skip;
      b = b.subarray(skip);
    }
    const carry = this.carry;
    if (carry !== null) {
      const joined = new Uint8Array(carry.length + b.length);
      joined.set(carry);
      joined.set(b, carry.length);
      b = joined;
      this.carry = null;
    }
    const cut = final ? b.length : utf8Cut(b);
    if (cut < b.length) {
      // Copied: the caller may reuse its buffer once push returns.
      this.carry = b.slice(cut);
      b = b.subarray(0, cut);
    }
    if (b.length === 0) return;
    const decoder = this.decoder as TextDecoder;
    if (NODE_BUFFER === null) {
      this.deliver(decoder.decode(b));
      return;
    }
    // ASCII runs as Latin-1, the non-ASCII bytes between them through the decoder (a cut next to an
    // ASCII byte is clean). The largest corpus GPX (3.5 MB) has 13 non-ASCII bytes in its header: whole,
    // it went through TextDecoder (4.7 % of a reader-only profile). Text with many short ASCII runs
    // (a non-Latin script) is decoded whole past the 16th, so a chunk never becomes a flood of writes.
    const n = b.length;
    let at = 0;
    let short = 0;
    for (;;) {
      const p = asciiEnd(b, at);
      // In pieces of at most ASCII_PIECE bytes: see its comment.
      for (let q = at; q < p; q += ASCII_PIECE) {
        this.deliver(NODE_BUFFER.from(b.buffer, b.byteOffset + q, Math.min(ASCII_PIECE, p - q)).toString('latin1'));
      }
      if (p === n) return;
      if (p - at < 64 && ++short > 16) {
        this.deliver(decoder.decode(b.subarray(p)));
        return;
      }
      let q = p + 1;
      while (q < n && b[q] >= 0x80) q++;
      this.deliver(decoder.decode(b.subarray(p, q)));
      at = q;
    }
  }

  private deliver(text: string): void {
    if (text.length === 0) return;
    if (this.leading) {
      let i = 0;
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) {
          this.skippedLines++;
          this.skippedColumns = 0;
        } else if (c === 13) {
          if (text.charCodeAt(i + 1) !== 10) {
            this.skippedLines++;
            this.skippedColumns = 0;
          }
        } else if (c === 32 || c === 9 || c === 0xfeff) {
          this.skippedColumns++;
        } else {
          break;
        }
      }
      if (i === text.length) return;
      this.leading = false;
      if (i > 0) text = text.slice(i);
    }
    this.sink(text);
  }
}

/**
 * Where to cut UTF-8 bytes so that the part before holds only whole characters: before a lead byte
 * among the last three whose sequence is not complete, else at the end.
 */
export function utf8Cut(b: Uint8Array): number {
  const n = b.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const c = b[n - k];
    if (c < 0x80) return n;
    if (c >= 0xc0) return k < (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) ? n - k : n;
  }
  return n;
}

/** Index of the first byte ≥ 0x80 at or after `from`, or `b.length` (four bytes at a time over the aligned middle). */
export function asciiEnd(b: Uint8Array, from: number): number {
  const n = b.length;
  let i = from;
  while (i < n && ((b.byteOffset + i) & 3) !== 0) {
    if (b[i] >= 0x80) return i;
    i++;
  }
  const words = (n - i) >> 2;
  if (words > 0) {
    const w = new Int32Array(b.buffer, b.byteOffset + i, words);
    // 16 words OR-ed per test (measured on the corpus TCX, 17.6 MB: 2.1–2.5 ms vs 3.8–4.0 ms for a
    // 256-word block with one OR per statement); the block holding a high bit is searched byte by byte below.
    let k = 0;
    const last = words - 16;
    while (k <= last) {
      const acc =
        w[k] | w[k + 1] | w[k + 2] | w[k + 3] | w[k + 4] | w[k + 5] | w[k + 6] | w[k + 7] |
        w[k + 8] | w[k + 9] | w[k + 10] | w[k + 11] | w[k + 12] | w[k + 13] | w[k + 14] | w[k + 15];
      if ((acc & 0x80808080) !== 0) break;
      k += 16;
    }
    i += k * 4;
  }
  for (; i < n; i++) if (b[i] >= 0x80) return i;
  return n;
}

/** Picks a TextDecoder label from the first bytes of an XML document. */
export function chooseEncoding(b: Uint8Array): string {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  // UTF-16 without a mark: an ASCII character ('<' or whitespace) next to a zero byte.
  if (b.length >= 2 && b[0] !== 0 && b[1] === 0) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0 && b[1] !== 0) return 'utf-16be';
  // 8-bit: the declaration's encoding, when it names something other than UTF-8.
  let ascii = '';
  for (let i = 0; i < b.length && i < HEAD_BYTES; i++) ascii += String.fromCharCode(b[i]);
  const m = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(ascii);
  if (m === null) return 'utf-8';
  const label = m[1].toLowerCase();
  // A declaration saying UTF-16 over 8-bit bytes is wrong about itself: read the bytes as UTF-8.
  if (label === 'utf8' || label === 'utf-8' || label.startsWith('utf-16') || label === 'unicode') return 'utf-8';
  return label;
}
