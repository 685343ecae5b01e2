import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSystemProblem } from '../../src/cli/report-error.js';
import { Journal } from '../../src/run/journal.js';
import { buildFixtureRun } from '../export/fixtures.js';
import { runCli } from '../helpers/cli.js';

const errno = (code: string, syscall: string, path: string, dest?: string) =>
  Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path, ...(dest ? { dest } : {}) });

test('file-system refusals are one line naming the target and the fix, not internal errors', () => {
  assert.equal(
    fileSystemProblem(errno('EROFS', 'open', '/mnt/ro/runs/x/.config.json.123.0.tmp')),
    'cannot open /mnt/ro/runs/x/config.json: the file system is read-only; write the run elsewhere (--runs-dir) or remount it writable (EROFS)',
  );
  assert.match(fileSystemProblem(errno('ENOSPC', 'write', '/data/runs/x/members/rs/0001/.weights.bin.9.3.tmp'))!, /^cannot write \/data\/runs\/x\/members\/rs\/0001\/weights\.bin: no space left on the device; free some space, then run the same command again/);
  assert.match(fileSystemProblem(errno('EACCES', 'mkdir', '/root/runs'))!, /^cannot write \/root\/runs: permission denied/);
  assert.match(fileSystemProblem(errno('EISDIR', 'rename', '/r/.a.1.1.tmp', '/r/a'))!, /^cannot write \/r\/a: it is a folder/);
  assert.equal(fileSystemProblem(new Error('plain')), undefined);
  assert.equal(fileSystemProblem(Object.assign(new Error('x'), { code: 'ERR_SOMETHING', path: '/x' })), undefined);
});

test('nes report into a target it cannot write exits 2 with that line', async () => {
  const work = mkdtempSync(join(tmpdir(), 'nes-fs-errors-'));
  try {
    const fixture = await buildFixtureRun({ runsDir: join(work, 'runs'), poolSize: 2, sizes: [2], epochs: 1 });
    const runDir = join(work, 'blocked');
    cpSync(fixture.runDir, runDir, { recursive: true });
    rmSync(join(runDir, 'report.html'), { force: true });
    mkdirSync(join(runDir, 'report.html', 'in-the-way'), { recursive: true });
    const result = await runCli(['report', '--run', runDir]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim(), `nes: cannot write ${join(runDir, 'report.html')}: it is a folder, a file was expected (EISDIR)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('a journal write on a full disk names the journal (writes through a descriptor carry no path of their own)', () => {
  // /dev/full answers every write with ENOSPC.
  const journal = new Journal('/dev/full');
  try {
    assert.throws(
      () => journal.append({ event: 'run-finished', seconds: 1 }),
      (error: unknown) => /^cannot write \/dev\/full: no space left on the device; free some space/.test(fileSystemProblem(error) ?? ''),
    );
  } finally {
    journal.close();
  }
});
