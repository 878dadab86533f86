/**
 * Smashrun's `-1` for a missing latitude or longitude: made missing before runjson's reader sees the
 * document, counted, and never confused with other series' values.
 */
import { describe, expect, it } from 'vitest';
import { withoutPositionPlaceholders } from '../../src/api/position-placeholders.js';
import { Report } from '../../src/core/errors.js';
import { fromActivityJson } from '../../src/decode/json/from-activity-json.js';
import { smashrunDetail } from './smashrun-detail.js';

describe('withoutPositionPlaceholders', () => {
  it('makes each -1 latitude and longitude null, counts them, and leaves the document given unchanged', () => {
    const doc = smashrunDetail();
    const lat = doc.recordingKeys.indexOf('latitude');
    const lon = doc.recordingKeys.indexOf('longitude');
    const ele = doc.recordingKeys.indexOf('elevation');
    for (const i of [3, 4, 5]) {
      doc.recordingValues[lat][i] = -1;
      doc.recordingValues[lon][i] = -1;
    }
    doc.recordingValues[ele][3] = -1;
    const before = JSON.stringify(doc);
    const { doc: out, replaced } = withoutPositionPlaceholders(doc);
    expect(replaced).toBe(6);
    expect(JSON.stringify(doc)).toBe(before);
    expect(out.recordingValues[lat].slice(2, 7).map((v) => v === null)).toEqual([false, true, true, true, false]);
    expect(out.recordingValues[lon][4]).toBeNull();
    // Other series keep their -1 (an elevation of −1 m is one), and are not copied.
    expect(out.recordingValues[ele][3]).toBe(-1);
    expect(out.recordingValues[ele]).toBe(doc.recordingValues[ele]);
  });

  it('passes through what is not an Activity JSON object, and a document without -1', () => {
    for (const x of [null, 3, 'text', [1, 2], { recordingKeys: 'latitude' }]) expect(withoutPositionPlaceholders(x)).toEqual({ doc: x, replaced: 0 });
    const doc = smashrunDetail();
    expect(withoutPositionPlaceholders(doc).doc).toBe(doc);
  });

  it('reads placeholders as positions left out, never as a point at (−1, −1)', () => {
    const doc = smashrunDetail();
    const lat = doc.recordingKeys.indexOf('latitude');
    const lon = doc.recordingKeys.indexOf('longitude');
    doc.recordingValues[lat][10] = -1;
    doc.recordingValues[lon][10] = -1;
    // Read as it came, the reader would take −1 for a real position.
    expect(fromActivityJson(doc, new Report()).series.latitude?.[10]).toBe(-1);
    const report = new Report();
    const a = fromActivityJson(withoutPositionPlaceholders(doc).doc, report);
    expect(a.series.latitude?.[10]).toBeNaN();
    expect(a.series.longitude?.[10]).toBeNaN();
    expect(a.series.latitude?.[11]).toBeCloseTo(doc.recordingValues[lat][11] as number, 9);
    expect(report.warnings.filter((w) => w.code === 'position-out-of-range')).toEqual([]);
  });

  it('leaves out, and counts, the partner of a lone -1', () => {
    const doc = smashrunDetail();
    doc.recordingValues[doc.recordingKeys.indexOf('latitude')][7] = -1;
    const report = new Report();
    const a = fromActivityJson(withoutPositionPlaceholders(doc).doc, report);
    expect(a.series.longitude?.[7]).toBeNaN();
    expect(report.warnings.find((w) => w.code === 'position-out-of-range')?.count).toBe(1);
  });
});
