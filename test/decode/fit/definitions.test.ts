/**
 * Definition messages that come back: some devices write a definition before nearly every data message,
 * alternating between a few shapes on the same local type. The reader reuses the plan of a definition it
 * has seen byte for byte (`FitReader.reuse`); these files, written by hand, check that each data message
 * is still read with the plan of the definition just before it, against `@garmin/fitsdk`.
 */
import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { readFitMessages } from '../../../src/decode/fit/index.js';
import { fitFile, intBytes } from '../../helpers/fit-bytes.js';

const T0 = 1_100_000_000;
type Field = [num: number, size: number, baseType: number];
/** Record (global 20) fields: timestamp uint32, heart_rate uint8, cadence uint8, distance uint32 (1/100 m). */
const TS: Field = [253, 4, 0x86];
const HR: Field = [3, 1, 0x02];
const CAD: Field = [4, 1, 0x02];
const DIST: Field = [5, 4, 0x86];

interface Shape {
  fields: Field[];
  big: boolean;
}
const SHAPES: Shape[] = [
  { fields: [TS, HR], big: false },
  { fields: [TS, HR, CAD], big: false },
  { fields: [TS, DIST, HR], big: true },
  { fields: [HR, TS], big: false },
];

/** `n` records at 1 Hz, each after a definition of shape `pick(i)` on local type `localOf(i)`. */
function alternating(n: number, pick: (i: number) => number, localOf: (i: number) => number = () => 0): Uint8Array {
  const out: number[] = [];
  const int = (v: number, size: number, big: boolean): void => void out.push(...intBytes(v, size, big));
  for (let i = 0; i < n; i++) {
    const { fields, big } = SHAPES[pick(i)];
    const local = localOf(i);
    out.push(0x40 | local, 0, big ? 1 : 0);
    int(20, 2, big);
    out.push(fields.length);
    for (const f of fields) out.push(...f);
    out.push(local);
    for (const [num, size] of fields) {
      const v = num === 253 ? T0 + i : num === 3 ? 100 + i : num === 4 ? 80 + (i % 7) : 250 * i;
      int(v, size, big);
    }
  }
  return fitFile(out);
}

type Row = [hr: number | undefined, cadence: number | undefined, distance: number | undefined];

function sdkRows(bytes: Uint8Array): Row[] {
  const { messages, errors } = new Decoder(Stream.fromByteArray(bytes)).read();
  expect(errors).toEqual([]);
  const recs = (messages as Record<string, Record<string, unknown>[]>).recordMesgs;
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  return recs.map((r) => [num(r.heartRate), num(r.cadence), num(r.distance)]);
}

function ourRows(bytes: Uint8Array): Row[] {
  const { rec } = readFitMessages(bytes);
  const v = (c: Float64Array, i: number): number | undefined => (c[i] === c[i] ? c[i] : undefined);
  // Our distance column is in km, the SDK's in metres.
  const m = (km: number | undefined): number | undefined => (km === undefined ? undefined : Math.round(km * 1e9) / 1e6);
  return Array.from({ length: rec.n }, (_, i): Row => [v(rec.heartRate, i), v(rec.cadence, i), m(v(rec.distance, i))]);
}

describe('FIT definitions that come back', () => {
  it.each([
    ['two shapes in turn', (i: number) => i % 2],
    ['four shapes in turn, one big-endian, one with the fields reordered', (i: number) => i % 4],
    ['runs of the same shape, then others', (i: number) => [0, 0, 0, 2, 2, 1, 3, 3, 0, 1][i % 10]],
  ])('%s: every record read with its own definition, as the SDK reads it', (_, pick) => {
    const bytes = alternating(40, pick);
    const ours = ourRows(bytes);
    expect(ours).toHaveLength(40);
    expect(ours).toEqual(sdkRows(bytes));
    // And the values themselves: heart rate 100 + i in every shape, cadence only where shape 1 has it.
    ours.forEach(([hr, cad], i) => {
      expect(hr).toBe(100 + i);
      expect(cad).toBe(pick(i) === 1 ? 80 + (i % 7) : undefined);
    });
  });

  it('two local types that swap shapes: each data message read with its own local type\'s plan', () => {
    const pick = (i: number): number => ((i >> 1) + i) % 2;
    const bytes = alternating(24, pick, (i) => i % 2);
    const ours = ourRows(bytes);
    expect(ours).toEqual(sdkRows(bytes));
    ours.forEach(([, cad], i) => expect(cad).toBe(pick(i) === 1 ? 80 + (i % 7) : undefined));
  });
});

describe('FIT definitions shared between readers', () => {
  /** A file_id with a product_name string field of `size` bytes, then one record. */
  function withString(size: number): Uint8Array {
    const out: number[] = [0x40, 0, 0, ...intBytes(0, 2, false), 2, 0, 1, 0x00, 8, size, 0x07];
    out.push(0, 4, ...Array.from({ length: size }, (_, i) => (i < 5 ? 0x61 + i : 0)));
    out.push(0x41, 0, 0, ...intBytes(20, 2, false), 2, ...TS, ...HR);
    out.push(1, ...intBytes(T0, 4, false), 150);
    return fitFile(out);
  }

  it('a definition read before under larger limits is still held to this reader\'s limits', () => {
    const bytes = withString(40);
    expect(readFitMessages(bytes).fileId?.productName).toBe('abcde');
    // The same definition again, now over the limit: a Limit error, not the plan the first reader built.
    expect(() => readFitMessages(bytes, { limits: { maxStringLength: 39 } })).toThrow(/maxStringLength/);
    expect(readFitMessages(bytes, { limits: { maxStringLength: 40 } }).rec.heartRate[0]).toBe(150);
  });

  it('a definition whose every field takes two plan entries (numbers defined as strings)', () => {
    // 60 heart_rate fields typed as strings (each invalid: NAN then SKIP), then cadence: the plan needs
    // more than one entry per field, and the data message must still be read to its end.
    const fields: Field[] = [TS, ...Array.from({ length: 60 }, (): Field => [3, 1, 0x07]), CAD];
    const out: number[] = [0x40, 0, 0, ...intBytes(20, 2, false), fields.length];
    for (const f of fields) out.push(...f);
    for (let i = 0; i < 3; i++) out.push(0, ...intBytes(T0 + i, 4, false), ...new Array<number>(60).fill(100), 80 + i);
    const bytes = fitFile(out);
    const ours = ourRows(bytes);
    expect(ours).toEqual([
      [undefined, 80, undefined],
      [undefined, 81, undefined],
      [undefined, 82, undefined],
    ]);
    expect(ours.map(([, cad]) => cad)).toEqual(sdkRows(bytes).map(([, cad]) => cad));
  });
});
