/**
 * Where resume journals live: in the user's cache folder, one file per output folder, so that the output
 * folder holds only the outputs that were asked for.
 *
 * The folder is `$XDG_CACHE_HOME/runjson/journals` when `XDG_CACHE_HOME` is set (on every platform, so
 * that one variable moves it anywhere), else the platform's cache folder: `~/.cache/runjson/journals` on
 * Linux and the other Unixes, `~/Library/Caches/runjson/journals` on macOS,
 * `%LOCALAPPDATA%\runjson\journals` on Windows. The journal of an output folder is named from a hash of
 * the folder's real path: `<first 16 hex digits of sha256(real path)>.jsonl`.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, posix, resolve, win32 } from 'node:path';

/**
 * The folder of resume journals when `convertFiles` is given none (`journalDir`).
 *
 * @param env - The environment to read `XDG_CACHE_HOME` (and, on Windows, `LOCALAPPDATA`) from.
 * @param platform - `process.platform` of the machine the folder is for.
 * @param home - The user's home folder.
 *
 * @example
 * ```ts
 * defaultJournalDir({ XDG_CACHE_HOME: '/tmp/cache' }); // '/tmp/cache/runjson/journals'
 * defaultJournalDir({}, 'darwin', '/Users/ana');       // '/Users/ana/Library/Caches/runjson/journals'
 * ```
 */
export function defaultJournalDir(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const path = platform === 'win32' ? win32 : posix;
  // The XDG spec: a relative path in one of its variables is invalid and is ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== '' && path.isAbsolute(xdg)) return path.join(xdg, 'runjson', 'journals');
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA;
    return path.join(local !== undefined && local !== '' ? local : path.join(home, 'AppData', 'Local'), 'runjson', 'journals');
  }
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'runjson', 'journals');
  return path.join(home, '.cache', 'runjson', 'journals');
}

/** The journal file of the output folder whose real path is `realOutDir` ({@link realPathOf}), in `journalDir`. */
export function journalPathFor(realOutDir: string, journalDir: string): string {
  return join(journalDir, createHash('sha256').update(realOutDir).digest('hex').slice(0, 16) + '.jsonl');
}

/**
 * The real path of a folder, which need not exist yet: the real path of its nearest existing ancestor
 * with the rest of the path joined on. (An output folder is made by the batch's first write; its journal
 * is opened before that, and must be the same file that later runs find through the real path.)
 *
 * The native realpath: on Windows it also gives each name as the folder spells it, so `-o JSON` and
 * `-o json`, one folder there, get one journal.
 */
export function realPathOf(folder: string): string {
  const tail: string[] = [];
  let head = resolve(folder);
  for (;;) {
    try {
      return join(realpathSync.native(head), ...tail);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // The native call fails on a few file systems where the JavaScript one works (Windows RAM disks, some shares).
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        try {
          return join(realpathSync(head), ...tail);
        } catch {
          // Then as if it did not exist: try its parent.
        }
      }
    }
    const up = dirname(head);
    if (up === head) return resolve(folder);
    tail.unshift(basename(head));
    head = up;
  }
}
