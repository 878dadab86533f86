// A pool worker that dies on purpose, for the tests: inputs starting with CRASH-EXIT end the worker thread,
// CRASH-MIDWRITE leaves a temp file and ends the thread, CRASH-THROW throws from the task, CRASH-HANG never returns; everything else goes to the real (built) worker.
// Batches send file tasks (a path) one or several to a message ({ files }), `ConvertPool.run` sends bytes:
// all are recognised; in a message of several files, the first marked file decides the worker's fate.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import convert from '../../dist/batch/worker.js';

export default function crashOrConvert(task) {
  if ('files' in task) {
    // File by file, marking progress as the real worker does (store, then wake the pool's watch), so that
    // a hang is found on its file.
    for (const [i, file] of task.files.entries()) {
      if (task.progress) {
        Atomics.store(task.progress, 0, i);
        Atomics.notify(task.progress, 0);
      }
      misbehave(file);
    }
    return convert(task);
  }
  misbehave(task);
  return convert(task);
}

function misbehave(task) {
  const bytes = 'path' in task ? readFileSync(task.path) : task.bytes;
  const head = new TextDecoder().decode(bytes.subarray(0, 16));
  if (head.startsWith('CRASH-EXIT')) process.exit(7);
  // Dies in the middle of writing its output: a temp file is left behind (the batch must remove it).
  if (head.startsWith('CRASH-MIDWRITE')) {
    writeFileSync(join(dirname(task.output), `${task.temp}-0.tmp`), '{"half": ');
    process.exit(9);
  }
  if (head.startsWith('CRASH-THROW')) throw new Error('thrown on purpose');
  if (head.startsWith('CRASH-HANG')) for (;;);
}
