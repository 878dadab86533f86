/**
 * Where the resume journal lives: in the cache folder, one file per output folder, never in the output
 * folder — which after a batch holds its outputs and nothing else. What resume does with the journal is
 * unchanged (pool.test.ts, "resume and the journal"); here: its place and name, the journal an older
 * version left in the output folder (merged once, then removed), and a cache folder that cannot be
 * written (the batch goes on and says so once). In-process (`concurrency: 0`): no build needed.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFiles, defaultJournalDir, type FileResult } from '../../src/batch/index.js';
import { journalPathFor, realPathOf } from '../../src/batch/journal-path.js';
import { LEGACY_JOURNAL_NAME, ResumeJournal } from '../../src/batch/resume-journal.js';
import { makeActivityJson } from '../helpers/make-activity.js';

let root: string;
let n = 0;
/** A fresh folder below the test's root. */
const fresh = (name: string): string => {
  const d = join(root, `${n++}-${name}`);
  mkdirSync(d, { recursive: true });
  return d;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'runjson-journal-place-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function collect(it: AsyncIterable<FileResult>): Promise<FileResult[]> {
  const out: FileResult[] = [];
  for await (const r of it) out.push(r);
  return out.sort((a, b) => a.index - b.index);
}

/** Every file and folder below `dir`, hidden ones included. */
function everything(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split('\\').join('/')).sort();
}

const ids = (dir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')).externalId]),
  );

/** An input folder: `run.tcx` (Activity JSON inside: the format is sniffed, gen-1) and `sub/b.json` (gen-2). */
function inputs(): string {
  const d = fresh('in');
  writeFileSync(join(d, 'run.tcx'), makeActivityJson({ seed: 1 }));
  mkdirSync(join(d, 'sub'));
  writeFileSync(join(d, 'sub', 'b.json'), makeActivityJson({ seed: 2 }));
  return d;
}

