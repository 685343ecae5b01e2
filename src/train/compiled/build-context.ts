/**
 * What a layer compiler gets: the kernels, slots for its outputs and scratch tensors, and its
 * weights in the parameter store. Slots get their storage in finish(), once every layer is
 * compiled and it is known which layers read each slot:
 * - training: values live for the whole step (backward reads them); gradients share memory
 *   where their lives in the backward pass do not overlap, and each is zeroed just before the
 *   first backward kernel that accumulates into it;
 * - inference: values share memory where their lives in the forward pass do not overlap.
 */
import type * as tf from '@tensorflow/tfjs';
import { packIntervals, type LiveBuffer } from './interval-pack.js';
import type { Arena, Kernels } from './kernels-module.js';
import { Slot } from './slot.js';

/** One weight of the network in the kernels' memory. */
export interface WeightRef {
  readonly variable: tf.LayerVariable;
  readonly size: number;
  /** Byte offset of the values. */
  readonly value: number;
  /** Byte offset of the gradient; −1 for frozen weights (BN moving statistics, untrainable layers). */
  readonly grad: number;
}

type MutableWeightRef = { -readonly [K in keyof WeightRef]: WeightRef[K] };

interface SlotLife {
  slot: Slot;
  /** Layer index that writes it (−1: the network input). */
  producer: number;
  /** Last layer index that reads it (−1: none; the network reads the output itself). */
  lastReader: number;
  /** Scratch of its producer only (e.g. the depthwise output inside SeparableConv2D). */
  internal: boolean;
}

/** A gradient range to zero before a layer's backward kernels run. */
export interface ZeroRange {
  offset: number;
  floatsPerImage: number;
}

export interface Finished {
  trainable: { value: number; grad: number; floats: number };
  weights: WeightRef[];
  /** For layer i: the gradients that become live at its backward (zero them for the batch first). */
  zeroBeforeBackward: ZeroRange[][];
  /** Gradients nothing in the network accumulates into (the logits': the loss writes it). */
  zeroBeforeLoss: ZeroRange[];
}

export class BuildContext {
  private readonly lives: SlotLife[] = [];
  private readonly lifeOf = new Map<Slot, SlotLife>();
  private readonly weights = new Map<tf.LayerVariable, MutableWeightRef>();
  private readonly trainable: MutableWeightRef[] = [];
  private readonly trainableFloats: number;
  private readonly trainableValue: number;
  private layerIndex = -1;

  constructor(
    readonly kernels: Kernels,
    readonly arena: Arena,
    /** Largest batch the network runs. */
    readonly capacity: number,
    /** Whether gradients are kept (training) or not (inference only). */
    readonly withGradients: boolean,
    trainableVariables: readonly tf.LayerVariable[],
  ) {
    // Trainable weights first and contiguous: the optimizer and the gradient norm see one array.
    const sizes = trainableVariables.map((variable) => sizeOf(variable.shape));
    this.trainableFloats = sizes.reduce((sum, size) => sum + size, 0);
    this.trainableValue = arena.alloc(Math.max(1, this.trainableFloats));
    let offset = this.trainableValue;
    trainableVariables.forEach((variable, index) => {
      const ref = { variable, size: sizes[index] as number, value: offset, grad: -1 };
      this.weights.set(variable, ref);
      this.trainable.push(ref);
      offset += ref.size * 4;
    });
  }

  /** The layer compiled next; slots made until the next call are its outputs. */
  beginLayer(index: number, inputs: readonly Slot[]): void {
    this.layerIndex = index;
    for (const input of inputs) {
      const life = this.lifeOf.get(input.root);
      if (life) life.lastReader = Math.max(life.lastReader, index);
    }
  }

  /** A new tensor; its storage is placed in finish(). */
  slot(shape: readonly number[], needsGrad = true): Slot {
    return this.track(new Slot(shape, needsGrad && this.withGradients), false);
  }

  /** A tensor only the current layer uses, between its own kernels. */
  scratch(shape: readonly number[]): Slot {
    return this.track(new Slot(shape, this.withGradients), true);
  }

  /** A view of `source` with another per-image shape (Reshape). */
  alias(source: Slot, shape: readonly number[]): Slot {
    return new Slot(shape, source.needsGrad, source);
  }

  /** relu(source) for readers that apply the ReLU themselves (see Slot.reluOfSource). */
  reluView(source: Slot): Slot {
    return new Slot(source.shape, source.needsGrad, source, true);
  }

