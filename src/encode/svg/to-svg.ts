/**
 * The run picture: one SVG per run, with pace (or speed), heart rate and elevation as stacked panels on a
 * shared x axis (elapsed wall-clock time, or distance), pauses as labelled bands, laps as alternating
 * bands labelled with their type, split marks, and a header with the run's numbers.
 *
 * Drawn from the recorded samples: where a run has more samples than the plot has pixel columns, each
 * column keeps the minimum and the maximum of each series (an envelope, so a spike stays visible), never
 * an interpolated value. A line never crosses a pause or a missing value (a new subpath starts there).
 *
 * The output is deterministic (same run, same bytes) and small: coordinates in tenths of a pixel, relative
 * path commands. Colours are CSS variables inside the SVG with a `prefers-color-scheme: dark` block, and
 * text uses the system font stack, so the picture needs nothing from outside.
 *
 * Marks carry classes a test (or a page) can count: `pause`, `lap`, `split`, `panel panel-pace` /
 * `panel panel-speed` / `panel panel-heart-rate` / `panel panel-elevation`.
 */
import type { Activity } from '../../core/activity.js';
import { splits, type SplitUnit } from '../../core/splits.js';
import { summarize, type Summary } from '../../core/summary.js';
import type { Encoder, EncodeOptions } from '../encoder.js';

/** How the picture is drawn. */
export interface SvgOptions {
  /** Distances, paces and split marks per kilometre or per mile. Default `km`. */
  units?: 'km' | 'mi';
  /** What the x axis is: elapsed wall-clock time (pauses visible as bands) or distance. Default `time`. */
  x?: 'time' | 'distance';
  /** The first panel: pace (time per unit, faster up) or speed (units per hour). Default `pace`. */
  speed?: 'pace' | 'speed';
  /** Width of the picture in pixels. Default 800. */
  width?: number;
  /** The run's summary, when the caller has it already. */
  summary?: Summary;
}

const KM_PER_MILE = 1.609344;
const MARGIN_LEFT = 56;
const MARGIN_RIGHT = 16;
const HEADER = 52;
const PANEL = 120;
const PANEL_GAP = 20;
const LAP_LABEL = 24;
const AXIS = 30;
/** Pace is clamped to this band (seconds per unit): slower is standing still, faster is a GPS jump. */
const PACE_CLAMP = { slowest: 30 * 60, fastest: 2 * 60 } as const;
/** Pace from distance alone is read over at least this many seconds, so that 1 Hz GPS noise does not dominate. */
const PACE_WINDOW_S = 10;

const STYLE = [
  'svg{--bg:#fff;--fg:#1f2328;--muted:#656d76;--grid:#d0d7de;--band-a:#f6f8fa;--band-b:#eaeef2;--pause:#f5c451;--split:#8c959f;--pace:#0969da;--hr:#cf222e;--ele:#1a7f37;color:var(--fg);font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:11px}',
  '@media (prefers-color-scheme:dark){svg{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--grid:#30363d;--band-a:#161b22;--band-b:#21262d;--pause:#9e6a03;--split:#6e7681;--pace:#58a6ff;--hr:#ff7b72;--ele:#3fb950}}',
  '.bg{fill:var(--bg)}.grid{stroke:var(--grid);stroke-width:1}.muted{fill:var(--muted)}.h1{font-size:14px;font-weight:600}',
  '.lap rect.a{fill:var(--band-a)}.lap rect.b{fill:var(--band-b)}.lap text{fill:var(--muted);font-size:10px}',
  '.pause rect{fill:var(--pause);opacity:.45}.pause line{stroke:var(--pause);stroke-width:2}.pause text{fill:var(--fg);font-size:10px}',
  '.split line{stroke:var(--split);stroke-dasharray:2 3}.split text{fill:var(--muted);font-size:9px}',
  '.line{fill:none;stroke-width:1.2;stroke-linejoin:round;stroke-linecap:round}.panel-pace .line,.panel-speed .line{stroke:var(--pace)}.panel-heart-rate .line{stroke:var(--hr)}.panel-elevation .line{stroke:var(--ele)}',
  'text{fill:currentColor}',
].join('');

