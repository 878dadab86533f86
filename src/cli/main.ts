#!/usr/bin/env node
/** The `runjson` executable: wires the process to {@link run}. */
import { run } from './run.js';

const controller = new AbortController();
let signals = 0;
const onSignal = (): void => {
  // First Ctrl-C: stop the batch (no new file starts; the files workers hold are finished), print the
  // summary and the report. Second: exit now.
  if (++signals > 1) process.exit(130);
  controller.abort(new Error('interrupted'));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// `runjson convert run.fit | head`: a closed pipe is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

try {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    // Touched only by `runjson convert -`: creating process.stdin can hold a terminal open.
    get stdin() {
      return process.stdin;
    },
    signal: controller.signal,
  });
} catch (e) {
  process.stderr.write(`runjson: internal error: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
}
