/**
 * The piscina worker: a thin wrapper over the synchronous core. Three kinds of task:
 * - bytes ({@link ConvertTask}): the input arrives by transfer, the Activity JSON goes back by transfer;
 * - a file ({@link FileTask}): the worker reads the input and writes the outputs itself
 *   ({@link convertFileTask}); only a small result (or, with no output folder, the encoded bytes by
 *   transfer) comes back;
 * - several files ({@link FileBatch}): the same, one after the other, one result each.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { type ConvertTask, buffersOf, convertTask, resultBuffers } from './convert-task.js';
import { type FileBatch, type FileTask, convertFileBatch, convertFileTask } from './file-task.js';

/** Converts one task; the result's buffers are moved, not copied. */
export default function convertInWorker(task: ConvertTask | FileTask | FileBatch): unknown {
  if ('files' in task) {
    const results = convertFileBatch(task);
    const buffers = buffersOf(results.flatMap((r) => r.data));
    return buffers.length === 0 ? results : wrap(results, buffers);
  }
  if ('path' in task) {
    const result = convertFileTask(task);
    if (result.data.length === 0) return result;
    return wrap(result, buffersOf(result.data));
  }
  const result = convertTask(task);
  return wrap(result, resultBuffers(result));
}

function wrap(value: object, buffers: ArrayBuffer[]): unknown {
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value } as unknown as Parameters<typeof move>[0]);
}