/** Formats seconds as m:ss, or h:mm:ss from an hour. */
function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A time tick label: h:mm when the axis spans an hour or more, m:ss below. */
function timeTick(seconds: number, long: boolean): string {
  const s = Math.round(seconds);
  if (long) return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A step of 1, 2 or 5 × 10^k giving about `count` ticks over `range`. */
export function niceStep(range: number, count = 5): number {
  if (!(range > 0)) return 1;
  const raw = range / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/**
 * A step for a time axis, in seconds. Times read in minutes and hours, so the 1/2/5 rule is applied to
 * the unit that fits (seconds, minutes, hours) with 15 and 30 added where a clock has them.
 */
export function timeStep(range: number, count = 5): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18000, 36000];
  const raw = range / count;
  for (const s of steps) if (s >= raw) return s;
  return niceStep(range, count);
}

/** Text content escaped for XML. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A coordinate in tenths of a pixel, written with at most one decimal. */
function tenths(t: number): string {
  return t % 10 === 0 ? String(t / 10) : (t / 10).toFixed(1);
}

/** A pixel coordinate for an attribute: rounded to a tenth. */
function px(v: number): string {
  return tenths(Math.round(v * 10));
}

/** One series to draw: its value per sample (NaN: missing), its range, and how to read its axis. */
interface Panel {
  readonly name: 'pace' | 'speed' | 'heart-rate' | 'elevation';
  readonly title: string;
  readonly values: Float64Array;
  /** Value at the top and at the bottom of the panel (pace: faster, so smaller, at the top). */
  readonly top: number;
  readonly bottom: number;
  readonly ticks: number[];
  readonly label: (v: number) => string;
}

/** Whether a column has at least one value (heart rate 0 is a drop-out, not a value). */
function hasValues(col: Float64Array | null, zeroIsMissing: boolean): col is Float64Array {
  if (col === null) return false;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v === v && !(zeroIsMissing && v === 0)) return true;
  }
  return false;
}

/** Minimum and maximum of the values present. */
function extent(values: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** Median of the values present (NaN when none). */
function median(values: Float64Array): number {
  const v = values.filter((x) => x === x).sort();
  return v.length === 0 ? NaN : v[v.length >> 1];
}

/** Ticks at multiples of `step` inside [lo, hi]. */
function ticksIn(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9; k++) out.push(k * step);
  return out;
}

/** A linear axis padded out to whole steps. */
function linearAxis(lo: number, hi: number, count: number, stepOf: (r: number, c: number) => number): { lo: number; hi: number; ticks: number[] } {
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const step = stepOf(hi - lo, count);
  const a = Math.floor(lo / step) * step;
  const b = Math.ceil(hi / step) * step;
  return { lo: a, hi: b, ticks: ticksIn(a, b, step) };
}

/**
 * Speed per sample in km/h: the recorded speed where the source has it, else distance over time read
 * back over at least {@link PACE_WINDOW_S} seconds, never across a pause (the first samples after one
 * have no speed until the window fills from the resumed stretch).
 */
function speedKmh(a: Activity): Float64Array | null {
  const n = a.length;
  const rec = a.series.speed;
  if (hasValues(rec, false)) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = rec[i] * 3.6;
    return out;
  }
  const dist = a.series.distance;
  if (!hasValues(dist, false)) return null;
  const out = new Float64Array(n).fill(NaN);
  let segStart = 0;
  let p = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (p < a.pauses.length && a.pauses[p] === i) {
      segStart = i;
      j = i;
      p++;
    }
    if (dist[i] !== dist[i]) continue;
    // Move the window's start forward while the stretch it spans stays long enough.
    while (j + 1 < i && a.duration[i] - a.duration[j + 1] >= PACE_WINDOW_S) j++;
    while (j < i && dist[j] !== dist[j]) j++;
    const dt = a.duration[i] - a.duration[j];
    if (j < segStart || dt < PACE_WINDOW_S) continue;
    out[i] = ((dist[i] - dist[j]) / dt) * 3600;
  }
  return out;
}

