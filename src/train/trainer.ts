/**
 * Training loop as DARTS/NES train a network: SGD with momentum, PyTorch-style weight decay on
 * every trainable parameter (BN gamma/beta included, as torch.optim.SGD(model.parameters())),
 * optional global-norm gradient clipping, cosine annealing per epoch, seeded shuffling. Training
 * can stop after any epoch and continue later from its TrainingState (multi-fidelity search
 * promotes a network to more epochs without training it again from the start).
 */
import * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../data/types.js';
import { createRng, type Rng } from '../util/rng.js';
import { compiledNetworkFor } from './compiled/use-compiled.js';
import { registerGradientOverrides } from './kernels/index.js';
import { logitsModel } from './model/logits.js';
import { normalizedBatch, normalizeInto, type Normalization } from './normalize.js';
import { checkedGpuWork } from './webgpu.js';

export type { LabelledImages } from '../data/types.js';

export interface TrainConfig {
  /** Length of the whole schedule: the cosine anneals over these epochs, also when training stops earlier. */
  epochs: number;
  batchSize: number;
  /** Initial learning rate, annealed to 0 by a cosine over the epochs. */
  learningRate: number;
  /** SGD momentum (NES: 0.9). */
  momentum: number;
  /** L2 coefficient added to every trainable parameter's gradient (NES: 3e-4). */
  weightDecay: number;
  /** Seeds the batch order. */
  seed: number;
  normalization: Normalization;
  /** Max global L2 norm of the loss gradient, as clip_grad_norm_ (DARTS: 5). */
  gradientClip?: number;
  /**
   * Continue a training that stopped after some epochs: the state its train() returned, with the
   * model holding the weights it ended with. The schedule, batch order and momentum pick up where
   * it stopped, so the result equals one uninterrupted training of the same length.
   */
  resumeFrom?: TrainingState;
  /** Stop after this epoch (1-based) of the schedule; default `epochs`, the end. */
  untilEpoch?: number;
  /**
   * Return the TrainingState to continue from later. Off by default: reading the momentum back
   * costs a copy of every trainable weight (a GPU read-back on webgpu) that a training run to its
   * end does not need.
   */
  keepState?: boolean;
}

/** Where a training stopped, besides the model's weights: what it needs to continue. */
export interface TrainingState {
  /** Epochs of the schedule completed. */
  epochsDone: number;
  /** SGD momentum buffers, model.trainableWeights in order, concatenated. */
  momentum: Float32Array;
}

export interface TrainData {
  train: LabelledImages;
  /** Not read by train(): accepted so callers can pass their splits as they are. */
  validation?: LabelledImages;
}

export interface BatchInfo {
  /** 1-based epoch number. */
  epoch: number;
  /** 1-based batch number within the epoch. */
  batch: number;
  batches: number;
  loss: number;
}

export interface EpochInfo {
  /** 1-based number of the epoch just finished. */
  epoch: number;
  epochs: number;
  /** Mean training loss of the epoch. */
  loss: number;
  /** Learning rate used during the epoch. */
  learningRate: number;
  seconds: number;
}

export interface TrainHooks {
  onBatch?(info: BatchInfo): void;
  onEpoch?(info: EpochInfo): void | Promise<void>;
  /** Checked before every batch; true ends training early (the epoch in progress is dropped). */
  shouldStop?(): boolean;
}

export interface TrainResult {
  /** Mean training loss of each epoch completed by this call. */
  lossCurve: number[];
  seconds: number;
  /** True when shouldStop() ended training early. */
  stopped: boolean;
  /**
   * To continue this training later (resumeFrom), when asked for (keepState). Absent when
   * shouldStop() ended it: the weights are then part-way through an epoch, and only whole epochs
   * resume.
   */
  state?: TrainingState;
}

