/**
 * The XML plumbing shared by the TCX and GPX decoders: bytes → text (XmlTextStream) → saxes, with
 * element names mapped once to small integer ids, text captured only inside the elements a format
 * wants, limits on depth and text length, no entity expansion, and every error a `ConvertError` with
 * line and column.
 *
 * Measured decisions (saxes 6.0, Node 20.20, 2 shared cores; whole corpus TCX 17 MB / GPX 15 MB →
 * Activity JSON bytes, best of 20 passes, two runs each, November 2026):
 * - Text handler: we tried installing saxes' `text` handler only while a wanted element is open (saxes
 *   then does not even slice the text between elements) and removing it at the close. It was NOT faster:
 *   GPX 234–246 ms toggled vs 216–222 ms with one permanent handler that drops text outside wanted
 *   elements; TCX 219–231 vs 220–233 ms. The toggling (`on`/`off` per wanted element) costs what the
 *   slicing saves, so the handler is permanent.
 * - Element names → ids: a 256-slot direct-mapped cache in front of the Map (the qualified-name strings
 *   are fresh slices, so Map.get hashes each one): GPX 246 → 221–224 ms, TCX 244 → 212–228 ms.
 * - `position: false` is not used: in saxes 6 it only drops the position from error messages (lines
 *   and columns are counted anyway, see saxes' README: "setting this to false only results in a
 *   cosmetic change"). Measured, saxes with three no-op handlers over the whole TCX+GPX corpus, best of
 *   15: 245 / 310 ms on vs 258 / 262 ms off (two runs: noise, no gain). Our errors need the position, so
 *   it stays on and there is no re-parse on error.
 * - Text length: saxes gathers each token (a text run, a tag with its attributes, a comment, a CDATA
 *   section, a processing instruction, the whole DOCTYPE) in one growing string until the token ends.
 *   We used to bound the characters since the last '<'; but comments, CDATA sections, processing
 *   instructions and a DOCTYPE's internal subset may hold '<' themselves, so a 100 MB DOCTYPE of
 *   `<!ELEMENT …>` lines went through and saxes' buffer (many small concatenations) grew to 8–15× the
 *   input. Now the end of every tag, CDATA section and DOCTYPE is recorded, and no more than
 *   limits.maxStringLength characters may pass without one: {@link XmlReader.feed} hands saxes the
 *   text in pieces cut at that absolute offset, so the error comes at the same character for any
 *   chunking. Comments and processing instructions count with the text around them (up to the next
 *   tag), and so does everything before the root element's start tag.
 * - Six saxes handlers, no more: saxes keeps its handlers as properties set on the parser after it is
 *   built, and from the eighth on V8 turns the parser into a dictionary-mode object
 *   (`%HasFastProperties` false with 8, true with 7), which slows every step of the tokenizer.
 *   Measured (Node 20.20, the largest corpus TCX, 3.7 MB, best of 15): 117–125 ms with these six,
 *   600–760 ms with `comment` and `processinginstruction` handlers (and `xmldecl`) added to mark the
 *   ends of those tokens too.
 * - `xmlns: false`: namespaces are not resolved (files use undeclared prefixes such as `gpxdata:`); the
 *   prefix is stripped here and elements are matched on their local name.
 * - Whitespace between tags is handed to saxes as it is. Tried: removing it first (`/>\s+</g`) saves
 *   saxes nothing (bare saxes over the corpus GPX 126.9 ms as is, 126.8 ms stripped: scanning blanks is
 *   cheap, tags and names are what cost) and the replace itself takes 18.7 ms.
 *
 * Where the rest of a whole conversion goes (corpus GPX, best of 12–15 alternating runs, November 2026,
 * before the changes below): bare saxes 140 ms; saxes with no-op opentag/closetag/text handlers 147;
 * this reader with no-op format handlers 157; + the GPX handler (numbers, times, columns) 189; + finalize
 * and summary 203; + the JSON writer 228. Changes that kept (each measured A/B in alternating runs, the
 * numbers at the place they apply): UTF-8 decoded by whole chunks with ASCII runs through Buffer
 * (text-stream.ts), plain decimals parsed in place (numbers.ts), the minute prefix of ISO times reused
 * (numbers.ts: GPX 220 → 204 ms), the mid-latitude geodesic for short hops (core/geodesic.ts).
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { Activity } from '../../core/activity.js';
import { ConvertError, ErrorCode, type Report, type SourceFormat } from '../../core/errors.js';
import type { DecodeContext } from '../decoder.js';
import { XmlTextStream } from './text-stream.js';

/** A line and column (1-based) in the original input. */
export interface XmlPosition {
  line: number;
  column: number;
}

