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
  runjson inspect FILE [options]                   Human summary of a file: times, laps, splits
  runjson sandbox [--port N] [options]             A stand-in for Smashrun's API on this machine
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

Options:
  --splits km|mile   Split length (default km)

${CONVERTER_OPTIONS}

Exit codes: 0 converted (or skipped as not running), 1 the file could not be converted, 2 usage error.`,

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
} as const;
