import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../src/run/journal.js';
import { JournalError, readJournal } from '../../src/run/journal-reader.js';

function journalWith(...lines: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'nes-journal-')), 'journal.jsonl');
  writeFileSync(path, lines.join(''));
  return path;
}

const line = (event: object) => JSON.stringify({ time: '2026-11-28T00:00:00Z', ...event }) + '\n';

test('a complete journal reads back event by event', () => {
  const path = journalWith(line({ event: 'started', method: 'rs', trialId: 0, attempt: 1 }), line({ event: 'run-finished', seconds: 2 }));
  assert.deepEqual(readJournal(path).map((e) => e.event), ['started', 'run-finished']);
});

test('a half-written last line is dropped and, when repairing, cut off so appends start clean', () => {
  const good = line({ event: 'started', method: 'rs', trialId: 0, attempt: 1 });
  const path = journalWith(good, '{"time":"2026-11-28T00:00:01Z","event":"fini');
  assert.deepEqual(readJournal(path).map((e) => e.event), ['started']);
  assert.equal(readFileSync(path, 'utf8').length, good.length + 44, 'reading alone changes nothing');
  readJournal(path, { repair: true });
  assert.equal(readFileSync(path, 'utf8'), good);
  const journal = new Journal(path);
  journal.append({ event: 'run-finished', seconds: 1 });
  journal.close();
  assert.deepEqual(readJournal(path).map((e) => e.event), ['started', 'run-finished']);
});

test('a last event that lost only its newline is dropped too, never glued to the next one', () => {
  const good = line({ event: 'started', method: 'rs', trialId: 0, attempt: 1 });
  const path = journalWith(good, JSON.stringify({ event: 'run-finished', seconds: 1 }));
  assert.equal(readJournal(path, { repair: true }).length, 1);
  appendFileSync(path, line({ event: 'run-finished', seconds: 3 }));
  assert.deepEqual(readJournal(path).map((e) => e.event), ['started', 'run-finished']);
});

test('damage before the last line is an error naming the line', () => {
  const path = journalWith(line({ event: 'started', method: 'rs', trialId: 0, attempt: 1 }), 'garbage}\n', line({ event: 'run-finished', seconds: 2 }));
  assert.throws(() => readJournal(path, { repair: true }), (error: unknown) => {
    assert.ok(error instanceof JournalError);
    assert.match(error.message, /line 2 is damaged .*cannot be resumed safely/);
    return true;
  });
  assert.match(readFileSync(path, 'utf8'), /garbage/, 'a damaged journal is left as it was');
});

test('a missing journal says the folder is not a run', () => {
  assert.throws(() => readJournal('/nonexistent/journal.jsonl'), /no journal; is this a nes run folder\?/);
});
