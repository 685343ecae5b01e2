/**
 * Training throughput (images/s) per engine: `npm run bench -- training [--nets darts,3conv]
 * [--backends wasm,cpu] [--wasm-steps 6] [--cpu-steps 1] [--batch 64]`.
 *
 * A step is what src/train/trainer.ts does per batch: forward in training mode, softmax
 * cross-entropy on the logits, gradients of every trainable weight, global-norm gradient clipping
 * at 5 (as DARTS/NES train; added after the README's first figures, a few cheap reductions), L2
 * weight decay 3e-4, momentum SGD. Each (net, backend) gets one warm-up step (JIT, wasm setup and
 * heap growth; a full batch on wasm, 2 images on cpu), excluded; cpu defaults to one timed batch
 * (a DARTS step takes 1–2 minutes there). Quick wasm-only run: `--nets darts --backends wasm`.
 * Besides wall-clock imagesPerSec, each line has cpuImagesPerSec (images per second of this
 * process's CPU time), steadier when other jobs share the machine, and peak memory.
 *
 * Side by side with PyTorch (bench/compare/pytorch_darts.py, the same net and step, one thread):
 * `--nets darts --backends wasm --compare pytorch [--rounds 5] [--round-steps 3]
 * [--torch-channels-last]` (PyTorch in NHWC, as nes: ~20% faster than its default). The Python
 * process starts once; each round runs k nes steps, then k PyTorch steps (never at the same time).
 * One JSON line per round and engine, then a summary with the medians and ratio = nes / PyTorch.
 *
 * Inference: `--nets darts --backends wasm,tfjs-wasm --predict [--batch 256]` (predictProbs, as
 * members predict every split and severity).
 *
 * Profiles: `--nets darts --backends wasm --profile` (the compiled network: ms and calls per layer
 * class and pass, and the time outside layers), `--backends tfjs-wasm --profile` (tf.profile of
 * one tfjs step: per kernel time, calls, output bytes, and the JS cost per kernel call).
 *
 * Nets, both on 28×28×1 inputs, 10 classes:
 * - darts: the reference DARTS network, DARTS-V2 genotype, 5 cells, 8 channels, stem 3×8
 *   (cells 1 and 3 reduce), as built by buildModel.
 * - darts-sep5, darts-dil: the same macro with every edge sep_conv_5x5, or dil_conv_3x3 (normal)
 *   and dil_conv_5x5 (reduction): the costliest ops of the space.
 * - 3conv: conv3×3(16)-relu, maxpool 2×2, conv3×3(32)-relu, maxpool 2×2, conv3×3(32)-relu,
 *   global average pool, dense(10) softmax; 'same' padding, biases.
 *
 * Backends: wasm (the compiled network the wasm engine trains with), tfjs-wasm (tfjs on the wasm
 * backend: the engine's fallback, and the whole engine before the compiled network), cpu,
 * tfjs-node, tfjs-node-gpu; each is a StepRunnerFactory in `stepRunners`.
 *
 * Prints one JSON line per measurement, then per net a summary line; the last line is the DARTS
 * summary.
 */
import * as tf from '@tensorflow/tfjs';
import { CompiledNetwork, type LayerProfile } from '../src/train/compiled/network.js';
import { ENGINE_NAMES, initEngine, type EngineName } from '../src/train/engine.js';
import { buildModel, logitsModel } from '../src/train/model.js';
import { normalizedBatch, type ImageSource, type Normalization } from '../src/train/normalize.js';
import { predictProbs } from '../src/train/predict.js';
import { loadNamedGenotype } from '../src/space/named.js';
import type { DartsGenotype } from '../src/space/types.js';
import { createRng } from '../src/util/rng.js';
import { PytorchUnavailableError, startPytorch, type PytorchServer } from './pytorch.js';

/** The reference net, two DARTS nets heavy in the costliest ops, and a plain CNN. */
const NET_NAMES = ['darts', 'darts-sep5', 'darts-dil', '3conv'] as const;
type NetName = (typeof NET_NAMES)[number];

/** Every edge of both cells one op, wired as DARTS-V2 (for the op-heavy nets). */
function uniformGenotype(normalOp: string, reduceOp: string): DartsGenotype {
  const wiring = [[0, 1], [0, 1], [1, 0], [0, 2]];
  const cell = (op: string) => wiring.map((inputs) => inputs.map((input) => ({ op, input })));
  return { space: 'darts', normal: cell(normalOp), reduce: cell(reduceOp) };
}

