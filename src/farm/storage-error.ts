import { resolve } from 'node:path';
import { NesInputError } from '../util/errors.js';
import { FILE_SYSTEM_PROBLEMS, STORAGE_CODES } from '../util/file-system-errors.js';

/**
 * The machine cannot store a member (disk full, quota, read-only, permission denied): retrying cannot help, and
 * recording the trial as failed would lose it for good (issue 19, item 2). The search stops
 * instead, its journal consistent (the trial started, never finished), and a resume retrains it.
 */
export class StorageError extends NesInputError {
  override name = 'StorageError';
}

/** The run folder of a member folder, <run>/members/<method>/<trial>: where `nes search --resume` goes on. */
export function runDirOfMember(memberDir: string): string {
  return resolve(memberDir, '..', '..', '..');
}

/** A StorageError for an error of a member's write, or undefined for any other error. */
export function storageError(error: unknown, memberDir: string): StorageError | undefined {
  // Errors cross the worker-thread boundary without their `code`; the message keeps it.
  const text = String((error as Error | undefined)?.message ?? error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? STORAGE_CODES.find((c) => new RegExp(`\\b${c}\\b`).test(text));
  if (code === undefined || !(STORAGE_CODES as readonly string[]).includes(code)) return undefined;
  const runDir = runDirOfMember(memberDir);
  return new StorageError(
    `cannot write ${memberDir}: ${FILE_SYSTEM_PROBLEMS[code]} (${code}); the search stopped and nothing finished is lost: make room (or fix the folder), then go on with: nes search --resume ${runDir}`,
  );
}
