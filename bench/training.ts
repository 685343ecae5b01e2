/**
 * Training throughput (images/s) per engine: `npm run bench -- training [--nets darts,3conv]
 * [--backends wasm,cpu] [--wasm-steps 6] [--cpu-steps 1] [--batch 64]`.
 *
 * A step is what src/train/trainer.ts does per batch: forward in training mode, softmax
 * cross-entropy on the logits, gradients of every trainable weight, L2 weight decay, momentum SGD.
 * Each (net, backend) gets one warm-up step (JIT, wasm setup and heap growth; a full batch on wasm, 2 images on cpu), excluded; cpu
 * defaults to one timed batch (a DARTS step takes 1–2 minutes there). Quick wasm-only run:
 * `--nets darts --backends wasm`. Besides wall-clock imagesPerSec, each line has cpuImagesPerSec
 * (images per second of this process's CPU time), steadier when other jobs share the machine.
 *
 * Nets, both on 28×28×1 inputs, 10 classes:
 * - darts: the reference DARTS network, DARTS-V2 genotype, 5 cells, 8 channels, stem 3×8
 *   (cells 1 and 3 reduce), as built by buildModel.
 * - 3conv: conv3×3(16)-relu, maxpool 2×2, conv3×3(32)-relu, maxpool 2×2, conv3×3(32)-relu,
 *   global average pool, dense(10) softmax; 'same' padding, biases.
 *
 * Prints one JSON line per measurement, then per net a summary line; the last line is the DARTS
 * summary.
 */
import * as tf from '@tensorflow/tfjs';
import { initEngine, type EngineName } from '../src/train/engine.js';
import { buildModel, logitsModel } from '../src/train/model.js';
import { loadNamedGenotype } from '../src/space/named.js';

type NetName = 'darts' | '3conv';

interface Options {
  nets: NetName[];
  backends: EngineName[];
  steps: Record<string, number>;
  batch: number;
}

const inputShape: [number, number, number] = [28, 28, 1];
const numClasses = 10;

function parseArgs(args: string[]): Options {
  const value = (flag: string, fallback: string): string => {
    const index = args.indexOf(flag);
    return index >= 0 && args[index + 1] !== undefined ? args[index + 1]! : fallback;
  };
  return {
    nets: value('--nets', '3conv,darts').split(',') as NetName[],
    backends: value('--backends', 'wasm,cpu').split(',') as EngineName[],
    steps: {
      wasm: Number(value('--wasm-steps', '6')),
      cpu: Number(value('--cpu-steps', '1')),
      'tfjs-node': Number(value('--native-steps', '6')),
      'tfjs-node-gpu': Number(value('--native-steps', '6')),
    },
    batch: Number(value('--batch', '64')),
  };
}

function threeConvNet(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const net = tf.sequential();
  net.add(tf.layers.conv2d({ inputShape, filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  net.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  net.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  net.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  net.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(3) }));
  net.add(tf.layers.globalAveragePooling2d({}));
  net.add(tf.layers.dense({ units: numClasses, kernelInitializer: init(4) }));
  net.add(tf.layers.activation({ activation: 'softmax' }));
  return net;
}

function buildNet(net: NetName): tf.LayersModel {
  if (net === '3conv') return threeConvNet();
  const genotype = loadNamedGenotype('darts-v2');
  return buildModel(genotype, { cells: 5, channels: 8, stemMultiplier: 3 }, { inputShape, numClasses, seed: 1 });
}

/** The trainer's step: logits cross-entropy, weight decay 3e-4, momentum 0.9 SGD. */
function makeStep(model: tf.LayersModel): { step(x: tf.Tensor4D, y: tf.Tensor2D): number; dispose(): void } {
  const optimizer = tf.train.momentum(0.025, 0.9);
  const logits = logitsModel(model);
  if (logits === null) throw new Error('bench nets end with a softmax layer');
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  return {
    step(x, y) {
      return tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const output = logits.apply(x, { training: true }) as tf.Tensor2D;
          return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(output)), 1))) as tf.Scalar;
        }, variables);
        const decayed = variables.map((variable) => ({
          name: variable.name,
          tensor: tf.add(grads[variable.name] ?? tf.zerosLike(variable), tf.mul(variable, 3e-4)),
        }));
        optimizer.applyGradients(decayed);
        return value.dataSync()[0]!;
      });
    },
    dispose: () => optimizer.dispose(),
  };
}

function randomBatch(size: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => ({
    x: tf.randomNormal([size, ...inputShape], 0, 1, 'float32', seed) as tf.Tensor4D,
    y: tf.oneHot(tf.randomUniform([size], 0, numClasses, 'int32', seed + 1) as tf.Tensor1D, numClasses) as tf.Tensor2D,
  }));
}

async function measure(net: NetName, backend: EngineName, options: Options): Promise<number> {
  await initEngine(backend);
  const model = buildNet(net);
  const trainer = makeStep(model);
  // wasm warms up on a full batch, so that the one-off growth of its heap (tens of ms per 64 MB
  // touched first) is not billed to the timed steps; a full cpu step would take minutes.
  const warmUp = randomBatch(backend === 'cpu' ? 2 : options.batch, 1);
  trainer.step(warmUp.x, warmUp.y);
  tf.dispose([warmUp.x, warmUp.y]);
  const steps = Math.max(1, options.steps[backend] ?? 1);
  const batches = Array.from({ length: steps }, (_, i) => randomBatch(options.batch, 10 + 2 * i));
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  for (const { x, y } of batches) trainer.step(x, y);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  // CPU time of this process: less sensitive than wall time to other load on a shared machine.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  batches.forEach(({ x, y }) => tf.dispose([x, y]));
  trainer.dispose();
  model.dispose();
  const imagesPerSec = (steps * options.batch) / seconds;
  const cpuImagesPerSec = (steps * options.batch) / cpuSeconds;
  console.log(
    JSON.stringify({ bench: 'training', net, backend, batch: options.batch, steps, secondsPerStep: seconds / steps, imagesPerSec, cpuImagesPerSec }),
  );
  return imagesPerSec;
}

export async function run(args: string[]): Promise<void> {
  const options = parseArgs(args);
  // DARTS last, so the last line is its summary.
  const nets = [...options.nets].sort((a, b) => (a === 'darts' ? 1 : 0) - (b === 'darts' ? 1 : 0));
  for (const net of nets) {
    const results: { backend: EngineName; imagesPerSec: number }[] = [];
    for (const backend of options.backends) results.push({ backend, imagesPerSec: await measure(net, backend, options) });
    const wasm = results.find((r) => r.backend === 'wasm')?.imagesPerSec;
    const cpu = results.find((r) => r.backend === 'cpu')?.imagesPerSec;
    const speedupWasmOverCpu = wasm !== undefined && cpu !== undefined ? wasm / cpu : null;
    console.log(JSON.stringify({ bench: 'training', net: net === 'darts' ? 'darts-v2-5cells-8ch' : '3conv', batch: options.batch, results, speedupWasmOverCpu }));
  }
}
