/** `runjson sandbox`: runs the Smashrun sandbox on a loopback port until Ctrl-C. */
import { readFile } from 'node:fs/promises';
import { type RequestLogEntry, SandboxError, SandboxErrorCode, checkClients, startSandbox } from '../sandbox/index.js';
import { int, parse, UsageError } from './args.js';
import { HELP } from './help.js';
import type { CliIo } from './io.js';

/** Runs `runjson sandbox`; returns the exit code once the command's signal (Ctrl-C) stops it. */
export async function sandboxCommand(args: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    'auto-approve': { type: 'boolean' },
    clients: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (v.help === true) {
    io.stdout.write(HELP.sandbox + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`sandbox: unexpected argument '${positionals[0]}' (see runjson sandbox --help)`);
  const port = int(v.port as string | undefined, '--port', 0, 65535) ?? 0;
  const clientsFile = v.clients as string | undefined;
  let clients: ReturnType<typeof checkClients> | undefined;
  if (clientsFile !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(clientsFile, 'utf8'));
    } catch (e) {
      throw new UsageError(`--clients: cannot read ${clientsFile} as JSON: ${(e as Error).message}`);
    }
    try {
      clients = checkClients(raw);
    } catch (e) {
      throw new UsageError(`--clients: ${(e as Error).message}`);
    }
  }
  const quiet = v.quiet === true;
  let sandbox;
  try {
    sandbox = await startSandbox({
      port,
      ...(v.host === undefined ? {} : { host: v.host as string }),
      ...(v.data === undefined ? {} : { dataDir: v.data as string }),
      autoApprove: v['auto-approve'] === true,
      ...(clients === undefined ? {} : { clients: Object.fromEntries(clients) }),
      onRequest: quiet ? undefined : (e) => io.stderr.write(logLine(e)),
    });
  } catch (e) {
    if (e instanceof SandboxError && e.code !== SandboxErrorCode.DataDir) throw new UsageError(e.message);
    io.stderr.write(`runjson: sandbox: ${(e as Error).message}\n`);
    return 1;
  }
  const user = sandbox.users[0];
  io.stdout.write(
    [
      `runjson sandbox listening on ${sandbox.url}`,
      `  api base   ${sandbox.apiBase}`,
      `  auth base  ${sandbox.authBase}  (authorize: ${sandbox.authBase}/oauth2/authenticate, token: ${sandbox.authBase}/oauth2/token)`,
      `  clients    ${clients === undefined ? 'any client id, with any non-empty secret' : `${[...clients.keys()].join(', ')} (from ${clientsFile})`}`,
      `  user       ${user.userName} (id ${user.id})${v['auto-approve'] === true ? '; consent is given at once (--auto-approve)' : ''}`,
      `  state      ${v.data === undefined ? 'in memory' : (v.data as string)}`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    if (io.signal === undefined) return; // no way to stop: run until the process ends
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await sandbox.close();
  io.stderr.write('runjson sandbox: stopped\n');
  return 0;
}

/** One request as the command prints it: `POST /v1/my/activities 200 3.2 ms`. Paths never hold a token. */
function logLine(e: RequestLogEntry): string {
  return `${e.method} ${e.path} ${e.status ?? '(no answer)'}${e.fault === undefined ? '' : ` [${e.fault}]`} ${e.ms.toFixed(1)} ms${e.error === undefined ? '' : `: ${e.error}`}\n`;
}
