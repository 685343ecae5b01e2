/** The CIFAR-10 / CIFAR-100 binary readers on small files written in the official byte layout. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCifarRecords, type CifarRecordLayout } from '../../src/data/cifar-binary.js';
import { CIFAR10_FILES, cifarValidationStart, loadCifar10, loadCifar100 } from '../../src/data/cifar.js';
import { loadConfiguredDataset } from '../../src/data/configured-dataset.js';
import { DataFormatError } from '../../src/data/errors.js';
import { classCounts } from '../../src/data/split.js';
import type { LabelledImages } from '../../src/data/types.js';
import { cifarPixel, cifarRecords, syntheticLabel, writeCifar100Folder, writeCifar10Folder } from '../helpers/cifar-files.js';
import { makeTempDir } from './helpers.js';

const RECORD = 1 + 3072;

/** Asserts that image i of `set` holds the pixels of synthetic record `record`, NHWC. */
function assertRecordPixels(set: LabelledImages, i: number, record: number): void {
  const image = set.images.subarray(i * 3072, (i + 1) * 3072);
  for (const p of [0, 1, 31, 32, 500, 1023]) {
    for (let c = 0; c < 3; c++) assert.equal(image[p * 3 + c], cifarPixel(record, c, p), `image ${i}, pixel ${p}, channel ${c}`);
  }
}

