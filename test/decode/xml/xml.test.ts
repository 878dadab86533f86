/** The XML plumbing: encodings, leading whitespace, errors with line/column, limits, entities, chunking. */
import fc from 'fast-check';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { convert, convertSync } from '../../../src/index.js';
import { ConvertError } from '../../../src/core/errors.js';
import type { ConvertOptions } from '../../../src/convert/options.js';
import { chooseEncoding } from '../../../src/decode/xml/text-stream.js';
import { decoderContract, outcome } from '../../helpers/contract.js';
import { FIXTURES, listFiles, readBytes } from '../../helpers/paths.js';
import { ConvertSession } from '../../../src/index.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function error(bytes: Uint8Array | string, options: ConvertOptions = {}, chunk = 0): ConvertError {
  const b = typeof bytes === 'string' ? enc(bytes) : bytes;
  try {
    if (chunk > 0) {
      const s = new ConvertSession(options);
      for (let i = 0; i < b.length; i += chunk) s.push(b.subarray(i, i + chunk));
      s.finish();
    } else {
      convertSync(b, options);
    }
  } catch (e) {
    expect(e).toBeInstanceOf(ConvertError);
    return e as ConvertError;
  }
  throw new Error('expected a ConvertError');
}

const GPX_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">\n';
const TRK = '<trk><trkseg><trkpt lat="45" lon="5"><time>2020-01-01T10:00:00Z</time></trkpt><trkpt lat="45.001" lon="5"><time>2020-01-01T10:00:10Z</time></trkpt></trkseg></trk>\n';

describe('XML errors carry line and column', () => {
  it('malformed fixture: mismatched close tag at line 5, column 40', () => {
    const e = error(readBytes(join(FIXTURES, 'tcx', 'malformed.tcx')));
    expect(e.code).toBe('malformed');
    expect(e.line).toBe(5);
    expect(e.column).toBe(40);
  });

  it('positions count the skipped leading whitespace, whatever the chunking', () => {
    const text = `  \n\n   ${GPX_HEAD}<trk><trkseg></trk>\n</gpx>\n`;
    for (const chunk of [0, 1, 3, 7]) {
      const e = error(text, {}, chunk);
      expect(e.code).toBe('malformed');
      expect(e.line).toBe(5);
      expect(e.column).toBe(19);
    }
  });

  it('leading whitespace on the first line shifts the column', () => {
    const e = error(`    <gpx><trk></gpx>`);
    expect(e.code).toBe('malformed');
    expect(e.line).toBe(1);
    expect(e.column).toBe(20);
  });

  it('unclosed document with nothing read → truncated at the end (truncated.test.ts: what a cut keeps)', () => {
    const e = error(`${GPX_HEAD}<trk>`);
    expect(e.code).toBe('truncated');
    expect(e.format).toBe('gpx');
    expect(e.line).toBe(3);
  });

  it('undefined entity → malformed; the five predefined ones are read', () => {
    expect(error(`${GPX_HEAD}<trk><name>&foo;</name></trk></gpx>`).code).toBe('malformed');
    const r = convertSync(enc(`${GPX_HEAD}<trk><type>&#114;unning &amp; more</type><trkseg><trkpt lat="45" lon="5"><time>2020-01-01T10:00:00Z</time></trkpt></trkseg></trk></gpx>`));
    expect(r.activities[0].activity.meta.sport).toBe('running');
  });

  it('a DOCTYPE declaring entities is refused (no billion laughs, no external entities)', () => {
    const laughs = `<?xml version="1.0"?>\n<!DOCTYPE gpx [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n<gpx><trk><name>&lol2;</name></trk></gpx>`;
    const e = error(laughs);
    expect(e.code).toBe('unsupported');
    expect(e.line).toBe(5);
    const external = `<?xml version="1.0"?>\n<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<gpx><trk><name>&xxe;</name></trk></gpx>`;
    expect(error(external).code).toBe('unsupported');
    // A DOCTYPE without entities is harmless.
    expect(convertSync(enc(`<?xml version="1.0"?>\n<!DOCTYPE gpx>\n<gpx>${TRK}</gpx>`)).activities).toHaveLength(1);
  });

  it('other XML → unknown-format; empty and text input', () => {
    expect(error('<?xml version="1.0"?><kml><Document/></kml>').code).toBe('unknown-format');
    expect(error('   ').code).toBe('empty-input');
    expect(error('<gpx>', { format: 'gpx' }).code).toBe('truncated');
  });
});

