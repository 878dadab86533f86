/**
 * Input number `n` of a run with seed `s`: a seed file, one to a few mutations (structure-aware for the
 * file's format, format-blind, or both), and the option sets to convert it with. Everything comes from a
 * generator seeded by (s, n), so any input of any run can be made again from those two numbers.
 */
import type { ConvertOptions } from '../../src/convert/options.js';
import { MAX_INPUT, type Mutated, mutateBytes } from './mutate-bytes.js';
import { mutateFit } from './mutate-fit.js';
import { mutateJson } from './mutate-json.js';
import { mutateXml } from './mutate-xml.js';
import { Rng, mix } from './random.js';
import type { SeedFormat, SeedPicker } from './seeds.js';

/** One generated input. */
export interface FuzzInput {
  /** Its number in the run. */
  n: number;
  /** The seed file it was made from. */
  from: string;
  format: SeedFormat;
  bytes: Uint8Array;
  /** The mutations applied, e.g. `fit-field(20.3:invalid)+flip×2@812`. */
  op: string;
  /** The option sets: always `{}` and `{ sports: 'all' }`, sometimes one more. */
  options: ConvertOptions[];
}

const ZONES = ['Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Australia/Lord_Howe', 'UTC', 'Pacific/Kiritimati', 'America/St_Johns', 'Africa/Casablanca', 'Antarctica/Troll'];

/** The third option set, when there is one: strict, a time zone, tight limits or the other switches. */
function extraOptions(rng: Rng): ConvertOptions | null {
  if (!rng.chance(0.3)) return null;
  switch (rng.int(6)) {
    case 0:
      return { strict: true };
    case 1:
      return { strict: true, sports: 'all' };
    case 2:
      return { timeZone: rng.pick(ZONES) };
    case 3:
      return { sports: 'all', timeZone: rng.pick(ZONES) };
    case 4: {
      // Limits small enough for ordinary files to trip them: the errors must still say where.
      const limits: NonNullable<ConvertOptions['limits']> = {};
      if (rng.chance(0.5)) limits.maxSamples = rng.pick([1, 10, 100]);
      if (rng.chance(0.4)) limits.maxMessages = rng.pick([5, 50, 500]);
      if (rng.chance(0.3)) limits.maxLaps = rng.pick([1, 2]);
      if (rng.chance(0.3)) limits.maxActivities = 1;
      if (rng.chance(0.3)) limits.maxStringLength = rng.pick([1, 16]);
      if (rng.chance(0.3)) limits.maxDepth = rng.pick([2, 4, 8]);
      if (rng.chance(0.2)) limits.maxDeveloperFields = rng.pick([0, 1]);
      if (rng.chance(0.2)) limits.maxBytes = rng.pick([100, 10_000]);
      return { sports: 'all', limits };
    }
    default:
      return { sports: 'all', includePower: true, cadence: rng.pick(['one-leg', 'two-leg'] as const), pauseGap: rng.pick([0, 1, 1e9]) };
  }
}

/** Makes input `n` of the run seeded with `seed`. */
export function makeInput(seed: number, n: number, picker: SeedPicker): FuzzInput {
  const rng = new Rng(mix(seed, n));
  const s = picker.pick(rng);
  const other = rng.chance(0.5) ? (picker.other(rng, s.format)?.bytes ?? null) : null;
  // Structure-aware, format-blind, or structure-aware then format-blind.
  const strategy = rng.weighted(['structure', 'bytes', 'both'] as const, [0.6, 0.25, 0.15]);
  let bytes = s.bytes;
  const ops: string[] = [];
  if (strategy !== 'bytes') {
    let m: Mutated | null;
    try {
      m = s.format === 'fit' ? mutateFit(bytes, rng, other) : s.format === 'json' ? mutateJson(bytes, rng) : mutateXml(bytes, rng);
    } catch (e) {
      // A mutator that cannot handle some seed must not stop the run: that input gets byte mutations.
      m = null;
      ops.push(`(structure mutation failed: ${(e as Error).message.slice(0, 60)})`);
    }
    if (m !== null) {
      bytes = m.bytes;
      ops.push(m.op);
    }
  }
  if (strategy !== 'structure' || bytes === s.bytes) {
    const m = mutateBytes(bytes, rng, other);
    bytes = m.bytes;
    ops.push(m.op);
  }
  if (bytes.length > MAX_INPUT) bytes = bytes.slice(0, MAX_INPUT);
  const extra = extraOptions(rng);
  const options: ConvertOptions[] = [{}, { sports: 'all' }];
  if (extra !== null) options.push(extra);
  return { n, from: s.name, format: s.format, bytes, op: ops.join('+'), options };
}
