import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/run/config.js';
import { removeStaleTemporaries } from '../../src/run/leftovers.js';
import { createRun } from '../../src/run/run-folder.js';

/** The pid of a process that has exited: nothing runs under it now (barring reuse within the test). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

test('a new run removes staging folders of creations cut short, and keeps those of live processes', () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'nes-leftovers-'));
  const stale = join(runsDir, `.old.creating-${deadPid()}-AbC123`);
  const live = join(runsDir, `.busy.creating-${process.pid}-XyZ789`);
  mkdirSync(join(stale, 'members'), { recursive: true });
  mkdirSync(live);
  createRun(runsDir, resolveConfig({}), 'fresh');
  assert.ok(!existsSync(stale), 'the stale staging folder is gone');
  assert.ok(existsSync(live), 'a live process keeps its staging folder');
  // The new run's own staging folder was renamed into place.
  assert.deepEqual(readdirSync(runsDir).sort(), ['.busy.creating-' + process.pid + '-XyZ789', 'fresh']);
});

test('removeStaleTemporaries removes temporary files of dead writers anywhere in a run folder, and nothing else', () => {
  const runDir = mkdtempSync(join(tmpdir(), 'nes-leftovers-run-'));
  const memberDir = join(runDir, 'members', 'rs', '0003');
  mkdirSync(memberDir, { recursive: true });
  const dead = deadPid();
  const staleFiles = [join(runDir, `.results.json.${dead}.0.tmp`), join(memberDir, `.weights.bin.${dead}.7.tmp`)];
  const keep = [join(memberDir, `.model.json.${process.pid}.1.tmp`), join(memberDir, 'model.json'), join(runDir, '.notes.tmp')];
  for (const path of [...staleFiles, ...keep]) writeFileSync(path, 'x');
  assert.deepEqual(removeStaleTemporaries(runDir).sort(), staleFiles.sort());
  for (const path of staleFiles) assert.ok(!existsSync(path));
  for (const path of keep) assert.ok(existsSync(path), path);
});