/** What a format (TCX, GPX) plugs into the reader. */
export interface XmlHandler {
  /** The format, for errors. */
  readonly format: SourceFormat;
  /** Local element names the format cares about; an element's id is its index here (0 = any other name). */
  readonly names: readonly string[];
  /** Per id: 1 when the element's text content is wanted in {@link close}. */
  readonly wantText: Uint8Array;
  /** An element opened (`tag.attributes` holds its attributes by qualified name). */
  open(id: number, tag: SaxesTagPlain): void;
  /** An element closed; `text` is its text content when its id wants text, else ''. */
  close(id: number, text: string): void;
  /**
   * End of input: the activities found. `cut` is where the input ended when it ended before the
   * document did (inside the root element, or inside a token after it: a file cut short): the format
   * keeps what was complete, reports `truncated`, and throws `truncated` when nothing usable was read.
   */
  finish(cut: XmlPosition | null): Activity[];
}

/** Picks the handler for a root element (by local name), or null when the root is not one we read. */
export type HandlerSelector = (rootLocalName: string, where: () => XmlPosition) => XmlHandler | null;

/** Characters kept from the start of the text, to name the format in errors raised before the root element. */
const PROLOG_CHARS = 2048;

/** Most distinct qualified names remembered (a hostile file with endless names cannot grow the cache). */
const MAX_CACHED_NAMES = 4096;

type SaxesPlain = SaxesParser<{ xmlns: false }>;

/** Streams one XML document into the handler chosen by its root element. */
export class XmlReader {
  private readonly parser: SaxesPlain;
  private readonly text: XmlTextStream;
  private readonly select: HandlerSelector;
  private readonly maxDepth: number;
  private readonly maxString: number;
  private handler: XmlHandler | null = null;
  private format: SourceFormat | null = null;
  private readonly ids = new Map<string, number>();
  private vocabulary = new Map<string, number>();
  private wantText: Uint8Array = new Uint8Array(0);
  private readonly stack: Int32Array;
  private depth = 0;
  private capturing = false;
  private buf = '';
  /** Characters (UTF-16 code units) handed to saxes so far. */
  private fed = 0;
  /** The first {@link PROLOG_CHARS} characters of the text (see {@link errorFormat}). */
  private prolog = '';
  /** Where the last tag, CDATA section or DOCTYPE ended (same units as {@link fed}). */
  private mark = 0;
  /** Direct-mapped cache of qualified name → id (slot chosen from the length and two characters). */
  private readonly cacheNames: string[] = new Array<string>(256).fill('');
  private readonly cacheIds = new Int32Array(256);
  private readonly onText = (t: string): void => {
    if (!this.capturing) return;
    const buf = this.buf.length === 0 ? t : this.buf + t;
    if (buf.length > this.maxString) this.limit(`text longer than limits.maxStringLength (${this.maxString})`);
    this.buf = buf;
  };

  private readonly report: Report;

