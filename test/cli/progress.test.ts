/** The progress display: a bar on a terminal, plain lines elsewhere, and the closing summary. */
import { describe, expect, it } from 'vitest';
import { type BatchProgress, type FileResult, conversionResult, newFileResultBase } from '../../src/batch/convert-files.js';
import { barText, ProgressView, summaryText, totals } from '../../src/cli/progress.js';
import { WARNING_CODES, type WarningCode } from '../../src/core/errors.js';

function result(i: number, status: FileResult['status'], code?: string): FileResult {
  const base = newFileResultBase(i, `in/f${i}.fit`, `f${i}.fit`);
  base.format = 'fit';
  base.activities = status === 'converted' ? 1 : 0;
  base.outputs = status === 'converted' ? [`out/f${i}.json`] : [];
  base.warnings = status === 'converted' && i % 2 === 0 ? [{ code: 'power-omitted', message: 'power left out', count: 10 }] : [];
  base.bytes = 1000;
  base.timings = { readMs: 1, convertMs: 2, writeMs: 1, workMs: 4, waitMs: 6, totalMs: 10 };
  if (status === 'up-to-date') return { ...base, status, error: null };
  return conversionResult(base, code === undefined ? null : { code, message: `${code} here` });
}

function feed(view: ProgressView, results: FileResult[]): void {
  let failed = 0;
  results.forEach((r, i) => {
    if (r.status === 'failed') failed++;
    const p: BatchProgress = { total: results.length, done: i + 1, converted: 0, skipped: 0, upToDate: 0, failed, bytes: 0, elapsedMs: (i + 1) * 100, last: r };
    view.update(p);
  });
  view.finish();
}

const results = [result(0, 'converted'), result(1, 'failed', 'malformed'), result(2, 'converted'), result(3, 'skipped', 'not-running'), result(4, 'up-to-date')];

describe('progress', () => {
  it('on a terminal: a redrawn bar with rate, ETA and failures; failure lines above it; cleared at the end', () => {
    let out = '';
    feed(new ProgressView({ write: (s) => (out += String(s)), isTTY: true, columns: 100 }, false), results);
    expect(out).toContain('\r\x1b[K[');
    expect(out).toMatch(/5\/5 100%  10\.0 files\/s  ETA 0:00  1 failed/);
    expect(out).toContain('failed      in/f1.fit: malformed: malformed here\n');
    expect(out).not.toContain('converted   in/f0.fit');
    expect(out.endsWith('\r\x1b[K')).toBe(true);
  });

  it('not on a terminal: one plain line per file, no control characters', () => {
    let out = '';
    feed(new ProgressView({ write: (s) => (out += String(s)) }, false), results);
    expect(out.split('\n').filter(Boolean)).toEqual([
      'converted   in/f0.fit -> out/f0.json (1 activity, 1 warning)',
      'failed      in/f1.fit: malformed: malformed here',
      'converted   in/f2.fit -> out/f2.json (1 activity, 1 warning)',
      'skipped     in/f3.fit: not-running: not-running here',
      'up-to-date  in/f4.fit',
    ]);
    expect(out).not.toMatch(/[\r\x1b]/);
  });

  it('quiet: failures only', () => {
    let out = '';
    feed(new ProgressView({ write: (s) => (out += String(s)) }, true), results);
    expect(out).toBe('failed      in/f1.fit: malformed: malformed here\n');
  });

  it('a notice (the journal cannot be written) goes above the bar on a line of its own, even when quiet', () => {
    let out = '';
    const view = new ProgressView({ write: (s) => (out += String(s)), isTTY: true, columns: 100 }, true);
    const p: BatchProgress = { total: 2, done: 1, converted: 1, skipped: 0, upToDate: 0, failed: 0, bytes: 0, elapsedMs: 100, last: results[0] };
    view.update(p);
    view.note('runjson: cannot write the resume journal');
    expect(out).toMatch(/\]\s.*\r\x1b\[Krunjson: cannot write the resume journal\n$/);
    let plain = '';
    new ProgressView({ write: (s) => (plain += String(s)) }, true).note('runjson: cannot write the resume journal');
    expect(plain).toBe('runjson: cannot write the resume journal\n');
  });

  it('the bar fits the terminal and reads 0–100 %', () => {
    const p = (done: number): BatchProgress => ({ total: 400, done, converted: done, skipped: 0, upToDate: 0, failed: 0, bytes: 0, elapsedMs: done * 10, last: results[0] });
    expect(barText(p(0), 80)).toMatch(/^\[-+\] 0\/400   0%/);
    expect(barText(p(200), 80)).toMatch(/^\[#+-+\] 200\/400  50%  100\.0 files\/s  ETA 0:02$/);
    expect(barText(p(400), 80)).toMatch(/^\[#+\] 400\/400 100%/);
    for (const done of [0, 200, 400]) expect(barText(p(done), 80).length).toBeLessThanOrEqual(80);
  });

  it('summary: converted, skipped, failed by reason, warnings by code', () => {
    const t = totals(results);
    expect(t).toMatchObject({ files: 5, converted: 2, activities: 2, skipped: 1, upToDate: 1, failed: 1, failures: { malformed: 1 }, filesWithWarnings: 2, warnings: { 'power-omitted': 2 } });
    const s = summaryText(t, 2000, 2, 'r.json');
    expect(s).toContain('runjson: 5 files in 2.0 s (2.5 files/s, 0.0 MB/s, 2 workers)');
    expect(s).toMatch(/converted\s+2 \(2 activities\)/);
    expect(s).toMatch(/skipped\s+1 not running/);
    expect(s).toMatch(/up to date\s+1/);
    expect(s).toMatch(/failed\s+1 \(malformed 1\)/);
    expect(s).toMatch(/warnings\s+2 files \(power-omitted 2\)/);
    expect(s).toMatch(/report\s+r\.json/);
  });
});

describe('summary of many warning codes', () => {
  it('lists the eight most frequent codes and counts the rest', () => {
    const codes = (Object.keys(WARNING_CODES) as WarningCode[]).slice(0, 11);
    const many = Array.from({ length: 11 }, (_, i) => {
      const r = result(i * 2, 'converted');
      r.warnings = Array.from({ length: i + 1 }, (_, k) => ({ code: codes[k], message: '', count: 1 }));
      return r;
    });
    const s = summaryText(totals(many), 1000, 1);
    const top = codes.slice(0, 8).map((c, k) => `${c} ${11 - k}`).join(', ');
    expect(s).toContain(`11 files (${top}, 3 more)`);
  });
});
