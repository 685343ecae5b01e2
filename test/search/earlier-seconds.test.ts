import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalEvent } from '../../src/run/journal.js';
import { earlierSeconds } from '../../src/search/run-search.js';

const at = (second: number, event: Record<string, unknown>) => ({ time: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(), ...event }) as JournalEvent;

test('earlierSeconds adds up the parts of a run, leaving out the time between a crash and its resume', () => {
  const history = [
    at(0, { event: 'run-started', methods: ['rs'], engine: 'wasm', workers: 2 }),
    at(10, { event: 'started', method: 'rs', trialId: 0 }),
    at(25, { event: 'finished', method: 'rs', trialId: 0 }),
    // Killed after second 25; resumed at second 100.
    at(100, { event: 'run-resumed', engine: 'wasm', workers: 2 }),
    at(130, { event: 'finished', method: 'rs', trialId: 1 }),
    // Killed again; resumed at second 500.
    at(500, { event: 'run-resumed', engine: 'wasm', workers: 2 }),
  ];
  assert.equal(earlierSeconds(history), 25 + 30 + 0);
  assert.equal(earlierSeconds([]), 0);
});
