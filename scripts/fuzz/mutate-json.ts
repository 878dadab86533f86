/**
 * Mutations of Activity JSON documents: parsed, changed, written again. Numbers set to extremes (also
 * ones JSON.stringify cannot write: `1e999`, `NaN`, `-0`, 200 digits), values to null, strings or other
 * types; arrays shortened and lengthened (huge ones too); keys dropped and duplicated (a duplicate key
 * needs its own writer: objects can carry entries); deep nesting in the pass-through fields (`songs`,
 * `heartRateRecovery`) and elsewhere; enums, times and pause indexes made wrong; `__proto__` keys.
 */
import type { Mutated } from './mutate-bytes.js';
import type { Rng } from './random.js';

/** Text written as is (a number JSON cannot hold, deep nesting, a broken token). */
export class Raw {
  constructor(readonly text: string) {}
}

/** An object written from its entries, so that a key may appear twice. */
export class Entries {
  constructor(readonly entries: [string, unknown][]) {}
}

/**
 * Writes `v` as JSON: {@link Raw} as its text, {@link Entries} as an object of those entries in order,
 * numbers that JSON cannot hold as `null` (as JSON.stringify does), `indent` spaces per level (0: compact).
 * JSON.stringify does the work (a hand-written writer took seconds on a 200 000-entry `songs`); Raw and
 * Entries go through it as placeholder strings that are replaced afterwards.
 *
 * @throws RangeError for documents nested deeper than JSON.stringify can go.
 */
export function writeJson(v: unknown, indent = 0): string {
  const raws: string[] = [];
  const text = JSON.stringify(
    v,
    (_k, x: unknown) => {
      if (x instanceof Raw) return `\u0000${raws.push(x.text) - 1}\u0000`;
      if (x instanceof Entries) {
        const body = x.entries.map(([k, e]) => `${JSON.stringify(k)}:${writeJson(e)}`).join(',');
        return `\u0000${raws.push(`{${body}}`) - 1}\u0000`;
      }
      return x;
    },
    indent,
  );
  if (text === undefined) return 'null';
  return raws.length === 0 ? text : text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]);
}

/** One value in the document and how to replace it. */
interface Slot {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
  value: unknown;
  path: string;
}

/** Every value of the document (the root excluded), at most `max` of them (a sample of the rest). */
function slots(doc: unknown, rng: Rng, max = 50_000): Slot[] {
  const out: Slot[] = [];
  let seen = 0;
  const visit = (v: unknown, path: string, depth: number): void => {
    // Values deeper than 48 levels are left alone (and not walked: a fixture may nest thousands deep).
    if (v === null || typeof v !== 'object' || v instanceof Raw || v instanceof Entries || depth > 48) return;
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((e, i) => [i, e]) : Object.entries(v);
    for (const [k, e] of entries) {
      seen++;
      const s: Slot = { parent: v as Record<string, unknown>, key: k, value: e, path: `${path}/${k}` };
      // Reservoir sampling keeps the choice uniform over documents of any size.
      if (out.length < max) out.push(s);
      else {
        const j = rng.int(seen);
        if (j < max) out[j] = s;
      }
      visit(e, s.path, depth + 1);
    }
  };
  visit(doc, '', 0);
  return out;
}

function set(s: Slot, v: unknown): void {
  (s.parent as Record<string | number, unknown>)[s.key] = v;
}

const DIGITS_200 = '1234567890'.repeat(20);
const NUMBER_EXTREMES: (() => unknown)[] = [
  () => null, () => -1, () => 0, () => 1e308, () => -1e308, () => 5e-324, () => 2 ** 53 + 1, () => new Raw('1e999'),
  () => new Raw('-1e999'), () => new Raw('NaN'), () => new Raw('Infinity'), () => new Raw('-0'), () => new Raw('1E400'),
  () => new Raw(`0.${DIGITS_200}`), () => new Raw(DIGITS_200), () => '12', () => true, () => ({}), () => [],
  () => 'x'.repeat(100_000), () => new Raw('01'), () => new Raw('1.'), () => new Raw('.5'), () => new Raw('+1'),
  () => -2147483649, () => 4294967296, () => 0.1 + 0.2, () => 1e-7,
];
const TIME_EXTREMES = [
  '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00+00:00', '2024-05-11T23:30:01.000+25:00',
  '2024-05-11T23:30:01.000-07:00x', '2024-05-11T23:30:01', '2024-02-30T00:00:00Z', '2024-05-11T23:30:01.123456789+01:00',
  '+275760-09-13T00:00:00Z', '', 'yesterday', '2024-05-11', '2024-05-11T24:00:00Z', '2024-05-11T23:30:01.000+14:01',
];
const ENUM_FIELDS = ['activityType', 'howFelt', 'terrain', 'weatherType', 'deviceType', 'source'];

type Doc = Record<string, unknown>;
type JsonOp = (doc: Doc, rng: Rng) => { doc: unknown; op: string } | null;

