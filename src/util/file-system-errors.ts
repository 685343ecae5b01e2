/**
 * What a file-system error code means, in words a user reads: one table for the CLI's one-line
 * report (cli/report-error.ts) and the farm's stop on a full disk (farm/storage-error.ts).
 */
export const FILE_SYSTEM_PROBLEMS: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, a file was expected',
};

/** The codes after which storing more cannot work until the user makes room or fixes the folder. */
export const STORAGE_CODES = ['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES'] as const;
