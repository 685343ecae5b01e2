/** nes search end to end on a tiny folder in the CIFAR-10 binary layout, test shift from a CIFAR-10-C-layout folder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy } from '../../src/data/npy.js';
import { releasedTestKinds } from '../../src/shift/index.js';
import { syntheticLabel, writeCifar10Folder, writeReleasedFolder } from '../helpers/cifar-files.js';
import { runCli } from '../helpers/cli.js';

const TEST_RECORDS = 20;

test('nes search on CIFAR-10 files (given by their parent folder) with the test shift read from a CIFAR-10-C folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-search-cifar-'));
  try {
    // 5 × 60 training records: 240 train, 60 validation (the last fifth).
    writeCifar10Folder(join(dir, 'cifar-10-batches-bin'), 60, TEST_RECORDS);
    const releasedDir = join(dir, 'CIFAR-10-C');
    writeReleasedFolder(releasedDir, releasedTestKinds(), Array.from({ length: TEST_RECORDS }, (_, i) => syntheticLabel(i, 10)));
    const configPath = join(dir, 'cifar.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        budget: 2,
        ensembleSizes: [2],
        macro: { cells: 2, channels: 4 },
        dataset: { name: 'cifar10' },
        training: { epochs: 1, batchSize: 60 },
        shift: { severities: [0, 2] },
        evaluation: { anytimeStep: 2 },
        execution: { workers: 2 },
      }),
    );
    const args = ['search', '--config', configPath, '--data-dir', dir, '--test-data-dir', releasedDir];
    const result = await runCli([...args, '--runs-dir', join(dir, 'runs'), '--run-id', 'cifar', '--quiet']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /data: cifar10, 240 train \/ 60 validation \/ 20 test images from .*; test shift from .*CIFAR-10-C/);

    const runDir = join(dir, 'runs', 'cifar');
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
    assert.equal(results.dataset.name, 'cifar10');
    assert.deepEqual([results.dataset.train, results.dataset.validation, results.dataset.test], [240, 60, 20]);
    assert.deepEqual(results.dataset.inputShape, [32, 32, 3]);
    assert.equal(results.dataset.classNames[9], 'truck');
    assert.equal(results.dataset.normalization.mean.length, 3);
    assert.deepEqual(results.macro, { cells: 2, channels: 4, stemMultiplier: 3 });
    assert.deepEqual(results.shift.test, { source: 'folder', dir: releasedDir, kinds: releasedTestKinds() });
    assert.equal(results.shift.validation.source, 'generated');
    assert.equal(results.methods.rs.pool.length, 2);
    assert.deepEqual(results.methods.rs.ensembles.map((e: { severity: number }) => e.severity), [0, 2]);

    const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'));
    assert.deepEqual(config.dataset, { name: 'cifar10', dataDir: dir });
    assert.equal(config.shift.testDataDir, releasedDir);
    assert.equal('testSuite' in config.shift, false, 'the resolved config names one test-shift source');

    const member = join(runDir, 'members', 'rs', '0000');
    assert.deepEqual(readNpy(join(member, 'test-severity-2.npy')).shape, [TEST_RECORDS, 10]);
    assert.deepEqual([...(readNpy(join(runDir, 'labels', 'test.npy')).data as Uint8Array)], Array.from({ length: TEST_RECORDS }, (_, i) => syntheticLabel(i, 10)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nes search with CIFAR but no data folder says the files are not embedded and where to get them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-search-cifar-none-'));
  try {
    const configPath = join(dir, 'cifar100.json');
    writeFileSync(configPath, JSON.stringify({ dataset: { name: 'cifar100' } }));
    const result = await runCli(['search', '--config', configPath, '--runs-dir', join(dir, 'runs')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\/dataset\/dataDir: CIFAR-100 is not embedded in nes; download the "CIFAR-100 binary version \(suitable for C programs\)" from https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar\.html/);
    assert.equal(existsSync(join(dir, 'runs')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
