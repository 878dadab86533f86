/**
 * Opens a URL in the user's browser, as best it can: `$BROWSER` when set (the convention of many Unix
 * tools: a command that takes the URL), else `open` on macOS, `cmd /c start` on Windows and `xdg-open`
 * elsewhere. Detached and with no streams, so that the browser outlives nothing and prints nothing into
 * the terminal; every failure is ignored, because the command prints the URL for the user to open anyway.
 */
import { spawn } from 'node:child_process';

/** The program and arguments that open `url` on `platform`. */
export function browserCommand(url: string, env: Record<string, string | undefined>, platform: NodeJS.Platform): { file: string; args: string[]; verbatim: boolean } {
  const custom = env.BROWSER;
  if (custom !== undefined && custom.trim() !== '') return { file: custom.trim(), args: [url], verbatim: false };
  if (platform === 'darwin') return { file: 'open', args: [url], verbatim: false };
  if (platform === 'win32') {
    // cmd reads `&` as "and then": escaped with `^`, and the empty title keeps `start` from taking the URL as one.
    return { file: 'cmd', args: ['/c', 'start', '""', '/b', url.replace(/[&^]/g, '^$&')], verbatim: true };
  }
  return { file: 'xdg-open', args: [url], verbatim: false };
}

/** Tries to open `url` in a browser; never throws, never waits for the browser. */
export function openBrowser(url: string, env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): void {
  const { file, args, verbatim } = browserCommand(url, env, platform);
  try {
    const child = spawn(file, args, { detached: true, stdio: 'ignore', windowsVerbatimArguments: verbatim, env: { ...process.env, ...env } });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser to open: the URL is printed, and that is enough.
  }
}
