/**
 * Mutations of TCX and GPX on their text: an element's text replaced by an extreme (`''`, `-1`, `1e999`,
 * `NaN`, year 0 and year 9999, a 200-digit number, 100 KB of text…), elements duplicated, removed,
 * swapped, the text cut mid-element, deep nesting inserted, a DOCTYPE with an internal subset (entity
 * expansion, external entities), attributes (lat/lon, Sport) mutated, and markup runjson must either read
 * or refuse with a position (comments, CDATA, character references). UTF-16 inputs stay UTF-16.
 */
import type { Mutated } from './mutate-bytes.js';
import type { Rng } from './random.js';

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** The text of an XML input and how to write it back. */
function decode(b: Uint8Array): { text: string; encoding: Encoding } {
  if (b[0] === 0xff && b[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(b.subarray(2)), encoding: 'utf-16le' };
  if (b[0] === 0xfe && b[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(b.subarray(2)), encoding: 'utf-16be' };
  return { text: new TextDecoder('utf-8').decode(b), encoding: 'utf-8' };
}

function encode(text: string, encoding: Encoding): Uint8Array {
  if (encoding === 'utf-8') return new TextEncoder().encode(text);
  const out = new Uint8Array(2 + 2 * text.length);
  const le = encoding === 'utf-16le';
  out[0] = le ? 0xff : 0xfe;
  out[1] = le ? 0xfe : 0xff;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i] = le ? c & 0xff : c >>> 8;
    out[3 + 2 * i] = le ? c >>> 8 : c & 0xff;
  }
  return out;
}

const DIGITS_200 = '1234567890'.repeat(20);
/** Text extremes for any element. */
const NUMBER_EXTREMES = [
  '', '-1', '0', '-0', '1e999', '-1e999', 'NaN', 'Infinity', '-Infinity', '1e-400', ' 12 ', '1,5', '0x1F', '+5', '.5', '5.',
  '１２', 'abc', DIGITS_200, `-${DIGITS_200}`, `0.${DIGITS_200}`, '9007199254740993', '1.7976931348623157e308', '4294967295',
  '-2147483648', '65535', '255', '-91', '181', '1e308', '&#0;', '&#x31;&#x32;', '&unknown;', '<![CDATA[12]]>', '1<!-- c -->2',
  '&amp;', '\u0000', '\ud800',
];
/** Text extremes for dates and times. */
const TIME_EXTREMES = [
  '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2021-13-45T25:61:61Z',
  '2021-05-02T07:30:00+14:00', '2021-05-02T07:30:00-99:99', '2021-05-02T07:30:00.123456789012Z', '2021-05-02T07:30:00',
  '2021-05-02', '-2021-05-02T07:30:00Z', '+275760-09-13T00:00:00Z', '2021-05-02T07:30:00.000Z ', '2021-02-29T00:00:00Z',
  '2099-12-31T23:59:60Z', '2021-05-02t07:30:00z', '2021-05-02 07:30:00Z', '', 'NaN', '1e999', '-1',
];

const LEAF = /<([A-Za-z_][\w:.-]*)(?:\s[^<>]*)?>([^<]*)<\/\1\s*>/g;
const ATTR = /\s([A-Za-z_][\w:.-]*)\s*=\s*("[^"]*"|'[^']*')/g;
/** Elements with children that mutations duplicate, remove, swap and cut. */
const BLOCKS = ['Trackpoint', 'trkpt', 'Lap', 'Track', 'trkseg', 'trk', 'Activity', 'Position', 'HeartRateBpm', 'Extensions', 'extensions', 'TPX', 'TrackPointExtension', 'Creator', 'metadata', 'Activities', 'wpt', 'rte', 'Course', 'Author'];

/** The first match of `re` at or after `from`, wrapping around to the start. */
function matchFrom(re: RegExp, text: string, from: number): RegExpExecArray | null {
  re.lastIndex = from;
  const m = re.exec(text);
  if (m !== null) return m;
  re.lastIndex = 0;
  return re.exec(text);
}

interface Span {
  start: number;
  end: number;
  name: string;
}