/** Bad flags: printed as one line, exit 2. */
class UsageError extends Error {}

interface Options {
  nets: NetName[];
  backends: string[];
  steps: Record<string, number>;
  batch: number;
  compare: 'pytorch' | null;
  rounds: number;
  roundSteps: number;
  profile: boolean;
  /** Time the inference pass (predictProbs) instead of training steps. */
  predict: boolean;
  /** PyTorch in NHWC (channels_last), as nes lays tensors out; ~20% faster there on this net. */
  torchChannelsLast: boolean;
}

/** One way to perform the bench's training step on one net. */
export interface StepRunner {
  /** One SGD step on an NHWC float batch and its class labels; resolves to the mean loss once computed. */
  step(x: Float32Array, labels: Int32Array): Promise<number>;
  /** Bytes of wasm linear memory the runner trains in, where it has one. */
  wasmMemoryBytes?(): number | null;
  /** GPU runners: dispatches and milliseconds spent recording them in JS, summed over all steps so far. */
  dispatchStats?(): DispatchStats;
  dispose(): void;
}

export interface DispatchStats {
  dispatches: number;
  /** Wall time of the synchronous part of the steps: building the graph and recording every dispatch. */
  recordMs: number;
}

export type StepRunnerFactory = (net: NetName) => Promise<StepRunner>;

const inputShape: [number, number, number] = [28, 28, 1];
const numClasses = 10;
const gradientClip = 5;
const weightDecay = 3e-4;

/**
 * wasm: what the wasm engine trains with, the compiled network (src/train/compiled);
 * tfjs-wasm: the same engine's tfjs path (tfjs-backend-wasm with nes's kernels), which it uses
 * for models the compiled network does not implement and which was the whole engine before;
 * the other tfjs engines run the step through tfjs.
 */
const stepRunners: Record<string, StepRunnerFactory> = {
  wasm: (net) => compiledRunner(net),
  'tfjs-wasm': (net) => tfjsRunner(net, 'wasm'),
  ...Object.fromEntries(ENGINE_NAMES.filter((engine) => engine !== 'wasm').map((engine) => [engine, (net: NetName) => tfjsRunner(net, engine)])),
};

/** The tfjs backend each runner needs (tfjs has one global backend). */
function tfjsBackendOf(backend: string): string {
  return backend === 'wasm' || backend === 'tfjs-wasm' ? 'wasm' : backend;
}

function parseArgs(args: string[]): Options {
  const value = (flag: string, fallback: string): string => {
    const index = args.indexOf(flag);
    return index >= 0 && args[index + 1] !== undefined ? args[index + 1]! : fallback;
  };
  const compare = value('--compare', '');
  if (compare !== '' && compare !== 'pytorch') throw new UsageError(`--compare: only "pytorch" is known, got "${compare}"`);
  const options: Options = {
    nets: value('--nets', compare === 'pytorch' ? 'darts' : '3conv,darts').split(',') as NetName[],
    backends: value('--backends', compare === 'pytorch' ? 'wasm' : 'wasm,cpu').split(','),
    steps: {
      wasm: Number(value('--wasm-steps', '6')),
      'tfjs-wasm': Number(value('--wasm-steps', '6')),
      cpu: Number(value('--cpu-steps', '1')),
      'tfjs-node': Number(value('--native-steps', '6')),
      'tfjs-node-gpu': Number(value('--native-steps', '6')),
      webgpu: Number(value('--gpu-steps', '6')),
    },
    batch: Number(value('--batch', '64')),
    compare: compare === 'pytorch' ? 'pytorch' : null,
    rounds: Number(value('--rounds', '5')),
    roundSteps: Number(value('--round-steps', '3')),
    profile: args.includes('--profile'),
    predict: args.includes('--predict'),
    torchChannelsLast: args.includes('--torch-channels-last'),
  };
  checkOptions(options);
  return options;
}

