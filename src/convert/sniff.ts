/**
 * Format sniffing from content: the file name is never trusted.
 */

/** What the first bytes say the input is. */
export type Sniffed = 'fit' | 'xml' | 'json' | 'gzip' | 'empty' | 'unknown';

/** Bytes needed to decide (a FIT header is 12 bytes; XML and JSON may start after a BOM and whitespace). */
export const SNIFF_BYTES = 1024;

/**
 * Decides the format from the first bytes of the input. Returns `unknown` when `head` is too short to
 * decide and `final` is false — call again with more bytes.
 */
export function sniff(head: Uint8Array, final = true): Sniffed | 'more' {
  if (head.length === 0) return final ? 'empty' : 'more';
  if (head[0] === 0x1f) {
    if (head.length >= 2 && head[1] === 0x8b) return 'gzip';
    if (head.length < 2 && !final) return 'more';
  }
  if (head.length >= 12 && (head[0] === 12 || head[0] === 14) && head[8] === 0x2e && head[9] === 0x46 && head[10] === 0x49 && head[11] === 0x54) {
    return 'fit';
  }
  if ((head[0] === 12 || head[0] === 14) && head.length < 12 && !final) return 'more';
  // Text: skip a BOM (UTF-8, UTF-16 LE/BE) and whitespace (UTF-16: every other byte is 0).
  let i = 0;
  let step = 1;
  if (head[0] === 0xef || head[0] === 0xff || head[0] === 0xfe) {
    if (head.length < 3 && !final) return 'more';
  }
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  else if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    i = head[0] === 0xff ? 2 : 3;
    step = 2;
  }
  for (; i < head.length; i += step) {
    const c = head[i];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c === 0x3c) return 'xml'; // <
    if (c === 0x7b || c === 0x5b) return 'json'; // { [
    return 'unknown';
  }
  return final ? 'empty' : 'more';
}

/**
 * TCX or GPX, by the root element's name where it shows in the first bytes (null when it does not: a long
 * prolog). The XML reader decides for good when it reads the root; this names the format of an error
 * raised before that (a DOCTYPE refused, a limit), instead of none.
 */
export function xmlFormatOf(head: Uint8Array): 'tcx' | 'gpx' | null {
  let text = '';
  const end = Math.min(head.length, 4096);
  // ASCII is enough to find the name; UTF-16's zero bytes are skipped.
  for (let i = 0; i < end; i++) if (head[i] !== 0) text += String.fromCharCode(head[i]);
  const m = /<(?:[A-Za-z_][\w.-]*:)?(TrainingCenterDatabase|gpx)[\s>/]/.exec(text);
  return m === null ? null : m[1] === 'gpx' ? 'gpx' : 'tcx';
}
