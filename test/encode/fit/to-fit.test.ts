/**
 * The FIT encoder against `@garmin/fitsdk`'s decoder: the file is FIT, passes the SDK's integrity check,
 * reads without errors, its messages come in the order of a watch's activity file, and every record holds
 * the columns' values within FIT's precision. Then what the writer counts, refuses and hands out in chunks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Profile } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { type Activity, emptyMeta } from '../../../src/core/activity.js';
import { ActivityBuilder } from '../../../src/core/builder.js';
import { ConvertError, Report } from '../../../src/core/errors.js';
import { FitEncoder, PROFILE_VERSION, toFit } from '../../../src/encode/fit/to-fit.js';
import { generateRun } from '../../helpers/generate.js';
import { readWithSdk, sdkSeconds, type SdkMessage } from '../../helpers/fit-sdk.js';
import { FIXTURES } from '../../helpers/paths.js';
import { convertSync } from '../../../src/index.js';

const FIT_EPOCH_S = 631065600;
const SEMI = 2 ** 31 / 180;

function run(n: number, seed: number, pauseEvery: number): Activity {
  return generateRun(n, seed, pauseEvery);
}

/** FIT time of an instant: ms, rounded to the whole second. */
const sec = (ms: number): number => Math.round(ms / 1000) * 1000;

const of = (msgs: SdkMessage[], name: string): SdkMessage[] => msgs.filter((m) => m.name === name);
const num = (m: SdkMessage, field: string): number => m.fields[field] as number;

