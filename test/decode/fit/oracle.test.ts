/**
 * Differential test against `@garmin/fitsdk` (`Decoder.read()` with its default options): every FIT file of
 * `fixtures/` and of the corpus that the SDK reads gives the same records — count, timestamps, positions
 * (to 1e-7°), distance, altitude, heart rate, cadence and power — at the raw-record layer (before pass 2
 * merges same-time records and leaves out records logged while stopped). Differences that are the SDK's
 * doing are listed, with the reason, in `known-differences.txt`; a listed difference that no longer occurs
 * fails the test too, so the list stays true.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { ConvertError, Report } from '../../../src/core/errors.js';
import { mergeHrMessages } from '../../../src/decode/fit/hr-merge.js';
import { readFitMessages } from '../../../src/decode/fit/index.js';
import { CORPUS, FIXTURES, HAS_CORPUS, listFiles, readBytes } from '../../helpers/paths.js';

const KNOWN = new Map<string, string>();
for (const line of readFileSync(join(import.meta.dirname, 'known-differences.txt'), 'utf8').split('\n')) {
  if (line.startsWith('#') || line.trim() === '') continue;
  const [file, field, reason] = line.split('\t');
  KNOWN.set(`${file}\t${field}`, reason);
}

type SdkRecord = Record<string, unknown>;
const FIELDS = ['time', 'latitude', 'longitude', 'distance', 'elevation', 'heartRate', 'cadence', 'power'] as const;

function sdkValue(r: SdkRecord, field: (typeof FIELDS)[number]): number {
  const num = (k: string): number => (typeof r[k] === 'number' ? (r[k] as number) : NaN);
  switch (field) {
    case 'time':
      return r.timestamp instanceof Date ? r.timestamp.getTime() : NaN;
    case 'latitude':
      return (num('positionLat') * 180) / 2 ** 31;
    case 'longitude':
      return (num('positionLong') * 180) / 2 ** 31;
    case 'distance':
      return num('distance');
    case 'elevation': {
      const e = num('enhancedAltitude');
      return e === e ? e : num('altitude');
    }
    case 'heartRate':
      return num('heartRate');
    case 'cadence': {
      const f = num('fractionalCadence');
      return f === f ? num('cadence') + f : num('cadence');
    }
    case 'power':
      return num('power');
  }
}

function same(field: string, ours: number, theirs: number): boolean {
  if (ours !== ours || theirs !== theirs) return ours !== ours && theirs !== theirs;
  if (field === 'latitude' || field === 'longitude') return Math.abs(ours - theirs) <= 1e-7;
  if (field === 'distance' || field === 'elevation') return Math.abs(ours - theirs) <= 1e-9 * Math.max(1, Math.abs(theirs));
  return ours === theirs;
}

const files = [
  ...listFiles(FIXTURES, 'fit', '.fit'),
  ...(HAS_CORPUS ? listFiles(CORPUS, 'fit', '.fit') : []),
];

describe('oracle: @garmin/fitsdk', () => {
  const seen = new Set<string>();
  for (const path of files) {
    const name = basename(path);
    it(`${name}: same records as the SDK`, () => {
      const bytes = readBytes(path);
      const { messages, errors } = new Decoder(Stream.fromByteArray(bytes)).read();
      let m;
      try {
        m = readFitMessages(bytes);
        // The SDK merges hr messages into the records (mergeHeartRates); runjson does it in pass 2.
        mergeHrMessages(m.hr, m.rec, new Report(false, 'fit'));
      } catch (e) {
        expect(e).toBeInstanceOf(ConvertError);
        // Ours refuses only what the SDK cannot read either.
        expect(errors.length + ((messages as Record<string, unknown[]>).recordMesgs?.length ?? 0) === 0 || errors.length > 0).toBe(true);
        return;
      }
      const sdk = ((messages as Record<string, unknown[]>).recordMesgs ?? []) as SdkRecord[];
      if (errors.length > 0) {
        // The SDK stops at its error; every record it read before must be ours too.
        expect(m.rec.n + m.untimed).toBeGreaterThanOrEqual(sdk.length);
      } else {
        expect(m.rec.n + m.untimed).toBe(sdk.length);
      }
      const mismatches = new Map<string, number>();
      let j = 0;
      for (let i = 0; i < sdk.length && j < m.rec.n; i++) {
        if (!(sdk[i].timestamp instanceof Date)) continue;
        for (const field of FIELDS) {
          const ours = field === 'time' ? m.rec.time[j] : field === 'distance' ? m.rec.distance[j] * 1000 : m.rec[field][j];
          if (!same(field, ours, sdkValue(sdk[i], field))) mismatches.set(field, (mismatches.get(field) ?? 0) + 1);
        }
        j++;
      }
      for (const [field, count] of mismatches) {
        const key = `${name}\t${field}`;
        expect(KNOWN.has(key), `${name}: ${count} records differ in ${field} (not in known-differences.txt)`).toBe(true);
        seen.add(key);
      }
      for (const key of KNOWN.keys()) {
        if (key.startsWith(`${name}\t`)) expect(mismatches.has(key.split('\t')[1]), `${key} is listed but does not differ`).toBe(true);
      }
    });
  }
});
