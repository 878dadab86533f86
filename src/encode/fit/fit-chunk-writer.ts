/**
 * The byte buffer a FIT file is written into: one `Uint8Array`, reused for every chunk, handed to the sink
 * whenever the next message might not fit, with the file CRC carried across chunks. When the buffer is as
 * large as the whole file (`toFit`), it is handed out once, whole, and becomes the result without a copy.
 */
import { crc16 } from '../../fit/crc.js';

/** Room every message write asks for: more than the largest message runjson writes (a definition of 32 fields). */
export const MAX_MESSAGE = 256;

/** Writes bytes into one buffer, flushing chunks to a sink and keeping the CRC of everything flushed. */
export class FitChunkWriter {
  buf: Uint8Array;
  pos = 0;
  /** CRC of every byte flushed so far. */
  crc = 0;
  /** Whether the buffer holds the whole file (sized exactly): then nothing is flushed before the end. */
  readonly whole: boolean;
  private readonly sink: (chunk: Uint8Array) => void;

  constructor(buf: Uint8Array, sink: (chunk: Uint8Array) => void, whole = false) {
    this.buf = buf;
    this.sink = sink;
    this.whole = whole;
  }

  /** Makes room for `bytes` more bytes, flushing what is written when they might not fit. */
  room(bytes: number): void {
    if (!this.whole && this.pos + bytes > this.buf.length) this.flush();
  }

  /** Hands what is written to the sink (the CRC taken first) and starts the buffer over. */
  flush(): void {
    if (this.pos === 0) return;
    this.crc = crc16(this.crc, this.buf, 0, this.pos);
    this.sink(this.pos === this.buf.length ? this.buf : this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  /** Writes the file CRC (of everything before it) and flushes the last chunk. */
  finish(): void {
    if (this.pos + 2 > this.buf.length) this.flush();
    this.crc = crc16(this.crc, this.buf, 0, this.pos);
    const crc = this.crc;
    this.buf[this.pos++] = crc & 0xff;
    this.buf[this.pos++] = crc >>> 8;
    // The CRC bytes are not part of what the CRC covers: hand them out without updating it.
    this.sink(this.pos === this.buf.length ? this.buf : this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
}