describe('FIT output read by @garmin/fitsdk', () => {
  const a = run(6000, 11, 400);
  const bytes = toFit(a);
  const sdk = readWithSdk(bytes);
  const msgs = sdk.messages;

  it('is a FIT file that passes checkIntegrity() and reads without errors', () => {
    expect(a.pauses.length).toBeGreaterThan(5);
    expect(sdk.isFit).toBe(true);
    expect(sdk.integrity).toBe(true);
    expect(sdk.errors).toEqual([]);
    // Header: 14 bytes, protocol 2.0, the SDK's profile version, data size.
    expect(bytes[0]).toBe(14);
    expect(bytes[1]).toBe(0x20);
    expect(PROFILE_VERSION).toBe(Profile.version.major * 1000 + Profile.version.minor);
    expect(bytes[2] | (bytes[3] << 8)).toBe(PROFILE_VERSION);
    expect((bytes[4] | (bytes[5] << 8) | (bytes[6] << 16)) + bytes[7] * 2 ** 24).toBe(bytes.length - 16);
  });

  it('has the messages of an activity file in order: file_id first, timer events around every pause, laps after their records, one session, one activity', () => {
    expect(msgs[0].name).toBe('fileId');
    expect(msgs[0].fields.type).toBe('activity');
    expect(msgs[1].name).toBe('deviceInfo');
    expect(msgs[2]).toMatchObject({ name: 'event', fields: { event: 'timer', eventType: 'start' } });
    const names = msgs.map((m) => m.name);
    expect(names.slice(-4)).toEqual(['lap', 'event', 'session', 'activity']);
    expect(msgs.at(-3)?.fields).toMatchObject({ event: 'timer', eventType: 'stopAll' });
    expect(of(msgs, 'activity')).toHaveLength(1);
    expect(of(msgs, 'session')).toHaveLength(1);
    expect(of(msgs, 'record')).toHaveLength(a.length);
    // Every pause: stop_all then start, with no record between them; the records before and after are
    // the samples either side of the pause.
    const events = of(msgs, 'event');
    expect(events.length).toBe(2 + 2 * a.pauses.length);
    let p = 0;
    let records = 0;
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i];
      if (m.name === 'record') records++;
      if (m.name !== 'event' || m.fields.eventType !== 'stopAll' || i === msgs.length - 3) continue;
      expect(records).toBe(a.pauses[p]);
      expect(msgs[i + 1].fields).toMatchObject({ event: 'timer', eventType: 'start' });
      expect(sdkSeconds(m.fields.timestamp) * 1000).toBe(sec(a.time[a.pauses[p] - 1]));
      expect(sdkSeconds(msgs[i + 1].fields.timestamp) * 1000).toBe(sec(a.time[a.pauses[p]]));
      expect(msgs[i + 2].name).toBe('record');
      p++;
    }
    expect(p).toBe(a.pauses.length);
    // Each lap comes right after its last record, at that record's time.
    const laps = of(msgs, 'lap');
    expect(laps).toHaveLength(a.laps.length);
    let k = 0;
    records = 0;
    for (let i = 0; i < msgs.length; i++) {
      if (msgs[i].name === 'record') records++;
      if (msgs[i].name !== 'lap') continue;
      expect(records - 1).toBe(a.laps[k].endIndex);
      expect(msgs[i - 1].name).toBe('record');
      expect(sdkSeconds(msgs[i].fields.timestamp) * 1000).toBe(sec(a.time[a.laps[k].endIndex]));
      k++;
    }
    // Timestamps never go back.
    let prev = -Infinity;
    for (const m of msgs) {
      const t = sdkSeconds(m.fields.timestamp);
      if (t !== t) continue;
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
  });

  it('records hold the columns within FIT precision', () => {
    const recs = of(msgs, 'record');
    const s = a.series;
    for (let i = 0; i < a.length; i++) {
      const r = recs[i].fields;
      expect(sdkSeconds(r.timestamp) * 1000).toBe(sec(a.time[i]));
      expect(Math.abs((r.positionLat as number) - s.latitude![i] * SEMI)).toBeLessThanOrEqual(0.5);
      expect(Math.abs((r.positionLong as number) - s.longitude![i] * SEMI)).toBeLessThanOrEqual(0.5);
      expect(Math.abs((r.distance as number) - s.distance![i] * 1000)).toBeLessThan(0.005 + 1e-9);
      expect(Math.abs((r.enhancedAltitude as number) - s.elevation![i])).toBeLessThan(0.1 + 1e-9);
      if (s.heartRate![i] === s.heartRate![i]) expect(r.heartRate).toBe(s.heartRate![i]);
      else expect(r.heartRate).toBeUndefined();
      expect((r.cadence as number) + (r.fractionalCadence as number)).toBe(s.cadence![i]);
      expect(r.power).toBe(s.power![i]);
      expect(r.temperature).toBe(s.temperature![i]);
    }
  });

  it('laps and the session carry their totals, intensity and trigger; activity has local_timestamp', () => {
    const laps = of(msgs, 'lap');
    for (let k = 0; k < laps.length; k++) {
      const lap = a.laps[k];
      const from = k === 0 ? 0 : a.laps[k - 1].endIndex + 1;
      const timer = a.duration[lap.endIndex] - (k === 0 ? 0 : a.duration[from - 1]);
      expect(num(laps[k], 'totalTimerTime')).toBeCloseTo(timer, 3);
      expect(num(laps[k], 'totalElapsedTime')).toBeGreaterThanOrEqual(num(laps[k], 'totalTimerTime'));
      const d = a.series.distance!;
      expect(num(laps[k], 'totalDistance')).toBeCloseTo((d[lap.endIndex] - (k === 0 ? 0 : d[from - 1])) * 1000, 1);
      expect(laps[k].fields).toMatchObject({ intensity: 'active', lapTrigger: 'manual', event: 'lap', eventType: 'stop', sport: 'running' });
      expect(num(laps[k], 'maxHeartRate')).toBeGreaterThanOrEqual(num(laps[k], 'avgHeartRate'));
    }
    const [session] = of(msgs, 'session');
    expect(session.fields).toMatchObject({ sport: 'running', subSport: 'generic', numLaps: a.laps.length, firstLapIndex: 0 });
    expect(num(session, 'totalTimerTime')).toBe(a.duration[a.length - 1]);
    expect(num(session, 'totalDistance')).toBeCloseTo(a.series.distance![a.length - 1] * 1000, 2);
    expect(sdkSeconds(session.fields.startTime) * 1000).toBe(sec(a.startTime));
    const [activity] = of(msgs, 'activity');
    expect(activity.fields.numSessions).toBe(1);
    // local_timestamp is a local date-time, seconds since the FIT epoch (the SDK leaves it a number).
    expect(num(activity, 'localTimestamp')).toBe(sdkSeconds(activity.fields.timestamp) - FIT_EPOCH_S + (a.utcOffset ?? 0) * 60);
  });
});