  constructor(ctx: DecodeContext, select: HandlerSelector) {
    this.select = select;
    this.report = ctx.report;
    this.maxDepth = ctx.options.limits.maxDepth;
    this.maxString = ctx.options.limits.maxStringLength;
    this.stack = new Int32Array(this.maxDepth + 1);
    const parser: SaxesPlain = new SaxesParser({ xmlns: false });
    parser.on('error', (e) => {
      throw new ConvertError(ErrorCode.Malformed, `malformed XML: ${e.message.replace(/^\d+:\d+: /, '')}`, {
        format: this.errorFormat(),
        ...this.where(),
        cause: e,
      });
    });
    parser.on('doctype', (doctype) => {
      this.mark = this.parser.position;
      // saxes never expands entities beyond the five predefined ones, and neither do we: a document
      // that declares its own (billion laughs, external entities) is refused outright.
      if (/<!ENTITY/i.test(doctype)) {
        throw new ConvertError(ErrorCode.Unsupported, 'DOCTYPE declares entities: runjson never expands XML entities', {
          format: this.errorFormat(),
          ...this.where(),
        });
      }
    });
    parser.on('opentag', (tag) => this.openTag(tag));
    parser.on('closetag', () => this.closeTag());
    parser.on('cdata', (t) => {
      this.mark = this.parser.position;
      this.onText(t);
    });
    parser.on('text', this.onText);
    this.parser = parser;
    this.text = new XmlTextStream(
      (t) => this.feed(t),
      (head) => this.errorFormat(head),
    );
  }

  /** The position the tokenizer has reached in the original input (1-based line and column). */
  where(): XmlPosition {
    const p = this.parser;
    const line = p.line + this.text.skippedLines;
    const column = p.line === 1 ? p.column + this.text.skippedColumns : p.column;
    return { line, column: Math.max(1, column) };
  }

  /** Feeds the next bytes. */
  push(bytes: Uint8Array): void {
    this.text.push(bytes);
  }

  /**
   * Ends the input; returns the activities.
   *
   * Input that ends once the root element has begun but before the document is whole is a file cut
   * short (a recording app that died, a partial download): the format keeps every trackpoint completed
   * before the cut (see {@link XmlHandler.finish}). Inside the root element saxes would call that
   * malformed at close ("unclosed tag"), so it is not closed. After the root element closed, the only
   * error saxes' close can raise is an unfinished token (a comment cut short): the run is whole, and
   * the cut is reported the same way. Input that ends before the root element's start tag is whole (in
   * the XML declaration, a comment, the DOCTYPE) is `truncated` too, and an error: nothing of a run was
   * read. Broken XML before the end still fails as `malformed` while it is read.
   */
  finish(): Activity[] {
    this.text.end();
    const handler = this.handler;
    if (handler !== null && this.depth > 0) return handler.finish(this.where());
    if (handler === null) {
      // saxes' close would say "document must contain a root element": true, and the reason is the end.
      throw new ConvertError(ErrorCode.Truncated, 'the XML input ends before its root element: nothing of a run was read', {
        format: this.errorFormat(),
        ...this.where(),
      });
    }
    const end = this.where();
    try {
      this.parser.close();
    } catch (e) {
      if (e instanceof ConvertError && e.code === ErrorCode.Malformed) return handler.finish(end);
      throw e;
    }
    return handler.finish(null);
  }

  /**
   * Writes text to saxes so that no more than limits.maxStringLength characters pass between the ends
   * of two tags (or CDATA sections, or the DOCTYPE; see the file comment): saxes gathers a token until
   * it ends, so this bounds its memory whatever the token (text, tag, comment, CDATA, processing
   * instruction, DOCTYPE) and whatever the chunking. The text goes in pieces that end where the limit
   * would be passed if no tag ended in between (an absolute offset, the same for any chunking); in a
   * document of ordinary tokens that is one write per chunk and one more per limit's worth of characters.
   */
  private feed(text: string): void {
    const L = this.maxString;
    const n = text.length;
    const base = this.fed;
    if (this.prolog.length < PROLOG_CHARS) this.prolog += text.slice(0, PROLOG_CHARS - this.prolog.length);
    let from = 0;
    for (;;) {
      // Index in `text` of the first character that would be one too many since the last tag ended.
      const cut = this.mark + L + 1 - base;
      if (cut > n) break;
      this.parser.write(from === 0 && cut === n ? text : text.slice(from, cut));
      this.fed = base + cut;
      from = cut;
      if (this.fed - this.mark > L) {
        this.limit(`more than limits.maxStringLength (${L}) characters of text, comment, CDATA or DOCTYPE without a tag`);
      }
    }
    if (from < n) this.parser.write(from === 0 ? text : text.slice(from));
    this.fed = base + n;
  }

