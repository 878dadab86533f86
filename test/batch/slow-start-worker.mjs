// A pool worker that takes 1.5 s to start, then is the real (built) one: a loaded machine's worker
// start-up, made certain. The pool must not count that time against a file's timeout.
await new Promise((resolve) => setTimeout(resolve, 1500));
export { default } from '../../dist/batch/worker.js';