describe('FIT encoder', () => {
  it('hands out the same bytes in 64 KiB chunks as toFit() in one buffer', () => {
    const a = run(20_000, 3, 900);
    const whole = toFit(a);
    const chunks: Uint8Array[] = [];
    new FitEncoder().encode(a, {}, (c) => chunks.push(c.slice()));
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(65536);
    expect(Buffer.concat(chunks).equals(Buffer.from(whole))).toBe(true);
    expect(toFit(a).length).toBe(whole.length);
    // A file smaller than a chunk goes out whole, in one call.
    const small = run(300, 4, 100);
    const one: Uint8Array[] = [];
    new FitEncoder().encode(small, {}, (c) => one.push(c.slice()));
    expect(one).toHaveLength(1);
    expect(Buffer.from(one[0]).equals(Buffer.from(toFit(small)))).toBe(true);
  });

  it('writes only the record fields of the series the run has', () => {
    const b = new ActivityBuilder(4);
    for (let i = 0; i < 4; i++) b.set('heartRate', b.add(Date.UTC(2024, 0, 1) + i * 1000), 100 + i);
    const a = b.finish(emptyMeta('json'), new Report(), { utcOffset: null });
    const sdk = readWithSdk(toFit(a));
    expect(sdk.integrity).toBe(true);
    const recs = of(sdk.messages, 'record');
    expect(recs.map((r) => Object.keys(r.fields).sort())).toEqual(Array(4).fill(['heartRate', 'timestamp']));
    // No known offset: local_timestamp is left out rather than claiming UTC.
    expect(of(sdk.messages, 'activity')[0].fields.localTimestamp).toBeUndefined();
    // No laps in the core: one lap over the whole run, ended by the session's end.
    expect(of(sdk.messages, 'lap').map((l) => l.fields.lapTrigger)).toEqual(['sessionEnd']);
  });

  it('counts what FIT cannot hold: sub-second times, values beyond a field, pauses within a second, run details', () => {
    const b = new ActivityBuilder(8);
    const t0 = Date.UTC(2024, 0, 1);
    const hr = [100, 300, 120.4, -5, 130, 140];
    const times = [0, 1000, 2500, 3000, 3400, 5000];
    for (let i = 0; i < hr.length; i++) {
      if (i === 4) b.pause(); // 3000 → 3400 ms: within one FIT second
      const k = b.add(t0 + times[i]);
      b.set('heartRate', k, hr[i]);
      b.set('elevation', k, i === 5 ? -600 : 10);
    }
    const meta = emptyMeta('json');
    meta.notes = 'easy';
    meta.howFelt = 'great';
    const a = b.finish(meta, new Report(), { utcOffset: 60 });
    const report = new Report();
    const bytes = toFit(a, { report });
    const count = Object.fromEntries(report.warnings.map((w) => [w.code, w.count]));
    // 2500 and 3400 ms rounded; 120.4 bpm rounded.
    expect(count['rounded-to-format']).toBe(3);
    // 300 and −5 bpm, −600 m.
    expect(count['out-of-format-range']).toBe(3);
    expect(count['pause-too-short']).toBe(1);
    // 2500 → 3 s and 3000 → 3 s: the same second.
    expect(count['samples-same-time']).toBe(2);
    expect(count['not-carried']).toBe(2);
    expect(readWithSdk(bytes).integrity).toBe(true);
    expect(() => toFit(a, { report: new Report(true) })).toThrow(ConvertError);
  });

  it('refuses a run without samples and times FIT cannot hold', () => {
    const empty = new ActivityBuilder(1).finish(emptyMeta('json'), new Report());
    expect(() => toFit(empty)).toThrow(expect.objectContaining({ code: 'no-samples', format: 'fit' }));
    const b = new ActivityBuilder(1);
    b.add(Date.UTC(1985, 0, 1));
    const old = b.finish(emptyMeta('json'), new Report());
    expect(() => toFit(old)).toThrow(expect.objectContaining({ code: 'unsupported', format: 'fit' }));
  });

  it('writes a FIT run under its own device (manufacturer, product, serial) and other runs as `development`', () => {
    const source = readFileSync(join(FIXTURES, 'fit', 'fitparse__2013-02-06-12-11-14.fit'));
    const original = of(readWithSdk(new Uint8Array(source)).messages, 'fileId')[0].fields;
    const [converted] = convertSync(source).activities;
    const ours = of(readWithSdk(toFit(converted.activity)).messages, 'fileId')[0].fields;
    for (const f of ['manufacturer', 'product', 'serialNumber', 'timeCreated', 'garminProduct']) expect(ours[f], f).toEqual(original[f]);
    const device = of(readWithSdk(toFit(converted.activity)).messages, 'deviceInfo')[0].fields;
    expect(device).toMatchObject({ manufacturer: 'garmin', serialNumber: original.serialNumber, deviceIndex: 'creator' });
    // Read back, the run keeps its external id and device.
    const [back] = convertSync(toFit(converted.activity)).activities;
    expect(back.activity.meta.externalId).toBe(converted.activity.meta.externalId);
    expect(back.activity.meta.device).toBe(converted.activity.meta.device);

    const json = run(10, 1, 1e9);
    json.meta = { ...json.meta, format: 'json' }; // a JSON run's externalId is not a FIT serial
    const fid = of(readWithSdk(toFit(json)).messages, 'fileId')[0].fields;
    expect(fid.manufacturer).toBe('development');
    expect(fid.serialNumber).toBeUndefined();
  });

  it('keeps sub-sport and body weight', () => {
    const b = new ActivityBuilder(2);
    for (let i = 0; i < 2; i++) b.set('distance', b.add(Date.UTC(2024, 0, 1, 0, 0, i)), i / 1000);
    const meta = emptyMeta('json');
    meta.terrain = 'treadmill';
    meta.bodyWeight = 71.3;
    const a = b.finish(meta, new Report());
    const sdk = readWithSdk(toFit(a));
    expect(of(sdk.messages, 'session')[0].fields.subSport).toBe('treadmill');
    expect(of(sdk.messages, 'userProfile')[0].fields.weight).toBeCloseTo(71.3, 5);
    const [back] = convertSync(toFit(a), { sports: 'all' }).activities;
    expect(back.activity.meta.terrain).toBe('treadmill');
    expect(back.activity.meta.bodyWeight).toBe(71.3);
  });
});
