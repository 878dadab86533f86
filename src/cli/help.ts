/** Help texts of the `runjson` command. */
import { TARGET_FORMATS } from '../encode/registry.js';

const CONVERTER_OPTIONS = `Converter options (convert, inspect):
  --format fit|tcx|gpx|json   Force the input format (default: sniffed from the content)
  --time-zone ZONE            IANA zone for the local start time when the file has no offset and no
                              position to look one up from (default: UTC, with a warning)
  --sports running|all        Convert only runs (default; others are skipped as not running) or any sport
  --include-power             Emit the power series (default: left out, counted in the warnings)
  --strict                    Turn warnings (checksum, truncation, corrected values) into errors
  --pause-gap SECONDS         Gap rule for sources without pause markers
  --cadence auto|one-leg|two-leg   How to read cadence (default auto)
  --external-id ID            externalId of the activity (default: derived from the source; one file only)
  --device-type TYPE          Google, Apple, RIM, Microsoft, Symbian or Other, when the source does not say
  --app-version VERSION       appVersion when the source does not say
  --terrain TERRAIN           road, trail, track, treadmill, beach or snowpack
  --body-weight KG            bodyWeight when the source does not say
  --notes TEXT                Notes (cut at 800 characters, with a warning)
  --how-felt FEEL             unstoppable, great, soso, tired or injured
  --weather-type TYPE         indoor, clear, cloudy, rain, storm or snow
  --humidity PERCENT          0 to 100
  --wind-speed KMH            Whole km/h
  --max-bytes N               Largest input accepted, in bytes after gzip (default 536870912)
  --max-samples N             Most samples in one file (default 10000000)`;