/** The loss became NaN or ±Infinity: the run diverged. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
  ) {
    super(`non-finite training loss ${loss} at epoch ${epoch}, batch ${batch}`);
    this.name = 'NonFiniteLossError';
  }
}

/** PyTorch CosineAnnealingLR (eta_min 0) stepped per epoch; `epoch` is 0-based. */
export function cosineLearningRate(baseLearningRate: number, epoch: number, epochs: number): number {
  return (baseLearningRate * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
}

export async function train(
  model: tf.LayersModel,
  data: TrainData,
  config: TrainConfig,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  checkConfig(config, data.train);
  // Also when the caller picked the backend with tf.setBackend rather than initEngine: without our
  // gradient definitions dilated convs cannot train.
  registerGradientOverrides();
  const started = performance.now();
  const trainSet = data.train;
  const numClasses = model.outputs[0]?.shape[1];
  if (numClasses == null) throw new Error('model output must be [batch, classes]');
  const step = compiledStep(model, config) ?? tfjsStep(model, config, numClasses);
  const order = createRng(`nes-train-order:${config.seed}`);
  const batches = Math.ceil(trainSet.count / config.batchSize);
  const lossCurve: number[] = [];
  const firstEpoch = config.resumeFrom?.epochsDone ?? 0;
  const lastEpoch = config.untilEpoch ?? config.epochs;
  try {
    if (config.resumeFrom) {
      // The batch order of the epochs already trained is drawn again (cheap) to reach the same
      // generator state an uninterrupted training would have.
      for (let epochIndex = 0; epochIndex < firstEpoch; epochIndex++) shuffledPositions(trainSet.count, order);
      await step.restoreMomentum(config.resumeFrom.momentum);
    }
    for (let epochIndex = firstEpoch; epochIndex < lastEpoch; epochIndex++) {
      const epochStarted = performance.now();
      const epoch = epochIndex + 1;
      const learningRate = cosineLearningRate(config.learningRate, epochIndex, config.epochs);
      step.setLearningRate(learningRate);
      const permutation = shuffledPositions(trainSet.count, order);
      let lossSum = 0;
      for (let batchIndex = 0; batchIndex < batches; batchIndex++) {
        if (hooks.shouldStop?.()) return { lossCurve, seconds: elapsedSeconds(started), stopped: true };
        const positions = permutation.subarray(batchIndex * config.batchSize, (batchIndex + 1) * config.batchSize);
        const loss = await step.run(trainSet, positions, { epoch, batch: batchIndex + 1 });
        lossSum += loss * positions.length;
        hooks.onBatch?.({ epoch, batch: batchIndex + 1, batches, loss });
      }
      const meanLoss = lossSum / trainSet.count;
      lossCurve.push(meanLoss);
      await hooks.onEpoch?.({
        epoch,
        epochs: config.epochs,
        loss: meanLoss,
        learningRate,
        seconds: elapsedSeconds(epochStarted),
      });
    }
    const state = config.keepState ? { epochsDone: lastEpoch, momentum: await step.readMomentum() } : undefined;
    return { lossCurve, seconds: elapsedSeconds(started), stopped: false, state };
  } finally {
    step.close();
  }
}

interface TrainStep {
  setLearningRate(learningRate: number): void;
  /** A copy of the momentum buffers (TrainingState.momentum's layout); zeros before the first step. */
  readMomentum(): Promise<Float32Array>;
  /** Sets the momentum buffers before the first step of a resumed training. */
  restoreMomentum(momentum: Float32Array): Promise<void>;
  /** One SGD step on the given images; returns the batch's mean loss (checked finite). */
  run(images: LabelledImages, positions: Int32Array, where: { epoch: number; batch: number }): number | Promise<number>;
  /** Leaves the trained weights in the model and frees what the step held. */
  close(): void;
}

/**
 * The step on the compiled network (the wasm engine, for models it implements), or null. The
 * model's variables get the weights back in close(), also when training stopped or diverged.
 */
function compiledStep(model: tf.LayersModel, config: TrainConfig): TrainStep | null {
  const network = compiledNetworkFor(model, { capacity: config.batchSize, training: true });
  if (network === null) return null;
  const labels = new Int32Array(config.batchSize);
  let learningRate = config.learningRate;
  return {
    setLearningRate(rate) {
      learningRate = rate;
    },
    readMomentum: async () => network.momentumValues().slice(),
    async restoreMomentum(momentum) {
      checkMomentumLength(momentum, network.momentumValues().length);
      network.momentumValues().set(momentum);
    },
    run(images, positions, where) {
      const count = normalizeInto(images, positions, config.normalization, network.inputValues());
      for (let i = 0; i < count; i++) labels[i] = images.labels[positions[i] as number] as number;
      const loss = network.trainStep(count, labels, {
        learningRate,
        momentum: config.momentum,
        weightDecay: config.weightDecay,
        gradientClip: config.gradientClip,
      });
      if (!Number.isFinite(loss)) throw new NonFiniteLossError(where.epoch, where.batch, loss);
      return loss;
    },
    close() {
      try {
        network.storeWeights();
      } finally {
        network.dispose();
      }
    },
  };
}

function tfjsStep(model: tf.LayersModel, config: TrainConfig, numClasses: number): TrainStep {
  const optimizer = tf.train.momentum(config.learningRate, config.momentum);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const logits = logitsModel(model);
  const batchLoss = (x: tf.Tensor4D, labels: tf.Tensor1D): tf.Scalar => {
    const targets = tf.oneHot(labels, numClasses);
    // Train mode: BN normalises with batch statistics and updates its moving averages.
    if (logits) {
      const output = logits.apply(x, { training: true }) as tf.Tensor2D;
      return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(output)), 1))) as tf.Scalar;
    }
    // Model without a separable softmax: clip probabilities away from 0 before the log.
    const probs = model.apply(x, { training: true }) as tf.Tensor2D;
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.log(tf.clipByValue(probs, 1e-7, 1))), 1))) as tf.Scalar;
  };
  const floats = variables.reduce((sum, variable) => sum + variable.size, 0);
  return {
    setLearningRate: (learningRate) => optimizer.setLearningRate(learningRate),
    // The optimizer keeps one accumulator per variable, matched by position (regularised() passes
    // every variable in order), created at its first step: none yet means zero momentum.
    async readMomentum() {
      const [iterations, ...accumulators] = await optimizer.getWeights();
      // getWeights() makes a new tensor for the iteration count; the accumulators are the optimizer's own.
      iterations?.tensor.dispose();
      const momentum = new Float32Array(floats);
      let offset = 0;
      for (const [index, variable] of variables.entries()) {
        const accumulator = accumulators[index];
        if (accumulator) momentum.set((await accumulator.tensor.data()) as Float32Array, offset);
        offset += variable.size;
      }
      return momentum;
    },
    async restoreMomentum(momentum) {
      checkMomentumLength(momentum, floats);
      let offset = 0;
      const accumulators = variables.map((variable) => {
        const tensor = tf.tensor(momentum.slice(offset, offset + variable.size), variable.shape, 'float32');
        offset += variable.size;
        return { name: `${variable.name}/momentum`, tensor };
      });
      const iterations = tf.scalar(0);
      try {
        await optimizer.setWeights([{ name: 'iter', tensor: iterations }, ...accumulators]);
      } finally {
        tf.dispose([iterations, ...accumulators.map((accumulator) => accumulator.tensor)]);
      }
    },
    close() {
      optimizer.dispose();
      // tfjs 4.x MomentumOptimizer.dispose() forgets its SGD base's learning-rate scalar.
      tf.SGDOptimizer.prototype.dispose.call(optimizer);
    },
    // Reads the loss with data(), not dataSync(): webgpu cannot read synchronously in Node. On
    // webgpu a GPU error during the step throws (checkedGpuWork) instead of training on zeros.
    run: (images, positions, where) =>
      checkedGpuWork(`training step (epoch ${where.epoch}, batch ${where.batch})`, async () => {
        const { value, grads } = tf.tidy(() => {
          const x = normalizedBatch(images, positions, config.normalization);
          const labels = tf.tensor1d(Int32Array.from(positions, (position) => images.labels[position] as number), 'int32');
          return tf.variableGrads(() => batchLoss(x, labels), variables);
        });
        try {
          const loss = (await value.data())[0] as number;
          // Stop before the update, so a diverged model is not also overwritten with NaNs.
          if (!Number.isFinite(loss)) throw new NonFiniteLossError(where.epoch, where.batch, loss);
          tf.tidy(() => optimizer.applyGradients(regularised(grads, variables, config)));
          return loss;
        } finally {
          value.dispose();
          tf.dispose(grads);
        }
      }),
  };
}