/** A leaf element (text only) near a random position. */
function leaf(text: string, rng: Rng): (Span & { textStart: number; textEnd: number }) | null {
  const m = matchFrom(new RegExp(LEAF.source, 'g'), text, rng.int(text.length));
  if (m === null) return null;
  const textStart = m.index + m[0].indexOf('>') + 1;
  return { start: m.index, end: m.index + m[0].length, name: m[1], textStart, textEnd: textStart + m[2].length };
}

/** A block element (one of {@link BLOCKS}) near a random position, through its matching close tag. */
function block(text: string, rng: Rng, name = rng.pick(BLOCKS)): Span | null {
  const open = matchFrom(new RegExp(`<((?:[\\w.-]+:)?${name})(?=[\\s>/])`, 'g'), text, rng.int(text.length));
  if (open === null) return null;
  const tag = open[1];
  const gt = text.indexOf('>', open.index);
  if (gt < 0) return null;
  if (text[gt - 1] === '/') return { start: open.index, end: gt + 1, name: tag };
  const close = text.indexOf(`</${tag}`, gt);
  if (close < 0) return null;
  const end = text.indexOf('>', close);
  return end < 0 ? null : { start: open.index, end: end + 1, name: tag };
}

/** A leaf or a block. */
function element(text: string, rng: Rng): Span | null {
  return rng.chance(0.5) ? leaf(text, rng) : (block(text, rng) ?? leaf(text, rng));
}

function bigText(rng: Rng): string {
  const size = rng.chance(0.9) ? 100 * 1024 : rng.pick([1024 * 1024 + 1, 2 * 1024 * 1024]);
  const unit = rng.pick(['x', '7', ' ', 'é', '&amp;', '<!---->']);
  return unit.repeat(Math.ceil(size / unit.length));
}

type XmlOp = (text: string, rng: Rng) => { text: string; op: string } | null;

const leafText: XmlOp = (text, rng) => {
  const l = leaf(text, rng);
  if (l === null) return null;
  const old = text.slice(l.textStart, l.textEnd);
  const looksTime = /\d{4}-\d\d-\d\dT/.test(old);
  const v = rng.chance(0.05) ? bigText(rng) : rng.pick(looksTime && rng.chance(0.75) ? TIME_EXTREMES : NUMBER_EXTREMES);
  return { text: text.slice(0, l.textStart) + v + text.slice(l.textEnd), op: `xml-text(${l.name}=${v.length > 40 ? `${v.length} chars` : JSON.stringify(v)})` };
};

