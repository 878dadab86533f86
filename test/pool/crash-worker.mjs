// A pool worker that dies on purpose, for the tests: inputs starting with CRASH-EXIT end the worker thread,
// CRASH-THROW throws from the task, CRASH-HANG never returns; everything else goes to the real (built) worker.
import convert from '../../dist/pool/worker.js';

export default function crashOrConvert(task) {
  const head = new TextDecoder().decode(task.bytes.subarray(0, 16));
  if (head.startsWith('CRASH-EXIT')) process.exit(7);
  if (head.startsWith('CRASH-THROW')) throw new Error('thrown on purpose');
  if (head.startsWith('CRASH-HANG')) for (;;);
  return convert(task);
}
