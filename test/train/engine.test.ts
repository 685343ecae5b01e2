import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describeEngineEvent, initEngine, type EngineEvent } from '../../src/train/engine.js';
import { probeAdapterIsolated } from '../../src/train/webgpu.js';

const engineModule = fileURLToPath(new URL('../../src/train/engine.js', import.meta.url));

/** initEngine('auto') and initEngine('webgpu') in a fresh process (Dawn keeps its adapter per process). */
function enginesInChild(env: NodeJS.ProcessEnv): { auto: { engine: string; device?: string }; log: string[]; forced: string } {
  const script = `
    const { initEngine, describeEngineEvent } = await import(${JSON.stringify(engineModule)});
    const log = [];
    const auto = await initEngine('auto', (event) => log.push(describeEngineEvent(event)));
    let forced;
    try { forced = JSON.stringify(await initEngine('webgpu')); } catch (error) { forced = error.message; }
    process.stdout.write(JSON.stringify({ auto, log, forced }));
    process.exit(0);`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

test('auto picks wasm here (no native tfjs-node, no hardware GPU) and logs why', async () => {
  const events: EngineEvent[] = [];
  const previous = process.env['NES_ENGINE'];
  delete process.env['NES_ENGINE'];
  try {
    const chosen = await initEngine('auto', (event) => events.push(event));
    assert.deepEqual(chosen, { engine: 'wasm', backend: 'wasm' });
    assert.equal(tf.getBackend(), 'wasm');
    const messages = events.map(describeEngineEvent);
    // The engines tried before wasm in the 'auto' order, each with its reason, then wasm.
    assert.deepEqual(events.flatMap((e) => (e.kind === 'unavailable' ? [e.engine] : [])), ['tfjs-node-gpu', 'webgpu', 'tfjs-node']);
    assert.deepEqual(events.at(-1), { kind: 'chosen', engine: chosen, automatically: true });
    assert.ok(messages.some((m) => m.startsWith('engine tfjs-node unavailable: ')), messages.join('\n'));
    assert.ok(messages.some((m) => m.startsWith('engine webgpu unavailable: ')), messages.join('\n'));
    assert.equal(messages.at(-1), "engine wasm (tfjs backend 'wasm'), chosen automatically");
  } finally {
    if (previous !== undefined) process.env['NES_ENGINE'] = previous;
  }
});

test('a software fallback adapter (lavapipe): auto passes webgpu over, --backend webgpu uses it', () => {
  const adapter = probeAdapterIsolated();
  assert.ok(adapter?.isFallbackAdapter, `this test needs Mesa's lavapipe (CI installs it); adapter: ${JSON.stringify(adapter)}`);
  const { auto, log, forced } = enginesInChild({ NES_ENGINE: '' });
  assert.equal(auto.engine, 'wasm');
  assert.ok(log.some((m) => /^engine webgpu unavailable: only a software fallback adapter is present \(.*llvmpipe/.test(m)), log.join('\n'));
  const gpu = JSON.parse(forced) as { engine: string; backend: string; device: string };
  assert.equal(gpu.engine, 'webgpu');
  assert.equal(gpu.backend, 'webgpu');
  assert.match(gpu.device, /llvmpipe.*software fallback adapter/);
});

test('no adapter (no Vulkan driver): auto passes webgpu over, --backend webgpu says what to install', () => {
  // The Vulkan loader reads its drivers from this list only: here, none.
  const { auto, log, forced } = enginesInChild({ NES_ENGINE: '', VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' });
  assert.equal(auto.engine, 'wasm');
  assert.ok(log.includes("engine webgpu unavailable: no WebGPU adapter: install libvulkan1 and your GPU vendor's Vulkan driver (Linux), or check the GPU driver"), log.join('\n'));
  assert.match(forced, /^engine 'webgpu' is not available: no WebGPU adapter: install libvulkan1/);
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
