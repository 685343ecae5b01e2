import { closeSync, existsSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import type { JournalEvent } from './journal.js';
import { NesInputError } from '../util/errors.js';

/** A journal that cannot be trusted: damaged before its last line. */
export class JournalError extends NesInputError {
  override name = 'JournalError';
}

/**
 * Reads an append-only journal. A half-written last line (the trace of a crash mid-append) is
 * dropped and, with `repair`, cut off the file so that new events start on a fresh line. Damage
 * anywhere else is an error: events after it could not be trusted.
 */
export function readJournal(path: string, options: { repair?: boolean } = {}): JournalEvent[] {
  if (!existsSync(path)) throw new JournalError(`${path}: no journal; is this a nes run folder?`);
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  const events: JournalEvent[] = [];
  let offset = 0;
  let lineNumber = 0;
  while (offset < text.length) {
    lineNumber++;
    const end = text.indexOf('\n', offset);
    const complete = end >= 0;
    const line = text.slice(offset, complete ? end : text.length);
    const event = parseEvent(line);
    if (event === undefined) {
      if (complete) {
        throw new JournalError(
          `${path}: line ${lineNumber} is damaged (${JSON.stringify(line.slice(0, 60))}); only a half-written last line can be repaired, so this run cannot be resumed safely`,
        );
      }
      if (options.repair) truncate(path, Buffer.byteLength(text.slice(0, offset), 'utf8'));
      break;
    }
    events.push(event);
    if (!complete) {
      // A complete event without its newline: finish the line so appends stay line-aligned.
      if (options.repair) truncate(path, Buffer.byteLength(text.slice(0, offset), 'utf8'));
      events.pop();
      break;
    }
    offset = end + 1;
  }
  return events;
}

function parseEvent(line: string): JournalEvent | undefined {
  try {
    const value = JSON.parse(line) as Partial<JournalEvent>;
    return value && typeof value === 'object' && typeof value.event === 'string' ? (value as JournalEvent) : undefined;
  } catch {
    return undefined;
  }
}

function truncate(path: string, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, length);
  } finally {
    closeSync(fd);
  }
}
