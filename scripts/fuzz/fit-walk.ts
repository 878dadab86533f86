/**
 * A structural walk over FIT bytes, for the structure-aware mutations: file headers (12 or 14 bytes),
 * definition messages (`0x40 | local`, developer flag `0x20`), normal data messages (`local`),
 * compressed-timestamp data messages (`0x80 | local << 5 | offset`), the file CRC, and files chained one
 * after another. Only lengths and layouts are read: no profile, no values. The walk never throws: it
 * stops where the bytes stop making sense and says why.
 *
 * Spec: https://developer.garmin.com/fit/protocol/ (the layout runjson's `src/decode/fit/fit-reader.ts`
 * reads).
 */

/** One field of a definition message, and where its bytes sit in a data message of that definition. */
export interface FitField {
  /** Field definition number. */
  num: number;
  /** Size in bytes. */
  size: number;
  /** The base type byte as written (endian flag included); `baseType & 0x1f` is the type number. */
  baseType: number;
  /** Offset of the field's bytes from the first byte after the data message's header byte. */
  at: number;
  /** Byte offset of this field's 3-byte entry in the definition message (from its header byte). */
  entry: number;
}

/** A definition message, as read. */
export interface FitDefinition {
  local: number;
  /** Architecture byte (0 little-endian, 1 big-endian, anything else is damage). */
  arch: number;
  global: number;
  fields: FitField[];
  /** Total size of the developer fields (skipped by the mutations). */
  devSize: number;
  /** Size of a data message of this definition, header byte excluded. */
  size: number;
}

/** One message of a FIT file. */
export interface FitRecord {
  /** Byte offset of its header byte in the input. */
  offset: number;
  /** Its length in bytes, header byte included. */
  length: number;
  kind: 'definition' | 'data';
  local: number;
  /** True for a compressed-timestamp data message. */
  compressed: boolean;
  /** The definition message itself, or the one in force for a data message. */
  def: FitDefinition;
}

/** One FIT file in the input (several may be chained). */
export interface FitFileLayout {
  offset: number;
  headerSize: number;
  /** The data size the header declares (0: an unfinalized recording, read to the end). */
  dataSize: number;
  records: FitRecord[];
  /** Offset of the 2-byte file CRC, or −1 when the input ends before it (or the file is unfinalized). */
  crcOffset: number;
}

/** The structure of an input. */
export interface FitLayout {
  files: FitFileLayout[];
  /** Where the walk stopped: the input's length when it read everything. */
  end: number;
  /** Why it stopped early, or null. */
  stop: string | null;
}

/** Whether `b` starts with a FIT file header (what runjson's sniffing also asks). */
export function looksLikeFit(b: Uint8Array): boolean {
  return b.length >= 12 && b[0] >= 12 && b[8] === 0x2e && b[9] === 0x46 && b[10] === 0x49 && b[11] === 0x54;
}

/** Walks the FIT structure of `b`. */
export function walkFit(b: Uint8Array): FitLayout {
  const files: FitFileLayout[] = [];
  const len = b.length;
  let p = 0;
  while (p < len) {
    if (!looksLikeFit(b.subarray(p, p + 12))) return { files, end: p, stop: `no FIT header at ${p}` };
    const hs = b[p];
    if (p + hs > len) return { files, end: p, stop: `header cut at ${p}` };
    const dataSize = (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24)) >>> 0;
    const file: FitFileLayout = { offset: p, headerSize: hs, dataSize, records: [], crcOffset: -1 };
    files.push(file);
    const dataEnd = dataSize === 0 ? len : p + hs + dataSize;
    p += hs;
    const defs: (FitDefinition | null)[] = new Array<FitDefinition | null>(16).fill(null);
    while (p < dataEnd && p < len) {
      const h = b[p];
      if ((h & 0xc0) === 0x40) {
        if (p + 6 > len) return { files, end: p, stop: `definition cut at ${p}` };
        const nf = b[p + 5];
        let n = 6 + 3 * nf;
        let nd = 0;
        if (h & 0x20) {
          if (p + n + 1 > len) return { files, end: p, stop: `definition cut at ${p}` };
          nd = b[p + n];
          n += 1 + 3 * nd;
        }
        if (p + n > len) return { files, end: p, stop: `definition cut at ${p}` };
        const arch = b[p + 2];
        const big = arch === 1;
        const fields: FitField[] = [];
        let at = 0;
        for (let k = 0; k < nf; k++) {
          const q = p + 6 + 3 * k;
          fields.push({ num: b[q], size: b[q + 1], baseType: b[q + 2], at, entry: 6 + 3 * k });
          at += b[q + 1];
        }
        let devSize = 0;
        for (let k = 0; k < nd; k++) devSize += b[p + 6 + 3 * nf + 1 + 3 * k + 1];
        const def: FitDefinition = {
          local: h & 15,
          arch,
          global: big ? (b[p + 3] << 8) | b[p + 4] : b[p + 3] | (b[p + 4] << 8),
          fields,
          devSize,
          size: at + devSize,
        };
        defs[h & 15] = def;
        file.records.push({ offset: p, length: n, kind: 'definition', local: h & 15, compressed: false, def });
        p += n;
        continue;
      }
      const compressed = (h & 0x80) !== 0;
      const local = compressed ? (h >> 5) & 3 : h & 15;
      const def = defs[local];
      if (def === null) return { files, end: p, stop: `data message for undefined local type ${local} at ${p}` };
      if (p + 1 + def.size > len) return { files, end: p, stop: `data message cut at ${p}` };
      file.records.push({ offset: p, length: 1 + def.size, kind: 'data', local, compressed, def });
      p += 1 + def.size;
    }
    if (dataSize === 0) return { files, end: p, stop: null };
    if (p + 2 > len) return { files, end: p, stop: `file CRC cut at ${p}` };
    file.crcOffset = p;
    p += 2;
  }
  return { files, end: p, stop: null };
}