  /** Floats that live as long as the network (per-channel statistics, scale and shift). */
  floats(count: number): number {
    return this.arena.alloc(count);
  }

  /** Int32 storage for `count` values (max-pool argmax). */
  int32s(count: number): number {
    return this.arena.allocInt32(count);
  }

  /** The layer's weight whose name ends in `/<suffix>` (tfjs's own weight names: kernel, gamma, …). */
  weight(layer: tf.layers.Layer, suffix: string): WeightRef {
    const variable = layer.weights.find((candidate) => candidate.originalName.endsWith(`/${suffix}`));
    if (variable === undefined) throw new Error(`${layer.name}: no weight '${suffix}'`);
    const known = this.weights.get(variable);
    if (known) return known;
    // Not trainable: stored alone, never updated by the optimizer.
    const ref = { variable, size: sizeOf(variable.shape), value: 0, grad: -1 };
    ref.value = this.arena.alloc(ref.size);
    this.weights.set(variable, ref);
    return ref;
  }

  /** Places every slot's storage; call once, after the last layer, with the number of layers. */
  finish(layerCount: number): Finished {
    const zeroBeforeBackward: ZeroRange[][] = Array.from({ length: layerCount }, () => []);
    const zeroBeforeLoss: ZeroRange[] = [];
    let grad = -1;
    if (this.withGradients) {
      for (const life of this.lives) life.slot.bindValue(this.arena.alloc(this.capacity * life.slot.size));
      grad = this.arena.alloc(Math.max(1, this.trainableFloats));
      // Same order and sizes as the values: the optimizer walks both arrays in step.
      let offset = grad;
      for (const ref of this.trainable) {
        ref.grad = offset;
        offset += ref.size * 4;
      }
      this.placeGradients(layerCount, zeroBeforeBackward, zeroBeforeLoss);
    } else {
      this.placeValues(layerCount);
    }
    return {
      trainable: { value: this.trainableValue, grad, floats: this.trainableFloats },
      weights: [...this.weights.values()],
      zeroBeforeBackward,
      zeroBeforeLoss,
    };
  }

  private track(slot: Slot, internal: boolean): Slot {
    const life = { slot, producer: this.layerIndex, lastReader: -1, internal };
    this.lives.push(life);
    this.lifeOf.set(slot, life);
    return slot;
  }

  /**
   * Backward step t runs layer L−1−t. A gradient is live from the backward of its last reader
   * (which accumulates into it first) to that of its producer (which consumes it); one with no
   * reader (the logits) from the start.
   */
  private placeGradients(layerCount: number, zeroBeforeBackward: ZeroRange[][], zeroBeforeLoss: ZeroRange[]): void {
    const lives = this.lives.filter((life) => life.slot.needsGrad);
    const buffers: LiveBuffer[] = lives.map((life) => {
      const firstWriter = life.internal || life.lastReader < 0 ? life.producer : life.lastReader;
      const start = life.lastReader < 0 && !life.internal ? 0 : layerCount - 1 - firstWriter;
      return { start, end: layerCount - 1 - life.producer, floats: this.capacity * life.slot.size };
    });
    const packing = packIntervals(buffers);
    const pool = this.arena.alloc(Math.max(1, packing.floats));
    lives.forEach((life, index) => {
      const offset = pool + (packing.offsets[index] as number) * 4;
      life.slot.bindGrad(offset);
      const range = { offset, floatsPerImage: life.slot.size };
      if (life.internal) zeroBeforeBackward[life.producer]!.push(range);
      else if (life.lastReader < 0) zeroBeforeLoss.push(range);
      else zeroBeforeBackward[life.lastReader]!.push(range);
    });
  }

  /** Forward step i runs layer i; the input is live from before the first, the outputs read by nobody (logits) to the end. */
  private placeValues(layerCount: number): void {
    const buffers: LiveBuffer[] = this.lives.map((life) => ({
      start: life.producer + 1,
      end: life.lastReader < 0 ? (life.internal ? life.producer + 1 : layerCount + 1) : life.lastReader + 1,
      floats: this.capacity * life.slot.size,
    }));
    const packing = packIntervals(buffers);
    const pool = this.arena.alloc(Math.max(1, packing.floats));
    this.lives.forEach((life, index) => life.slot.bindValue(pool + (packing.offsets[index] as number) * 4));
  }
}

/** Elements of a weight (weights have fully known shapes). */
export function sizeOf(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((product, dim) => product * (dim ?? NaN), 1);
}