/** Clips the loss gradient by global norm, then adds weight decay, in torch's order. */
function regularised(grads: tf.NamedTensorMap, variables: tf.Variable[], config: TrainConfig): { name: string; tensor: tf.Tensor }[] {
  let factor: tf.Tensor | null = null;
  if (config.gradientClip !== undefined) {
    const squares = Object.values(grads).map((grad) => tf.sum(tf.square(grad)));
    // stack + sum, not addN: webgpu's AddN binds every input at once and a DARTS net has more
    // weights than a shader stage may bind (8 storage buffers on lavapipe), so Dawn rejects it.
    const norm = tf.sqrt(tf.sum(tf.stack(squares)));
    factor = tf.minimum(1, tf.div(config.gradientClip, tf.add(norm, 1e-6)));
  }
  const result: { name: string; tensor: tf.Tensor }[] = [];
  for (const variable of variables) {
    // A weight the loss does not reach still gets an entry: momentum slots are matched by position.
    let grad = grads[variable.name] ?? tf.zerosLike(variable);
    if (factor) grad = tf.mul(grad, factor);
    if (config.weightDecay !== 0) grad = tf.add(grad, tf.mul(variable, config.weightDecay));
    result.push({ name: variable.name, tensor: grad });
  }
  return result;
}

function checkMomentumLength(momentum: Float32Array, floats: number): void {
  if (momentum.length !== floats) {
    throw new RangeError(`the training state holds ${momentum.length} momentum values, this model has ${floats} trainable weights: it belongs to another network`);
  }
}

