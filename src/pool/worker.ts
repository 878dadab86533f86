/**
 * The piscina worker: a thin wrapper over the synchronous core. The input bytes arrive by transfer; the
 * Activity JSON bytes go back by transfer (no copy either way).
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { type ConvertTask, convertTask, resultBuffers } from './convert-task.js';

/** Converts one file (see {@link convertTask}); the result's buffers are moved, not copied. */
export default function convertInWorker(task: ConvertTask): unknown {
  const result = convertTask(task);
  return move({ [transferableSymbol]: resultBuffers(result), [valueSymbol]: result } as unknown as Parameters<typeof move>[0]);
}
