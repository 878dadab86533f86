/** The built executable runs by itself (package.json "bin"), as `npx runjson` runs it. */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { MAIN, requireBuild } from '../helpers/built.js';

beforeAll(requireBuild);

it('dist/cli/main.js is package.json\'s bin, starts with a node shebang and is executable', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  expect(join(ROOT, pkg.bin.runjson)).toBe(MAIN);
  expect(readFileSync(MAIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  expect(statSync(MAIN).mode & 0o111).not.toBe(0);
  expect(execFileSync(MAIN, ['--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);
});
