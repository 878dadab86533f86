/**
 * TCX and GPX cut short: the trackpoints completed before the cut are kept, with a `truncated` warning at
 * the place of the cut; nothing read → `truncated` error; broken XML before the end is still `malformed`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConvertError } from '../../../src/core/errors.js';
import { convertSync } from '../../../src/index.js';
import type { ConvertOptions } from '../../../src/convert/options.js';
import { outcome } from '../../helpers/contract.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function error(text: string, options: ConvertOptions = {}): ConvertError {
  try {
    convertSync(enc(text), options);
  } catch (e) {
    expect(e).toBeInstanceOf(ConvertError);
    return e as ConvertError;
  }
  throw new Error('expected a ConvertError');
}

const trkpt = (s: number): string =>
  `<trkpt lat="45.${String(1000 + s)}" lon="5"><ele>100</ele><time>2020-01-01T10:00:${String(s).padStart(2, '0')}Z</time></trkpt>\n`;
const GPX = `<?xml version="1.0"?>\n<gpx version="1.1" creator="t"><trk><type>running</type><trkseg>\n${[0, 10, 20].map(trkpt).join('')}</trkseg></trk></gpx>\n`;

const tp = (s: number): string =>
  `<Trackpoint><Time>2020-01-01T10:00:${String(s).padStart(2, '0')}Z</Time><DistanceMeters>${s * 3}</DistanceMeters></Trackpoint>\n`;
const lap = (start: number, points: number[]): string =>
  `<Lap StartTime="2020-01-01T10:00:${String(start).padStart(2, '0')}Z"><TotalTimeSeconds>30</TotalTimeSeconds><Track>\n${points.map(tp).join('')}</Track></Lap>\n`;
const TCX = `<?xml version="1.0"?>\n<TrainingCenterDatabase><Activities><Activity Sport="Running"><Id>x</Id>\n${lap(0, [0, 10, 20])}${lap(30, [30, 40, 50])}</Activity></Activities></TrainingCenterDatabase>\n`;

describe('a GPX cut short keeps what was complete', () => {
  it('cut inside the third trackpoint: two samples, a truncated warning with the place of the cut', () => {
    const cut = GPX.slice(0, GPX.indexOf('<time>2020-01-01T10:00:20Z') + 10);
    const r = convertSync(enc(cut));
    expect(r.format).toBe('gpx');
    expect(r.activities[0].activity.length).toBe(2);
    const w = r.warnings.find((x) => x.code === 'truncated');
    expect(w).toMatchObject({ count: 1, line: 5 });
    expect(w?.column).toBeGreaterThan(1);
  });

  it('cut anywhere after the first trackpoint closed: the complete ones, for any chunking', () => {
    const first = GPX.indexOf('</trkpt>') + '</trkpt>'.length;
    const end = GPX.lastIndexOf('</gpx>');
    fc.assert(
      fc.property(fc.integer({ min: first, max: end - 1 }), fc.uniqueArray(fc.integer({ min: 1, max: end }), { maxLength: 5 }), (at, cuts) => {
        const bytes = enc(GPX.slice(0, at));
        const whole = outcome(bytes);
        expect(whole.ok).toBe(true);
        if (!whole.ok) return;
        expect(whole.warnings).toContain('"truncated"');
        const complete = GPX.slice(0, at).split('</trkpt>').length - 1;
        expect((JSON.parse(whole.json[0]) as { recordingValues: unknown[][] }).recordingValues[0]).toHaveLength(complete);
        expect(outcome(bytes, cuts.filter((c) => c < at))).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  });

  it('nothing complete → truncated error with the place; with strict a cut fails as truncated', () => {
    const none = error(GPX.slice(0, GPX.indexOf('</trkpt>')));
    expect([none.code, none.format, none.line]).toEqual(['truncated', 'gpx', 3]);
    expect(none.column).toBeGreaterThan(1);
    // Cut before the root element's start tag is whole: nothing read either.
    const root = error(GPX.slice(0, GPX.indexOf('creator')));
    expect([root.code, root.format, root.line]).toEqual(['truncated', 'gpx', 2]);
    const strict = error(GPX.slice(0, GPX.lastIndexOf('<trkpt')), { strict: true });
    expect([strict.code, strict.format, strict.line]).toEqual(['truncated', 'gpx', 5]);
  });

  it('a missing end tag alone loses nothing; nor does a comment cut short after the root element', () => {
    const r = convertSync(enc(GPX.replace('</gpx>', '')));
    expect(r.activities[0].activity.length).toBe(3);
    expect(r.warnings.find((x) => x.code === 'truncated')?.count).toBe(1);
    const after = convertSync(enc(`${GPX}<!-- exported by`));
    expect(after.activities[0].activity.length).toBe(3);
    expect(after.warnings.find((x) => x.code === 'truncated')).toMatchObject({ count: 1, line: 7 });
  });
});

describe('a TCX cut short keeps what was complete', () => {
  it('cut inside the second lap: its complete trackpoints and both laps, the second ending at its last complete point', () => {
    const cut = TCX.slice(0, TCX.indexOf('<Time>2020-01-01T10:00:50Z'));
    const r = convertSync(enc(cut));
    const a = r.activities[0];
    expect(a.activity.length).toBe(5);
    expect(a.activity.laps.map((l) => l.endIndex)).toEqual([2, 4]);
    expect(a.summary.distance).toBe(0.12);
    expect(r.warnings.find((x) => x.code === 'truncated')).toMatchObject({ count: 1, line: 11 });
  });

  it('cut in a second activity that has no trackpoint yet: the first is kept alone', () => {
    const two = TCX.replace('</Activity>', `</Activity>\n<Activity Sport="Running"><Id>y</Id><Lap StartTime="2020-01-01T11:00:00Z"><Track><Trackpoint><Ti`);
    const r = convertSync(enc(two.slice(0, two.lastIndexOf('<Ti') + 3)));
    expect(r.activities).toHaveLength(1);
    expect(r.activities[0].activity.length).toBe(6);
    expect(r.warnings.find((x) => x.code === 'truncated')?.count).toBe(1);
  });

  it('a course or a route cut short is still not an activity', () => {
    const course = `<?xml version="1.0"?>\n<TrainingCenterDatabase><Courses><Course><Name>Loop</Name><Track>${tp(0)}`;
    expect(error(course).code).toBe('not-an-activity');
    const route = `<?xml version="1.0"?>\n<gpx version="1.1" creator="t"><rte><rtept lat="45" lon="5"/>`;
    expect(error(route).code).toBe('not-an-activity');
  });

  it('nothing complete → truncated error with the place', () => {
    const e = error(TCX.slice(0, TCX.indexOf('</Trackpoint>')));
    expect([e.code, e.format, e.line]).toEqual(['truncated', 'tcx', 4]);
    expect(e.column).toBeGreaterThan(1);
  });
});

describe('broken XML is still malformed', () => {
  it('a mismatched end tag before the end of the input', () => {
    const broken = GPX.replace('</trkseg>', '</trk>');
    const e = error(broken);
    expect([e.code, e.format]).toEqual(['malformed', 'gpx']);
    // Also when the input then stops short.
    expect(error(broken.slice(0, broken.indexOf('</gpx>'))).code).toBe('malformed');
    expect(error(TCX.replace('</Track>', '</Lap>')).code).toBe('malformed');
  });
});
