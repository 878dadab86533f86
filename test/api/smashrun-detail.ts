/** Smashrun's detail answer of the fixtures (`fixtures/json/smashrun-response.json`: read-only fields and all). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/paths.js';

export type Detail = Record<string, unknown> & { recordingKeys: string[]; recordingValues: unknown[][] };

export function smashrunDetail(): Detail {
  return JSON.parse(readFileSync(join(FIXTURES, 'json', 'smashrun-response.json'), 'utf8')) as Detail;
}