const numberExtreme: JsonOp = (doc, rng) => {
  const all = slots(doc, rng);
  const nums = all.filter((s) => typeof s.value === 'number');
  const s = rng.chance(0.8) && nums.length > 0 ? rng.pick(nums) : all.length > 0 ? rng.pick(all) : null;
  if (s === null) return null;
  const v = rng.pick(NUMBER_EXTREMES)();
  set(s, v);
  return { doc, op: `json-value(${s.path}=${v instanceof Raw ? v.text.slice(0, 20) : typeof v === 'string' ? `"${v.slice(0, 10)}"` : JSON.stringify(v)})` };
};

const arrayLength: JsonOp = (doc, rng) => {
  const arrays = slots(doc, rng).filter((s) => Array.isArray(s.value));
  if (arrays.length === 0) return null;
  const s = rng.pick(arrays);
  const a = s.value as unknown[];
  if (rng.chance(0.5) && a.length > 0) {
    const n = rng.pick([0, 1, a.length - 1, rng.int(a.length)]);
    a.length = n;
    return { doc, op: `json-shorten(${s.path}→${n})` };
  }
  const n = rng.chance(0.8) ? rng.small(64) : rng.pick([10_000, 100_000]);
  const fill = rng.pick(['last', 'null', 'number', 'growing'] as const);
  const last = a.length > 0 ? a[a.length - 1] : 0;
  for (let i = 0; i < n; i++) {
    a.push(fill === 'last' ? structuredClone(last) : fill === 'null' ? null : fill === 'number' ? rng.int(1000) : (typeof last === 'number' ? last : 0) + i + 1);
  }
  return { doc, op: `json-lengthen(${s.path}+${n}:${fill})` };
};

const keyDrop: JsonOp = (doc, rng) => {
  const objects = [{ parent: null, key: '', value: doc, path: '' } as unknown as Slot, ...slots(doc, rng).filter((s) => s.value !== null && typeof s.value === 'object' && !Array.isArray(s.value))];
  const s = rng.chance(0.6) ? objects[0] : rng.pick(objects);
  const o = s.value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 0) return null;
  const k = rng.pick(keys);
  delete o[k];
  return { doc, op: `json-drop(${s.path}/${k})` };
};

const keyDuplicate: JsonOp = (doc, rng) => {
  const keys = Object.keys(doc);
  if (keys.length === 0) return null;
  const k = rng.pick(keys);
  const entries = Object.entries(doc) as [string, unknown][];
  const other = rng.chance(0.5) ? doc[k] : rng.pick(NUMBER_EXTREMES)();
  entries.splice(rng.int(entries.length + 1), 0, [k, other]);
  return { doc: new Entries(entries), op: `json-dup-key(${k})` };
};

