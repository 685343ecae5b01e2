/**
 * A training stopped after some epochs and continued from its TrainingState (the model saved to
 * disk and loaded again in between, as a promoted member of a multi-fidelity search is) ends with
 * the weights, BN statistics and losses of one uninterrupted training of the same length: on tfjs
 * (cpu backend) and on the compiled network (wasm engine).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { compiledNetworkFor } from '../../src/train/compiled/use-compiled.js';
import { initEngine, type EngineName } from '../../src/train/engine.js';
import { buildModel } from '../../src/train/model.js';
import { loadLayersModel, saveLayersModel } from '../../src/train/model-io.js';
import { cosineLearningRate, train, type TrainConfig } from '../../src/train/trainer.js';
import { DARTS_V2, GREY, toyImages, TINY_MACRO } from './helpers.js';

const SIZE = 8;
const data = { train: toyImages(10, SIZE, 3) };
const config: TrainConfig = {
  epochs: 4,
  batchSize: 4,
  learningRate: 0.1,
  momentum: 0.9,
  weightDecay: 3e-4,
  seed: 11,
  normalization: GREY,
  gradientClip: 5,
};
const folder = mkdtempSync(join(tmpdir(), 'nes-resume-training-'));
after(() => rmSync(folder, { recursive: true, force: true }));

function fresh(): tf.LayersModel {
  return buildModel(DARTS_V2, TINY_MACRO, { inputShape: [SIZE, SIZE, 1], numClasses: 2, seed: 4 });
}

/** Every weight (trainable and BN moving statistics), by name. */
function weightValues(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((weight) => [weight.originalName, weight.read().dataSync().slice() as Float32Array]));
}

/** The model trained in legs ending at the given epochs, saved and loaded between legs. */
async function trainInLegs(ends: number[], name: string): Promise<{ weights: Map<string, Float32Array>; losses: number[]; rates: number[] }> {
  let model = fresh();
  let state: Awaited<ReturnType<typeof train>>['state'];
  const losses: number[] = [];
  const rates: number[] = [];
  for (const [leg, untilEpoch] of ends.entries()) {
    const result = await train(model, data, { ...config, untilEpoch, resumeFrom: state, keepState: true }, { onEpoch: (info) => void rates.push(info.learningRate) });
    losses.push(...result.lossCurve);
    state = result.state;
    assert.ok(state, 'a training that was not stopped returns its state when asked');
    assert.equal(state.epochsDone, untilEpoch);
    if (leg < ends.length - 1) {
      const dir = join(folder, `${name}-${leg}`);
      await saveLayersModel(model, dir);
      model.dispose();
      model = await loadLayersModel(dir);
    }
  }
  const weights = weightValues(model);
  model.dispose();
  return { weights, losses, rates };
}

for (const engine of ['cpu', 'wasm'] as EngineName[]) {
  describe(`resumed training on ${engine}`, () => {
    it('equals one uninterrupted training of the same length', async () => {
      await initEngine(engine);
      if (engine === 'wasm') {
        const probe = fresh();
        const network = compiledNetworkFor(probe, { capacity: config.batchSize, training: true });
        assert.ok(network, 'on wasm this model trains on the compiled network');
        network.dispose();
        probe.dispose();
      }
      const whole = await trainInLegs([4], `${engine}-whole`);
      const legs = await trainInLegs([1, 3, 4], `${engine}-legs`);
      assert.equal(legs.losses.length, 4);
      assert.deepEqual(legs.losses, whole.losses);
      // The cosine runs over the whole schedule in every leg, not over each leg's epochs.
      assert.deepEqual(legs.rates, [0, 1, 2, 3].map((epoch) => cosineLearningRate(config.learningRate, epoch, 4)));
      let compared = 0;
      for (const [name, expected] of whole.weights) {
        assert.deepEqual(legs.weights.get(name), expected, name);
        compared++;
      }
      assert.ok(compared > 20, `${compared} weights compared`);
    });

    it('needs the momentum: continuing without it trains another network', async () => {
      await initEngine(engine);
      const first = fresh();
      const { state } = await train(first, data, { ...config, untilEpoch: 2, keepState: true });
      assert.ok(state && state.momentum.some((value) => value !== 0), 'the momentum after two epochs is not zero');
      const withMomentum = fresh();
      const withoutMomentum = fresh();
      for (const model of [withMomentum, withoutMomentum]) model.setWeights(first.getWeights());
      const continued = await train(withMomentum, data, { ...config, resumeFrom: state });
      assert.equal(continued.state, undefined, 'the state (a copy of every weight) is returned only when asked');
      const zeroed = await train(withoutMomentum, data, { ...config, resumeFrom: { epochsDone: 2, momentum: new Float32Array(state.momentum.length) } });
      assert.notDeepEqual(continued.lossCurve, zeroed.lossCurve);
      for (const model of [first, withMomentum, withoutMomentum]) model.dispose();
    });

    it('refuses a state of another network and epochs outside the schedule', async () => {
      await initEngine(engine);
      const model = fresh();
      await assert.rejects(train(model, data, { ...config, resumeFrom: { epochsDone: 1, momentum: new Float32Array(3) } }), /3 momentum values.*another network/);
      await assert.rejects(train(model, data, { ...config, untilEpoch: 5 }), /untilEpoch must be an integer in 1\.\.4/);
      await assert.rejects(train(model, data, { ...config, untilEpoch: 2, resumeFrom: { epochsDone: 2, momentum: new Float32Array(0) } }), /untilEpoch must be an integer in 3\.\.4/);
      model.dispose();
    });
  });
}
