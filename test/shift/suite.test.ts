/** Suites from corruptions/cifar10-c.json (schema-checked) and corruptBatch. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLEAN, corruptBatch, corruptImage, corruptionsDir, imageRng, loadSuite } from '../../src/shift/index.js';
import { naturalImage } from './helpers.js';

const CIFAR_C_TEST = [
  'gaussian_noise', 'shot_noise', 'impulse_noise', 'defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur',
  'snow', 'frost', 'fog', 'brightness', 'contrast', 'elastic_transform', 'pixelate', 'jpeg_compression',
];

function batchOf(count: number, height: number, width: number, channels: number) {
  const size = height * width * channels;
  const images = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) images.set(naturalImage(`batch${i}`, height, width, channels).data, i * size);
  return { images, count, height, width, channels };
}

test('loadSuite: the 15 test kinds and the 4 validation kinds, with 5 severities each', () => {
  const testSuite = loadSuite('test');
  assert.deepEqual(testSuite.kinds, CIFAR_C_TEST);
  assert.deepEqual(loadSuite('validation').kinds, ['speckle_noise', 'gaussian_blur', 'spatter', 'saturate']);
  for (const kind of testSuite.kinds) assert.equal(testSuite.specs[kind]!.severities.length, 5);
  assert.deepEqual(testSuite.specs.motion_blur!.severities[4], { radius: 9, sigma: 2.5 });
  assert.equal((testSuite.specs.zoom_blur!.severities[4]!.factors as number[]).length, 26);
  assert.throws(() => loadSuite('nonexistent'), /unknown corruption suite/);
});

test('loadSuite from a path: validated against the schema, #suite picks a member list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-suite-'));
  const original = JSON.parse(readFileSync(join(corruptionsDir(), 'cifar10-c.json'), 'utf8'));
  const custom = { ...original, name: 'mine', suites: { small: ['fog', 'contrast'] }, kinds: { fog: original.kinds.fog, contrast: original.kinds.contrast } };
  const path = join(dir, 'mine.json');
  writeFileSync(path, JSON.stringify(custom));
  assert.deepEqual(loadSuite(`${path}#small`).kinds, ['fog', 'contrast']);
  assert.deepEqual(loadSuite(path).kinds, ['fog', 'contrast']);

  const invalid = (mutate: (file: typeof custom) => unknown, message: RegExp): void => {
    const file = join(dir, `bad${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(mutate(structuredClone(custom))));
    assert.throws(() => loadSuite(file), message);
  };
  invalid((f) => ({ ...f, kinds: { ...f.kinds, fog: { ...f.kinds.fog, severities: f.kinds.fog.severities.slice(0, 4) } } }), /invalid corruption suite/);
  invalid((f) => ({ ...f, kinds: { ...f.kinds, fog: { ...f.kinds.fog, family: 'rain' } } }), /invalid corruption suite/);
  invalid((f) => ({ ...f, suites: { small: ['fog', 'snow'] } }), /lists "snow"/);
  invalid((f) => ({ ...f, kinds: { ...f.kinds, fog: { ...f.kinds.fog, severities: f.kinds.fog.severities.map(() => ({ amount: 1 })) } } }), /lacks decay/);
  invalid((f) => ({ ...f, kinds: { ...f.kinds, warp: f.kinds.fog } }), /unknown corruption kind "warp"/);
});

test('corruptBatch: severity 0 is a clean copy', () => {
  const batch = batchOf(4, 16, 16, 3);
  const { images, kinds } = corruptBatch(batch, { suite: loadSuite('test'), severity: 0, seed: 1 });
  assert.deepEqual(images, batch.images);
  assert.notEqual(images, batch.images);
  assert.deepEqual(kinds, [CLEAN, CLEAN, CLEAN, CLEAN]);
});

test('corruptBatch: per-image results depend on (seed, index) only, not on batching', () => {
  const batch = batchOf(6, 16, 16, 1);
  const suite = loadSuite('test');
  const whole = corruptBatch(batch, { suite, severity: 3, seed: 'x' });
  const size = 16 * 16;
  const firstHalf = corruptBatch({ ...batch, count: 3, images: batch.images.subarray(0, 3 * size) }, { suite, severity: 3, seed: 'x' });
  const secondHalf = corruptBatch({ ...batch, count: 3, images: batch.images.subarray(3 * size) }, { suite, severity: 3, seed: 'x', indexOffset: 3 });
  assert.deepEqual([...firstHalf.images, ...secondHalf.images], [...whole.images]);
  assert.deepEqual([...firstHalf.kinds, ...secondHalf.kinds], whole.kinds);
  // Same as corrupting image i alone with the drawn kind and the image's generator (after the kind draw).
  const rng = imageRng('x', 4);
  rng();
  const single = corruptImage(whole.kinds[4]!, 3, { data: batch.images.subarray(4 * size, 5 * size), height: 16, width: 16, channels: 1 }, rng);
  assert.deepEqual(single, whole.images.subarray(4 * size, 5 * size));
  assert.notDeepEqual(corruptBatch(batch, { suite, severity: 3, seed: 'y' }).images, whole.images);
});

test('corruptBatch: kinds drawn uniformly from the suite, or forced with `kind`', () => {
  const batch = batchOf(450, 8, 8, 3);
  const { kinds } = corruptBatch(batch, { suite: loadSuite('test'), severity: 1, seed: 5 });
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  assert.deepEqual([...counts.keys()].sort(), [...CIFAR_C_TEST].sort());
  // 30 expected per kind; ±15 is more than 5 standard deviations.
  for (const [kind, count] of counts) assert.ok(count > 15 && count < 45, `${kind}: ${count}`);
  const forced = corruptBatch(batchOf(5, 8, 8, 3), { suite: ['fog', 'snow'], severity: 2, seed: 5, kind: 'contrast' });
  assert.deepEqual(forced.kinds, Array(5).fill('contrast'));
  assert.throws(() => corruptBatch(batchOf(1, 8, 8, 3), { suite: ['nope'], severity: 1, seed: 1 }), /no parameters/);
});
