/** `runjson inspect FILE`: a human summary of each activity of a file. */
import { readFile } from 'node:fs/promises';
import { convertSync } from '../index.js';
import type { Activity } from '../core/activity.js';
import { ConvertError, type Warning } from '../core/errors.js';
import { splits, type SplitUnit } from '../core/splits.js';
import { recordingKeys } from '../encode/json/to-activity-json.js';
import { CONVERTER_FLAGS, converterOptions, int, oneOf, parse, UsageError } from './args.js';
import { toSvg } from '../encode/svg/to-svg.js';
import { HELP } from './help.js';
import { type CliIo, clock, plural } from './io.js';
import { formatLocalTime } from '../activity-json/local-time.js';
import type { ConvertedActivity } from '../convert/result.js';

/** Runs `runjson inspect`; returns the exit code. */
export async function inspectCommand(args: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, {
    ...CONVERTER_FLAGS,
    splits: { type: 'string' },
    svg: { type: 'boolean' },
    activity: { type: 'string' },
    x: { type: 'string' },
    speed: { type: 'boolean' },
  });
  if (v.help === true) {
    io.stdout.write(HELP.inspect + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('inspect: give exactly one file (see runjson inspect --help)');
  const unit = oneOf(v.splits as string | undefined, ['km', 'mile'] as const, '--splits') ?? 'km';
  const options = converterOptions(v);
  const svg = v.svg === true;
  const x = oneOf(v.x as string | undefined, ['time', 'distance'] as const, '--x');
  const activityNo = int(v.activity as string | undefined, '--activity', 1);
  if (!svg && (x !== undefined || activityNo !== undefined || v.speed === true)) {
    throw new UsageError('inspect: --activity, --x and --speed go with --svg');
  }
  const file = positionals[0];
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    io.stderr.write(`runjson: ${file}: read-error: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const result = convertSync(bytes, options);
    if (svg) {
      // The picture of one run: stdout holds one SVG document, so a file with several runs gives one of them.
      const k = (activityNo ?? 1) - 1;
      const c = result.activities[k] as ConvertedActivity | undefined;
      if (c === undefined) {
        io.stderr.write(`runjson: ${file}: --activity ${k + 1}: the file holds ${plural(result.activities.length, 'activity', 'activities')}\n`);
        return 1;
      }
      io.stdout.write(
        toSvg(c.activity, { summary: c.summary, units: unit === 'mile' ? 'mi' : 'km', x: x ?? 'time', speed: v.speed === true ? 'speed' : 'pace' }),
      );
      return 0;
    }
    io.stdout.write(`${file}: ${result.format.toUpperCase()}, ${plural(result.activities.length, 'activity', 'activities')}\n`);
    result.activities.forEach((a, i) => io.stdout.write(inspectText(a, i, result.activities.length, unit, options.includePower === true)));
    io.stdout.write(warningsText(result.warnings));
    return 0;
  } catch (e) {
    if (!(e instanceof ConvertError)) throw e;
    if (e.code === 'not-running') {
      io.stdout.write(`${file}: skipped: ${e.message}\n`);
      return 0;
    }
    io.stderr.write(`runjson: ${file}: ${e.code}: ${e.message}\n`);
    return 1;
  }
}

/** The summary of one activity. */
export function inspectText(c: ConvertedActivity, index: number, count: number, unit: SplitUnit, includePower = false): string {
  const a = c.activity;
  const s = c.summary;
  const n = a.length;
  const lines: string[] = [''];
  if (count > 1) lines.push(`Activity ${index + 1} of ${count}`);
  const row = (label: string, value: string): void => {
    lines.push(`  ${label.padEnd(12)}${value}`);
  };
  const offset = a.utcOffset ?? 0;
  row('start', `${formatLocalTime(a.startTime, offset)}${a.utcOffset === null ? ' (offset unknown: UTC)' : ''}`);
  row('sport', a.meta.subSport !== null ? `${a.meta.sport} (${a.meta.subSport})` : a.meta.sport);
  const km = s.distance;
  row('distance', km === null ? '–' : `${km.toFixed(3)} km (${(km / 1.609344).toFixed(3) } mi)`);
  const elapsed = n > 0 && a.hasClock ? (a.time[n - 1] - a.startTime) / 1000 : s.duration;
  row('duration', `${clock(s.duration)} moving${a.hasClock ? `, ${clock(elapsed)} elapsed` : ''}`);
  row('pauses', a.pauses.length === 0 ? 'none' : `${a.pauses.length}, ${clock(Math.max(0, elapsed - s.duration))} in all`);
  if (km !== null && km > 0) {
    const perUnit = unit === 'km' ? s.duration / km : s.duration / (km / 1.609344);
    row('pace', `${clock(perUnit)} /${unit}`);
  }
  row('samples', `${n}${n > 1 && a.hasClock ? ` (median interval ${medianInterval(a.time).toFixed(1)} s)` : ''}`);
  row('series', recordingKeys(a, includePower).join(', '));
  if (a.laps.length === 0) row('laps', 'none');
  else {
    const types = new Map<string, number>();
    for (const l of a.laps) types.set(l.type, (types.get(l.type) ?? 0) + 1);
    const by = a.laps.some((l) => l.by === 'distance') ? (a.laps.every((l) => l.by === 'distance') ? ', by distance' : ', by distance and duration') : ', by duration';
    row('laps', `${a.laps.length} (${[...types].map(([t, k]) => `${t} x${k}`).join(', ')}${by})`);
  }
  if (s.heartRateAverage !== null) row('heart rate', `avg ${s.heartRateAverage}, min ${s.heartRateMin}, max ${s.heartRateMax} bpm`);
  if (s.cadenceAverage !== null) row('cadence', `avg ${s.cadenceAverage}, min ${s.cadenceMin}, max ${s.cadenceMax} spm (one leg)`);
  if (s.temperature !== null) row('temperature', `${s.temperature} °C`);
  if (a.meta.device !== null) row('device', a.meta.device);
  if (a.meta.externalId !== null) row('externalId', a.meta.externalId);

  if (a.laps.length > 1) lines.push('', ...lapTable(a));

  const sp = splits(a, unit);
  if (sp.length > 0) {
    lines.push('', `  ${unit.padStart(4)}  ${'length'.padStart(7)}  ${'time'.padStart(7)}  ${'pace'.padStart(7)}  ${'elapsed'.padStart(8)}  ${'avg HR'.padStart(6)}`);
    for (const x of sp) {
      lines.push(
        `  ${String(x.index).padStart(4)}  ${x.length.toFixed(2).padStart(7)}  ${clock(x.time).padStart(7)}  ${clock(x.pace).padStart(7)}  ${clock(x.elapsed).padStart(8)}  ${(x.heartRateAverage === null ? '–' : String(Math.round(x.heartRateAverage))).padStart(6)}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * One row per lap: its type, how it is sent (by duration or by distance), and its time and distance read
 * at the first sample at or past its end (the values recorded, not interpolated).
 */
function lapTable(a: Activity): string[] {
  const n = a.length;
  const dist = a.series.distance;
  const rows = [`  ${'lap'.padStart(4)}  ${'type'.padEnd(9)}  ${'sent by'.padEnd(15)}  ${'time'.padStart(7)}  ${'km'.padStart(6)}`];
  let i = 0;
  let prevT = 0;
  let prevD = 0;
  a.laps.forEach((lap, k) => {
    const last = k === a.laps.length - 1;
    if (last) i = n - 1;
    else if (lap.by === 'duration') while (i < n - 1 && a.duration[i] < lap.end) i++;
    else if (dist !== null) while (i < n - 1 && !(dist[i] * 1000 >= lap.end)) i++;
    const t = a.duration[i];
    const d = dist === null ? NaN : dist[i];
    const sent = lap.by === 'duration' ? `duration ${clock(lap.end)}` : `distance ${Math.round(lap.end)} m`;
    const km = d === d ? (d - prevD).toFixed(2) : '–';
    rows.push(`  ${String(k + 1).padStart(4)}  ${lap.type.padEnd(9)}  ${sent.padEnd(15)}  ${clock(t - prevT).padStart(7)}  ${km.padStart(6)}`);
    prevT = t;
    if (d === d) prevD = d;
  });
  return rows;
}

function warningsText(warnings: Warning[]): string {
  if (warnings.length === 0) return '\nwarnings: none\n';
  const lines = ['', 'warnings:'];
  for (const w of warnings) {
    const where = w.activity !== undefined ? ` (activity ${w.activity + 1})` : '';
    lines.push(`  ${w.code} x${w.count}${where}: ${w.message}`);
  }
  return lines.join('\n') + '\n';
}

function medianInterval(time: Float64Array): number {
  const n = Math.min(time.length - 1, 10_001);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = (time[i + 1] - time[i]) / 1000;
  d.sort();
  return d[n >> 1];
}
