/** A Redis worker rebuilds a CIFAR run's data from the job's reference, from its own copies of the folders. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfiguredDataset } from '../../src/data/configured-dataset.js';
import buildData from '../../src/farm/redis/data-thread.js';
import { datasetReference } from '../../src/farm/redis/protocol.js';
import { resolveConfig } from '../../src/run/config.js';
import { buildWorkerDataSets } from '../../src/farm/worker-data.js';
import { releasedTestKinds } from '../../src/shift/index.js';
import { syntheticLabel, writeCifar10Folder, writeReleasedFolder } from '../helpers/cifar-files.js';
import { makeTempDir } from '../data/helpers.js';

test('the reference carries dataDir and shift.testDataDir; the worker may point both elsewhere, and the fingerprint covers the folder', () => {
  const dir = makeTempDir('worker-cifar');
  try {
    const coordinator = { data: join(dir, 'c10'), released: join(dir, 'c10c') };
    writeCifar10Folder(coordinator.data, 10, 20);
    writeReleasedFolder(coordinator.released, releasedTestKinds(), Array.from({ length: 20 }, (_, i) => syntheticLabel(i, 10)));
    const config = resolveConfig({ dataset: { name: 'cifar10', dataDir: coordinator.data }, shift: { severities: [0, 4], testDataDir: coordinator.released } });
    const data = buildWorkerDataSets(loadConfiguredDataset(config.dataset, config.seed), config);
    const reference = datasetReference(config, data);
    assert.equal(reference.shift.testDataDir, coordinator.released);
    assert.equal(buildData({ reference }).fingerprint, reference.fingerprint);

    // This machine's copies, elsewhere.
    const worker = { data: join(dir, 'w', 'c10'), released: join(dir, 'w', 'c10c') };
    cpSync(coordinator.data, worker.data, { recursive: true });
    cpSync(coordinator.released, worker.released, { recursive: true });
    rmSync(coordinator.data, { recursive: true });
    rmSync(coordinator.released, { recursive: true });
    assert.throws(() => buildData({ reference }), /data_batch_1\.bin: file not found/);
    assert.equal(buildData({ reference, dataDir: worker.data, testDataDir: worker.released }).fingerprint, reference.fingerprint);

    // Another corrupted copy of the same test set is other data: the fingerprint tells them apart.
    writeReleasedFolder(worker.released, [...releasedTestKinds()].reverse(), Array.from({ length: 20 }, (_, i) => syntheticLabel(i, 10)));
    assert.notEqual(buildData({ reference, dataDir: worker.data, testDataDir: worker.released }).fingerprint, reference.fingerprint);
    // A run without a released folder is not redirected to one.
    const generated = resolveConfig({ dataset: { name: 'cifar10', dataDir: worker.data }, shift: { severities: [0, 4] } });
    const generatedReference = datasetReference(generated, buildWorkerDataSets(loadConfiguredDataset(generated.dataset, 0), generated));
    assert.equal(buildData({ reference: generatedReference, testDataDir: worker.released }).fingerprint, generatedReference.fingerprint);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
