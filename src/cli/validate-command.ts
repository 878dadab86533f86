/** `runjson validate FILE...`: every §7 problem of Activity JSON files. */
import { readFile, stat } from 'node:fs/promises';
import { planFiles } from '../batch/plan.js';
import { gunzipSync } from 'node:zlib';
import { type Problem, validate } from '../activity-json/validate.js';
import { parse, UsageError } from './args.js';
import { HELP } from './help.js';
import { type CliIo, plural } from './io.js';

/** A problem found in a file. */
export interface FileProblem extends Omit<Problem, 'code'> {
  file: string;
  /** A {@link Problem} code, or `unreadable` / `not-json` for a file that could not be checked. */
  code: string;
}

/**
 * The problems of one Activity JSON file (an object or an array of objects; gzip accepted). An array's
 * problems carry the element's index in front of their path (`/2/recordingValues/0/5`).
 */
export async function validateFile(file: string): Promise<FileProblem[]> {
  let text: string;
  try {
    let bytes: Uint8Array = await readFile(file);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    text = new TextDecoder().decode(bytes);
  } catch (e) {
    return [{ file, path: '', code: 'unreadable', message: (e as Error).message }];
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return [{ file, path: '', code: 'not-json', message: (e as Error).message }];
  }
  if (Array.isArray(doc)) {
    if (doc.length === 0) return [{ file, path: '', code: 'not-object', message: 'an empty array holds no activity' }];
    return doc.flatMap((d, i) => validate(d).map((p) => ({ file, ...p, path: `/${i}${p.path}` })));
  }
  return validate(doc).map((p) => ({ file, ...p }));
}

/** Files as given, and the `.json` / `.json.gz` files below the folders given (sorted, dot-names skipped). */
async function expand(inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (!(await stat(input).catch(() => null))?.isDirectory()) {
      out.push(input);
      continue;
    }
    for (const f of await planFiles([input])) if (/\.json(\.gz)?$/i.test(f.relative)) out.push(f.input);
  }
  return out;
}

/** Runs `runjson validate`; returns the exit code. */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals: files } = parse(args, { json: { type: 'boolean' } });
  if (values.help === true) {
    io.stdout.write(HELP.validate + '\n');
    return 0;
  }
  if (files.length === 0) throw new UsageError('validate: no file given (see runjson validate --help)');
  const all: FileProblem[] = [];
  let bad = 0;
  for (const file of await expand(files)) {
    const problems = await validateFile(file);
    if (problems.length > 0) bad++;
    all.push(...problems);
    if (values.json !== true) {
      for (const p of problems) io.stdout.write(`${p.file}\t${p.path === '' ? '/' : p.path}\t${p.code}\t${p.message}\n`);
    }
  }
  if (values.json === true) io.stdout.write(JSON.stringify(all, null, 2) + '\n');
  const checked = (await expand(files)).length;
  io.stderr.write(
    bad === 0 ? `${plural(checked, 'file')} valid\n` : `${plural(all.length, 'problem')} in ${plural(bad, 'file')} (of ${checked})\n`,
  );
  return bad === 0 ? 0 : 1;
}
