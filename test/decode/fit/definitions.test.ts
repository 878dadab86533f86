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
