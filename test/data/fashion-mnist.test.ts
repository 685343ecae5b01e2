import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DataFormatError } from '../../src/data/errors.js';
import { FASHION_MNIST_CLASS_NAMES, embeddedSubsetDir, loadFashionMnist } from '../../src/data/fashion-mnist.js';
import { readIdxPair } from '../../src/data/idx.js';
import { classCounts } from '../../src/data/split.js';
import { makeTempDir } from './helpers.js';

const OFFICIAL_DIR = '/usr/share/datasets/fashion-mnist';
const hasOfficial = existsSync(join(OFFICIAL_DIR, 'train-images-idx3-ubyte.gz'));

test('embedded subset: counts, 28×28, stratified 500/100/100 per class, normalization', () => {
  const data = loadFashionMnist();
  assert.equal(data.name, 'fashion-mnist-subset');
  assert.deepEqual(data.classNames, FASHION_MNIST_CLASS_NAMES);
  assert.equal(data.numClasses, 10);
  for (const [split, perClass] of [['train', 500], ['validation', 100], ['test', 100]] as const) {
    const set = data[split];
    assert.equal(set.count, perClass * 10, split);
    assert.deepEqual([set.height, set.width, set.channels], [28, 28, 1]);
    assert.equal(set.images.length, set.count * 784);
    assert.deepEqual(classCounts(set.labels, 10), new Array(10).fill(perClass), split);
  }
  // Fashion-MNIST pixel statistics are about 0.286 / 0.353.
  assert.ok(Math.abs(data.normalization.mean[0] - 0.286) < 0.01, `mean ${data.normalization.mean[0]}`);
  assert.ok(Math.abs(data.normalization.std[0] - 0.353) < 0.01, `std ${data.normalization.std[0]}`);
});

test('loading is deterministic; trainLimit draws a seeded stratified sample; shared buffers', () => {
  const a = loadFashionMnist({ trainLimit: 1000, seed: 5 });
  const b = loadFashionMnist({ trainLimit: 1000, seed: 5 });
  assert.deepEqual(a.train.images, b.train.images);
  assert.deepEqual(classCounts(a.train.labels, 10), new Array(10).fill(100));
  assert.notDeepEqual(loadFashionMnist({ trainLimit: 1000, seed: 6 }).train.images, a.train.images);
  assert.equal(a.validation.count, 1000, 'trainLimit leaves validation alone');
  assert.throws(() => loadFashionMnist({ trainLimit: 0 }), RangeError);

  const shared = loadFashionMnist({ shared: true });
  for (const split of ['train', 'validation', 'test'] as const) {
    assert.ok(shared[split].images.buffer instanceof SharedArrayBuffer);
    assert.ok(shared[split].labels.buffer instanceof SharedArrayBuffer);
  }
  assert.deepEqual(Array.from(shared.test.labels), Array.from(a.test.labels));
});

test('missing official file names the file and the expected set', () => {
  const dir = makeTempDir('fmnist');
  try {
    assert.throws(
      () => loadFashionMnist({ dataDir: dir }),
      (error: unknown) =>
        error instanceof DataFormatError &&
        error.source === join(dir, 'train-images-idx3-ubyte.gz') &&
        /file not found .*expected in .*train-images-idx3-ubyte\(\.gz\), train-labels-idx1-ubyte\(\.gz\), t10k-images-idx3-ubyte\(\.gz\), t10k-labels-idx1-ubyte\(\.gz\)/.test(error.message),
    );
    if (hasOfficial) {
      // Only the test labels missing: the message names exactly that file.
      for (const name of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz']) {
        copyFileSync(join(OFFICIAL_DIR, name), join(dir, name));
      }
      assert.throws(() => loadFashionMnist({ dataDir: dir }), /t10k-labels-idx1-ubyte\.gz: file not found/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('official data: NES split by index, and the subset matches its recorded source indices', { skip: hasOfficial ? false : `no Fashion-MNIST in ${OFFICIAL_DIR}` }, () => {
  const full = loadFashionMnist({ dataDir: OFFICIAL_DIR });
  assert.equal(full.name, 'fashion-mnist');
  assert.deepEqual([full.train.count, full.validation.count, full.test.count], [50_000, 10_000, 10_000]);
  const official = readIdxPair(join(OFFICIAL_DIR, 'train-images-idx3-ubyte.gz'), join(OFFICIAL_DIR, 'train-labels-idx1-ubyte.gz'));
  assert.deepEqual(full.train.labels, official.labels.subarray(0, 50_000));
  assert.deepEqual(full.validation.labels, official.labels.subarray(50_000));
  assert.deepEqual(full.validation.images.subarray(0, 784), official.images.subarray(50_000 * 784, 50_001 * 784));

  const subset = loadFashionMnist();
  const indices = JSON.parse(readFileSync(join(embeddedSubsetDir(), 'source-indices.json'), 'utf8')) as Record<string, number[]>;
  const fromOfficial = (split: 'train' | 'validation' | 'test', i: number) => {
    const source = split === 'test' ? full.test : official;
    return source.images.subarray(indices[split][i] * 784, (indices[split][i] + 1) * 784);
  };
  for (const split of ['train', 'validation', 'test'] as const) {
    assert.equal(indices[split].length, subset[split].count);
    for (const i of [0, 1, subset[split].count - 1]) {
      assert.deepEqual(subset[split].images.subarray(i * 784, (i + 1) * 784), fromOfficial(split, i), `${split}[${i}]`);
    }
  }
  assert.ok(indices.train.every((i) => i < 50_000));
  assert.ok(indices.validation.every((i) => i >= 50_000 && i < 60_000));
});