function withDir(prefix: string, body: (dir: string) => void): void {
  const dir = makeTempDir(prefix);
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const layout: CifarRecordLayout = { what: 'a test file', labelBytes: [{ name: 'label', numClasses: 10 }], classLabel: 0, officialRecords: 3 };

test('a record is the label, then the red, green and blue planes: read as NHWC 32×32×3', () => {
  // Record 0: red plane all 10, green 20, blue 30, except pixel 33 (row 1, column 1) = 1, 2, 3.
  const buf = new Uint8Array(2 * RECORD);
  buf[0] = 7;
  buf.fill(10, 1, 1025).fill(20, 1025, 2049).fill(30, 2049, RECORD);
  buf[1 + 33] = 1;
  buf[1 + 1024 + 33] = 2;
  buf[1 + 2048 + 33] = 3;
  buf[RECORD] = 2;
  const set = parseCifarRecords(buf, layout, 'x.bin');
  assert.deepEqual([set.count, set.height, set.width, set.channels], [2, 32, 32, 3]);
  assert.deepEqual([...set.labels], [7, 2]);
  assert.deepEqual([...set.images.subarray(0, 3)], [10, 20, 30]);
  assert.deepEqual([...set.images.subarray(33 * 3, 34 * 3)], [1, 2, 3]);
  assert.deepEqual([...set.images.subarray(34 * 3, 35 * 3)], [10, 20, 30]);
  assert.equal(set.images.length, 2 * 3072);
});

test('record files: partial records, empty files, too many records and labels out of range are refused', () => {
  const whole = cifarRecords([[1], [2]]);
  assert.throws(
    () => parseCifarRecords(whole.subarray(0, whole.length - 5), layout, 'cut.bin'),
    (error: unknown) =>
      error instanceof DataFormatError &&
      error.source === 'cut.bin' &&
      /6141 bytes is not a whole number of 3073-byte records \(1 label byte \+ 3072 pixel bytes\): 1 records and 3068 bytes over; the file is truncated/.test(error.message),
  );
  assert.throws(() => parseCifarRecords(new Uint8Array(0), layout, 'empty.bin'), /empty\.bin: empty file/);
  assert.throws(() => parseCifarRecords(cifarRecords([[1], [2], [3], [4]]), layout, 'big.bin'), /big\.bin: 4 records, expected at most 3 \(a test file\)/);
  assert.throws(() => parseCifarRecords(cifarRecords([[1], [10]]), layout, 'label.bin'), /label\.bin: record 1 has label 10, expected a class in \[0, 10\)/);
});

test('CIFAR-10: the five batches in order, the last fifth as validation, the test batch, the class names', () => {
  withDir('cifar10', (dir) => {
    writeCifar10Folder(dir, 10, 6);
    const data = loadCifar10({ dataDir: dir });
    assert.equal(data.name, 'cifar10');
    assert.deepEqual(data.classNames.slice(0, 3), ['airplane', 'automobile', 'bird']);
    assert.equal(data.numClasses, 10);
    assert.deepEqual([data.train.count, data.validation.count, data.test.count], [40, 10, 6]);
    // Train = records 0–39 (batches 1–4), validation = records 40–49 (data_batch_5.bin).
    assert.deepEqual([...data.train.labels], Array.from({ length: 40 }, (_, k) => syntheticLabel(k, 10)));
    assert.deepEqual([...data.validation.labels], Array.from({ length: 10 }, (_, k) => syntheticLabel(40 + k, 10)));
    assertRecordPixels(data.train, 0, 0);
    assertRecordPixels(data.train, 25, 25);
    assertRecordPixels(data.validation, 0, 40);
    assertRecordPixels(data.test, 5, 100_005);
    assert.equal(data.normalization.mean.length, 3);
    assert.notEqual(data.normalization.mean[0], data.normalization.mean[1], 'per-channel statistics');
  });
});

test('the paper split of the official 50,000 records; smaller files split at four fifths', () => {
  assert.equal(cifarValidationStart(50_000), 40_000);
  assert.equal(cifarValidationStart(300), 240);
  assert.equal(cifarValidationStart(7), 5);
});

test('the folder the tarball extracts to is found under the folder given; trainLimit, shared buffers', () => {
  withDir('cifar10-parent', (parent) => {
    writeCifar10Folder(join(parent, 'cifar-10-batches-bin'), 10, 6);
    const data = loadCifar10({ dataDir: parent, trainLimit: 20, seed: 3, shared: true });
    assert.equal(data.train.count, 20);
    assert.deepEqual(classCounts(data.train.labels, 10), new Array(10).fill(2));
    assert.equal(data.validation.count, 10, 'trainLimit leaves validation alone');
    assert.ok(data.train.images.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(loadConfiguredDataset({ name: 'cifar10', dataDir: parent }, 0).test.labels, data.test.labels);
  });
});

test('CIFAR-10 files: missing ones are named with where to get them; unequal batches and bad names files refused', () => {
  withDir('cifar10-bad', (dir) => {
    assert.throws(
      () => loadCifar10({ dataDir: dir }),
      (error: unknown) =>
        error instanceof DataFormatError &&
        error.source === join(dir, 'data_batch_1.bin') &&
        error.message.includes(`expected in ${dir} (or ${join(dir, 'cifar-10-batches-bin')}): ${[...CIFAR10_FILES.train, 'test_batch.bin', 'batches.meta.txt'].join(', ')}`) &&
        error.message.includes('https://www.cs.toronto.edu/~kriz/cifar.html'),
    );
    writeCifar10Folder(dir, 10, 6);
    rmSync(join(dir, 'test_batch.bin'));
    rmSync(join(dir, 'batches.meta.txt'));
    assert.throws(() => loadCifar10({ dataDir: dir }), /test_batch\.bin: file not found \(nor batches\.meta\.txt\)/);

    writeCifar10Folder(dir, 10, 6);
    // Cut at a record boundary: whole records, but fewer than the other batches.
    truncateSync(join(dir, 'data_batch_3.bin'), 9 * RECORD);
    assert.throws(() => loadCifar10({ dataDir: dir }), /data_batch_3\.bin: 9 records, expected 10 like data_batch_1\.bin/);
    truncateSync(join(dir, 'data_batch_3.bin'), 9 * RECORD + 100);
    assert.throws(() => loadCifar10({ dataDir: dir }), /data_batch_3\.bin: 27757 bytes is not a whole number of 3073-byte records/);

    writeCifar10Folder(dir, 10, 6);
    const test = cifarRecords([[3], [11]]);
    writeFileSync(join(dir, 'test_batch.bin'), test);
    assert.throws(() => loadCifar10({ dataDir: dir }), /test_batch\.bin: record 1 has label 11, expected a class in \[0, 10\)/);

    writeCifar10Folder(dir, 10, 6);
    writeFileSync(join(dir, 'batches.meta.txt'), 'airplane\nautomobile\n');
    assert.throws(() => loadCifar10({ dataDir: dir }), /batches\.meta\.txt: 2 class names, expected 10/);
  });
});

test('CIFAR-100: fine labels by default, coarse on request, both label bytes range-checked', () => {
  withDir('cifar100', (parent) => {
    const dir = join(parent, 'cifar-100-binary');
    writeCifar100Folder(dir, 25, 5);
    const fine = loadCifar100({ dataDir: parent });
    assert.equal(fine.name, 'cifar100');
    assert.equal(fine.numClasses, 100);
    assert.equal(fine.classNames[99], 'fine99');
    assert.deepEqual([fine.train.count, fine.validation.count, fine.test.count], [20, 5, 5]);
    assert.deepEqual([...fine.validation.labels], [20, 21, 22, 23, 24].map((k) => syntheticLabel(k, 100)));
    assertRecordPixels(fine.validation, 0, 20);
    assertRecordPixels(fine.test, 4, 100_004);

    const coarse = loadCifar100({ dataDir: dir, labels: 'coarse' });
    assert.equal(coarse.numClasses, 20);
    assert.equal(coarse.classNames[19], 'coarse19');
    assert.deepEqual([...coarse.train.labels.subarray(18)], [18, 19]);
    assert.deepEqual([...coarse.validation.labels], [0, 1, 2, 3, 4]);
    assert.deepEqual(coarse.train.images, fine.train.images);

    writeFileSync(join(dir, 'test.bin'), cifarRecords([[19, 99], [20, 5]]));
    assert.throws(() => loadCifar100({ dataDir: dir }), /test\.bin: record 1 has coarse label 20, expected a class in \[0, 20\)/);
    writeFileSync(join(dir, 'test.bin'), cifarRecords([[0, 100]]));
    assert.throws(() => loadCifar100({ dataDir: dir, labels: 'coarse' }), /test\.bin: record 0 has fine label 100, expected a class in \[0, 100\)/);
    rmSync(join(dir, 'coarse_label_names.txt'));
    assert.throws(() => loadCifar100({ dataDir: dir }), /coarse_label_names\.txt: file not found.*CIFAR-100 binary version/);
  });
});

test('too few training records to split are refused', () => {
  withDir('cifar-tiny', (dir) => {
    mkdirSync(dir, { recursive: true });
    writeCifar100Folder(dir, 1, 1);
    assert.throws(() => loadCifar100({ dataDir: dir }), /train\.bin: 1 training records are too few to split/);
  });
});
