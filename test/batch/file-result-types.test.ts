/**
 * `FileResult` is a union on `status`, checked by the compiler (`npx tsc -p tsconfig.json --noEmit`
 * type-checks the tests; vitest only runs them): once `status` is known, `error` is null or a
 * `TaskError` without a `?.`, as the README's example writes it.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { type FileResult, convertFiles } from '../../src/batch/index.js';
import type { TaskError } from '../../src/batch/convert-task.js';

/** The README's loop, verbatim: it compiles only when `failed` narrows `error` to non-null. Never run. */
async function readmeExample(): Promise<void> {
  for await (const r of convertFiles(['export/activities'], { outDir: 'json', concurrency: 4 })) {
    if (r.status === 'failed') console.error(r.relative, r.error.code, r.error.message);
  }
}

function errorBeforeNarrowing(r: FileResult): string {
  // @ts-expect-error `error` is null for converted and up-to-date files: the status must be checked first.
  return r.error.code;
}

describe('FileResult, a union on status', () => {
  it('narrows error by status', () => {
    expectTypeOf(readmeExample).returns.resolves.toBeVoid();
    expectTypeOf(errorBeforeNarrowing).returns.toBeString();
    expectTypeOf<Extract<FileResult, { status: 'failed' }>['error']>().toEqualTypeOf<TaskError>();
    expectTypeOf<Extract<FileResult, { status: 'skipped' }>['error']['code']>().toEqualTypeOf<'not-running'>();
    expectTypeOf<Extract<FileResult, { status: 'converted' }>['error']>().toBeNull();
    expectTypeOf<Extract<FileResult, { status: 'up-to-date' }>['error']>().toBeNull();
    expectTypeOf<FileResult['status']>().toEqualTypeOf<'converted' | 'up-to-date' | 'skipped' | 'failed'>();
  });
});