describe('errors before the root element name TCX or GPX', () => {
  it('from the root or DOCTYPE name in the first characters, else the format the input was taken for', () => {
    const gpxDecl = error(`<?xml version="1.0" standalone="maybe"?>\n<gpx>${TRK}</gpx>`);
    expect([gpxDecl.code, gpxDecl.format, gpxDecl.line]).toEqual(['malformed', 'gpx', 1]);
    const tcxEntities = error(`<?xml version="1.0"?>\n<!DOCTYPE TrainingCenterDatabase [<!ENTITY a "b">]>\n<TrainingCenterDatabase/>`);
    expect([tcxEntities.code, tcxEntities.format]).toEqual(['unsupported', 'tcx']);
    const gpxEntities = error(`<?xml version="1.0"?>\n<!DOCTYPE x:gpx [<!ENTITY a "b">]>\n<x:gpx/>`);
    expect([gpxEntities.code, gpxEntities.format]).toEqual(['unsupported', 'gpx']);
    const encoding = error(`<?xml version="1.0" encoding="x-unknown-8"?>\n<gpx>${TRK}</gpx>`);
    expect([encoding.code, encoding.format, encoding.line]).toEqual(['unsupported', 'gpx', 1]);
    const nothing = error('<?xml version="1.0"?>\n<!-- nothing else -->\n');
    expect([nothing.code, nothing.format, nothing.line]).toEqual(['truncated', 'tcx', 3]);
    expect(error('<?xml version="1.0"?>\n<!-- nothing else -->\n', { format: 'gpx' }).format).toBe('gpx');
  });
});

