/** Being written: replaced by the command itself. */
import { UsageError } from './args.js';
import type { CliIo } from './io.js';
export function loginCommand(_args: string[], _io: CliIo): Promise<number> { return Promise.reject(new UsageError('loginCommand: not built yet')); }
export function logoutCommand(_args: string[], _io: CliIo): Promise<number> { return Promise.reject(new UsageError('logoutCommand: not built yet')); }
export function whoamiCommand(_args: string[], _io: CliIo): Promise<number> { return Promise.reject(new UsageError('whoamiCommand: not built yet')); }