function checkOptions(options: Options): void {
  for (const [flag, n] of [['--batch', options.batch], ['--rounds', options.rounds], ['--round-steps', options.roundSteps]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got ${n}`);
  }
  for (const net of options.nets) if (!(NET_NAMES as readonly string[]).includes(net)) throw new UsageError(`unknown net "${net}" (${NET_NAMES.join(', ')})`);
  for (const backend of options.backends) {
    if (!(backend in stepRunners)) throw new UsageError(`unknown backend "${backend}" (${Object.keys(stepRunners).join(', ')})`);
  }
}

function threeConvNet(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const net = tf.sequential();
  // ReLU as its own layer (the same maths as a fused activation), which the compiled network implements.
  net.add(tf.layers.conv2d({ inputShape, filters: 16, kernelSize: 3, padding: 'same', kernelInitializer: init(1) }));
  net.add(tf.layers.reLU());
  net.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  net.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', kernelInitializer: init(2) }));
  net.add(tf.layers.reLU());
  net.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  net.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', kernelInitializer: init(3) }));
  net.add(tf.layers.reLU());
  net.add(tf.layers.globalAveragePooling2d({}));
  net.add(tf.layers.dense({ units: numClasses, kernelInitializer: init(4) }));
  net.add(tf.layers.activation({ activation: 'softmax' }));
  return net;
}

function buildNet(net: NetName): tf.LayersModel {
  if (net === '3conv') return threeConvNet();
  const genotype =
    net === 'darts-sep5' ? uniformGenotype('sep_conv_5x5', 'sep_conv_5x5') : net === 'darts-dil' ? uniformGenotype('dil_conv_3x3', 'dil_conv_5x5') : loadNamedGenotype('darts-v2');
  return buildModel(genotype, { cells: 5, channels: 8, stemMultiplier: 3 }, { inputShape, numClasses, seed: 1 });
}

function netLabel(net: NetName): string {
  return net === 'darts' ? 'darts-v2-5cells-8ch' : net.startsWith('darts-') ? `${net}-5cells-8ch` : net;
}

/** The compiled network's step, as train() runs it on the wasm engine (the batch is copied in, as train() normalises into it). */
async function compiledRunner(net: NetName, profile?: LayerProfile): Promise<StepRunner> {
  await initEngine('wasm');
  const model = buildNet(net);
  let network: CompiledNetwork | null = null;
  const sgd = { learningRate: 0.025, momentum: 0.9, weightDecay, gradientClip };
  return {
    async step(x, labels) {
      // Compiled on the first batch, for its size: the bench's warm-up step is a full batch.
      network ??= CompiledNetwork.compile(model, { capacity: labels.length, training: true, profile });
      network.inputValues().set(x);
      return network.trainStep(labels.length, labels, sgd);
    },
    wasmMemoryBytes: () => network?.memoryBytes ?? null,
    dispose() {
      network?.dispose();
      model.dispose();
    },
  };
}

async function tfjsRunner(net: NetName, engine: EngineName): Promise<StepRunner> {
  await initEngine(engine);
  const model = buildNet(net);
  const step = makeStep(model);
  const counter = engine === 'webgpu' ? countDispatches() : null;
  return {
    step: (x, labels) => step.step(x, labels),
    wasmMemoryBytes: () => tfjsWasmMemoryBytes(),
    ...(counter ? { dispatchStats: () => ({ dispatches: counter.dispatches(), recordMs: step.recordMs() }) } : {}),
    dispose() {
      counter?.restore();
      step.dispose();
      model.dispose();
    },
  };
}

/** Counts the webgpu backend's compute dispatches (each one recordAndSubmit call). */
function countDispatches(): { dispatches(): number; restore(): void } {
  const backend = tf.backend() as unknown as { recordAndSubmit: (...args: unknown[]) => unknown };
  const original = backend.recordAndSubmit;
  let count = 0;
  backend.recordAndSubmit = function (this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  return {
    dispatches: () => count,
    restore: () => {
      backend.recordAndSubmit = original;
    },
  };
}

/** The wasm backend's heap size (it only grows), or null on other backends. */
function tfjsWasmMemoryBytes(): number | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.buffer.byteLength ?? null;
}

/**
 * The trainer's step (src/train/trainer.ts makeStep + regularised, reproduced here so the bench
 * does not depend on its internals): logits cross-entropy, global-norm clip at 5, weight decay
 * 3e-4, momentum 0.9 SGD. Building the input tensors is part of the step, as in the trainer.
 */
function makeStep(model: tf.LayersModel): { step(x: Float32Array, labels: Int32Array): Promise<number>; recordMs(): number; dispose(): void } {
  const optimizer = tf.train.momentum(0.025, 0.9);
  const logits = logitsModel(model);
  if (logits === null) throw new Error('bench nets end with a softmax layer');
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  let recordMs = 0;
  return {
    async step(x, labels) {
      const started = performance.now();
      const loss = tf.tidy(() => {
        const images = tf.tensor4d(x, [labels.length, ...inputShape]);
        const targets = tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses);
        const { value, grads } = tf.variableGrads(() => {
          const output = logits.apply(images, { training: true }) as tf.Tensor2D;
          return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(output)), 1))) as tf.Scalar;
        }, variables);
        optimizer.applyGradients(clippedAndDecayed(grads, variables));
        return value;
      });
      recordMs += performance.now() - started;
      // data(), not dataSync(): webgpu reads asynchronously only (the trainer does the same).
      const value = (await loss.data())[0]!;
      loss.dispose();
      return value;
    },
    recordMs: () => recordMs,
    dispose() {
      optimizer.dispose();
      // tfjs 4.x MomentumOptimizer.dispose() forgets its SGD base's learning-rate scalar.
      tf.SGDOptimizer.prototype.dispose.call(optimizer);
    },
  };
}

/** Clip by global norm (clip_grad_norm_), then add weight decay: torch's order, as the trainer. */
function clippedAndDecayed(grads: tf.NamedTensorMap, variables: tf.Variable[]): { name: string; tensor: tf.Tensor }[] {
  // stack + sum rather than addN, which webgpu cannot bind for this many inputs (as the trainer).
  const norm = tf.sqrt(tf.sum(tf.stack(Object.values(grads).map((grad) => tf.sum(tf.square(grad))))));
  const factor = tf.minimum(1, tf.div(gradientClip, tf.add(norm, 1e-6)));
  return variables.map((variable) => ({
    name: variable.name,
    // A weight the loss does not reach still gets an entry: momentum slots are matched by position.
    tensor: tf.add(tf.mul(grads[variable.name] ?? tf.zerosLike(variable), factor), tf.mul(variable, weightDecay)),
  }));
}

interface Batch {
  x: Float32Array;
  labels: Int32Array;
}

/** Seeded standard-normal NHWC images (Box–Muller) and uniform labels. */
function randomBatch(size: number, seed: number): Batch {
  const rng = createRng(`nes-bench-training:${seed}`);
  const x = new Float32Array(size * inputShape[0] * inputShape[1] * inputShape[2]);
  for (let i = 0; i < x.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const angle = 2 * Math.PI * rng.next();
    x[i] = radius * Math.cos(angle);
    if (i + 1 < x.length) x[i + 1] = radius * Math.sin(angle);
  }
  const labels = Int32Array.from({ length: size }, () => rng.int(numClasses));
  return { x, labels };
}

function batches(count: number, size: number, seed: number): Batch[] {
  return Array.from({ length: count }, (_, i) => randomBatch(size, seed + i));
}

/** Peak memory of this process (and the runner's wasm heap, where it has one), in MB. */
function memoryFields(runner: StepRunner): { maxRssMb: number; wasmMemoryMb?: number } {
  const maxRssMb = process.resourceUsage().maxRSS / 1024; // KiB
  const wasm = runner.wasmMemoryBytes?.() ?? null;
  return wasm === null ? { maxRssMb } : { maxRssMb, wasmMemoryMb: wasm / 2 ** 20 };
}

/** k steps on pre-made batches; wall and CPU seconds. */
async function timeSteps(runner: StepRunner, data: Batch[], steps: number): Promise<{ seconds: number; cpuSeconds: number }> {
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    const batch = data[i % data.length]!;
    await runner.step(batch.x, batch.labels);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  // CPU time of this process: less sensitive than wall time to other load on a shared machine.
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** wasm warms up on a full batch, so that the one-off growth of its heap (tens of ms per 64 MB
 * touched first) is not billed to the timed steps; a full cpu step would take minutes. */
async function warmUp(runner: StepRunner, backend: string, batch: number): Promise<void> {
  const { x, labels } = randomBatch(backend === 'cpu' ? 2 : batch, 1);
  await runner.step(x, labels);
}

async function measure(net: NetName, backend: string, options: Options): Promise<number> {
  const runner = await stepRunners[backend]!(net);
  // A GPU's warm-up also compiles every shader pipeline the step uses.
  await warmUp(runner, backend, options.batch);
  const steps = Math.max(1, options.steps[backend] ?? 6);
  const before = runner.dispatchStats?.();
  const { seconds, cpuSeconds } = await timeSteps(runner, batches(steps, options.batch, 10), steps);
  const after = runner.dispatchStats?.();
  const memory = memoryFields(runner);
  runner.dispose();
  const imagesPerSec = (steps * options.batch) / seconds;
  const cpuImagesPerSec = (steps * options.batch) / cpuSeconds;
  const dispatch =
    before && after
      ? {
          dispatchesPerStep: (after.dispatches - before.dispatches) / steps,
          // JS-side cost per dispatch: the step's synchronous part (graph, tape, recording) over its dispatches.
          recordMsPerStep: (after.recordMs - before.recordMs) / steps,
          jsUsPerDispatch: ((after.recordMs - before.recordMs) * 1000) / (after.dispatches - before.dispatches),
        }
      : {};
  console.log(
    JSON.stringify({ bench: 'training', net, backend, batch: options.batch, steps, secondsPerStep: seconds / steps, imagesPerSec, cpuImagesPerSec, ...dispatch, ...memory }),
  );
  return imagesPerSec;
}

async function runThroughput(options: Options): Promise<void> {
  // DARTS last, so the last line is its summary.
  const nets = [...options.nets].sort((a, b) => (a === 'darts' ? 1 : 0) - (b === 'darts' ? 1 : 0));
  for (const net of nets) {
    const results: { backend: string; imagesPerSec: number }[] = [];
    for (const backend of options.backends) results.push({ backend, imagesPerSec: await measure(net, backend, options) });
    const wasm = results.find((r) => r.backend === 'wasm')?.imagesPerSec;
    const cpu = results.find((r) => r.backend === 'cpu')?.imagesPerSec;
    const speedupWasmOverCpu = wasm !== undefined && cpu !== undefined ? wasm / cpu : null;
    console.log(JSON.stringify({ bench: 'training', net: netLabel(net), batch: options.batch, results, speedupWasmOverCpu }));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds of k nes steps per backend then k PyTorch steps, strictly one after the other. */
async function runCompare(options: Options): Promise<void> {
  if (options.nets.length !== 1 || options.nets[0] !== 'darts') throw new UsageError('--compare pytorch: only --nets darts has a PyTorch twin');
  // tfjs has one global backend: two tfjs engines in one round would switch it back and forth.
  if (new Set(options.backends.map(tfjsBackendOf)).size > 1) throw new UsageError('--compare: backends of one tfjs backend only (wasm and tfjs-wasm go together)');
  const pytorch = await startPytorch({ batch: options.batch, channelsLast: options.torchChannelsLast });
  const runners: { backend: string; runner: StepRunner; rates: number[] }[] = [];
  try {
    for (const backend of options.backends) {
      const runner = await stepRunners[backend]!('darts');
      await warmUp(runner, backend, options.batch);
      runners.push({ backend, runner, rates: [] });
    }
    const data = batches(Math.min(4, options.roundSteps), options.batch, 10);
    const torchRates: number[] = [];
    let torchRss = 0;
    for (let round = 1; round <= options.rounds; round++) {
      for (const entry of runners) entry.rates.push(await nesRound(entry.backend, entry.runner, data, round, options));
      const reply = await pytorch.run(options.roundSteps);
      torchRates.push(reply.imagesPerSec);
      torchRss = Math.max(torchRss, reply.maxRssMb);
      console.log(JSON.stringify({ ...reply, engine: 'pytorch', round }));
    }
    console.log(JSON.stringify(compareSummary(options, runners, pytorch, torchRates, torchRss)));
  } finally {
    for (const { runner } of runners) runner.dispose();
    await pytorch.close();
  }
}

async function nesRound(backend: string, runner: StepRunner, data: Batch[], round: number, options: Options): Promise<number> {
  const { seconds, cpuSeconds } = await timeSteps(runner, data, options.roundSteps);
  const images = options.roundSteps * options.batch;
  const line = { bench: 'training', net: netLabel('darts'), engine: `nes-${backend}`, backend, round, batch: options.batch, steps: options.roundSteps, seconds, imagesPerSec: images / seconds, cpuImagesPerSec: images / cpuSeconds, ...memoryFields(runner) };
  console.log(JSON.stringify(line));
  return line.imagesPerSec;
}

function compareSummary(
  options: Options,
  runners: { backend: string; runner: StepRunner; rates: number[] }[],
  pytorch: PytorchServer,
  torchRates: number[],
  torchRss: number,
): Record<string, unknown> {
  const torchMedian = median(torchRates);
  const nes = runners.map(({ backend, runner, rates }) => ({ engine: `nes-${backend}`, medianImagesPerSec: median(rates), ...memoryFields(runner) }));
  const ratios = Object.fromEntries(nes.map((n) => [n.engine, n.medianImagesPerSec / torchMedian]));
  return {
    bench: 'training-compare',
    net: netLabel('darts'),
    batch: options.batch,
    rounds: options.rounds,
    roundSteps: options.roundSteps,
    nes,
    pytorch: { engine: 'pytorch', torch: pytorch.torch, threads: 1, channelsLast: options.torchChannelsLast, parameters: pytorch.parameters, medianImagesPerSec: torchMedian, maxRssMb: torchRss },
    // nes median / PyTorch median, for the first nes backend (all of them in ratios).
    ratio: nes.length > 0 ? nes[0]!.medianImagesPerSec / torchMedian : null,
    ratios,
  };
}

/** A promise, an {error} object (backend without a timer) or a number: ms, or null. */
async function kernelMs(value: unknown): Promise<number | null> {
  const resolved: unknown = await value;
  return typeof resolved === 'number' && Number.isFinite(resolved) ? resolved : null;
}

/**
 * Profile of the compiled network: time and calls per layer class and pass over a few warmed-up
 * steps, and what the step spends outside layers (loss, optimizer, JS glue).
 */
async function profileCompiled(net: NetName, options: Options): Promise<void> {
  const profile: LayerProfile = new Map();
  const runner = await compiledRunner(net, profile);
  await warmUp(runner, 'wasm', options.batch);
  profile.clear();
  const steps = Math.max(1, options.steps['wasm'] ?? 6);
  const { seconds } = await timeSteps(runner, batches(steps, options.batch, 10), steps);
  const where = { net: netLabel(net), backend: 'wasm', batch: options.batch, steps };
  const rows = [...profile.entries()].sort((a, b) => b[1].ms - a[1].ms);
  for (const [layer, { calls, ms }] of rows) {
    console.log(JSON.stringify({ bench: 'training-profile', ...where, layer, callsPerStep: calls / steps, msPerStep: ms / steps }));
  }
  const layerCalls = rows.reduce((sum, [, row]) => sum + row.calls, 0) / steps;
  const layerMs = rows.reduce((sum, [, row]) => sum + row.ms, 0) / steps;
  const wallMs = (seconds * 1000) / steps;
  // Outside the layers: cross-entropy, gradient norm, SGD, zeroing gradients, the input copy.
  console.log(JSON.stringify({ bench: 'training-profile', ...where, layerCalls, layerMs, wallMs, outsideLayersMs: wallMs - layerMs, ...memoryFields(runner) }));
  runner.dispose();
}

/** tf.profile over one warmed-up step of each tfjs backend (per-kernel time and output bytes); the compiled network's own profile for wasm. */
async function runProfile(options: Options): Promise<void> {
  for (const net of options.nets) {
    for (const backend of options.backends) {
      if (backend === 'wasm') {
        await profileCompiled(net, options);
        continue;
      }
      const runner = await stepRunners[backend]!(net);
      await warmUp(runner, backend, options.batch);
      const { x, labels } = randomBatch(options.batch, 10);
      // One plain step first: the profiled one pays the profiler's per-kernel bookkeeping.
      const plainStarted = performance.now();
      await runner.step(x, labels);
      const unprofiledWallMs = performance.now() - plainStarted;
      let wallMs = 0;
      const info = await tf.profile(async () => {
        const started = performance.now();
        await runner.step(x, labels);
        wallMs = performance.now() - started;
        return tf.scalar(0); // profile wants a tensor container; the step's own outputs are tidied
      });
      tf.dispose(info.result as tf.Tensor);
      await printProfile(info, { net: netLabel(net), backend, batch: options.batch, wallMs, unprofiledWallMs });
      runner.dispose();
    }
  }
}

async function printProfile(
  info: Awaited<ReturnType<typeof tf.profile>>,
  where: { net: string; backend: string; batch: number; wallMs: number; unprofiledWallMs: number },
): Promise<void> {
  const byKernel = new Map<string, { kernel: string; calls: number; totalMs: number; bytesOut: number; scope?: true }>();
  let untimed = 0;
  for (const kernel of info.kernels) {
    const ms = await kernelMs(kernel.kernelTimeMs);
    if (ms === null) untimed++;
    const entry = byKernel.get(kernel.name) ?? { kernel: kernel.name, calls: 0, totalMs: 0, bytesOut: 0 };
    // Not a registered kernel: a custom-gradient op scope (e.g. fusedConv2d__op) whose time
    // includes the kernels it runs, which are listed too; kept out of the totals.
    if ((tf.getKernel(kernel.name, tf.getBackend()) as tf.KernelConfig | undefined) === undefined) entry.scope = true;
    entry.calls++;
    entry.totalMs += ms ?? 0;
    // Output bytes at 4 per element (float32/int32; the profile does not give dtypes).
    entry.bytesOut += kernel.outputShapes.reduce<number>((sum, shape) => sum + 4 * (shape ?? []).reduce((a, b) => a * b, 1), 0);
    byKernel.set(kernel.name, entry);
  }
  const rows = [...byKernel.values()].sort((a, b) => b.totalMs - a.totalMs);
  for (const row of rows) console.log(JSON.stringify({ bench: 'training-profile', ...where, ...row }));
  const kernels = rows.filter((row) => !row.scope);
  const kernelCalls = kernels.reduce((sum, row) => sum + row.calls, 0);
  const kernelMsTotal = kernels.reduce((sum, row) => sum + row.totalMs, 0);
  console.log(
    JSON.stringify({
      bench: 'training-profile',
      ...where,
      kernelCalls,
      kernelMs: kernelMsTotal,
      untimedKernels: untimed,
      // Time outside kernels (tfjs layers, tape, dispatch, and the profiler's own bookkeeping), per call.
      jsOverheadMsPerCall: (where.wallMs - kernelMsTotal) / kernelCalls,
      peakBytes: info.peakBytes,
    }),
  );
}

/**
 * Inference throughput, as every member predicts validation and test data at each severity:
 * predictProbs (the compiled network on wasm) against tfjs's model.predict, batch 256 by default
 * (`--batch`), over 1,024 images.
 */
async function runPredict(options: Options): Promise<void> {
  const count = 1024;
  const batchSize = options.batch === 64 ? 256 : options.batch;
  const rng = createRng('nes-bench-predict');
  const pixels = Uint8Array.from({ length: count * inputShape[0] * inputShape[1] * inputShape[2] }, () => rng.int(256));
  const source = { images: pixels, count, height: inputShape[0], width: inputShape[1], channels: inputShape[2] };
  const normalization = { mean: [0.5], std: [0.25] };
  for (const net of options.nets) {
    const results: { backend: string; imagesPerSec: number }[] = [];
    for (const backend of options.backends) {
      await initEngine(tfjsBackendOf(backend) as EngineName);
      const model = buildNet(net);
      // predictProbs on every engine but tfjs-wasm, which times tfjs's own model.predict on wasm.
      const predict = backend === 'tfjs-wasm' ? async () => tfjsPredict(model, source, normalization, batchSize) : () => predictProbs(model, source, normalization, batchSize);
      await predict(); // warm-up: compilation, heap growth
      const started = performance.now();
      await predict();
      const seconds = (performance.now() - started) / 1000;
      model.dispose();
      const line = { bench: 'training-predict', net: netLabel(net), backend, batch: batchSize, images: count, seconds, imagesPerSec: count / seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
      console.log(JSON.stringify(line));
      results.push({ backend, imagesPerSec: line.imagesPerSec });
    }
    console.log(JSON.stringify({ bench: 'training-predict', net: netLabel(net), batch: batchSize, results }));
  }
}

/** predictProbs as it was before the compiled network: model.predict batch by batch. */
function tfjsPredict(model: tf.LayersModel, source: ImageSource, normalization: Normalization, batchSize: number): Float32Array {
  const probs = new Float32Array(source.count * numClasses);
  for (let start = 0; start < source.count; start += batchSize) {
    const end = Math.min(source.count, start + batchSize);
    tf.tidy(() => probs.set((model.predict(normalizedBatch(source, { start, end }, normalization)) as tf.Tensor).dataSync() as Float32Array, start * numClasses));
  }
  return probs;
}

export async function run(args: string[]): Promise<void> {
  try {
    const options = parseArgs(args);
    if (options.profile) await runProfile(options);
    else if (options.predict) await runPredict(options);
    else if (options.compare === 'pytorch') await runCompare(options);
    else await runThroughput(options);
  } catch (error) {
    if (!(error instanceof PytorchUnavailableError || error instanceof UsageError)) throw error;
    console.error(`bench training: ${error.message}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}