describe('limits', () => {
  it('depth: nesting beyond limits.maxDepth → limit-exceeded with position', () => {
    const deep = `${GPX_HEAD}${'<extensions>'.repeat(100)}${'</extensions>'.repeat(100)}</gpx>`;
    const e = error(deep);
    expect(e.code).toBe('limit-exceeded');
    expect(e.line).toBe(3);
    expect(e.column).toBe(12 * 64); // <gpx> + 63 <extensions> fill the 64 levels: the 64th <extensions> trips it
    expect(error(`${GPX_HEAD}${TRK}</gpx>`, { limits: { maxDepth: 3 } }).code).toBe('limit-exceeded');
    expect(convertSync(enc(`${GPX_HEAD}${TRK}</gpx>`), { limits: { maxDepth: 5 } }).activities).toHaveLength(1);
  });

  it('text length: a run longer than limits.maxStringLength → limit-exceeded, same place for any chunking', () => {
    const long = `${GPX_HEAD}<metadata><desc>${'x'.repeat(5000)}</desc></metadata>${TRK}</gpx>`;
    const whole = error(long, { limits: { maxStringLength: 1000 } });
    expect(whole.code).toBe('limit-exceeded');
    expect(whole.line).toBe(3);
    for (const chunk of [1, 13, 999, 1001]) {
      const e = error(long, { limits: { maxStringLength: 1000 } }, chunk);
      expect([e.code, e.line, e.column]).toEqual([whole.code, whole.line, whole.column]);
    }
    // Also in wanted text and in attributes.
    expect(error(`${GPX_HEAD}<trk><type>${'r'.repeat(2000)}</type></trk></gpx>`, { limits: { maxStringLength: 1000 } }).code).toBe('limit-exceeded');
    expect(error(`${GPX_HEAD}<trk a="${'r'.repeat(2000)}"/></gpx>`, { limits: { maxStringLength: 1000 } }).code).toBe('limit-exceeded');
    expect(convertSync(enc(long), { limits: { maxStringLength: 6000 } }).activities).toHaveLength(1);
  });

  it('samples: more than limits.maxSamples → limit-exceeded', () => {
    expect(error(`${GPX_HEAD}${TRK}</gpx>`, { limits: { maxSamples: 1 } }).code).toBe('limit-exceeded');
  });

  it('hostile input never hangs: random bytes after an XML start only give ConvertErrors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        const b = new Uint8Array([...enc(GPX_HEAD), ...tail]);
        const o = outcome(b);
        expect(o.ok === true || typeof o.code === 'string').toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('encodings and input kinds', () => {
  it('chooses the encoding from BOMs, zero bytes and the declaration', () => {
    expect(chooseEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x3c]))).toBe('utf-8');
    expect(chooseEncoding(new Uint8Array([0xff, 0xfe, 0x3c, 0]))).toBe('utf-16le');
    expect(chooseEncoding(new Uint8Array([0xfe, 0xff, 0, 0x3c]))).toBe('utf-16be');
    expect(chooseEncoding(new Uint8Array([0x3c, 0, 0x3f, 0]))).toBe('utf-16le');
    expect(chooseEncoding(enc('<?xml version="1.0" encoding="ISO-8859-1"?><gpx/>'))).toBe('iso-8859-1');
    expect(chooseEncoding(enc('<?xml version="1.0" encoding="UTF-16"?><gpx/>'))).toBe('utf-8');
  });

  it('UTF-16 BE with BOM and Latin-1 by declaration read like UTF-8', () => {
    const text = `${GPX_HEAD}<trk><name>Côte</name><type>running</type>${TRK.slice(5)}</gpx>`;
    const utf8 = convertSync(enc(text)).activities[0].toJson();
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.alloc(le.length);
    for (let i = 0; i < le.length; i += 2) {
      be[i] = le[i + 1];
      be[i + 1] = le[i];
    }
    const withBom = new Uint8Array([0xfe, 0xff, ...be]);
    const a = convertSync(withBom).activities[0].toJson();
    // externalId is a hash of the bytes: compare the rest.
    expect(a.replace(/"externalId":"[^"]*"/, '')).toBe(utf8.replace(/"externalId":"[^"]*"/, ''));
    const latin1 = Buffer.from(text.replace('UTF-8', 'ISO-8859-1'), 'latin1');
    expect(convertSync(latin1).activities[0].toJson().replace(/"externalId":"[^"]*"/, '')).toBe(utf8.replace(/"externalId":"[^"]*"/, ''));
  });

  it('a Node stream and a web ReadableStream give the same output as a buffer', async () => {
    const bytes = readBytes(join(FIXTURES, 'tcx', 'training-center-segments.tcx'));
    const want = convertSync(bytes).activities.map((a) => a.toJson());
    const node = await convert(Readable.from(Buffer.from(bytes), { objectMode: false }) as unknown as AsyncIterable<Uint8Array>);
    expect(node.activities.map((a) => a.toJson())).toEqual(want);
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 777) c.enqueue(bytes.slice(i, i + 777));
        c.close();
      },
    });
    expect((await convert(web)).activities.map((a) => a.toJson())).toEqual(want);
  });
});

describe('decoder contract over every TCX/GPX fixture', () => {
  for (const f of [...listFiles(FIXTURES, 'tcx', '.tcx'), ...listFiles(FIXTURES, 'gpx', '.gpx')]) {
    decoderContract(`fixture ${f.slice(FIXTURES.length + 1)}`, () => readBytes(f), { sports: 'all' }, f.includes('run_gpxtpx') ? 5 : 20);
  }
});
