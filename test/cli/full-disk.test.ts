import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { TINY_SEARCH } from '../helpers/tiny-search.js';

const mount = (...args: string[]) => spawnSync('mount', args, { encoding: 'utf8' });

test('a disk that fills up stops the search with the resume command; after making room the resume finishes every trial', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-full-disk-'));
  const runsDir = join(dir, 'runs');
  // A real full file system: a small tmpfs (needs root and mount rights; skipped without them).
  spawnSync('mkdir', ['-p', runsDir]);
  const mounted = mount('-t', 'tmpfs', '-o', 'size=600k', 'tmpfs', runsDir);
  if (mounted.status !== 0) {
    t.skip(`cannot mount a tmpfs here (${mounted.stderr.trim() || mounted.status})`);
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  try {
    const configPath = join(dir, 'tiny.json');
    writeFileSync(configPath, JSON.stringify({ ...TINY_SEARCH, budget: 3 }));
    const full = await runCli(['search', '--config', configPath, '--runs-dir', runsDir, '--run-id', 'r', '--quiet']);
    assert.equal(full.code, 2, full.stderr);
    const runDir = join(runsDir, 'r');
    assert.match(full.stderr, new RegExp(`^nes: cannot write ${runDir}/members/rs/\\d{4}: no space left on the device \\(ENOSPC\\); .* go on with: nes search --resume ${runDir}\\n$`));
    assert.doesNotMatch(readFileSync(join(runDir, 'journal.jsonl'), 'utf8'), /"event":"failed"/);

    assert.equal(mount('-o', 'remount,size=20m', runsDir).status, 0);
    const resumed = await runCli(['search', '--resume', runDir, '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
    assert.equal(results.methods.rs.pool.length, 3);
    assert.equal(results.methods.rs.failed.length, 0);
  } finally {
    spawnSync('umount', [runsDir]);
    rmSync(dir, { recursive: true, force: true });
  }
});