/** The panels of the series this run has, in drawing order. */
function panelsOf(a: Activity, unitKm: number, speed: boolean, unit: string): Panel[] {
  const out: Panel[] = [];
  const kmh = speedKmh(a);
  if (kmh !== null && hasValues(kmh, true)) {
    const values = new Float64Array(a.length);
    if (speed) {
      for (let i = 0; i < a.length; i++) values[i] = kmh[i] / unitKm;
      const [, hi] = extent(values);
      const ax = linearAxis(0, hi, 4, niceStep);
      out.push({ name: 'speed', title: `Speed (${unit}/h)`, values, top: ax.hi, bottom: ax.lo, ticks: ax.ticks, label: (v) => String(Math.round(v * 10) / 10) });
    } else {
      for (let i = 0; i < a.length; i++) {
        const s = kmh[i];
        values[i] = s > 0 ? Math.min(PACE_CLAMP.slowest, Math.max(PACE_CLAMP.fastest, (3600 * unitKm) / s)) : s === 0 ? PACE_CLAMP.slowest : NaN;
      }
      // Standing still makes pace run off towards infinity: the axis stops at twice the median pace, and
      // slower samples sit on its lower edge rather than flatten the rest of the run.
      const [lo, max] = extent(values);
      const hi = Math.min(max, 2 * median(values));
      for (let i = 0; i < values.length; i++) if (values[i] > hi) values[i] = hi;
      const ax = linearAxis(lo, hi, 4, timeStep);
      out.push({ name: 'pace', title: `Pace (/${unit})`, values, top: ax.lo, bottom: ax.hi, ticks: ax.ticks, label: (v) => timeTick(v, false) });
    }
  }
  const hr = a.series.heartRate;
  if (hasValues(hr, true)) {
    const values = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) values[i] = hr[i] === 0 ? NaN : hr[i];
    const [lo, hi] = extent(values);
    const ax = linearAxis(lo, hi, 4, niceStep);
    out.push({ name: 'heart-rate', title: 'Heart rate (bpm)', values, top: ax.hi, bottom: ax.lo, ticks: ax.ticks, label: String });
  }
  const ele = a.series.elevation;
  if (hasValues(ele, false)) {
    const [lo, hi] = extent(ele);
    const ax = linearAxis(lo, hi, 4, niceStep);
    out.push({ name: 'elevation', title: 'Elevation (m)', values: ele, top: ax.hi, bottom: ax.lo, ticks: ax.ticks, label: String });
  }
  return out;
}

/**
 * The path of one panel: per pixel column of each unbroken stretch, the min and max values in the order
 * they occur (one point when they are the same sample). A pause or a missing value ends the subpath.
 */
function pathOf(values: Float64Array, xs: Float64Array, breaks: Uint8Array, y: (v: number) => number): string {
  const parts: string[] = [];
  let cx = 0;
  let cy = 0;
  let open = false;
  let col = NaN;
  let minI = -1;
  let maxI = -1;
  const emit = (i: number): void => {
    const tx = Math.round(xs[i] * 10);
    const ty = Math.round(y(values[i]) * 10);
    if (!open) {
      parts.push(`M${tenths(tx)} ${tenths(ty)}`);
      open = true;
    } else {
      parts.push(`l${tenths(tx - cx)} ${tenths(ty - cy)}`);
    }
    cx = tx;
    cy = ty;
  };
  const flush = (): void => {
    if (minI < 0) return;
    if (minI === maxI) emit(minI);
    else if (minI < maxI) {
      emit(minI);
      emit(maxI);
    } else {
      emit(maxI);
      emit(minI);
    }
    minI = maxI = -1;
  };
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (breaks[i] === 1 || v !== v) {
      flush();
      if (open && parts[parts.length - 1].startsWith('M')) parts.push('h0'); // a lone point stays visible (round caps)
      open = false;
      col = NaN;
      if (v !== v) continue;
    }
    const c = Math.floor(xs[i]);
    if (c !== col) {
      flush();
      col = c;
    }
    if (minI < 0 || v < values[minI]) minI = i;
    if (maxI < 0 || v > values[maxI]) maxI = i;
  }
  flush();
  return parts.join('');
}

