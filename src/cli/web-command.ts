/** `runjson web`: serves the page on a loopback port until Ctrl-C. */
import { isLoopback } from '../sandbox/options.js';
import { int, parse, UsageError } from './args.js';
import { HELP } from './help.js';
import type { CliIo } from './io.js';
import { startWebServer, WebServerError } from './web/server.js';

/** The page's default port: a fixed one, so that the page's remembered settings (its origin's) stay. */
export const DEFAULT_WEB_PORT = 8417;

/** Runs `runjson web`; returns the exit code once the command's signal (Ctrl-C) stops it. */
export async function webCommand(args: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    'api-base': { type: 'string' },
    'auth-base': { type: 'string' },
    root: { type: 'string' },
  });
  if (v.help === true) {
    io.stdout.write(HELP.web + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`web: unexpected argument '${positionals[0]}' (see runjson web --help)`);
  const port = int(v.port as string | undefined, '--port', 0, 65535) ?? DEFAULT_WEB_PORT;
  if (v.host !== undefined && !isLoopback(v.host as string)) throw new UsageError(`--host: '${v.host as string}' is not a loopback address: the page is served on 127.0.0.1, ::1 or localhost only`);
  for (const name of ['api-base', 'auth-base'] as const) {
    const base = v[name] as string | undefined;
    if (base !== undefined && !(URL.canParse(base) && /^https?:$/.test(new URL(base).protocol))) throw new UsageError(`--${name}: '${base}' is not an http(s) URL`);
  }
  let server;
  try {
    server = await startWebServer({
      port,
      ...(v.host === undefined ? {} : { host: v.host as string }),
      ...(v['api-base'] === undefined ? {} : { apiBase: v['api-base'] as string }),
      ...(v['auth-base'] === undefined ? {} : { authBase: v['auth-base'] as string }),
      ...(v.root === undefined ? {} : { root: v.root as string }),
    });
  } catch (e) {
    if (e instanceof WebServerError) {
      io.stderr.write(`runjson: web: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  io.stdout.write(`runjson page at ${server.url}\nOpen it in a browser; Ctrl-C stops it.\n`);
  await new Promise<void>((resolve) => {
    if (io.signal === undefined) return;
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  io.stderr.write('runjson web: stopped\n');
  return 0;
}