const attribute: XmlOp = (text, rng) => {
  // lat/lon and Sport more often than the namespace declarations around them.
  const preferred = rng.chance(0.6) ? matchFrom(/\s(lat|lon|Sport|StartTime)\s*=\s*("[^"]*"|'[^']*')/g, text, rng.int(text.length)) : null;
  const m = preferred ?? matchFrom(new RegExp(ATTR.source, 'g'), text, rng.int(text.length));
  if (m === null) return null;
  const name = m[1];
  const at = m.index;
  const end = at + m[0].length;
  const what = rng.pick(['value', 'value', 'value', 'remove', 'duplicate', 'unquoted'] as const);
  let repl: string;
  if (what === 'value') {
    const pos = ['91', '-90.0000001', '90', '-180', '180.5', '-181', '1e999', 'NaN', '', ' 45.1 ', '45,1', '0x1A', '4.5e1', DIGITS_200, '-0', '&#52;&#53;'];
    const sport = ['Biking', 'Other', 'running', 'RUNNING', '', 'Running ', 'Swimming', 'x'.repeat(100000)];
    const v = rng.pick(name === 'Sport' ? sport : name === 'StartTime' ? TIME_EXTREMES : pos);
    repl = ` ${name}="${v}"`;
  } else if (what === 'remove') {
    repl = '';
  } else if (what === 'duplicate') {
    repl = `${m[0]}${m[0]}`;
  } else {
    repl = ` ${name}=${m[2].slice(1, -1) || 'x'}`;
  }
  return { text: text.slice(0, at) + repl + text.slice(end), op: `xml-attr(${name}:${what})` };
};

const duplicate: XmlOp = (text, rng) => {
  const e = element(text, rng);
  if (e === null) return null;
  const piece = text.slice(e.start, e.end);
  const times = rng.chance(0.8) ? 1 : Math.min(rng.small(3000), Math.floor((4 << 20) / Math.max(1, piece.length)));
  return { text: text.slice(0, e.end) + piece.repeat(times) + text.slice(e.end), op: `xml-dup(${e.name}×${times})` };
};

const remove: XmlOp = (text, rng) => {
  const e = element(text, rng);
  if (e === null) return null;
  return { text: text.slice(0, e.start) + text.slice(e.end), op: `xml-remove(${e.name})` };
};

const swap: XmlOp = (text, rng) => {
  const a = element(text, rng);
  if (a === null) return null;
  // Another element of the same name after it (or any element when there is none).
  const local = a.name.replace(/^.*:/, '');
  const b = (BLOCKS.includes(local) ? block(text.slice(a.end), rng, local) : null) ?? leaf(text.slice(a.end), rng);
  if (b === null) return null;
  const bs = a.end + b.start;
  const be = a.end + b.end;
  return {
    text: text.slice(0, a.start) + text.slice(bs, be) + text.slice(a.end, bs) + text.slice(a.start, a.end) + text.slice(be),
    op: `xml-swap(${a.name},${b.name})`,
  };
};

const cut: XmlOp = (text, rng) => {
  const e = element(text, rng);
  const at = e === null ? rng.int(text.length) : e.start + 1 + rng.int(Math.max(1, e.end - e.start - 1));
  return { text: text.slice(0, at), op: `xml-cut(${e?.name ?? '?'}@${at})` };
};

/** A position just after a `>` (between markup), for insertions. */
function afterTag(text: string, rng: Rng): number {
  const i = text.indexOf('>', rng.int(text.length));
  return i < 0 ? text.length : i + 1;
}

const nesting: XmlOp = (text, rng) => {
  const depth = rng.pick([63, 64, 65, 100, 1000, 100_000]);
  const name = rng.pick(['x', 'Trackpoint', 'Extensions', 'trkseg', 'ns3:TPX', 'gpxtpx:hr']);
  const closed = rng.chance(0.7);
  const at = afterTag(text, rng);
  const ins = `<${name}>`.repeat(depth) + (closed ? `</${name}>`.repeat(depth) : '');
  return { text: text.slice(0, at) + ins + text.slice(at), op: `xml-nest(${name}×${depth}${closed ? '' : ',open'})` };
};

const doctype: XmlOp = (text, rng) => {
  const root = /<([A-Za-z_][\w:.-]*)[\s>]/.exec(text.replace(/<\?[\s\S]*?\?>/g, (m) => ' '.repeat(m.length)))?.[1] ?? 'r';
  const kind = rng.pick(['laughs', 'external', 'plain', 'parameter', 'unclosed'] as const);
  let subset: string;
  let ref = '';
  if (kind === 'laughs') {
    const levels = rng.range(2, 9);
    subset = '<!ENTITY l0 "lol">';
    for (let i = 1; i <= levels; i++) subset += `<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`;
    ref = `&l${levels};`;
  } else if (kind === 'external') {
    subset = '<!ENTITY x SYSTEM "file:///etc/passwd">';
    ref = '&x;';
  } else if (kind === 'parameter') {
    subset = '<!ENTITY % p "<!ENTITY q \'42\'>"> %p;';
    ref = '&q;';
  } else if (kind === 'unclosed') {
    subset = '<!ENTITY a "';
  } else {
    subset = '<!ELEMENT a ANY><!ATTLIST Trackpoint x CDATA "1"><!ENTITY n "12">';
    ref = '&n;';
  }
  const decl = /^\s*(?:\ufeff)?\s*<\?xml[\s\S]*?\?>/.exec(text);
  const at = decl === null ? 0 : decl[0].length;
  let out = `${text.slice(0, at)}<!DOCTYPE ${root} [${subset}]>${text.slice(at)}`;
  if (ref !== '') {
    const l = leaf(out, rng);
    if (l !== null) out = out.slice(0, l.textStart) + ref + out.slice(l.textEnd);
  }
  return { text: out, op: `xml-doctype(${kind})` };
};

const markup: XmlOp = (text, rng) => {
  const at = afterTag(text, rng);
  const ins = rng.pick([
    '<!-- a comment -->', '<![CDATA[<Trackpoint>]]>', '<?pi data?>', '&amp;', '&#0;', '&#xD800;', '&#99999999;', '&undefined;',
    '</', '<', '<>', '<a b="1" b="2"/>', '\u0000', '\ufeff', ']]>', `<${'n'.repeat(100_000)}/>`, `<a ${'x="1" '.repeat(1)}${Array.from({ length: 5000 }, (_, i) => `a${i}="1"`).join(' ')}/>`,
    '<?xml version="1.0"?>', '<!DOCTYPE x>', '<x:y xmlns:x=""/>',
  ]);
  return { text: text.slice(0, at) + ins + text.slice(at), op: `xml-markup(${ins.length > 40 ? `${ins.length} chars` : JSON.stringify(ins)})` };
};

const bigInsert: XmlOp = (text, rng) => {
  const at = afterTag(text, rng);
  const t = bigText(rng);
  return { text: text.slice(0, at) + t + text.slice(at), op: `xml-big(${t.length})` };
};

const sport: XmlOp = (text, rng) => {
  const what = rng.pick(['tcx-sport', 'gpx-type', 'root', 'namespace'] as const);
  if (what === 'tcx-sport' && text.includes('Sport="')) {
    const v = rng.pick(['Biking', 'Other', 'running', '', 'Swimming', 'Walking']);
    return { text: text.replace(/Sport="[^"]*"/, `Sport="${v}"`), op: `xml-sport(${v})` };
  }
  if (what === 'gpx-type') {
    const v = rng.pick(['cycling', 'running', '9', '1', '', 'Run', 'hiking', 'x'.repeat(5000)]);
    const l = leaf(text, rng);
    const i = text.indexOf('<trk>');
    if (i < 0) return l === null ? null : { text: text.slice(0, l.textStart) + v + text.slice(l.textEnd), op: 'xml-type(leaf)' };
    return { text: `${text.slice(0, i + 5)}<type>${v}</type>${text.slice(i + 5)}`, op: `xml-type(${v.slice(0, 20)})` };
  }
  if (what === 'root') {
    const [a, b] = rng.chance(0.5) ? ['TrainingCenterDatabase', 'gpx'] : ['gpx', 'TrainingCenterDatabase'];
    return { text: text.split(a).join(b), op: `xml-root(${a}→${b})` };
  }
  return { text: text.replace(/xmlns="[^"]*"/, `xmlns="${rng.pick(['', 'urn:x', 'http://www.topografix.com/GPX/1/0'])}"`), op: 'xml-namespace' };
};

const XML_OPS: readonly XmlOp[] = [leafText, attribute, duplicate, remove, swap, cut, nesting, doctype, markup, bigInsert, sport];
const XML_WEIGHTS: readonly number[] = [6, 3, 2.5, 2.5, 1.5, 1.5, 1, 1, 1.5, 0.4, 0.8];

/** One to three text mutations of the TCX or GPX input `bytes` (null when none applied). */
export function mutateXml(bytes: Uint8Array, rng: Rng): Mutated | null {
  const { text: start, encoding } = decode(bytes);
  let text = start;
  const ops: string[] = [];
  const n = rng.chance(0.6) ? 1 : rng.range(2, 3);
  for (let k = 0; k < n; k++) {
    const r = rng.weighted(XML_OPS, XML_WEIGHTS)(text, rng);
    if (r === null || r.text.length > 6 * 1024 * 1024) continue;
    text = r.text;
    ops.push(r.op);
  }
  return ops.length === 0 ? null : { bytes: encode(text, encoding), op: ops.join('+') };
}
