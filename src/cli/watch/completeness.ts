/**
 * Whether a file a watch or a phone is still writing is whole, by what its own format says: a size that
 * stopped changing proves little (a copy can pause longer than any settle time, and a watch writes its
 * FIT file in bursts), so `watch` asks the bytes too.
 *
 * - FIT: each part's header gives its data size; header + data + 2-byte CRC of every chained part add up
 *   to the file's length, and each part's CRC is right (src/fit/crc.ts). The FIT protocol:
 *   https://developer.garmin.com/fit/protocol/ ("File Header", "CRC").
 * - TCX / GPX: the root element is closed (`</TrainingCenterDatabase>`, `</gpx>`, with any prefix) at the
 *   end, whitespace aside; UTF-16 files are read as such.
 * - gzip: the stream decompresses to its end, and what it holds is whole by the rules here.
 * - JSON: it parses.
 *
 * Anything else (no known format in the first bytes) counts as whole: waiting cannot make it a run, and
 * the converter says what is wrong with it.
 */
import { gunzipSync } from 'node:zlib';
import { sniff } from '../../convert/sniff.js';
import { crc16 } from '../../fit/crc.js';

/** Whether a file is whole, and when not, why (one short phrase). */
export type Completeness = { complete: true } | { complete: false; reason: string };

const WHOLE: Completeness = { complete: true };

function partial(reason: string): Completeness {
  return { complete: false, reason };
}

/** Gzip nesting accepted before a file counts as whole as it is (a bomb of nested streams is the converter's to refuse). */
const MAX_GZIP_DEPTH = 2;

/** Whether `bytes`, the whole content of a file, is a complete file of its format (see the top of the file). */
export function completeness(bytes: Uint8Array, depth = 0): Completeness {
  const kind = sniff(bytes.subarray(0, 1024), true);
  switch (kind) {
    case 'empty':
      return partial('empty');
    case 'fit':
      return fitCompleteness(bytes);
    case 'xml':
      return xmlCompleteness(bytes);
    case 'json':
      return jsonCompleteness(bytes);
    case 'gzip': {
      let inner: Uint8Array;
      try {
        inner = gunzipSync(bytes);
      } catch {
        return partial('the gzip stream ends early or is damaged');
      }
      return depth >= MAX_GZIP_DEPTH ? WHOLE : completeness(inner, depth + 1);
    }
    default:
      // The first bytes name no format yet: a FIT header short of its 12 bytes, a byte-order mark alone.
      if (bytes.length < 12 && (bytes[0] === 12 || bytes[0] === 14)) return partial('the FIT header is not complete');
      if (bytes.length < 4 && (bytes[0] === 0xef || bytes[0] === 0xff || bytes[0] === 0xfe)) return partial('too short to tell its format');
      return WHOLE;
  }
}

/** FIT: every chained part's length and CRC (see the top of the file). */
export function fitCompleteness(bytes: Uint8Array): Completeness {
  let at = 0;
  let part = 0;
  while (at < bytes.length) {
    part++;
    const where = part === 1 ? '' : ` (chained part ${part})`;
    if (bytes.length - at < 12) return partial(`the FIT header is not complete${where}`);
    const headerSize = bytes[at];
    const isFit = bytes[at + 8] === 0x2e && bytes[at + 9] === 0x46 && bytes[at + 10] === 0x49 && bytes[at + 11] === 0x54;
    if ((headerSize !== 12 && headerSize !== 14) || !isFit) {
      // Bytes after a whole part that are no FIT header: the sizes no longer add up to the file's length.
      return partial(`${bytes.length - at} bytes after the FIT data are not a FIT file${where}`);
    }
    if (bytes.length - at < headerSize) return partial(`the FIT header is not complete${where}`);
    const dataSize = (bytes[at + 4] | (bytes[at + 5] << 8) | (bytes[at + 6] << 16) | (bytes[at + 7] << 24)) >>> 0;
    const end = at + headerSize + dataSize + 2;
    if (end > bytes.length) return partial(`the FIT data is shorter than its header says (${bytes.length - at} of ${end - at} bytes)${where}`);
    // The CRC over the data and the CRC itself is 0 when the CRC is right.
    if (crc16(0, bytes, at, end) !== 0) return partial(`the FIT file CRC does not match${where}`);
    at = end;
  }
  return WHOLE;
}

/** The root elements runjson reads, with any namespace prefix. */
const ROOT_CLOSED = /<\/(?:[A-Za-z_][\w.-]*:)?(?:TrainingCenterDatabase|gpx)\s*>$/;

/** Bytes of the end of the file looked at (a closing tag and the whitespace after it, in UTF-16 too). */
const TAIL_BYTES = 4096;

/** TCX / GPX: the root element is closed at the end. */
export function xmlCompleteness(bytes: Uint8Array): Completeness {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  let from = Math.max(0, bytes.length - TAIL_BYTES);
  // A UTF-16 tail must start on a code unit.
  if (utf16 !== null && from % 2 === 1) from++;
  const tail = new TextDecoder(utf16 ?? 'utf-8').decode(bytes.subarray(from)).replace(/[\s\0]+$/, '');
  return ROOT_CLOSED.test(tail) ? WHOLE : partial('the XML root element is not closed');
}

/** JSON: it parses. */
export function jsonCompleteness(bytes: Uint8Array): Completeness {
  try {
    JSON.parse(new TextDecoder('utf-8').decode(bytes));
    return WHOLE;
  } catch {
    return partial('the JSON does not parse');
  }
}