const nesting: JsonOp = (doc, rng) => {
  const depth = rng.pick([63, 64, 65, 100, 1000, 10_000, 100_000]);
  const shape = rng.pick(['array', 'object'] as const);
  const deep = new Raw(shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
  const where = rng.pick(['songs', 'songs-field', 'heartRateRecovery', 'anywhere'] as const);
  if (where === 'songs') doc.songs = [deep];
  else if (where === 'songs-field') doc.songs = [{ album: deep, artist: 'a', song: 's', BPM: 170, startClock: 0, endClock: 10 }];
  else if (where === 'heartRateRecovery') doc.heartRateRecovery = [{ duration: deep, heartRate: 120 }];
  else {
    const all = slots(doc, rng);
    if (all.length === 0) return null;
    set(rng.pick(all), deep);
  }
  return { doc, op: `json-nest(${where}:${shape}×${depth})` };
};

const typeSwap: JsonOp = (doc, rng) => {
  const all = slots(doc, rng);
  if (all.length === 0) return null;
  // Top-level fields more often: their types are what the reader checks first.
  const top = all.filter((s) => s.parent === doc);
  const s = rng.chance(0.5) && top.length > 0 ? rng.pick(top) : rng.pick(all);
  const v = s.value;
  const nv = Array.isArray(v)
    ? rng.pick([Object.fromEntries(v.map((e, i) => [String(i), e])), null, v.length, JSON.stringify(v).slice(0, 100)])
    : v !== null && typeof v === 'object'
      ? rng.pick([Object.values(v), null, 'object'])
      : typeof v === 'string'
        ? rng.pick([Number(v), null, [v], { v }, v.length])
        : typeof v === 'number'
          ? rng.pick([String(v), null, [v], { v }, v > 0])
          : rng.pick([0, '', [], {}]);
  set(s, nv);
  return { doc, op: `json-type(${s.path})` };
};

const specific: JsonOp = (doc, rng) => {
  const what = rng.pick(['enum', 'time', 'keys', 'pauses', 'laps', 'proto', 'songs', 'hrr'] as const);
  switch (what) {
    case 'enum': {
      const f = rng.pick(ENUM_FIELDS);
      const v = rng.pick(['cycling', 'RUNNING', 'Running', '', 'unknown', 'x'.repeat(10_000), 3, null, ['running']]);
      doc[f] = v;
      return { doc, op: `json-enum(${f})` };
    }
    case 'time':
      doc.startDateTimeLocal = rng.pick(TIME_EXTREMES);
      return { doc, op: `json-time(${String(doc.startDateTimeLocal)})` };
    case 'keys': {
      const keys = doc.recordingKeys;
      if (!Array.isArray(keys) || keys.length === 0) return null;
      const k = rng.int(keys.length);
      const how = rng.pick(['dup', 'unknown', 'remove', 'swap'] as const);
      if (how === 'dup') keys.push(keys[k]);
      else if (how === 'unknown') keys[k] = rng.pick(['speed', 'power', 'Clock', '', 'constructor', '__proto__']);
      else if (how === 'remove') keys.splice(k, 1);
      else keys.reverse();
      return { doc, op: `json-keys(${how})` };
    }
    case 'pauses': {
      const n = Array.isArray(doc.recordingValues) && Array.isArray(doc.recordingValues[0]) ? (doc.recordingValues[0] as unknown[]).length : 100;
      doc.pauseIndexes = rng.pick([[n], [n + 1], [-1], [0], [5, 3], [1.5], [2 ** 53], Array.from({ length: 100_000 }, (_, i) => i), [1, 1], ['3']]);
      return { doc, op: 'json-pauses' };
    }
    case 'laps': {
      const lap = rng.pick([
        { lapType: 'general', endDuration: 1e12 }, { lapType: 'general', endDuration: -1 }, { lapType: 'x', endDistance: 1 },
        { lapType: 'general' }, { lapType: 'interval', endDuration: 10, endDistance: 1 }, { lapType: 'general', endDistance: 1e-9 },
        { lapType: 'general', endDuration: new Raw('1e999') },
      ]);
      const laps = Array.isArray(doc.laps) ? doc.laps : (doc.laps = []);
      (laps as unknown[]).splice(rng.int((laps as unknown[]).length + 1), 0, ...Array.from({ length: rng.chance(0.9) ? 1 : 100_000 }, () => lap));
      return { doc, op: 'json-laps' };
    }
    case 'proto': {
      const entries = Object.entries(doc) as [string, unknown][];
      entries.push([rng.pick(['__proto__', 'constructor', 'prototype', 'toString']), { polluted: 1, recordingKeys: ['x'] }]);
      return { doc: new Entries(entries), op: 'json-proto' };
    }
    case 'songs':
      doc.songs = Array.from({ length: rng.pick([1, 1000, 100_000]) }, (_, i) => ({ album: 'a', artist: 'b', song: `s${i}`, BPM: rng.pick([170, -1, 1e308, null]), startClock: i, endClock: rng.pick([i + 1, i - 1]) }));
      return { doc, op: `json-songs(${(doc.songs as unknown[]).length})` };
    default:
      doc.heartRateRecovery = Array.from({ length: rng.pick([1, 1000, 100_000]) }, (_, i) => ({ duration: rng.pick([i, -i, null]), heartRate: rng.pick([120, 0, 1e9, '120']) }));
      return { doc, op: 'json-hrr' };
  }
};

const wrap: JsonOp = (doc, rng) => {
  const v = rng.pick([[doc], [doc, doc], [], {}, null, 'text', { activity: doc }, 0]);
  return { doc: v, op: 'json-wrap' };
};

const JSON_OPS: readonly JsonOp[] = [numberExtreme, arrayLength, keyDrop, keyDuplicate, nesting, typeSwap, specific, wrap];
const JSON_WEIGHTS: readonly number[] = [6, 3, 2.5, 1, 1, 2, 3.5, 0.3];

/**
 * One to three mutations of the Activity JSON input `bytes`, written again (compact or indented, at
 * times after a BOM or with bytes after the document). Null when `bytes` is not JSON text.
 */
export function mutateJson(bytes: Uint8Array, rng: Rng): Mutated | null {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  const ops: string[] = [];
  const n = rng.chance(0.6) ? 1 : rng.range(2, 3);
  for (let k = 0; k < n; k++) {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || doc instanceof Entries) break;
    const r = rng.weighted(JSON_OPS, JSON_WEIGHTS)(doc as Doc, rng);
    if (r === null) continue;
    doc = r.doc;
    ops.push(r.op);
  }
  if (ops.length === 0) return null;
  let text: string;
  try {
    text = writeJson(doc, rng.pick([0, 0, 1, 2]));
  } catch {
    return null; // nested deeper than JSON.stringify goes (a fixture of deep songs): byte mutations instead
  }
  const frame = rng.pick(['none', 'none', 'none', 'none', 'bom', 'space', 'trailing'] as const);
  if (frame === 'bom') text = `\ufeff${text}`;
  else if (frame === 'space') text = ` \n\t${text}\n `;
  else if (frame === 'trailing') text += rng.pick(['}', ' {}', 'x', '\u0000', ',']);
  if (frame !== 'none') ops.push(`json-frame(${frame})`);
  return { bytes: new TextEncoder().encode(text), op: ops.join('+') };
}
