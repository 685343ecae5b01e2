import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { buildModel, DARTS_OPS, logitsModel, NB201_OPS } from '../../src/train/model.js';
import { dilatedSeparableConv, pool3x3 } from '../../src/train/model/blocks.js';
import { LayerFactory } from '../../src/train/model/init.js';
import { DARTS_V2, TINY_MACRO, uniformDarts, useCpu } from './helpers.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { searchSpacesDir } from '../../src/space/paths.js';

before(useCpu);

function forward(model: tf.LayersModel, batch: number, shape: [number, number, number], seed = 3): Float32Array {
  return tf.tidy(() => {
    const output = model.predict(tf.randomNormal([batch, ...shape], 0, 1, 'float32', seed)) as tf.Tensor;
    assert.deepEqual(output.shape, [batch, model.outputs[0]?.shape[1]]);
    return output.dataSync() as Float32Array;
  });
}

function assertProbabilityRows(probs: Float32Array, classes: number): void {
  for (let row = 0; row < probs.length / classes; row++) {
    const values = Array.from(probs.subarray(row * classes, (row + 1) * classes));
    assert.ok(values.every((p) => Number.isFinite(p) && p >= 0), `row ${row}: ${values}`);
    assert.ok(Math.abs(values.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  }
}

function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((weight) => weight.dataSync() as Float32Array);
}

describe('DARTS network', () => {
  for (const op of DARTS_OPS) {
    for (const size of [7, 8]) {
      it(`builds and runs ${op} in normal and reduction cells on ${size}x${size}`, () => {
        // 3 cells: reductions at 1 and 2, so a reduction follows a reduction (FactorizedReduce on s0).
        const model = buildModel(uniformDarts(op), TINY_MACRO, { inputShape: [size, size, 2], numClasses: 3, seed: 1 });
        assertProbabilityRows(forward(model, 2, [size, size, 2]), 3);
        model.dispose();
      });
    }
  }

  it('follows the DARTS channel and resolution schedule', () => {
    const model = buildModel(DARTS_V2, { cells: 5, channels: 4, stemMultiplier: 3 }, {
      inputShape: [12, 12, 1],
      numClasses: 10,
      seed: 0,
    });
    const outputShape = (name: string) => model.getLayer(name).outputShape;
    assert.deepEqual(outputShape('stem_bn'), [null, 12, 12, 12]);
    assert.deepEqual(outputShape('cell0_out'), [null, 12, 12, 16]); // 4 nodes × 4 channels
    assert.deepEqual(outputShape('cell1_out'), [null, 6, 6, 32]); // floor(5/3) = 1 reduces
    assert.deepEqual(outputShape('cell3_out'), [null, 3, 3, 64]); // floor(10/3) = 3 reduces
    assert.deepEqual(outputShape('cell4_out'), [null, 3, 3, 64]);
    model.dispose();
  });

  it('computes the dilated conv as PyTorch: dilation 2, symmetric padding k−1, one layer', () => {
    for (const kernel of [3, 5]) {
      for (const size of [7, 8]) {
        const input = tf.input({ shape: [size, size, 3] });
        const output = dilatedSeparableConv(new LayerFactory(5), 'dil', input, 4, kernel);
        const block = tf.model({ inputs: input, outputs: output });
        assert.deepEqual(block.layers.map((layer) => layer.getClassName()), ['InputLayer', 'SeparableConv2D']);
        const [depthwise, pointwise] = block.getWeights() as [tf.Tensor4D, tf.Tensor4D];
        const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
        const padded = tf.pad(x, [[0, 0], [kernel - 1, kernel - 1], [kernel - 1, kernel - 1], [0, 0]]);
        const expected = tf.separableConv2d(padded, depthwise, pointwise, 1, 'valid', 2);
        const actual = block.predict(x) as tf.Tensor;
        assert.deepEqual(actual.shape, [2, size, size, 4]);
        const gap = tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0] as number;
        assert.ok(gap < 1e-5, `${kernel}x${kernel} on ${size}x${size}: max difference ${gap}`);
        tf.dispose([x, padded, expected, actual]);
        block.dispose();
      }
    }
  });

  it('max-pools at stride 2 on PyTorch\'s grid (padding 1 never wins), also for odd sizes', () => {
    for (const [height, width] of [[8, 8], [7, 7], [7, 8], [8, 5]] as const) {
      const input = tf.input({ shape: [height, width, 3] });
      const block = tf.model({ inputs: input, outputs: pool3x3(new LayerFactory(1), 'pool', input, 'max', 2) });
      tf.tidy(() => {
        // All negative: a zero padding would win at the borders.
        const x = tf.sub(tf.randomNormal([2, height, width, 3], 0, 1, 'float32', 4), 10) as tf.Tensor4D;
        const expected = tf.maxPool(x, 3, 2, 1); // symmetric padding 1, ignored by the max
        const actual = block.predict(x) as tf.Tensor;
        assert.deepEqual(actual.shape, [2, Math.ceil(height / 2), Math.ceil(width / 2), 3]);
        assert.deepEqual(actual.dataSync(), expected.dataSync());
      });
      block.dispose();
    }
  });

  it('runs a node summing the same state twice (tfjs executor workaround)', () => {
    const genotype = uniformDarts('skip_connect');
    genotype.normal[0] = [{ op: 'skip_connect', input: 1 }, { op: 'skip_connect', input: 1 }];
    genotype.normal[1] = [{ op: 'skip_connect', input: 1 }, { op: 'max_pool_3x3', input: 2 }];
    const model = buildModel(genotype, { cells: 4, channels: 4, stemMultiplier: 1 }, { inputShape: [8, 8, 1], numClasses: 2, seed: 1 });
    assertProbabilityRows(forward(model, 2, [8, 8, 1]), 2);
    model.dispose();
  });

  it('rejects unknown ops', () => {
    assert.throws(
      () => buildModel(uniformDarts('conv_7x1_1x7'), TINY_MACRO, { inputShape: [8, 8, 1], numClasses: 2, seed: 0 }),
      /unknown DARTS op/,
    );
  });
});

