import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { createExecutor } from '../../src/farm/create-executor.js';
import { resolveConfig } from '../../src/run/config.js';
import type { WorkerDataSets } from '../../src/farm/types.js';
import type { EngineChoice } from '../../src/util/engine-names.js';
import { blankImages } from '../helpers/blank-images.js';

const images = blankImages(1);
const data: WorkerDataSets = { train: images, numClasses: 2, normalization: { mean: [0], std: [1] }, validation: { 0: images }, test: { 0: images } };
const config = resolveConfig({});
const options = (engine: EngineChoice) => ({ runId: 'r', engine, data, recipe: { dataset: config.dataset, seed: 0, shift: config.shift } });

test('the local farm runs one training per core on JavaScript engines, one at a time on native TensorFlow', async () => {
  for (const [engine, expected] of [['wasm', availableParallelism()], ['cpu', availableParallelism()], ['tfjs-node', 1], ['tfjs-node-gpu', 1]] as const) {
    const executor = await createExecutor(config.execution, options(engine));
    assert.equal(executor.concurrency, expected, engine);
    await executor.close();
  }
  const pinned = await createExecutor(resolveConfig({ execution: { workers: 3 } }).execution, options('tfjs-node-gpu'));
  assert.equal(pinned.concurrency, 3, 'an explicit workers setting wins');
  await pinned.close();
});
