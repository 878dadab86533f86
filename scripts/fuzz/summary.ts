/** The fuzzer's progress line and final summary table. */
import { memoryBound } from './check-protocol.js';
import { type FuzzStats, failureCount } from './fuzz-run.js';
import { FAILURE_KINDS } from './property.js';

function rate(stats: FuzzStats): string {
  return (stats.inputs / Math.max(0.001, stats.elapsedMs / 1000)).toFixed(1);
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** One progress line. */
export function progressLine(stats: FuzzStats): string {
  const converted = stats.outcomes.get('converted') ?? 0;
  const kinds = [...stats.failures].map(([k, n]) => `${k} ${n}`).join(', ');
  return `[${clock(stats.elapsedMs)}] ${stats.inputs} inputs (${rate(stats)}/s), ${stats.conversions} conversions, ${converted} converted, failures ${failureCount(stats)}${kinds === '' ? '' : ` (${kinds})`}, ${stats.classes.size} classes`;
}

function row(label: string, n: number, total?: number, extra = ''): string {
  const pct = total === undefined || total === 0 ? '' : `${((100 * n) / total).toFixed(1).padStart(5)} %`;
  return `  ${label.padEnd(26)}${String(n).padStart(9)}  ${pct}${extra}`;
}

/** The final summary: inputs, outcomes, failures by kind and class, notes, speed. */
export function summaryTable(stats: FuzzStats, workers: number): string {
  const lines: string[] = [];
  const secs = stats.elapsedMs / 1000;
  lines.push(`runjson fuzz: seed ${stats.seed}, ${(secs / 60).toFixed(1)} min, ${workers} worker${workers === 1 ? '' : 's'}`);
  lines.push(row('inputs', stats.inputs, undefined, `  (${rate(stats)}/s; ${[...stats.byFormat].map(([f, n]) => `${f} ${n}`).join(', ')})`));
  lines.push(row('conversions', stats.conversions));
  lines.push('conversions by outcome');
  const outcomes = [...stats.outcomes].sort((a, b) => b[1] - a[1]);
  for (const [k, n] of outcomes) lines.push(row(k, n, stats.conversions));
  lines.push(`failures (inputs)${String(failureCount(stats)).padStart(18)}`);
  for (const k of FAILURE_KINDS) lines.push(row(k, stats.failures.get(k) ?? 0));
  if (stats.classes.size > 0) {
    lines.push('failure classes');
    for (const c of stats.classes.values()) {
      lines.push(`  ${c.kind} ×${c.count}: ${c.detail.slice(0, 240)}`);
      lines.push(`    first: input ${c.first.n} (${c.first.from}; ${c.first.op.slice(0, 120)}), options ${JSON.stringify(c.first.options)}${c.saved === null ? '' : `; kept as ${c.saved}`}`);
    }
  }
  if (stats.notes.size > 0) {
    lines.push('errors without a position (allowed for these codes)');
    for (const [k, n] of [...stats.notes].sort((a, b) => b[1] - a[1])) {
      const code = k.split(':')[1];
      lines.push(row(k.replace(/^no-position:/, ''), n, undefined, `  of ${stats.errorsByCode.get(code) ?? '?'} ${code} errors`));
    }
  }
  if (stats.slowest !== null) lines.push(`slowest conversion: ${stats.slowest.ms.toFixed(0)} ms (input ${stats.slowest.n}, from ${stats.slowest.from})`);
  if (stats.heaviest !== null) {
    const h = stats.heaviest;
    lines.push(`most memory for its size: ${(h.growth / 1048576).toFixed(1)} MB held for ${(h.size / 1024).toFixed(0)} KB (${((100 * h.growth) / memoryBound(h.size)).toFixed(0)} % of the bound; input ${h.n}, from ${h.from})`);
  }
  lines.push(`time shrinking: ${(stats.shrinkMs / 1000).toFixed(0)} s; worker threads started: ${stats.threadStarts}`);
  return lines.join('\n');
}