describe('NB201 network', () => {
  for (const op of NB201_OPS) {
    it(`builds and runs ${op} on 7x7 and 8x8`, () => {
      for (const size of [7, 8]) {
        const model = buildModel({ space: 'nb201', edges: Array(6).fill(op) }, { cells: 1, channels: 4, stemMultiplier: 1 }, {
          inputShape: [size, size, 3],
          numClasses: 4,
          seed: 2,
        });
        assertProbabilityRows(forward(model, 2, [size, size, 3]), 4);
        model.dispose();
      }
    });
  }

  it('gives an all-none cell a zero output, so every input gets the same prediction', () => {
    const model = buildModel({ space: 'nb201', edges: Array(6).fill('none') }, { cells: 1, channels: 4, stemMultiplier: 1 }, {
      inputShape: [8, 8, 3],
      numClasses: 4,
      seed: 2,
    });
    const probs = forward(model, 2, [8, 8, 3]);
    for (let c = 0; c < 4; c++) assert.ok(Math.abs((probs[c] as number) - (probs[4 + c] as number)) < 1e-6);
    model.dispose();
  });

  it('mixes ops and skips edges leaving zero nodes', () => {
    const edges = ['none', 'nor_conv_3x3', 'skip_connect', 'avg_pool_3x3', 'nor_conv_1x1', 'skip_connect'];
    const model = buildModel({ space: 'nb201', edges }, { cells: 2, channels: 4, stemMultiplier: 1 }, {
      inputShape: [8, 8, 3],
      numClasses: 5,
      seed: 2,
    });
    assert.deepEqual(model.getLayer('stage2_cell1_n3_sum').outputShape, [null, 2, 2, 16]);
    // Node 1 is all-none, so the edge 3<-1 (conv 1x1) is left out.
    assert.throws(() => model.getLayer('stage0_cell0_n3_from1_nor_conv_1x1_conv'), /No such layer/);
    assert.ok(model.getLayer('stage0_cell0_n2_from0_nor_conv_3x3_conv'));
    assertProbabilityRows(forward(model, 3, [8, 8, 3]), 5);
    model.dispose();
  });
});

describe('initialisation and serialisation', () => {
  const options = (seed: number) => ({ inputShape: [8, 8, 1] as [number, number, number], numClasses: 3, seed });

  it('gives identical weights for the same seed and different ones for another seed', () => {
    const first = buildModel(DARTS_V2, TINY_MACRO, options(11));
    const again = buildModel(DARTS_V2, TINY_MACRO, options(11));
    const other = buildModel(DARTS_V2, TINY_MACRO, options(12));
    const [a, b, c] = [weightsOf(first), weightsOf(again), weightsOf(other)];
    assert.deepEqual(a, b);
    const kernelIndex = first.weights.findIndex((w) => w.name.includes('stem_conv'));
    assert.notDeepEqual(a[kernelIndex], c[kernelIndex]);
    // Kernels differ from one another too (each layer gets its own seed).
    const kernels = first.getWeights().filter((w) => w.shape.length === 4 && w.shape[0] === 1 && w.shape[1] === 1);
    assert.notDeepEqual(kernels[0]?.dataSync(), kernels[1]?.dataSync());
    [first, again, other].forEach((model) => model.dispose());
  });

  it('survives a save/load round trip with identical predictions', async () => {
    const genotype = uniformDarts('dil_conv_5x5', 'dil_conv_3x3');
    genotype.normal[1] = [{ op: 'sep_conv_5x5', input: 0 }, { op: 'avg_pool_3x3', input: 1 }];
    const model = buildModel(genotype, TINY_MACRO, { inputShape: [7, 7, 1], numClasses: 3, seed: 4 });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    assert.ok(saved);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({ ...saved, modelTopology: JSON.parse(JSON.stringify(saved.modelTopology)) }));
    assert.deepEqual(forward(loaded, 3, [7, 7, 1]), forward(model, 3, [7, 7, 1]));
    // The trainer's logits view still exists after loading, and softmax(logits) is the output.
    const logits = logitsModel(loaded);
    assert.ok(logits);
    tf.tidy(() => {
      const x = tf.randomNormal([2, 7, 7, 1], 0, 1, 'float32', 1);
      const gap = tf.max(tf.abs(tf.sub(tf.softmax(logits.predict(x) as tf.Tensor), loaded.predict(x) as tf.Tensor)));
      assert.ok((gap.dataSync()[0] as number) < 1e-6);
    });
    model.dispose();
    loaded.dispose();
  });
});

it('the model builders implement exactly the ops their search spaces allow', () => {
  const schema = JSON.parse(readFileSync(join(searchSpacesDir(), 'space.schema.json'), 'utf8'));
  const allowed = (kind: number) => [...schema.allOf[kind].then.properties.ops.items.enum].sort();
  assert.deepEqual(allowed(0), [...DARTS_OPS].sort());
  assert.deepEqual(allowed(1), [...NB201_OPS].sort());
});