describe('defaultJournalDir', () => {
  it('is $XDG_CACHE_HOME/runjson/journals on every platform, when set to an absolute path', () => {
    expect(defaultJournalDir({ XDG_CACHE_HOME: '/tmp/c' }, 'linux', '/home/ana')).toBe('/tmp/c/runjson/journals');
    expect(defaultJournalDir({ XDG_CACHE_HOME: '/tmp/c' }, 'darwin', '/Users/ana')).toBe('/tmp/c/runjson/journals');
    expect(defaultJournalDir({ XDG_CACHE_HOME: 'D:\\cache', LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' }, 'win32', 'C:\\Users\\ana')).toBe('D:\\cache\\runjson\\journals');
  });

  it('else the platform\'s cache folder (a relative or empty XDG_CACHE_HOME is ignored, as the XDG spec says)', () => {
    expect(defaultJournalDir({}, 'linux', '/home/ana')).toBe('/home/ana/.cache/runjson/journals');
    expect(defaultJournalDir({ XDG_CACHE_HOME: 'cache' }, 'linux', '/home/ana')).toBe('/home/ana/.cache/runjson/journals');
    expect(defaultJournalDir({ XDG_CACHE_HOME: '' }, 'freebsd', '/home/ana')).toBe('/home/ana/.cache/runjson/journals');
    expect(defaultJournalDir({}, 'darwin', '/Users/ana')).toBe('/Users/ana/Library/Caches/runjson/journals');
    expect(defaultJournalDir({ LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' }, 'win32', 'C:\\Users\\ana')).toBe('C:\\Users\\ana\\AppData\\Local\\runjson\\journals');
    expect(defaultJournalDir({}, 'win32', 'C:\\Users\\ana')).toBe('C:\\Users\\ana\\AppData\\Local\\runjson\\journals');
  });
});

describe('the journal of an output folder', () => {
  it('after a complete run the output folder holds only the outputs; the journal is in journalDir, named from the folder\'s real path', async () => {
    const input = inputs();
    const out = join(fresh('o'), 'not-yet', 'json'); // made by the batch
    const journals = fresh('journals');
    const results = await collect(convertFiles(input, { outDir: out, journalDir: journals, concurrency: 0 }));
    expect(results.map((r) => r.status)).toEqual(['converted', 'converted']);
    expect(everything(out)).toEqual(['run.json', 'sub', 'sub/b.json']);

    const real = realPathOf(out);
    const name = journalPathFor(real, journals);
    expect(readdirSync(journals)).toEqual([name.slice(journals.length + 1)]);
    expect(name).toMatch(/[\\/][0-9a-f]{16}\.jsonl$/);
    const [header, ...lines] = readFileSync(name, 'utf8').trim().split('\n');
    expect(JSON.parse(header)).toEqual({ outDir: real }); // what it is for, for a person looking
    expect(lines.map((l) => JSON.parse(l).o).sort()).toEqual(['run', 'sub/b']);

    const again = await collect(convertFiles(input, { outDir: out, journalDir: journals, concurrency: 0, resume: true }));
    expect(again.map((r) => r.status)).toEqual(['up-to-date', 'up-to-date']);
    expect(everything(out)).toEqual(['run.json', 'sub', 'sub/b.json']);
  });

  it('the same folder reached through a link, or spelled relatively, has the same journal', () => {
    const target = fresh('target');
    const link = join(root, `${n++}-link`);
    symlinkSync(target, link, 'dir');
    expect(realPathOf(link)).toBe(realPathOf(target));
    expect(realPathOf(relative(process.cwd(), target))).toBe(realPathOf(target));
    expect(realPathOf(join(link, 'later', 'json'))).toBe(join(realPathOf(target), 'later', 'json'));
    const journals = '/j';
    expect(journalPathFor(realPathOf(join(link, 'x')), journals)).toBe(journalPathFor(realPathOf(join(target, 'x')), journals));
    expect(journalPathFor(realPathOf(join(target, 'a')), journals)).not.toBe(journalPathFor(realPathOf(join(target, 'b')), journals));
  });

  it('resume skips unchanged inputs and converts changed ones again', async () => {
    const input = inputs();
    const out = fresh('json');
    const journals = fresh('journals');
    await collect(convertFiles(input, { outDir: out, journalDir: journals, concurrency: 0 }));
    // b.json changed, but its new mtime is older than its output: only the journal can tell.
    writeFileSync(join(input, 'sub', 'b.json'), makeActivityJson({ seed: 3, samples: 700 }));
    utimesSync(join(input, 'sub', 'b.json'), new Date('2016-01-01'), new Date('2016-01-01'));
    const again = await collect(convertFiles(input, { outDir: out, journalDir: journals, concurrency: 0, resume: true }));
    expect(again.map((r) => [r.relative, r.status])).toEqual([
      ['run.tcx', 'up-to-date'],
      ['sub/b.json', 'converted'],
    ]);
    expect(JSON.parse(readFileSync(join(out, 'sub', 'b.json'), 'utf8')).externalId).toBe('gen-3');
  });

  it('names that move: a later run.json beside a converted run.tcx takes run.json and is converted', async () => {
    const input = inputs();
    const out = fresh('json');
    const journals = fresh('journals');
    await collect(convertFiles(input, { outDir: out, journalDir: journals, concurrency: 0 }));
    writeFileSync(join(input, 'run.json'), makeActivityJson({ seed: 4 }));
    utimesSync(join(input, 'run.json'), new Date('2015-01-01'), new Date('2015-01-01')); // older than run.json's output
    const again = await collect(convertFiles(input, { outDir: out, journalDir: journals, concurrency: 0, resume: true }));
    expect(again.map((r) => [r.relative, r.status])).toEqual([
      ['run.json', 'converted'],
      ['run.tcx', 'converted'],
      ['sub/b.json', 'up-to-date'],
    ]);
    expect(ids(out)).toEqual({ 'run.json': 'gen-4', 'run.tcx.json': 'gen-1' });
    expect(everything(out).filter((f) => f.split('/').pop()!.startsWith('.'))).toEqual([]);
  });
});

describe('a journal left in the output folder by an older version', () => {
  /** Converts `input` into `out`, then moves its journal lines into `out` as an older version kept them. */
  async function withLegacyJournal(input: string, out: string): Promise<void> {
    const scratch = fresh('scratch-journals');
    await collect(convertFiles(input, { outDir: out, journalDir: scratch, concurrency: 0 }));
    const [, ...lines] = readFileSync(journalPathFor(realPathOf(out), scratch), 'utf8').split('\n');
    writeFileSync(join(out, LEGACY_JOURNAL_NAME), lines.join('\n'));
  }

  it('is merged into the cache\'s journal once, then removed; resume trusts its lines', async () => {
    const input = inputs();
    const out = fresh('json');
    await withLegacyJournal(input, out);
    // Only its lines can say that run.json (not older than the new input) holds run.tcx's conversion.
    writeFileSync(join(input, 'run.json'), makeActivityJson({ seed: 5 }));
    utimesSync(join(input, 'run.json'), new Date('2015-01-01'), new Date('2015-01-01'));
    const journals = fresh('journals');
    const r = await collect(convertFiles(input, { outDir: out, journalDir: journals, concurrency: 0, resume: true }));
    expect(r.map((x) => [x.relative, x.status])).toEqual([
      ['run.json', 'converted'],
      ['run.tcx', 'converted'],
      ['sub/b.json', 'up-to-date'],
    ]);
    expect(everything(out)).toEqual(['run.json', 'run.tcx.json', 'sub', 'sub/b.json']);
    const [header, ...lines] = readFileSync(journalPathFor(realPathOf(out), journals), 'utf8').trim().split('\n');
    expect(JSON.parse(header)).toEqual({ outDir: realPathOf(out) });
    expect(new Set(lines.map((l) => JSON.parse(l).o))).toEqual(new Set(['run', 'run.tcx', 'sub/b']));
  });

  it('stays when the cache folder cannot be written (its lines are in no other journal), and is still used', async () => {
    const input = inputs();
    const out = fresh('json');
    await withLegacyJournal(input, out);
    writeFileSync(join(input, 'run.json'), makeActivityJson({ seed: 6 }));
    utimesSync(join(input, 'run.json'), new Date('2015-01-01'), new Date('2015-01-01'));
    const blocked = join(fresh('cache'), 'a-file');
    writeFileSync(blocked, 'a file where the journals folder should be');
    const errors: Error[] = [];
    const r = await collect(convertFiles(input, { outDir: out, journalDir: join(blocked, 'journals'), concurrency: 0, resume: true, onJournalError: (e) => errors.push(e) }));
    expect(r.map((x) => x.status)).toEqual(['converted', 'converted', 'up-to-date']);
    expect(errors.length).toBe(1);
    expect(readdirSync(out)).toContain(LEGACY_JOURNAL_NAME);
  });
});

describe('a cache folder that cannot be written', () => {
  it('does not fail the batch: outputs are written, it is said once, and resume falls back to modification times', async () => {
    const input = inputs();
    for (let i = 0; i < 5; i++) writeFileSync(join(input, `more-${i}.json`), makeActivityJson({ seed: 10 + i }));
    const out = fresh('json');
    const blocked = join(fresh('cache'), 'a-file');
    writeFileSync(blocked, 'a file where the journals folder should be');
    const errors: Error[] = [];
    const options = { outDir: out, journalDir: join(blocked, 'runjson', 'journals'), concurrency: 0, onJournalError: (e: Error) => errors.push(e) };
    const first = await collect(convertFiles(input, options));
    expect(first.map((r) => r.status)).toEqual(Array(7).fill('converted'));
    expect(errors.length).toBe(1); // once, not once per file
    expect(errors[0].message).toMatch(/cannot write the resume journal .*modification times/);
    expect((errors[0].cause as NodeJS.ErrnoException).code).toMatch(/^E[A-Z]+$/);
    expect(everything(out).filter((f) => f.split('/').pop()!.startsWith('.'))).toEqual([]);
    const again = await collect(convertFiles(input, { ...options, resume: true }));
    expect(again.map((r) => r.status)).toEqual(Array(7).fill('up-to-date'));
  });

  it.skipIf(process.getuid?.() === 0)('read-only (permissions): the same', async () => {
    const input = inputs();
    const out = fresh('json');
    const cache = fresh('read-only-cache');
    chmodSync(cache, 0o500);
    try {
      const errors: Error[] = [];
      const r = await collect(convertFiles(input, { outDir: out, journalDir: join(cache, 'runjson', 'journals'), concurrency: 0, onJournalError: (e) => errors.push(e) }));
      expect(r.map((x) => x.status)).toEqual(['converted', 'converted']);
      expect(errors.length).toBe(1);
    } finally {
      chmodSync(cache, 0o700);
    }
  });
});

describe('ResumeJournal', () => {
  it('compacts a journal that is mostly stale lines, keeping its header and the last line of each output', async () => {
    const journals = fresh('journals');
    const out = fresh('json');
    const path = journalPathFor(realPathOf(out), journals);
    const line = (m: number): string => JSON.stringify({ o: 'x', i: '/in/x.fit', s: 10, m, n: 1 });
    writeFileSync(path, [JSON.stringify({ outDir: realPathOf(out) }), ...Array.from({ length: 2000 }, (_, i) => line(i))].join('\n') + '\n');
    const j = await ResumeJournal.open(out, { dir: journals, onError: (e) => expect.fail(e.message) });
    j.close();
    expect(j.lookup('x')?.m).toBe(1999);
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify({ outDir: realPathOf(out) })}\n${line(1999)}\n`);
  });

  it('starts over a journal whose first line names another folder', async () => {
    const journals = fresh('journals');
    const out = fresh('json');
    const path = journalPathFor(realPathOf(out), journals);
    writeFileSync(path, `${JSON.stringify({ outDir: '/elsewhere' })}\n${JSON.stringify({ o: 'x', i: '/in/x.fit', s: 10, m: 1, n: 1 })}\n`);
    const j = await ResumeJournal.open(out, { dir: journals, onError: (e) => expect.fail(e.message) });
    j.close();
    expect(j.lookup('x')).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify({ outDir: realPathOf(out) })}\n`);
  });
});
