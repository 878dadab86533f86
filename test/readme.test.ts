/**
 * The README's examples run as tests: every ```js block in README.md is written to a module inside the
 * project (so `import … from 'runjson'` resolves to the built package by self-reference) and run with node.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/paths.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
const dir = join(ROOT, '.readme-examples');

describe('README examples', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, () => {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `example-${i + 1}.mjs`);
      writeFileSync(file, code);
      const out = execFileSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      // Where the example says what it prints (`// a b c` after a console.log), check it.
      for (const m of code.matchAll(/console\.log\([^\n]*\); \/\/ ([^\n—]+)$/gm)) {
        const expected = m[1].trim();
        if (!expected.startsWith('[') && !expected.includes('…')) expect(out).toContain(expected);
      }
    });
  });
});
