import type * as tf from '@tensorflow/tfjs';
import type { BuildContext } from '../build-context.js';
import type { Slot } from '../slot.js';

/** One layer of a compiled network. Backward kernels accumulate into the gradients of the inputs. */
export interface CompiledLayer {
  readonly name: string;
  forward(batch: number, training: boolean): void;
  backward(batch: number): void;
}

export interface Compiled {
  output: Slot;
  layer: CompiledLayer;
}

/**
 * Compiles one tfjs layer applied to `inputs`, given the layers that read its output; throws
 * UnsupportedLayerError for configurations it does not cover.
 */
export type LayerCompiler = (layer: tf.layers.Layer, inputs: Slot[], ctx: BuildContext, readers: readonly tf.layers.Layer[]) => Compiled;

/** A layer (or layer configuration) the compiled engine does not implement: the tfjs path runs the model instead. */
export class UnsupportedLayerError extends Error {
  constructor(layer: tf.layers.Layer, what: string) {
    super(`${layer.getClassName()} layer ${layer.name}: ${what}`);
    this.name = 'UnsupportedLayerError';
  }
}

/** A layer's serialised config, the public view of its settings. */
export function configOf(layer: tf.layers.Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

/** [a, b] from a tfjs size setting given as a number or a pair. */
export function pairOf(value: unknown, fallback: number): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  const [a, b] = value as number[];
  return [a ?? fallback, b ?? a ?? fallback];
}
