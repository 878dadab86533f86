/**
 * Programs that tests use as independent readers (xmllint, gpsbabel): found on the PATH, or the test is
 * skipped with the reason — except where `RUNJSON_REQUIRE_TOOLS=1` (set by `.ci/run`, which installs them),
 * where a missing tool fails the test instead, so that CI never passes by skipping.
 */
import { execFileSync } from 'node:child_process';

const found = new Map<string, boolean>();

/** Whether `name` runs (`name --version`, or `-V` for gpsbabel). */
export function hasTool(name: string): boolean {
  let ok = found.get(name);
  if (ok === undefined) {
    try {
      execFileSync(name, [name === 'gpsbabel' ? '-V' : '--version'], { stdio: 'ignore' });
      ok = true;
    } catch {
      ok = false;
    }
    found.set(name, ok);
  }
  return ok;
}

/**
 * For `describe.skipIf(skipWithout('xmllint'))`: true (skip) when the tool is missing and tools are not
 * required; throws when they are required and it is missing.
 */
export function skipWithout(name: string): boolean {
  if (hasTool(name)) return false;
  if (process.env.RUNJSON_REQUIRE_TOOLS === '1') throw new Error(`${name} is required here (RUNJSON_REQUIRE_TOOLS=1) and was not found on the PATH`);
  return true;
}