  private openTag(tag: SaxesTagPlain): void {
    this.mark = this.parser.position;
    const name = tag.name;
    if (this.handler === null) this.selectHandler(name);
    const slot = (name.length * 31 + name.charCodeAt(0) * 7 + name.charCodeAt(name.length - 1)) & 255;
    let id: number;
    if (this.cacheNames[slot] === name) {
      id = this.cacheIds[slot];
    } else {
      let known = this.ids.get(name);
      if (known === undefined) {
        known = this.vocabulary.get(localName(name)) ?? 0;
        if (this.ids.size < MAX_CACHED_NAMES) this.ids.set(name, known);
      }
      id = known;
      this.cacheNames[slot] = name;
      this.cacheIds[slot] = id;
    }
    if (this.depth >= this.maxDepth) this.limit(`XML nested deeper than limits.maxDepth (${this.maxDepth})`);
    this.stack[this.depth++] = id;
    if (this.wantText[id] === 1) {
      this.buf = '';
      this.capturing = true;
    }
    (this.handler as XmlHandler).open(id, tag);
  }

  private closeTag(): void {
    this.mark = this.parser.position;
    const id = this.stack[--this.depth];
    let text = '';
    if (this.capturing && this.wantText[id] === 1) {
      text = this.buf;
      this.buf = '';
      this.capturing = false;
    }
    (this.handler as XmlHandler).close(id, text);
  }

  private selectHandler(rootName: string): void {
    const handler = this.select(localName(rootName), () => this.where());
    if (handler === null) {
      throw new ConvertError(ErrorCode.UnknownFormat, `XML root element <${rootName}> is neither TCX nor GPX`, this.where());
    }
    this.handler = handler;
    this.format = handler.format;
    // From here on, errors and `strict` failures name the format the root element says (not just "XML").
    this.report.format = handler.format;
    this.vocabulary = new Map(handler.names.map((n, i) => [n, i]));
    this.vocabulary.delete('');
    this.wantText = handler.wantText;
  }

  private limit(message: string): never {
    throw new ConvertError(ErrorCode.Limit, message, { format: this.errorFormat(), ...this.where() });
  }

  /**
   * The format an error names. Once the root element is read, its format; before (an error in the XML
   * declaration, a DOCTYPE, a comment), the root element or DOCTYPE name among the first characters of
   * the text (`head`: the first bytes, when the text could not even be decoded), else the one the input
   * was taken for (the `format` option, or TCX until the root element says otherwise). Every error of an
   * XML input names TCX or GPX.
   */
  private errorFormat(head = ''): SourceFormat {
    return this.format ?? formatFromProlog(this.prolog === '' ? head : this.prolog) ?? this.report.format ?? 'tcx';
  }
}

/** `<gpx` / `<TrainingCenterDatabase` (any prefix), or a DOCTYPE naming one, in the start of an XML text. */
const ROOT_NAME = /<(?:!DOCTYPE\s+)?(?:[A-Za-z_][\w.-]*:)?(gpx|TrainingCenterDatabase)(?=[\s/>[]|$)/;

/** The format the first root element (or DOCTYPE) name in `text` says, or null. */
export function formatFromProlog(text: string): SourceFormat | null {
  const m = ROOT_NAME.exec(text);
  return m === null ? null : m[1] === 'gpx' ? 'gpx' : 'tcx';
}

/** `ns3:TPX` → `TPX`. */
export function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

/** Builds a `wantText` table: 1 at the ids of `names` listed in `wanted`. */
export function textTable(names: readonly string[], wanted: readonly string[]): Uint8Array {
  const t = new Uint8Array(names.length);
  for (const w of wanted) {
    const i = names.indexOf(w);
    if (i <= 0) throw new Error(`unknown element name ${w}`);
    t[i] = 1;
  }
  return t;
}
