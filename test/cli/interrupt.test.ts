import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { TINY_SEARCH } from '../helpers/tiny-search.js';

test('Ctrl-C stops a search, prints the exact command that goes on, and that command finishes the run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-interrupt-'));
  const configPath = join(dir, 'tiny.json');
  writeFileSync(configPath, JSON.stringify({ ...TINY_SEARCH, budget: 4 }));
  const runDir = join(dir, 'runs', 'stopped');
  const journal = join(runDir, 'journal.jsonl');
  const stopped = await runCli(['search', '--config', configPath, '--runs-dir', join(dir, 'runs'), '--run-id', 'stopped', '--quiet'], {
    onSpawn(child) {
      // SIGINT once the first network has finished, as a user pressing Ctrl-C would.
      const timer = setInterval(() => {
        if (existsSync(journal) && readFileSync(journal, 'utf8').includes('"event":"finished"')) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 100);
      child.on('exit', () => clearInterval(timer));
    },
  });
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stderr, /SIGINT: search stopped; finished networks are kept, those in training are retrained on resume\./);
  const command = /go on with: {2}(.+)/.exec(stopped.stderr)?.[1];
  assert.equal(command, `nes search --resume ${runDir}`);
  assert.ok(!existsSync(join(runDir, 'results.json')));
  // Ctrl-C exits through process.exit: the run's lock goes with it (nes runs: interrupted).
  assert.ok(!existsSync(join(runDir, 'run.lock')));

  const resumed = await runCli(command!.split(' ').slice(1));
  assert.equal(resumed.code, 0, resumed.stderr);
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  assert.equal(results.methods.rs.pool.length, 4);
});
