import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/run/config.js';
import { Journal } from '../../src/run/journal.js';
import { createRun, newRunId, runFolder, RunFolderError } from '../../src/run/run-folder.js';

const runsDir = () => mkdtempSync(join(tmpdir(), 'nes-runs-'));

test('a new run folder holds the resolved config', () => {
  const dir = runsDir();
  const config = resolveConfig({ budget: 3, ensembleSizes: [2] });
  const run = createRun(dir, config, 'my-run');
  assert.equal(run.dir, join(dir, 'my-run'));
  assert.deepEqual(JSON.parse(readFileSync(run.configPath, 'utf8')), config);
  assert.throws(() => createRun(dir, config, 'my-run'), RunFolderError);
});

test('run ids cannot leave the runs folder', () => {
  const dir = runsDir();
  for (const bad of ['..', '../x', '/etc', 'a/b', '.hidden', 'a..b', '']) {
    assert.throws(() => runFolder(dir, bad), RunFolderError, `accepted ${JSON.stringify(bad)}`);
  }
  const outside = mkdtempSync(join(tmpdir(), 'nes-outside-'));
  symlinkSync(outside, join(dir, 'escape'));
  assert.throws(() => runFolder(dir, 'escape'), /resolves outside/);
  mkdirSync(join(dir, 'fine'));
  assert.equal(runFolder(dir, 'fine').id, 'fine');
});

test('generated run ids are valid and distinct', () => {
  const ids = new Set(Array.from({ length: 20 }, () => newRunId(new Date('2026-11-28T01:02:03Z'))));
  assert.ok(ids.size > 1);
  for (const id of ids) assert.match(id, /^20261128-010203-[0-9a-f]{4}$/);
});

test('the journal appends one JSON object per line, with a time stamp', () => {
  const path = join(runsDir(), 'journal.jsonl');
  const journal = new Journal(path);
  journal.append({ event: 'started', method: 'rs', trialId: 0, attempt: 1 });
  journal.append({ event: 'failed', method: 'rs', trialId: 0, attempt: 1, reason: 'boom' });
  journal.close();
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(lines.map((l) => l.event), ['started', 'failed']);
  assert.equal(lines[1].reason, 'boom');
  assert.ok(!Number.isNaN(Date.parse(lines[0].time)));
  const reopened = new Journal(path);
  reopened.append({ event: 'run-finished', seconds: 1 });
  reopened.close();
  assert.equal(readFileSync(path, 'utf8').trimEnd().split('\n').length, 3);
});
