import { ConfigError } from '../run/config.js';
import { basename, dirname, join } from 'node:path';
import { parseTemporaryName } from '../util/atomic-write.js';
import { NesInputError } from '../util/errors.js';
import { FILE_SYSTEM_PROBLEMS } from '../util/file-system-errors.js';

/**
 * Prints an error the way a user should see it and returns the process exit code: an error caused
 * by the user's input (a NesInputError) is one clear line, no stack trace, code 2; anything else is
 * an internal error, code 1.
 */
export function reportError(error: unknown): number {
  if (error instanceof ConfigError) {
    if (error.problems.length === 1) {
      console.error(`nes: invalid config: ${error.problems[0]}`);
    } else {
      console.error(`nes: invalid config (${error.problems.length} problems):`);
      for (const problem of error.problems) console.error(`  ${problem}`);
    }
    return 2;
  }
  if (error instanceof NesInputError) {
    console.error(`nes: ${error.message}`);
    return 2;
  }
  const fileSystem = fileSystemProblem(error);
  if (fileSystem) {
    console.error(`nes: ${fileSystem}`);
    return 2;
  }
  console.error(`nes: internal error: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.NES_DEBUG) console.error(error);
  else console.error('(set NES_DEBUG=1 for the stack trace; please report it)');
  return 1;
}

/**
 * What the machine refuses, not a bug in nes (issue 19, item 3): a read-only or full file system,
 * missing permissions, a missing folder. One line naming the path and what to do.
 */
const FIXES: Record<string, string> = {
  EROFS: '; write the run elsewhere (--runs-dir) or remount it writable',
  EACCES: '; check who owns it, or use another folder (--runs-dir)',
  EPERM: '; check who owns it, or use another folder (--runs-dir)',
  ENOSPC: '; free some space, then run the same command again (a search: nes search --resume)',
  EDQUOT: '; free some space, then run the same command again (a search: nes search --resume)',
};

export function fileSystemProblem(error: unknown): string | undefined {
  const { code, path, syscall, dest } = (error ?? {}) as NodeJS.ErrnoException & { dest?: string };
  if (typeof code !== 'string' || typeof path !== 'string' || !(code in FILE_SYSTEM_PROBLEMS)) return undefined;
  // An atomic write fails on its temporary file or on the rename to the target: name the target.
  const temporary = parseTemporaryName(basename(path));
  const target = dest ?? (temporary ? join(dirname(path), temporary.target) : path);
  const action = syscall === undefined ? 'access' : ['write', 'rename', 'mkdir', 'mkdtemp', 'fsync'].includes(syscall) ? 'write' : syscall;
  return `cannot ${action} ${target}: ${FILE_SYSTEM_PROBLEMS[code]}${FIXES[code] ?? ''} (${code})`;
}