function shuffledPositions(count: number, rng: Rng): Int32Array {
  const positions = new Int32Array(count);
  for (let i = 0; i < count; i++) positions[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const swap = positions[i] as number;
    positions[i] = positions[j] as number;
    positions[j] = swap;
  }
  return positions;
}

function checkConfig(config: TrainConfig, trainSet: LabelledImages): void {
  const positiveInteger = (name: string, value: number): void => {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  };
  positiveInteger('epochs', config.epochs);
  positiveInteger('batchSize', config.batchSize);
  positiveInteger('training images', trainSet.count);
  if (trainSet.labels.length < trainSet.count) throw new RangeError('fewer labels than training images');
  const done = config.resumeFrom?.epochsDone ?? 0;
  const until = config.untilEpoch ?? config.epochs;
  if (!Number.isInteger(done) || done < 0) throw new RangeError(`resumeFrom.epochsDone must be a non-negative integer, got ${done}`);
  if (!Number.isInteger(until) || until <= done || until > config.epochs) {
    throw new RangeError(`untilEpoch must be an integer in ${done + 1}..${config.epochs} (after the ${done} epochs done, within the schedule), got ${until}`);
  }
  if (config.gradientClip !== undefined && !(config.gradientClip > 0)) {
    throw new RangeError(`gradientClip must be > 0, got ${config.gradientClip}`);
  }
}

function elapsedSeconds(since: number): number {
  return (performance.now() - since) / 1000;
}
