/**
 * `runjson/batch`: converting many files on worker threads (Node only — the main entry `runjson` stays
 * browser-safe).
 *
 * @packageDocumentation
 */
export {
  type BatchProgress,
  convertFiles,
  type ConvertFilesOptions,
  type ConvertedFile,
  type FailedFile,
  type FileResult,
  type FileResultBase,
  type FileStatus,
  type FileTimings,
  type NotRunningError,
  outputPaths,
  type SkippedFile,
  type UpToDateFile,
} from './convert-files.js';
export { INPUT_NAME, outputStem, type PlannedFile, planFiles } from './plan.js';
export { defaultJournalDir } from './journal-path.js';
export { removeStaleTemps, writeFileAtomic, writeFilesAtomic } from './write-atomic.js';
export { ConvertPool, type ConvertPoolOptions } from './pool.js';
export { convertTask, type ConvertTask, type TaskActivity, type TaskError, type TaskResult } from './convert-task.js';
export { convertFileTask, type FileBatch, type FileTask, type FileTaskResult } from './file-task.js';
