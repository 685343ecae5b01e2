import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let tempCounter = 0;

/**
 * Writes through a temp file in the same folder then renames, so a reader never sees a half
 * written file (rename is atomic within one file system).
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter++}.tmp`);
  try {
    writeFileSync(tempPath, bytes);
    renameSync(tempPath, path);
  } catch (error) {
    rmSync(tempPath, { force: true });
    throw error;
  }
}
