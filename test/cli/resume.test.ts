/**
 * Never lose data: the command is killed with SIGKILL in the middle of a batch of a few hundred files;
 * every output present is whole (parses, and is byte-identical to a clean conversion), no temp file looks
 * like an output, and `--resume` then completes the batch, converting only what was missing and removing
 * the dead run's temp files.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { convertSync } from '../../src/index.js';
import { MAX_FILES_PER_MESSAGE } from '../../src/batch/pool.js';
import { makeActivityJson } from '../helpers/make-activity.js';
import { journalPathFor, realPathOf } from '../../src/batch/journal-path.js';
import { cacheEnv, MAIN, requireBuild, runBuilt } from '../helpers/built.js';

const FILES = 300;
let root: string;
/** The commands' environment: their cache folder (resume journals) below the test's root. */
const env = (): NodeJS.ProcessEnv => cacheEnv(join(root, 'cache'));

/** Every file below `dir`, hidden ones included (the resume journal is in the cache folder, not here). */
function listAll(dir: string): string[] {
  try {
    return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)));
  } catch {
    return [];
  }
}

beforeAll(() => {
  requireBuild();
  root = mkdtempSync(join(tmpdir(), 'runjson-resume-'));
  // One large document, varied by its externalId: cheap to make, and each conversion takes a few ms.
  const base = makeActivityJson({ samples: 4000, seed: 1 });
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, 'in', `year-${2000 + (i % 12)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `run-${String(i).padStart(4, '0')}.json`), base.replace('"gen-1"', `"gen-${i}"`));
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('a run killed mid-batch leaves only whole outputs, and --resume completes it', async () => {
  const input = join(root, 'in');
  const out = join(root, 'out');
  const child = spawn(process.execPath, [MAIN, 'convert', input, '-o', out, '-j', '1', '-q'], { stdio: 'ignore', env: env() });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // Kill it as soon as the first outputs appear.
  for (let i = 0; i < 6000; i++) {
    if (listAll(out).filter((f) => f.endsWith('.json')).length >= 5) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const afterKill = listAll(out);
  const outputs = afterKill.filter((f) => f.endsWith('.json'));
  expect(outputs.length).toBeGreaterThanOrEqual(5);
  expect(outputs.length).toBeLessThan(FILES); // it really was killed mid-run
  // Whole outputs only; anything else is one of our hidden temp files.
  for (const f of outputs) {
    const text = readFileSync(join(out, f), 'utf8');
    const doc = JSON.parse(text);
    const id = Number(String(doc.externalId).slice(4));
    expect(f).toMatch(new RegExp(`run-${String(id).padStart(4, '0')}\\.json$`));
  }
  for (const f of afterKill.filter((x) => !x.endsWith('.json'))) expect(f).toMatch(/(^|\/)\.runjson-\d+-\d+(-\d+)?\.tmp$/);
  // The resume journal, in the cache folder: the output folder on its first line, then one whole line per
  // output in place, at most the last one cut by the kill. (No lines yet when the kill came before the
  // first results reached the main thread.)
  const journalPath = journalPathFor(realPathOf(out), join(root, 'cache', 'runjson', 'journals'));
  const [header, ...journal] = (existsSync(journalPath) ? readFileSync(journalPath, 'utf8') : '').split('\n').filter(Boolean);
  if (header !== undefined) expect(JSON.parse(header)).toEqual({ outDir: realPathOf(out) });
  const whole = journal.filter((l) => {
    try {
      JSON.parse(l);
      return true;
    } catch {
      return false;
    }
  });
  expect(journal.length - whole.length).toBeLessThanOrEqual(1);
  expect(whole.length).toBeLessThanOrEqual(outputs.length);
  // Outputs the journal does not name yet: the files of the message the worker was on and of the one whose
  // results were on their way back (resume trusts those by the mtime rule).
  expect(whole.length).toBeGreaterThanOrEqual(outputs.length - 2 * MAX_FILES_PER_MESSAGE);
  // A half-written temp file of the killed process (whether or not the kill left one behind).
  mkdirSync(join(out, 'year-2003'), { recursive: true });
  writeFileSync(join(out, 'year-2003', `.runjson-${child.pid}-99999.tmp`), '{"externalId":"gen-');

  const resumed = await runBuilt(['convert', input, '-o', out, '--resume', '-q', '--report', join(root, 'report.json')], { env: env() });
  expect(resumed.code).toBe(0);
  const report = JSON.parse(readFileSync(join(root, 'report.json'), 'utf8'));
  expect(report.totals.upToDate).toBe(outputs.length);
  expect(report.totals.converted).toBe(FILES - outputs.length);
  expect(report.totals.failed).toBe(0);

  const final = listAll(out);
  expect(final.length).toBe(FILES); // no temp files left either, and no journal: outputs only
  const sample = convertSync(readFileSync(join(input, 'year-2000', 'run-0000.json'))).activities[0].toJson();
  for (const f of final) {
    const text = readFileSync(join(out, f), 'utf8');
    const doc = JSON.parse(text);
    // Same document as a clean conversion, but for the id.
    expect(text.replace(`"${doc.externalId}"`, '"gen-0"')).toBe(sample);
  }
});

it('Ctrl-C (SIGINT) stops the batch, writes the summary and the report, and exits 130', async () => {
  const input = join(root, 'in');
  const out = join(root, 'out-int');
  const reportPath = join(root, 'report-int.json');
  const child = spawn(process.execPath, [MAIN, 'convert', input, '-o', out, '-j', '1', '-q', '--report', reportPath], { stdio: ['ignore', 'ignore', 'pipe'], env: env() });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  for (let i = 0; i < 6000; i++) {
    if (listAll(out).filter((f) => f.endsWith('.json')).length >= 3) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(stderr).toContain('interrupted');
  expect(stderr).toMatch(/converted\s+\d+/);
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  expect(report.interrupted).toBe(true);
  expect(report.files.length).toBeLessThan(FILES);
  const outputs = listAll(out);
  expect(outputs.filter((f) => f.endsWith('.json')).length).toBe(report.totals.converted);
  for (const f of outputs) {
    expect(f.endsWith('.json')).toBe(true); // no temp file left behind by a clean stop
    JSON.parse(readFileSync(join(out, f), 'utf8'));
  }
});
