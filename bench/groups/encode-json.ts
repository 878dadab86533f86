/**
 * `encode/json/*`: writing Activity JSON for a large generated activity (every series), against
 * `JSON.stringify` of the same data as plain arrays (built beforehand, so only the stringify is timed).
 */
import { toActivityJson } from '../../src/encode/json/to-activity-json.js';
import { generateRun } from '../../test/helpers/generate.js';
import type { BenchGroup } from '../harness.js';

export async function groups(): Promise<BenchGroup[]> {
  return [100_000].map((n) => {
    const activity = generateRun(n, 7);
    const ours = (): string => toActivityJson(activity, { includePower: true });
    // The same document, as plain JS arrays and objects, for JSON.stringify.
    const plain: unknown = JSON.parse(ours());
    const peer = (): string => JSON.stringify(plain);
    return {
      name: `encode/json/${n / 1000}k-samples`,
      bytes: 0,
      tasks: [
        { name: 'runjson toActivityJson', fn: ours },
        { name: 'JSON.stringify(plain arrays)', fn: peer },
      ],
      check() {
        const a = ours();
        const b = peer();
        if (JSON.stringify(JSON.parse(a)) !== b) throw new Error('encode/json: output differs in content from JSON.stringify');
      },
      ratios: [{ label: 'toActivityJson vs JSON.stringify of plain arrays', faster: 'runjson toActivityJson', slower: 'JSON.stringify(plain arrays)', target: 1 }],
    };
  });
}
