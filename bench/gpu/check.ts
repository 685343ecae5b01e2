/**
 * The GPU check (README, Benchmarks: "On a GPU machine"): on a machine with a GPU and its Vulkan driver, checks the
 * adapter, compares one training step of the reference DARTS net on webgpu with the cpu backend,
 * then times training (webgpu against wasm, batch 64 and 100) and the local farm on one GPU
 * (1, 2, 4 and 8 workers, against wasm with 2). Runs from dist (`node dist/bench/gpu/check.js`)
 * or from the bundle bench/gpu/pack.sh makes. JSON lines; `--quick` for a short local rehearsal.
 */
import * as tf from '@tensorflow/tfjs';
import { run as runFarm } from '../farm.js';
import { run as runTraining } from '../training.js';
import { initEngine } from '../../src/train/engine.js';
import { buildModel } from '../../src/train/model.js';
import { train } from '../../src/train/trainer.js';
import { loadNamedGenotype } from '../../src/space/named.js';
import { createRng } from '../../src/util/rng.js';

const quick = process.argv.includes('--quick');

function line(record: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'gpu-check', ...record }));
}

/** One training step of the reference net (batch 8) on `engine` from the given weights. */
async function stepOn(engine: 'cpu' | 'webgpu', initial: Float32Array[]): Promise<{ loss: number; weights: Float32Array[] }> {
  await initEngine(engine);
  const model = buildModel(loadNamedGenotype('darts-v2'), { cells: 5, channels: 8, stemMultiplier: 3 }, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  model.setWeights(initial.map((values, i) => tf.tensor(values, model.weights[i]!.shape as number[])));
  const rng = createRng('nes-gpu-check');
  const images = { images: Uint8Array.from({ length: 8 * 28 * 28 }, () => rng.int(256)), labels: Uint8Array.from({ length: 8 }, (_, i) => i % 10), count: 8, height: 28, width: 28, channels: 1 };
  const config = { epochs: 1, batchSize: 8, learningRate: 0.025, momentum: 0.9, weightDecay: 3e-4, seed: 1, normalization: { mean: [0.5], std: [0.25] }, gradientClip: 5 };
  const { lossCurve } = await train(model, { train: images }, config);
  const weights: Float32Array[] = [];
  for (const weight of model.weights) weights.push((await weight.read().data()) as Float32Array);
  model.dispose();
  return { loss: lossCurve[0]!, weights };
}

async function compareStep(): Promise<boolean> {
  await initEngine('cpu');
  const reference = buildModel(loadNamedGenotype('darts-v2'), { cells: 5, channels: 8, stemMultiplier: 3 }, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  const initial = reference.getWeights().map((tensor) => tensor.dataSync().slice() as Float32Array);
  reference.dispose();
  const cpu = await stepOn('cpu', initial);
  const gpu = await stepOn('webgpu', initial);
  let worst = 0;
  for (const [i, expected] of cpu.weights.entries()) {
    let scale = 1e-3;
    for (const value of expected) scale = Math.max(scale, Math.abs(value));
    const actual = gpu.weights[i]!;
    for (let j = 0; j < expected.length; j++) worst = Math.max(worst, Math.abs(actual[j]! - expected[j]!) / scale);
  }
  const ok = Math.abs(gpu.loss - cpu.loss) <= 1e-4 * Math.abs(cpu.loss) && worst <= 1e-3;
  line({ check: 'darts-step-vs-cpu', cpuLoss: cpu.loss, webgpuLoss: gpu.loss, worstRelativeWeightError: worst, weights: cpu.weights.length, ok });
  return ok;
}

const engine = await initEngine('webgpu');
line({ check: 'adapter', engine: engine.engine, device: engine.device ?? null });
const stepOk = await compareStep();
for (const batch of quick ? ['8'] : ['64', '100']) {
  await runTraining(['--nets', 'darts', '--backends', 'webgpu,wasm', '--batch', batch, '--gpu-steps', quick ? '2' : '10', '--wasm-steps', quick ? '2' : '6']);
}
if (quick) {
  await runFarm(['--engine', 'webgpu', '--workers', '1', '--networks', '1']);
} else {
  await runFarm(['--engine', 'webgpu', '--workers', '1,2,4,8', '--networks', '16']);
  // The baseline the issue compares against: a 2-core wasm farm.
  await runFarm(['--engine', 'wasm', '--workers', '2', '--networks', '4']);
}
line({ check: 'done', stepOk });
process.exit(stepOk ? 0 : 1);
