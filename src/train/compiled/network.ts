/**
 * A tfjs LayersModel compiled into a fixed sequence of wasm kernel calls over one preallocated
 * memory: the nes wasm engine's training and inference path. tfjs's graph executor, tape and
 * per-op allocation cost more than the arithmetic of a DARTS network (thousands of kernel calls
 * per step, issue 12); here a step is one forward and one backward call per layer, with the
 * gradient of every layer hand-written, and the optimizer one kernel over all weights at once.
 *
 * The model stays the source of truth for the architecture and the weights: they are read from
 * its variables when the network is compiled and written back by storeWeights(). Models with a
 * layer this engine does not implement are refused with UnsupportedLayerError, and the caller
 * uses tfjs instead.
 */
import * as tf from '@tensorflow/tfjs';
import { BuildContext, type Finished, type ZeroRange } from './build-context.js';
import { loadKernels, Arena, type Kernels } from './kernels-module.js';
import { layerCompilers, UnsupportedLayerError, type CompiledLayer } from './layers/index.js';
import { Slot } from './slot.js';

export { UnsupportedLayerError } from './layers/index.js';

export interface CompileOptions {
  /** Largest batch the network will run. */
  capacity: number;
  /** Keep gradients and momentum for training (false: inference only, less memory). */
  training: boolean;
  /** Collects time and calls per layer class and pass (the bench's --profile); off by default. */
  profile?: LayerProfile;
}

/** Milliseconds and calls per `<layer class> forward|backward`. */
export type LayerProfile = Map<string, { calls: number; ms: number }>;

export interface SgdSettings {
  learningRate: number;
  momentum: number;
  weightDecay: number;
  /** Max global L2 norm of the loss gradient (clip_grad_norm_), or undefined for none. */
  gradientClip?: number | undefined;
}

export class CompiledNetwork {
  /** Use CompiledNetwork.compile. */
  constructor(
    private readonly kernels: Kernels,
    private readonly arena: Arena,
    private readonly layers: CompiledLayer[],
    readonly input: Slot,
    private readonly logits: Slot,
    private readonly placed: Finished,
    private readonly momentumAt: number,
    readonly capacity: number,
  ) {}

