/** Being written: replaced by the command itself. */
import { UsageError } from './args.js';
import type { CliIo } from './io.js';
export function uploadCommand(_args: string[], _io: CliIo): Promise<number> { return Promise.reject(new UsageError('uploadCommand: not built yet')); }
