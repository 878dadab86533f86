/**
 * Corpus GPX files (../shared/corpus, skipped without it): every file converts or fails with a
 * ConvertError, the decoder contract holds, and the same run recorded as FIT, TCX and GPX gives
 * summaries that agree (FIT once its decoder is in).
 */
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertSync } from '../../../src/index.js';
import { ConvertError } from '../../../src/core/errors.js';
import { decoderContract } from '../../helpers/contract.js';
import { CORPUS, HAS_CORPUS, listFiles, readBytes } from '../../helpers/paths.js';
import type { ConvertResult } from '../../../src/convert/result.js';

const files = listFiles(CORPUS, 'gpx', '.gpx');

function fitResult(path: string): ConvertResult | string {
  try {
    return convertSync(readBytes(path), { sports: 'all' });
  } catch (e) {
    if (e instanceof ConvertError && e.code === 'unsupported') return `FIT decoder not available yet (${e.message})`;
    throw e;
  }
}

describe.skipIf(!HAS_CORPUS)('corpus GPX', () => {
  it('every corpus GPX converts or fails with a ConvertError', () => {
    const rows = ['| file | sport | samples | pauses | duration s | km | HR avg | cadence avg | warnings |', '|---|---|---:|---:|---:|---:|---:|---:|---|'];
    for (const path of files) {
      try {
        const r = convertSync(readBytes(path), { sports: 'all' });
        expect(r.activities.length).toBe(1);
        const a = r.activities[0];
        rows.push(
          `| ${basename(path)} | ${a.activity.meta.sport} | ${a.activity.length} | ${a.activity.pauses.length} | ${a.summary.duration} | ${a.summary.distance?.toFixed(3)} | ${a.summary.heartRateAverage ?? ''} | ${a.summary.cadenceAverage ?? ''} | ${r.warnings.map((w) => `${w.code}×${w.count}`).join(' ')} |`,
        );
      } catch (e) {
        expect(e, basename(path)).toBeInstanceOf(ConvertError);
        rows.push(`| ${basename(path)} | error ${(e as ConvertError).code}: ${(e as Error).message} |`);
      }
    }
    console.log(rows.join('\n'));
  });

  it('the same run as TCX and GPX (6782987395) agrees', () => {
    const tcx = convertSync(readBytes(join(CORPUS, 'tcx', 'sportslib__6782987395.tcx'))).activities[0];
    const gpx = convertSync(readBytes(join(CORPUS, 'gpx', 'sportslib__6782987395.gpx'))).activities[0];
    console.log('6782987395 TCX', JSON.stringify(tcx.summary), tcx.activity.startTime, tcx.activity.utcOffset);
    console.log('6782987395 GPX', JSON.stringify(gpx.summary), gpx.activity.startTime, gpx.activity.utcOffset);
    // Same start instant and time zone; the GPX has no lap StartTime but starts at the same first point.
    expect(gpx.activity.startTime).toBe(tcx.activity.startTime);
    expect(gpx.activity.utcOffset).toBe(tcx.activity.utcOffset);
    // GPX has no distance series: geodesic distance from positions vs the watch's own (within 2 %).
    expect(Math.abs((gpx.summary.distance as number) / (tcx.summary.distance as number) - 1)).toBeLessThan(0.02);
    // The GPX leaves out 22 trackpoints of the TCX (4967 vs 4989): duration within 5 s.
    expect(Math.abs(gpx.summary.duration - tcx.summary.duration)).toBeLessThanOrEqual(5);
    expect(Math.abs((gpx.summary.heartRateAverage as number) - (tcx.summary.heartRateAverage as number))).toBeLessThanOrEqual(1);
    expect(Math.abs((gpx.summary.cadenceAverage as number) - (tcx.summary.cadenceAverage as number))).toBeLessThanOrEqual(1);
  });

  it('the same run as FIT, TCX and GPX agrees (once the FIT decoder is in)', (ctx) => {
    // Distance tolerance: TCX carries the watch's own distance (0.5 %); this GPX has none, so its distance
    // is geodesic over smart-recording fixes (chords of a curved path: measured 2.0 % short) → 3 %.
    const pairs: [string, string, number][] = [
      ['fit/sportslib__6782987395.fit', 'tcx/sportslib__6782987395.tcx', 0.005],
      ['fit/sportslib__2067489619.fit', 'gpx/sportslib__2067489619.gpx', 0.03],
      ['fit/sportslib__6860622783.fit', 'tcx/sportslib__6860622783.tcx', 0.005],
    ];
    for (const [fitPath, xmlPath, tolerance] of pairs) {
      const fit = fitResult(join(CORPUS, fitPath));
      if (typeof fit === 'string') {
        ctx.skip(fit);
        return;
      }
      const xml = convertSync(readBytes(join(CORPUS, xmlPath))).activities[0];
      const f = fit.activities[0];
      console.log(fitPath, JSON.stringify(f.summary), '\n', xmlPath, JSON.stringify(xml.summary));
      expect(Math.abs(f.summary.duration - xml.summary.duration), `${xmlPath} duration`).toBeLessThanOrEqual(5);
      expect(Math.abs((f.summary.distance as number) / (xml.summary.distance as number) - 1), `${xmlPath} distance`).toBeLessThan(tolerance);
      expect(Math.abs((f.summary.heartRateAverage ?? 0) - (xml.summary.heartRateAverage ?? 0)), `${xmlPath} HR`).toBeLessThanOrEqual(2);
    }
  });

  for (const path of files) {
    decoderContract(`corpus ${basename(path)}`, () => readBytes(path), { sports: 'all' }, 3);
  }
});