/** Help per command. */
export const HELP = {
  main: `runjson — FIT, TCX, GPX and Activity JSON → Smashrun Activity JSON

Usage:
  runjson convert INPUT... [-o OUTDIR] [options]   Convert files and folders
  runjson validate FILE|FOLDER...                  Check Activity JSON files against the spec
  runjson inspect FILE [options]                   Human summary of a file, or its picture (--svg)
  runjson login [options]                          Sign in to Smashrun (once, in a browser)
  runjson upload FILE|FOLDER... [options]          Convert and send runs to Smashrun (new or changed only)
  runjson watch DIR... [options]                   Send each new run as soon as it appears in a folder
  runjson pull [-o DIR] [--since DATE]             Download the account's runs as Activity JSON
  runjson whoami | logout                          The account signed in to; sign out
  runjson sandbox [--port N] [options]             A stand-in for Smashrun's API on this machine
  runjson web [--port N] [options]                 The page: convert, see and send runs in a browser
  runjson help [COMMAND]                           This text, or a command's

Options:
  -h, --help       Help (also after a command: runjson convert --help)
  -v, --version    Print the version

Exit codes: 0 done (files that are not runs are skipped and count as done), 1 some file failed
(or, for validate, has problems), 2 usage error.`,

  convert: `Usage: runjson convert INPUT... [-o OUTDIR] [--to FORMAT] [options]

Converts FIT, TCX, GPX and Activity JSON files (and their .gz) to Activity JSON, or to the format
given with --to. The input format is sniffed from the content, not trusted from the name. Folders are
searched recursively for .fit .tcx .gpx .json and their .gz (names starting with a dot are skipped).

  One file and no -o: its output goes to stdout (Activity JSON: the object for one activity, an array
  when the file holds several; another format: a file of several activities needs -o). Warnings and
  errors go to stderr. '-' reads the file from standard input.
  With -o OUTDIR: OUTDIR/<path relative to the input folder>/<name>.<ext>, mirroring the input tree,
  <ext> the target format's extension (json for Activity JSON); <name>-1.<ext>, <name>-2.<ext>… when a
  file holds several activities. When two inputs would get the same name (run.fit and run.tcx), the
  first in sorted order keeps run.<ext> and the other takes its full file name: run.tcx.<ext>.

Output:
  --to FORMAT            Target format: ${TARGET_FORMATS.join(', ')} (default json, Activity JSON)

Batch options:
  -o, --out-dir OUTDIR   Write files into OUTDIR (needed for folders and for several inputs)
  -j, --jobs N           Worker threads (default: the number of cores)
  --resume               Skip inputs already converted into OUTDIR and unchanged since
  --report FILE          Write a JSON report: each file's status, activities, warnings, error, timings
  -q, --quiet            No per-file lines and no warnings; errors and the closing summary only
  --max-worker-memory MB Heap cap per worker: a file that needs more fails alone (worker-crashed)
  --timeout SECONDS      A file not converted in time fails (timeout) and its worker is replaced
                         (default 300; 0 = no limit; with -o only)

${CONVERTER_OPTIONS}

Outputs are written atomically (temp file + rename): an interrupted run leaves no partial output, and
--resume continues where it stopped. What --resume trusts is a journal per OUTDIR kept in the user's
cache folder ($XDG_CACHE_HOME/runjson/journals, else ~/.cache/runjson/journals; on macOS
~/Library/Caches/runjson/journals, on Windows %LOCALAPPDATA%\\runjson\\journals): OUTDIR holds only
the outputs. A progress bar is drawn on a terminal, plain lines otherwise.

Examples:
  runjson convert run.fit > run.json
  runjson convert run.fit.gz --time-zone Europe/Paris
  curl -s https://example.org/run.fit | runjson convert - > run.json
  runjson convert ~/garmin-export -o json --report report.json
  runjson convert ~/garmin-export -o json --resume -j 2

Exit codes: 0 all converted (files that are not runs are skipped and count as converted),
1 some file failed, 2 usage error, 130 interrupted.`,

  validate: `Usage: runjson validate FILE|FOLDER...

Checks Activity JSON files (an object, or an array of them; .gz accepted) against every rule of the
spec's §7. Folders are searched recursively for .json and .json.gz (e.g. a convert OUTDIR). Prints one line per problem: FILE  PATH  CODE  MESSAGE (PATH is a JSON pointer, e.g.
/recordingValues/1/17), then a count.

Options:
  --json    Print the problems as JSON: [{file, path, code, message}]

Exit codes: 0 every file valid, 1 problems found (or a file unreadable / not JSON), 2 usage error.`,

  inspect: `Usage: runjson inspect FILE [options]

Converts one file (any format) and prints a human summary of each activity: start time, distance,
duration and pauses, laps, heart rate and cadence, the per-km (or per-mile) splits, and the warnings.

With --svg, prints instead the picture of one run as SVG (runjson inspect --svg FILE > run.svg): pace,
heart rate and elevation against elapsed time, with pauses, laps and split marks. A file with several
runs: the first, or the one --activity N names.

Options:
  --splits km|mile   Split length, and the unit of the picture's distances and paces (default km)
  --svg              Print the run's picture (SVG) instead of the summary
  --activity N       With --svg: which run of the file, from 1 (default 1)
  --x time|distance  With --svg: the x axis (default time)
  --speed            With --svg: speed instead of pace in the first panel

${CONVERTER_OPTIONS}

Exit codes: 0 converted (or skipped as not running), 1 the file could not be converted, 2 usage error.`,

  web: `Usage: runjson web [--port N] [--api-base URL --auth-base URL]

Serves runjson's page on this machine (http://127.0.0.1:8417/ by default): drop the files from a watch,
see each run as a picture with its pauses, laps and splits, download it as Activity JSON, TCX, GPX, FIT or
SVG, and send it to Smashrun (you sign in in a pop-up; the token stays in that browser tab). The files are
converted in the browser: nothing leaves the machine but the runs you send. Runs until Ctrl-C.

Options:
  --port N           TCP port (default 8417; 0: a free one, printed)
  --host HOST        A loopback address: 127.0.0.1 (default), ::1 or localhost; nothing else is accepted
  --api-base URL     Where the page sends runs (default https://api.smashrun.com/v1; a sandbox's for tests)
  --auth-base URL    Where it signs in (default https://secure.smashrun.com)
  --root DIR         Serve the page built in DIR (default: the one installed with runjson)`,

  sandbox: `Usage: runjson sandbox [--port N] [--data DIR] [--auto-approve] [--clients FILE] [options]

Runs a stand-in for Smashrun's API on this machine, for testing Smashrun clients and uploaders: one
loopback port serves OAuth (/oauth2/authenticate with a consent page, /oauth2/token) and the API (/v1/...).
Uploads are read with runjson. Prints the URL, the API base and the auth base, then one line per request
on stderr (tokens never appear in them); runs until Ctrl-C.

Options:
  --port N          TCP port (default 0: a free one, printed)
  --host HOST       A loopback address: 127.0.0.1 (default), ::1 or localhost; nothing else is accepted
  --data DIR        Keep runs, users and tokens in DIR, so a restarted sandbox finds them (default: memory)
  --auto-approve    Skip the consent page: authorize redirects at once, as if the user allowed
  --clients FILE    Registered clients, JSON: {"<client id>": {"secret": "...", "redirectUris": ["..."]}}
                    (default: any client id is accepted, with any non-empty secret)
  -q, --quiet       No request lines

Exit codes: 0 stopped by Ctrl-C, 1 could not start (port in use, unreadable DIR), 2 usage error.`,

  login: `Usage: runjson login [--no-browser] [--client-id ID --client-secret SECRET|-] [--token TOKEN|-] [options]

Logs in to Smashrun once, for upload, watch and pull. By default, the way for personal use (Smashrun's
implicit flow, client id "client"): runjson listens on 127.0.0.1 on a free port, opens your browser on
Smashrun's sign-in page, and takes the token when Smashrun sends the browser back. A random state is
checked on the way back; nothing else on the machine can hand runjson a token.

  --no-browser             Print the address to open instead of opening a browser
  --client-id ID           A registered app's client id (with --client-secret: the code flow, whose
                           tokens runjson renews before they expire; alone: the implicit flow as ID)
  --client-secret SECRET   The app's secret; '-' reads it from standard input (kept out of the shell's
                           history and of ps)
  --token TOKEN            Use a token you already have (from Smashrun's API explorer); '-' reads it
                           from standard input
  --timeout SECONDS        How long to wait for the browser (default 300; 0 = no limit)
  --api-base URL           The API (default https://api.smashrun.com/v1; a sandbox's for tests)
  --auth-base URL          The sign-in host (default https://secure.smashrun.com)

The login is saved in the config folder ($XDG_CONFIG_HOME/runjson/credentials.json, else
~/.config/runjson; on macOS ~/Library/Application Support/runjson, on Windows %APPDATA%\\runjson),
mode 0600 in a 0700 folder, written atomically, and only once Smashrun has named the account. A new
login replaces the previous one. No token or secret is ever printed.

Exit codes: 0 logged in, 1 not logged in (denied, forged or failed sign-in, timeout), 2 usage error,
130 interrupted.`,

  logout: `Usage: runjson logout

Revokes the token at Smashrun (and, for a registered app, its refresh token) and deletes the
credentials file. When Smashrun cannot be reached, the file is deleted anyway and runjson says that the
token is still valid until it expires (exit 1).

Exit codes: 0 logged out (or was not logged in), 1 logged out here but the token not revoked,
2 usage error, 130 interrupted.`,

  whoami: `Usage: runjson whoami [--json]

Shows the account runjson is logged in to (asked of Smashrun now), the server, how you logged in, when
the token expires and whether runjson renews it. Never the token.

  --json    The same as a JSON object: loggedIn, credentials, apiBase, authBase, clientId, flow, user,
            confirmed, problem, expiresAt, expiresFrom, refreshable

Exit codes: 0 logged in and confirmed by Smashrun, 1 not logged in or not confirmed, 2 usage error.`,

  upload: `Usage: runjson upload FILE|FOLDER... [options]

Converts every run of the files and folders given (subfolders too) and uploads each one to the account
logged in to (runjson login first). One line per run on stdout: uploaded (with its Smashrun id and URL),
updated (sent before with other content: Smashrun updates it, same id), already-sent, rejected (with
Smashrun's validations), held (flagged by the plausibility checks, e.g. implausible-speed: --force
sends it), failed (with why); files that are not runs are skipped. Files that give the same run
(the same externalId) are said to be one run to Smashrun. A bar on a terminal, then a summary on stderr.

What was sent is kept in a journal per account (the state folder: $XDG_STATE_HOME/runjson/sent/, else
~/.local/state/runjson/sent/): a second upload of the same files sends only new or changed runs, and
an interrupted upload, run again, sends the rest. Runs go as Activity JSON with their externalId, so a
run sent again (its answer lost, the process killed) updates the run at Smashrun rather than storing it
twice. Tokens are never printed, nor written to the report or the journal.

Options:
  --dry-run          Convert and check against the journal, send nothing (no request at all)
  --force            Send runs the plausibility checks flag
  -j, --jobs N       Worker threads converting ahead of the uploads (default: the cores, at most 4;
                     0 converts in this thread)
  --report FILE      Write a JSON report: every file and run with its outcome, and the totals
  -q, --quiet        Print only the runs that were not sent, and the summary
  --api-base URL     Smashrun's API, or a sandbox's (default: the one logged in to)
  --auth-base URL    Smashrun's OAuth base, or a sandbox's

${CONVERTER_OPTIONS.replace('(convert, inspect)', '(convert, inspect, upload, watch; --external-id with one file only)')}
With --strict, runs with warnings are refused (their file fails).

Exit codes: 0 every run uploaded, updated or already sent (files that are not runs skipped), 1 some
run or file was not sent (rejected, held, failed), 2 usage error, 130 interrupted (run the same command
again to send the rest).`,

  watch: `Usage: runjson watch DIR... [options]

Sends every new run to Smashrun as soon as it is whole: point it at a watch's USB folder (such as
/media/$USER/GARMIN/Garmin/Activity) or a phone's sync folder and leave it running. Log in first
(runjson login). Folders are looked into every --interval, subfolders too, for .fit .tcx .gpx .json
and their .gz (any case; names starting with a dot are skipped).

A file is sent once it is whole: its size and time unchanged for --settle, and its format says so
(FIT: the sizes in its headers add up to its length and its CRC is right; TCX and GPX: the root element
is closed; gzip: the stream ends; JSON: it parses). A file still not whole ten settle times after its
last change is reported once as incomplete and left alone until it changes (runjson upload sends a
file as it is). Each file version (path, size, time) is looked at once; a file written again is looked
at again.

Runs go as with runjson upload, into the same journal of what was sent: a run sent before (by upload or
by an earlier watch) is not sent again, so restarting the watch, or plugging the watch in again, sends
only what is new. When Smashrun cannot be reached the file waits and is tried again, first after
--retry-min, then twice as long each time up to --retry-max. A folder that is not there (the watch
unplugged) is waited for; when it comes back its files are looked at again. Runs that failed because
Smashrun refused the token are tried again once you log in again (runjson login), without a restart.

One line per run on stdout, with the local time: uploaded (with its Smashrun id and URL), updated,
rejected (with Smashrun's validations), held (flagged by the plausibility checks; --force sends it),
failed, skipped (not a run), incomplete, will retry. Runs already sent among the files that were
there when a folder was first seen are counted on one line. Tokens are never printed.

Options:
  --interval MS        Time between two looks at the folders (default 2000)
  --settle MS          Time a file's size and time must stay the same before it is read (default 2000)
  --retry-min MS       First wait after Smashrun could not be reached (default 5000)
  --retry-max MS       Longest wait between two tries (default 300000: 5 minutes)
  --once               Look, wait --settle, look again, send what is whole, and stop (for scripts)
  --new-only           Leave alone the files already there when the watch starts; only files that
                       arrive or change later are sent (runs added while no watch was running are
                       then never sent by it: runjson upload DIR sends them)
  --no-subfolders      Do not look into subfolders
  --dry-run            Convert and check, send nothing
  --force              Send runs the plausibility checks flag
  --api-base URL       Smashrun's API, or a sandbox's (default: the one logged in to)
  --auth-base URL      Smashrun's OAuth base, or a sandbox's

${CONVERTER_OPTIONS.replace('(convert, inspect)', '(convert, inspect, upload, watch; not --external-id)')}

Ctrl-C (or SIGTERM) stops it: an upload in progress is abandoned and sent again by the next watch
(with the same externalId, so Smashrun updates the run rather than storing it twice).

Exit codes: 0 stopped by Ctrl-C (or, with --once, every run sent or already sent), 1 with --once some
run was not sent (failed, rejected, held, incomplete, not reachable), 2 usage error.`,

  pull: `Usage: runjson pull [-o DIR] [--since DATE] [--to FORMAT] [options]

Downloads the runs of the account logged in to (runjson login first) into DIR (default: smashrun, in
the current folder), one file per run, named by its local start and its Smashrun id so that the folder
sorts by date: 2026-11-20T07-32_1000001.json. Each run is read by runjson from Smashrun's detail
(Smashrun's -1 latitudes and longitudes read as missing) and written like convert writes it; every
Activity JSON file passes runjson validate. Its notes and what the recordings carry are kept; what
Smashrun works out (calories, its own id) is not put in the file (the id is in its name).

Pull again at any time: only runs that are new, that Smashrun changed since (notes edited, the run
uploaded again), or whose file is missing are downloaded; an interrupted pull, run again, continues.
What the folder holds is remembered in DIR/.runjson-pull.json. Runs deleted on Smashrun keep their
files (counted in the summary). Runs entered by hand have no recordings and get no file (counted).
Requests are two at a time and within Smashrun's rate limits. Tokens are never printed.

Options:
  -o, --out-dir DIR   Where the runs go (default: smashrun)
  --since DATE        Only runs started on or after DATE: YYYY-MM-DD (the run's own local date), or an
                      ISO 8601 date-time (with an offset or Z: an instant)
  --to FORMAT         Format of the files: ${TARGET_FORMATS.join(', ')} (default json)
  --report FILE       Write a JSON report: every run with what became of it, and the totals
  -q, --quiet         Print only the runs that failed, and the summary
  --api-base URL      Smashrun's API, or a sandbox's (default: the one logged in to)
  --auth-base URL     Smashrun's OAuth base, or a sandbox's

Exit codes: 0 every run pulled or up to date, 1 some run failed (or not logged in), 2 usage error,
130 interrupted (run the same command again to continue).`,
} as const;
