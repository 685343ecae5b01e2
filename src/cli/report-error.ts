import { ConfigError } from '../run/config.js';
import { NesInputError } from '../util/errors.js';

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
const FILE_SYSTEM_ERRORS: Record<string, string> = {
  EROFS: 'the file system is read-only; write the run elsewhere (--runs-dir) or remount it writable',
  EACCES: 'permission denied; check who owns it, or use another folder (--runs-dir)',
  EPERM: 'operation not permitted; check who owns it, or use another folder (--runs-dir)',
  ENOSPC: 'no space left on the device; free some space, then run the same command again (a search: nes search --resume)',
  EDQUOT: 'disk quota exceeded; free some space, then run the same command again (a search: nes search --resume)',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, a file was expected',
};

export function fileSystemProblem(error: unknown): string | undefined {
  const { code, path, syscall, dest } = (error ?? {}) as NodeJS.ErrnoException & { dest?: string };
  if (typeof code !== 'string' || typeof path !== 'string' || !(code in FILE_SYSTEM_ERRORS)) return undefined;
  // An atomic write fails on its temporary file or on the rename to the target: name the target.
  const target = dest ?? path.replace(/\/\.([^/]+)\.\d+\.\d+\.tmp$/, '/$1');
  const action = syscall === undefined ? 'access' : ['write', 'rename', 'mkdir', 'mkdtemp', 'fsync'].includes(syscall) ? 'write' : syscall;
  return `cannot ${action} ${target}: ${FILE_SYSTEM_ERRORS[code]} (${code})`;
}
