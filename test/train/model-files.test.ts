import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine } from '../../src/train/engine.js';
import { buildModel } from '../../src/train/model.js';
import { loadLayersModel, readModelFiles, saveLayersModel } from '../../src/train/model-io.js';
import { loadNamedGenotype } from '../../src/space/named.js';

test('damaged model files are named with what is wrong: weights cut short, model.json not JSON or missing', async () => {
  await initEngine('wasm');
  const dir = mkdtempSync(join(tmpdir(), 'nes-model-files-'));
  const model = buildModel(loadNamedGenotype('darts-v2'), { cells: 2, channels: 4, stemMultiplier: 1 }, { inputShape: [8, 8, 1], numClasses: 10, seed: 1 });
  await saveLayersModel(model, dir);
  model.dispose();
  assert.ok(readModelFiles(dir).weightData.byteLength > 0);
  (await loadLayersModel(dir)).dispose();

  const weights = join(dir, 'weights.bin');
  const full = readFileSync(weights);
  writeFileSync(weights, full.subarray(0, full.length >> 1));
  assert.throws(() => readModelFiles(dir), new RegExp(`weights\\.bin: ${full.length >> 1} bytes of weights, .*model\\.json needs ${full.length}: the file is damaged or cut short`));
  await assert.rejects(loadLayersModel(dir), /damaged or cut short/);

  writeFileSync(weights, full);
  const modelJson = join(dir, 'model.json');
  writeFileSync(modelJson, readFileSync(modelJson, 'utf8').slice(0, 100));
  assert.throws(() => readModelFiles(dir), /model\.json: not valid JSON .*; expected a tfjs layers model/);
  assert.throws(() => readModelFiles(join(dir, 'nowhere')), /model\.json: file not found; expected a tfjs layers model/);
});
