/**
 * Where the Smashrun commands keep what lasts between runs:
 * - the **config folder** (`credentials.json`, private): `$XDG_CONFIG_HOME/runjson` when set, else
 *   `~/.config/runjson` (Linux and the other Unixes), `~/Library/Application Support/runjson` (macOS),
 *   `%APPDATA%\runjson` (Windows);
 * - the **state folder** (the journals of what was sent): `$XDG_STATE_HOME/runjson` when set, else
 *   `~/.local/state/runjson`, and on macOS and Windows the config folder (they have no separate place).
 *
 * As for the cache folder (`batch/journal-path.ts`): a relative path in an XDG variable is ignored, as the
 * XDG spec says.
 */
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

type Env = Record<string, string | undefined>;

/** The config folder of runjson (see the top of the file). */
export function configDir(env: Env = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const path = platform === 'win32' ? win32 : posix;
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg !== undefined && xdg !== '' && path.isAbsolute(xdg)) return path.join(xdg, 'runjson');
  if (platform === 'win32') {
    const roaming = env.APPDATA;
    return path.join(roaming !== undefined && roaming !== '' ? roaming : path.join(home, 'AppData', 'Roaming'), 'runjson');
  }
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'runjson');
  return path.join(home, '.config', 'runjson');
}

/** The state folder of runjson (see the top of the file). */
export function stateDir(env: Env = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const path = platform === 'win32' ? win32 : posix;
  const xdg = env.XDG_STATE_HOME;
  if (xdg !== undefined && xdg !== '' && path.isAbsolute(xdg)) return path.join(xdg, 'runjson');
  if (platform === 'win32' || platform === 'darwin') return configDir(env, platform, home);
  return path.join(home, '.local', 'state', 'runjson');
}

/** The credentials file in `configDir`. */
export function credentialsPath(env: Env = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  return (platform === 'win32' ? win32 : posix).join(configDir(env, platform, home), 'credentials.json');
}