/** A FIT input taken apart into pieces that mutations rearrange, and {@link assembleFit} puts together. */
export interface FitPieces {
  files: {
    header: Uint8Array;
    /** Each message's bytes (header byte included). */
    records: Uint8Array[];
    /** The stored file CRC, or null when the input ends before it. */
    crc: Uint8Array | null;
    /** Declared data size 0 (read to the end of the input, no CRC). */
    unfinalized: boolean;
  }[];
  /** Bytes after the last file the walk understood. */
  tail: Uint8Array;
}

/** Copies `b` into pieces along `layout` (which must be `walkFit(b)`). */
export function splitFit(b: Uint8Array, layout: FitLayout): FitPieces {
  return {
    files: layout.files.map((f) => ({
      header: b.slice(f.offset, f.offset + f.headerSize),
      records: f.records.map((r) => b.slice(r.offset, r.offset + r.length)),
      crc: f.crcOffset >= 0 ? b.slice(f.crcOffset, f.crcOffset + 2) : null,
      unfinalized: f.dataSize === 0,
    })),
    tail: b.slice(layout.end),
  };
}

/** What {@link assembleFit} recomputes. */
export interface FitFixes {
  /** Write each header's data size as the length of its messages (unfinalized files keep 0). */
  size: boolean;
  /** Recompute the header CRC (14-byte headers) and the file CRC, so damage reaches the decoder's semantics. */
  crc: boolean;
}

/** Puts pieces back together, with the header sizes and CRCs fixed as asked. */
export function assembleFit(pieces: FitPieces, fixes: FitFixes, crc16: (crc: number, bytes: Uint8Array, from: number, to: number) => number): Uint8Array {
  let total = pieces.tail.length;
  for (const f of pieces.files) {
    total += f.header.length + (f.crc ? 2 : 0);
    for (const r of f.records) total += r.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const f of pieces.files) {
    const start = o;
    out.set(f.header, o);
    o += f.header.length;
    for (const r of f.records) {
      out.set(r, o);
      o += r.length;
    }
    const dataSize = o - start - f.header.length;
    if (fixes.size && !f.unfinalized && f.header.length >= 12) {
      out[start + 4] = dataSize & 0xff;
      out[start + 5] = (dataSize >>> 8) & 0xff;
      out[start + 6] = (dataSize >>> 16) & 0xff;
      out[start + 7] = (dataSize >>> 24) & 0xff;
    }
    if (fixes.crc && f.header.length >= 14) {
      const h = crc16(0, out, start, start + 12);
      out[start + 12] = h & 0xff;
      out[start + 13] = h >>> 8;
    }
    if (f.crc) {
      if (fixes.crc) {
        const c = crc16(0, out, start, o);
        out[o] = c & 0xff;
        out[o + 1] = c >>> 8;
      } else {
        out.set(f.crc, o);
      }
      o += 2;
    }
  }
  out.set(pieces.tail, o);
  return out;
}