/** The picture of one run, as SVG text. */
export function toSvg(activity: Activity, options: SvgOptions = {}): string {
  const a = activity;
  const n = a.length;
  const unit = options.units ?? 'km';
  const splitUnit: SplitUnit = unit === 'mi' ? 'mile' : 'km';
  const unitKm = unit === 'mi' ? KM_PER_MILE : 1;
  const byDistance = options.x === 'distance' && hasValues(a.series.distance, false);
  const width = Math.max(320, Math.round(options.width ?? 800));
  const s = options.summary ?? summarize(a);
  const plotW = width - MARGIN_LEFT - MARGIN_RIGHT;

  // Elapsed wall-clock seconds of each sample (duration when the clock is unknown), and the x of each.
  const elapsed = new Float64Array(n);
  for (let i = 0; i < n; i++) elapsed[i] = a.hasClock ? (a.time[i] - a.startTime) / 1000 : a.duration[i];
  const dist = a.series.distance;
  const xv = new Float64Array(n);
  if (byDistance && dist !== null) {
    let last = 0;
    for (let i = 0; i < n; i++) {
      if (dist[i] === dist[i]) last = dist[i] / unitKm;
      xv[i] = last;
    }
  } else xv.set(elapsed);
  const xMax = n > 0 ? Math.max(xv[n - 1], 1e-9) : 1;
  // The axis ends where the run ends (not at the next whole step), so the run fills the width.
  const xHi = xMax;
  const xTicks = ticksIn(0, xHi, byDistance ? niceStep(xHi, 8) : timeStep(xHi, 8));
  const xpx = (v: number): number => MARGIN_LEFT + (v / xHi) * plotW;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = xpx(xv[i]);
  const breaks = new Uint8Array(n);
  for (const p of a.pauses) breaks[p] = 1;

  const panels = panelsOf(a, unitKm, options.speed === 'speed', unit);
  const plotTop = HEADER + LAP_LABEL;
  const plotBottom = plotTop + panels.length * PANEL + Math.max(0, panels.length - 1) * PANEL_GAP;
  const height = plotBottom + AXIS;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="run-title">`,
  );

  // Header: the run's numbers.
  const offset = a.utcOffset ?? 0;
  const local = new Date(a.startTime + offset * 60_000).toISOString();
  const when = `${local.slice(0, 10)} ${local.slice(11, 16)}${a.utcOffset === null ? ' UTC' : ''}`;
  const moving = s.duration;
  const wall = n > 0 && a.hasClock ? (a.time[n - 1] - a.startTime) / 1000 : moving;
  const distU = s.distance === null ? null : s.distance / unitKm;
  const facts: string[] = [];
  if (distU !== null) facts.push(`${distU.toFixed(2)} ${unit}`);
  facts.push(`${clock(moving)} moving`);
  if (a.hasClock) facts.push(`${clock(wall)} elapsed`);
  if (distU !== null && distU > 0) facts.push(`${clock(moving / distU)} /${unit}`);
  if (s.heartRateAverage !== null) facts.push(`${s.heartRateAverage} bpm`);
  const title = `Run of ${when}: ${facts.join(', ')}`;
  out.push(`<title id="run-title">${esc(title)}</title><style>${STYLE}</style>`);
  out.push(`<rect class="bg" width="${width}" height="${height}"/>`);
  out.push(`<text class="h1" x="${MARGIN_LEFT}" y="20">${esc(when)}</text>`);
  out.push(`<text x="${MARGIN_LEFT}" y="38">${esc(facts.join(' · '))}</text>`);
  if (panels.length === 0) {
    out.push(`<text class="muted" x="${MARGIN_LEFT}" y="${plotTop + 12}">No series to draw.</text></svg>\n`);
    return out.join('');
  }

  // Laps: alternating bands over every panel, from the sample that ends one lap to the one ending the next.
  let from = 0;
  a.laps.forEach((lap, k) => {
    const end = k === a.laps.length - 1 ? n - 1 : Math.min(n - 1, lap.endIndex);
    const x0 = xpx(from);
    const x1 = n > 0 ? xs[end] : x0;
    const lapLabel = `Lap ${k + 1}: ${lap.type}`;
    out.push(
      `<g class="lap"><title>${esc(lapLabel)}</title><rect class="${k % 2 === 0 ? 'a' : 'b'}" x="${px(x0)}" y="${HEADER}" width="${px(Math.max(0, x1 - x0))}" height="${plotBottom - HEADER}"/>` +
        (x1 - x0 >= 40 ? `<text x="${px(x0 + 3)}" y="${HEADER + 10}">${esc(lap.type)}</text>` : '') +
        '</g>',
    );
    from = n > 0 ? xv[end] : 0;
  });

  // Pauses: a band from the last sample before to the first after (a line on a distance axis), with its length.
  for (const p of a.pauses) {
    const len = a.hasClock ? (a.time[p] - a.time[p - 1]) / 1000 : NaN;
    const x0 = xs[p - 1];
    const x1 = xs[p];
    const label = Number.isFinite(len) ? clock(len) : '';
    const t = `<title>Pause${label === '' ? '' : ` ${label}`}</title>`;
    const mark = x1 - x0 >= 1 ? `<rect x="${px(x0)}" y="${plotTop}" width="${px(x1 - x0)}" height="${plotBottom - plotTop}"/>` : `<line x1="${px(x0)}" y1="${plotTop}" x2="${px(x0)}" y2="${plotBottom}"/>`;
    out.push(`<g class="pause">${t}${mark}${label === '' ? '' : `<text x="${px((x0 + x1) / 2)}" y="${plotBottom - 3}" text-anchor="middle">${label}</text>`}</g>`);
  }

  // Split marks: at each whole unit, where the run crossed it.
  const sp = splits(a, splitUnit).filter((x) => x.length > 1 - 1e-6);
  for (const x of sp) {
    const at = byDistance ? x.index : wallAtDuration(a, elapsed, x.elapsed);
    const sx = xpx(at);
    out.push(
      `<g class="split"><title>${unit} ${x.index}: ${clock(x.time)}</title><line x1="${px(sx)}" y1="${plotTop}" x2="${px(sx)}" y2="${plotBottom}"/><text x="${px(sx)}" y="${plotTop - 3}" text-anchor="middle">${x.index}</text></g>`,
    );
  }

  // Panels.
  panels.forEach((panel, k) => {
    const top = plotTop + k * (PANEL + PANEL_GAP);
    const y = (v: number): number => top + ((v - panel.top) / (panel.bottom - panel.top)) * PANEL;
    const grid: string[] = [];
    for (const t of panel.ticks) {
      const ty = px(y(t));
      grid.push(`<line class="grid" x1="${MARGIN_LEFT}" y1="${ty}" x2="${width - MARGIN_RIGHT}" y2="${ty}"/>`);
      grid.push(`<text class="muted" x="${MARGIN_LEFT - 4}" y="${ty}" dy="3" text-anchor="end">${panel.label(t)}</text>`);
    }
    out.push(
      `<g class="panel panel-${panel.name}"><title>${esc(panel.title)}</title>${grid.join('')}` +
        `<text x="${MARGIN_LEFT + 4}" y="${top + 11}">${esc(panel.title)}</text>` +
        `<path class="line" d="${pathOf(panel.values, xs, breaks, y)}"/></g>`,
    );
  });

  // The shared x axis.
  const ticks: string[] = [];
  const long = xHi >= 3600;
  for (const t of xTicks) {
    const tx = px(xpx(t));
    ticks.push(`<line class="grid" x1="${tx}" y1="${plotBottom}" x2="${tx}" y2="${plotBottom + 4}"/>`);
    ticks.push(`<text class="muted" x="${tx}" y="${plotBottom + 15}" text-anchor="middle">${byDistance ? String(Math.round(t * 1000) / 1000) : timeTick(t, long)}</text>`);
  }
  const axisTitle = byDistance ? `Distance (${unit})` : `Elapsed time (${long ? 'h:mm' : 'm:ss'})`;
  out.push(`<g class="axis"><title>${axisTitle}</title>${ticks.join('')}<text class="muted" x="${width - MARGIN_RIGHT}" y="${plotBottom + 27}" text-anchor="end">${axisTitle}</text></g>`);
  out.push('</svg>\n');
  return out.join('');
}

/** Elapsed wall-clock seconds at a point of the duration timeline (pauses excluded), read between samples. */
function wallAtDuration(a: Activity, elapsed: Float64Array, d: number): number {
  const dur = a.duration;
  let lo = 0;
  let hi = a.length - 1;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dur[mid] < d) lo = mid + 1;
    else hi = mid;
  }
  return elapsed[lo] - (dur[lo] - d);
}

/** The SVG encoder (the one the registry hands out): the picture, in one chunk. */
export const svgEncoder: Encoder = {
  format: 'svg',
  extension: 'svg',
  mediaType: 'image/svg+xml',
  encode(activity: Activity, options: EncodeOptions, sink: (chunk: Uint8Array) => void): void {
    sink(new TextEncoder().encode(toSvg(activity, options.summary === undefined ? {} : { summary: options.summary })));
  },
};
