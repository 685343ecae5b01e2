/** The released CIFAR-10-C / CIFAR-100-C folder as the test shift, on a small folder in its layout. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeNpy } from '../../src/data/npy.js';
import type { DatasetSplits, LabelledImages } from '../../src/data/types.js';
import { ConfigError, resolveConfig } from '../../src/run/config.js';
import { loadConfigInputs } from '../../src/search/config-inputs.js';
import { buildWorkerDataSets, shiftSources } from '../../src/farm/worker-data.js';
import { corruptBatch, loadSuite, readReleasedTestShift, releasedTestKinds } from '../../src/shift/index.js';
import { releasedOrigin, writeReleasedFolder } from '../helpers/cifar-files.js';
import { makeTempDir } from '../data/helpers.js';

const N = 20;
const SIZE = 32 * 32 * 3;
const KINDS = releasedTestKinds();

function testSplit(count = N): LabelledImages {
  const images = Uint8Array.from({ length: count * SIZE }, (_, i) => (i * 13) % 251);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count, height: 32, width: 32, channels: 3 };
}

function withFolder(body: (dir: string, test: LabelledImages) => void): void {
  const dir = makeTempDir('released');
  const test = testSplit();
  try {
    writeReleasedFolder(dir, KINDS, [...test.labels]);
    body(dir, test);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const origins = (images: Uint8Array) => Array.from({ length: N }, (_, i) => releasedOrigin(images.subarray(i * SIZE)));

test('the folder must hold the 15 CIFAR-10-C test kinds', () => {
  assert.equal(KINDS.length, 15);
  assert.deepEqual(KINDS, loadSuite('test').kinds);
});

test('image i at severity s is row (s−1)·N + i of the file of the kind drawn for it, seeded like the generated suite', () => {
  withFolder((dir, test) => {
    const options = { kinds: KINDS, severity: 3 as const, seed: '0:test:3' };
    const { images, kinds } = readReleasedTestShift(dir, test, options);
    assert.equal(images.length, N * SIZE);
    assert.equal(kinds.length, N);
    origins(images).forEach((origin, i) => {
      assert.deepEqual(origin, { kind: KINDS.indexOf(kinds[i]!), severity: 3, index: i }, `image ${i}`);
      // The whole row is copied, not only its first bytes.
      assert.equal(images[i * SIZE + SIZE - 1], (origin.kind * 13 + 3 * 41 + i * 7) % 256);
    });
    assert.ok(new Set(kinds).size >= 5, `kinds are drawn per image: ${kinds.join(', ')}`);
    // The same kind per image as the generated test suite draws with the same seed.
    assert.deepEqual(kinds, corruptBatch(test, { suite: loadSuite('test'), severity: 3, seed: '0:test:3' }).kinds);
    assert.deepEqual(readReleasedTestShift(dir, test, options).kinds, kinds, 'same seed, same draw');
    assert.notDeepEqual(readReleasedTestShift(dir, test, { ...options, seed: '1:test:3' }).kinds, kinds, 'another seed, another draw');
    const severity5 = readReleasedTestShift(dir, test, { ...options, severity: 5 });
    assert.ok(origins(severity5.images).every((origin) => origin.severity === 5));
  });
});

test('a folder that is not this test set’s corrupted copy is refused: labels, counts, shapes, missing kinds', () => {
  withFolder((dir, test) => {
    const read = (set: LabelledImages) => () => readReleasedTestShift(dir, set, { kinds: KINDS, severity: 1, seed: 0 });
    const relabelled = { ...test, labels: test.labels.map((label, i) => (i === 7 ? (label + 1) % 10 : label)) };
    assert.throws(read(relabelled), /labels\.npy: row 7 \(severity 1, test image 7\) has label 7, but test image 7 has label 8; the folder must hold the corrupted copies of this test set/);
    assert.throws(read(testSplit(19)), /labels\.npy: 100 labels, expected 95: five copies of the 19 test labels/);

    writeNpy(join(dir, 'labels.npy'), { dtype: 'uint8', shape: [5 * N], data: Uint8Array.from({ length: 5 * N }, (_, r) => r % 10) });
    writeNpy(join(dir, 'fog.npy'), { dtype: 'uint8', shape: [5 * N, 32, 32, 1], data: new Uint8Array(5 * N * 1024) });
    assert.throws(read(test), /fog\.npy: uint8 \(100, 32, 32, 1\), expected uint8 \(100, 32, 32, 3\): severities 1–5 of the 20 test images/);

    rmSync(join(dir, 'fog.npy'));
    rmSync(join(dir, 'jpeg_compression.npy'));
    assert.throws(read(test), new RegExp(`${dir}: missing fog\\.npy, jpeg_compression\\.npy; a CIFAR-10-C / CIFAR-100-C folder holds labels\\.npy and one <kind>\\.npy for each of the 15 test kinds`));
    assert.throws(() => readReleasedTestShift(join(dir, 'nowhere'), test, { kinds: KINDS, severity: 1, seed: 0 }), /nowhere: folder not found/);
  });
});

test('shift.testDataDir: the test severities come from the folder, validation is still generated; the source is recorded', () => {
  withFolder((dir, test) => {
    const dataset: DatasetSplits = {
      name: 'tiny',
      classNames: [],
      numClasses: 10,
      train: testSplit(4),
      validation: testSplit(4),
      test,
      normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
    };
    const config = resolveConfig({ seed: 4, shift: { severities: [0, 2], testDataDir: dir } });
    const data = buildWorkerDataSets(dataset, config);
    assert.deepEqual(data.test[0]!.images, test.images);
    const drawn = readReleasedTestShift(dir, test, { kinds: KINDS, severity: 2, seed: '4:test:2' });
    assert.deepEqual(data.test[2]!.images, drawn.images);
    assert.ok(data.test[2]!.images.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(data.validation[2]!.images, corruptBatch(dataset.validation, { suite: loadSuite('validation'), severity: 2, seed: '4:validation:2' }).images);

    assert.deepEqual(shiftSources(config.shift).test, { source: 'folder', dir: resolve(dir), kinds: KINDS });
    assert.deepEqual(shiftSources(resolveConfig({}).shift), {
      validation: { source: 'generated', suite: 'validation', kinds: loadSuite('validation').kinds },
      test: { source: 'generated', suite: 'test', kinds: KINDS },
    });
  });
});

test('a testDataDir with missing files is a config error before the run starts', () => {
  withFolder((dir) => {
    rmSync(join(dir, 'snow.npy'));
    assert.throws(
      () => loadConfigInputs(resolveConfig({ shift: { testDataDir: dir } })),
      (error: unknown) => error instanceof ConfigError && /^\/shift\/testDataDir: .*missing snow\.npy;/.test(error.problems[0]!),
    );
  });
});
