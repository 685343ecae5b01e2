import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PACKAGE_ROOT } from '../../src/version.js';

// `npx nes` runs the bin file itself, so every build must leave it executable (issue 20, item 5).
test('the nes bin that package.json names is executable after the build and runs on its own', () => {
  const { bin } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { bin: { nes: string } };
  const path = join(PACKAGE_ROOT, bin.nes);
  assert.ok((statSync(path).mode & 0o111) !== 0, `${path} is not executable`);
  const run = spawnSync(path, ['--help'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^nes \d+\.\d+\.\d+: Neural Ensemble Search/);
});