  /** Compiles `model`; throws UnsupportedLayerError when it uses a layer this engine lacks. */
  static compile(model: tf.LayersModel, options: CompileOptions): CompiledNetwork {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${options.capacity}`);
    const kernels = loadKernels();
    const arena = new Arena(kernels);
    try {
      return compileInto(model, options, kernels, arena);
    } catch (error) {
      arena.dispose();
      throw error;
    }
  }

  get numClasses(): number {
    return this.logits.size;
  }

  /** Size of the kernels' whole memory (it only grows, and is reused by the next network). */
  get memoryBytes(): number {
    return this.arena.capacity;
  }

  /** The trainable weights, all in one array (model.trainableWeights order), to read or change between steps. */
  trainableValues(): Float32Array {
    const { value, floats } = this.placed.trainable;
    return this.arena.f32.subarray(value / 4, value / 4 + floats);
  }

  /**
   * SGD momentum buffers, laid out as trainableValues(): saved in a training checkpoint and set
   * again before a resumed network's first step. Zero until the first step.
   */
  momentumValues(): Float32Array {
    if (this.momentumAt < 0) throw new Error('network compiled for inference only');
    return this.arena.f32.subarray(this.momentumAt / 4, this.momentumAt / 4 + this.placed.trainable.floats);
  }

  /** The input tensor's storage: `capacity` NHWC images, to be filled before a pass. */
  inputValues(): Float32Array {
    return this.arena.f32.subarray(this.input.value / 4, this.input.value / 4 + this.capacity * this.input.size);
  }

  /** Inference pass on the first `batch` input images; writes their softmax probabilities. */
  predict(batch: number, out: Float32Array, outOffset = 0): void {
    this.checkBatch(batch);
    this.forward(batch, false);
    const f = this.arena.f32;
    const classes = this.numClasses;
    const base = this.logits.value / 4;
    for (let row = 0; row < batch; row++) {
      const at = base + row * classes;
      const logSum = logSumExp(f, at, classes);
      for (let c = 0; c < classes; c++) out[outOffset + row * classes + c] = Math.exp((f[at + c] as number) - logSum);
    }
  }

  /**
   * One SGD step on the first `batch` input images: forward in training mode, mean softmax
   * cross-entropy, backward, gradient clipping by global norm, weight decay, momentum update (in
   * torch's order). Returns the loss; when it is not finite the weights are left as they were.
   */
  trainStep(batch: number, labels: ArrayLike<number>, sgd: SgdSettings): number {
    if (this.momentumAt < 0) throw new Error('network compiled for inference only');
    this.checkBatch(batch);
    const { trainable, zeroBeforeBackward, zeroBeforeLoss } = this.placed;
    this.forward(batch, true);
    this.zero(zeroBeforeLoss, batch);
    const loss = this.crossEntropy(batch, labels);
    if (!Number.isFinite(loss)) return loss;
    this.kernels.fill(trainable.grad, trainable.floats, 0);
    for (let index = this.layers.length - 1; index >= 0; index--) {
      this.zero(zeroBeforeBackward[index]!, batch);
      this.layers[index]!.backward(batch);
    }
    let gradScale = 1;
    if (sgd.gradientClip !== undefined) {
      const norm = Math.sqrt(this.kernels.sumSquares(trainable.grad, trainable.floats));
      gradScale = Math.min(1, sgd.gradientClip / (norm + 1e-6));
    }
    const { value, grad, floats } = trainable;
    this.kernels.sgdMomentum(value, grad, this.momentumAt, floats, sgd.learningRate, sgd.momentum, sgd.weightDecay, gradScale);
    return loss;
  }

  /** Writes the weights (trainable and BN moving statistics) back into the model's variables. */
  storeWeights(): void {
    const f = this.arena.f32;
    tf.tidy(() => {
      for (const ref of this.placed.weights) {
        const values = f.slice(ref.value / 4, ref.value / 4 + ref.size);
        ref.variable.write(tf.tensor(values, ref.variable.shape as number[], 'float32'));
      }
    });
  }

  /** Frees the kernel memory; the network cannot run afterwards. */
  dispose(): void {
    this.arena.dispose();
  }

  private zero(ranges: readonly ZeroRange[], batch: number): void {
    for (const range of ranges) this.kernels.fill(range.offset, batch * range.floatsPerImage, 0);
  }

  private forward(batch: number, training: boolean): void {
    for (const layer of this.layers) layer.forward(batch, training);
  }

  /** Mean cross-entropy of softmax(logits); writes its gradient (softmax − onehot)/batch into the logits' gradient. */
  private crossEntropy(batch: number, labels: ArrayLike<number>): number {
    const f = this.arena.f32;
    const classes = this.numClasses;
    const base = this.logits.value / 4;
    const gradBase = this.logits.grad / 4;
    let total = 0;
    for (let row = 0; row < batch; row++) {
      const label = labels[row] as number;
      if (!Number.isInteger(label) || label < 0 || label >= classes) throw new RangeError(`label ${label} outside 0..${classes - 1}`);
      const at = base + row * classes;
      const logSum = logSumExp(f, at, classes);
      total += logSum - (f[at + label] as number);
      for (let c = 0; c < classes; c++) {
        const probability = Math.exp((f[at + c] as number) - logSum);
        f[gradBase + row * classes + c] = (probability - (c === label ? 1 : 0)) / batch;
      }
    }
    return total / batch;
  }

  private checkBatch(batch: number): void {
    if (!Number.isInteger(batch) || batch < 1 || batch > this.capacity) throw new RangeError(`batch ${batch} outside 1..${this.capacity}`);
  }
}

/** log Σ exp of one row of logits, shifted by its max so that exp cannot overflow. */
function logSumExp(f: Float32Array, at: number, classes: number): number {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, f[at + c] as number);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp((f[at + c] as number) - max);
  return max + Math.log(sum);
}

function compileInto(model: tf.LayersModel, options: CompileOptions, kernels: Kernels, arena: Arena): CompiledNetwork {
  const inputShape = model.inputs.length === 1 ? model.inputs[0]!.shape : null;
  if (inputShape === null || inputShape.length !== 4 || inputShape.slice(1).some((d) => d == null)) {
    throw new UnsupportedLayerError(model.layers[0]!, 'model input must be one [batch, height, width, channels] tensor');
  }
  const head = softmaxHead(model);
  const ctx = new BuildContext(kernels, arena, options.capacity, options.training, model.trainableWeights);
  const slots = new Map<number, Slot>();
  ctx.beginLayer(-1, []);
  const input = ctx.slot(inputShape.slice(1) as number[], false);
  slots.set(model.inputs[0]!.id, input);
  const layers: CompiledLayer[] = [];
  const readers = readersByTensor(model);
  let logits: Slot | undefined;
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    if (layer.inboundNodes.length !== 1) throw new UnsupportedLayerError(layer, `applied ${layer.inboundNodes.length} times`);
    const node = layer.inboundNodes[0]!;
    const inputs = node.inputTensors.map((tensor) => {
      const slot = slots.get(tensor.id);
      if (slot === undefined) throw new Error(`${layer.name}: input ${tensor.name} not computed yet`);
      return slot;
    });
    if (layer === head) {
      logits = inputs[0];
      continue;
    }
    ctx.beginLayer(layers.length, inputs);
    const compiler = layerCompilers[layer.getClassName()];
    if (compiler === undefined) throw new UnsupportedLayerError(layer, 'no compiled implementation');
    const compiled = compiler(layer, inputs, ctx, readers.get(node.outputTensors[0]!.id) ?? []);
    if (options.profile) compiled.layer = profiled(compiled.layer, layer.getClassName(), options.profile);
    const expected = node.outputTensors[0]!.shape.slice(1);
    if (expected.join(',') !== compiled.output.shape.join(',')) {
      throw new Error(`${layer.name}: compiled output [${compiled.output.shape.join(', ')}], tfjs says [${expected.join(', ')}]`);
    }
    slots.set(node.outputTensors[0]!.id, compiled.output);
    layers.push(compiled.layer);
  }
  if (logits === undefined || logits.shape.length !== 1) throw new UnsupportedLayerError(head, 'softmax input must be [batch, classes] logits');
  const placed = ctx.finish(layers.length);
  const momentumAt = options.training ? arena.alloc(Math.max(1, placed.trainable.floats)) : -1;
  const f = arena.f32;
  for (const ref of placed.weights) f.set(ref.variable.read().dataSync() as Float32Array, ref.value / 4);
  return new CompiledNetwork(kernels, arena, layers, input, logits, placed, momentumAt, options.capacity);
}

/** The layers that read each symbolic tensor, by tensor id. */
function readersByTensor(model: tf.LayersModel): Map<number, tf.layers.Layer[]> {
  const readers = new Map<number, tf.layers.Layer[]>();
  for (const layer of model.layers) {
    for (const node of layer.inboundNodes) {
      for (const tensor of node.inputTensors) readers.set(tensor.id, [...(readers.get(tensor.id) ?? []), layer]);
    }
  }
  return readers;
}

function profiled(layer: CompiledLayer, kind: string, profile: LayerProfile): CompiledLayer {
  const timed = (pass: string, run: () => void): void => {
    const started = performance.now();
    run();
    const key = `${kind} ${pass}`;
    const entry = profile.get(key) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += performance.now() - started;
    profile.set(key, entry);
  };
  return {
    name: layer.name,
    forward: (batch, training) => timed('forward', () => layer.forward(batch, training)),
    backward: (batch) => timed('backward', () => layer.backward(batch)),
  };
}

/** The model's final softmax Activation: the network computes logits and applies softmax itself. */
function softmaxHead(model: tf.LayersModel): tf.layers.Layer {
  const output = model.outputs.length === 1 ? model.outputs[0]! : null;
  const layer = output?.sourceLayer as tf.layers.Layer | undefined;
  if (!layer || layer.getClassName() !== 'Activation' || (layer.getConfig() as { activation?: string }).activation !== 'softmax') {
    throw new UnsupportedLayerError(layer ?? model.layers[model.layers.length - 1]!, 'model must end in a softmax Activation layer');
  }
  return layer;
}
