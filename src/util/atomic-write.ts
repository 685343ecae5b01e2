import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let temporaryCounter = 0;

/** `.<name>.<pid>.<n>.tmp`: the writer's pid tells later readers whether a leftover is stale. */
const TEMPORARY_NAME = /^\.(.+)\.(\d+)\.\d+\.tmp$/;

/** For a temporary file name of writeFileAtomic: the file it was written for and the writer's pid. */
export function parseTemporaryName(name: string): { target: string; pid: number } | undefined {
  const match = TEMPORARY_NAME.exec(name);
  return match ? { target: match[1]!, pid: Number(match[2]) } : undefined;
}

/**
 * Writes a file so that readers (and a crash) only ever see the old or the complete new content:
 * a temporary file in the same folder, fsync, then rename over the target (atomic within one file
 * system). The temporary file is removed if anything fails.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${temporaryCounter++}.tmp`);
  try {
    const fd = openSync(temporary, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let offset = 0;
      while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
