import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/train/engine.js';

test('auto picks wasm here (no native tfjs-node installed) and logs why', async () => {
  const messages: string[] = [];
  const previous = process.env['NES_ENGINE'];
  delete process.env['NES_ENGINE'];
  try {
    const chosen = await initEngine('auto', (message) => messages.push(message));
    assert.deepEqual(chosen, { engine: 'wasm', backend: 'wasm' });
    assert.equal(tf.getBackend(), 'wasm');
    assert.ok(messages.some((m) => m.includes('tfjs-node unavailable')), messages.join('\n'));
  } finally {
    if (previous !== undefined) process.env['NES_ENGINE'] = previous;
  }
});

test('the wasm engine trains: conv filter gradients run on wasm', async () => {
  await initEngine('wasm');
  const gradient = tf.tidy(() => {
    const x = tf.ones([1, 3, 3, 1]);
    return tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')))(tf.zeros([3, 3, 1, 1]));
  });
  // Each tap sees as many pixels of the 3x3 ones image as its offset allows.
  assert.deepEqual(Array.from(gradient.dataSync()), [4, 6, 4, 6, 9, 6, 4, 6, 4]);
  gradient.dispose();
});

test('forcing tfjs-node fails with an install hint', async () => {
  await assert.rejects(initEngine('tfjs-node'), (error: Error) => {
    assert.match(error.message, /engine 'tfjs-node' is not available/);
    assert.match(error.message, /npm install @tensorflow\/tfjs-node@/);
    return true;
  });
});

test('forcing cpu works', async () => {
  assert.deepEqual(await initEngine('cpu'), { engine: 'cpu', backend: 'cpu' });
  assert.equal(tf.getBackend(), 'cpu');
});

test('NES_ENGINE is the default request', async () => {
  const previous = process.env['NES_ENGINE'];
  process.env['NES_ENGINE'] = 'cpu';
  try {
    assert.equal((await initEngine()).engine, 'cpu');
    process.env['NES_ENGINE'] = 'gpu-please';
    await assert.rejects(initEngine(), /NES_ENGINE=gpu-please/);
  } finally {
    if (previous === undefined) delete process.env['NES_ENGINE'];
    else process.env['NES_ENGINE'] = previous;
  }
});
