/**
 * The `runjson` command line as a function: `run(argv, io) → exit code`, so tests can run it in-process.
 * Exit codes: 0 done, 1 some file failed (or has problems), 2 usage error, 130 interrupted.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';
import { convertCommand } from './convert-command.js';
import { HELP } from './help.js';
import { inspectCommand } from './inspect-command.js';
import { AccountError } from './account/connect.js';
import { CredentialsError } from './account/credentials.js';
import { loginCommand, logoutCommand, whoamiCommand } from './login-command.js';
import { pullCommand } from './pull-command.js';
import { uploadCommand } from './upload-command.js';
import { watchCommand } from './watch-command.js';
import type { CliIo } from './io.js';
import { sandboxCommand } from './sandbox-command.js';
import { validateCommand } from './validate-command.js';
import { webCommand } from './web-command.js';

export type { CliIo, OutStream } from './io.js';

/** Exit codes of the command. */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2, Interrupted: 130 } as const;

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  convert: convertCommand,
  validate: validateCommand,
  inspect: inspectCommand,
  sandbox: sandboxCommand,
  login: loginCommand,
  logout: logoutCommand,
  whoami: whoamiCommand,
  upload: uploadCommand,
  watch: watchCommand,
  pull: pullCommand,
  web: webCommand,
};

/** Runs the command line `argv` (without `node` and the script); returns the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h') {
      (command === undefined ? io.stderr : io.stdout).write(HELP.main + '\n');
      return command === undefined ? ExitCode.Usage : ExitCode.Ok;
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(version() + '\n');
      return ExitCode.Ok;
    }
    if (command === 'help') {
      const topic = rest[0];
      if (topic === undefined) io.stdout.write(HELP.main + '\n');
      else if (topic in COMMANDS) io.stdout.write(HELP[topic as keyof typeof COMMANDS & keyof typeof HELP] + '\n');
      else throw new UsageError(`help: unknown command '${topic}'`);
      return ExitCode.Ok;
    }
    const handler = COMMANDS[command];
    if (handler === undefined) throw new UsageError(`unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return await handler(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`runjson: ${e.message}\n${command !== undefined && command in COMMANDS ? `Try: runjson ${command} --help` : 'Try: runjson --help'}\n`);
      return ExitCode.Usage;
    }
    // Not signed in, signed in elsewhere, a credentials file that cannot be read: said in one line.
    if (e instanceof AccountError || e instanceof CredentialsError) {
      io.stderr.write(`runjson: ${e.message}\n`);
      return ExitCode.Failed;
    }
    throw e;
  }
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}
