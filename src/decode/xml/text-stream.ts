/**
 * Bytes → text for the XML tokenizer: the encoding is chosen once from the first bytes (UTF-8 / UTF-16
 * byte-order marks, UTF-16 without a mark, else the XML declaration's `encoding`, else UTF-8), then a
 * streaming `TextDecoder` turns every chunk into text, so a character split across chunks is carried.
 *
 * Whitespace before the first `<` is skipped here: some exporters (Polar Flow) write spaces before the
 * XML declaration, which strict parsers reject ("XML declaration not at start"). The skipped lines and
 * columns are remembered so that positions in errors still point into the original file.
 */
import { ConvertError, ErrorCode } from '../../core/errors.js';

/** Bytes to look at before choosing the encoding (the XML declaration fits well within it). */
const HEAD_BYTES = 512;

/** Turns pushed bytes into text chunks handed to `sink`. */
export class XmlTextStream {
  /** Lines skipped as leading whitespace (added to line numbers in errors). */
  skippedLines = 0;
  /** Characters skipped on the last skipped line (added to columns on the first parsed line). */
  skippedColumns = 0;
  /** The encoding chosen (a TextDecoder label), once known. */
  encoding = '';
  private decoder: TextDecoder | null = null;
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private leading = true;
  private readonly sink: (text: string) => void;

  constructor(sink: (text: string) => void) {
    this.sink = sink;
  }

  /** Feeds bytes. */
  push(bytes: Uint8Array): void {
    if (this.decoder !== null) {
      this.deliver(this.decoder.decode(bytes, { stream: true }));
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
    try {
      decoder = new TextDecoder(this.encoding);
    } catch (cause) {
      throw new ConvertError(ErrorCode.Unsupported, `unsupported XML encoding '${this.encoding}'`, { line: 1, column: 1, cause });
    }
    this.decoder = decoder;
    const parts = this.head;
    this.head = [];
    for (const c of parts) this.deliver(decoder.decode(c, { stream: true }));
    if (last.length > 0) this.deliver(decoder.decode(last, { stream: true }));
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
