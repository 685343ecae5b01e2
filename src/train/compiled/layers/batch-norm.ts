/**
 * BatchNormalization over the channel axis as tfjs-layers computes it: in training, batch mean
 * and biased variance normalise the batch and move the moving statistics by
 * moving −= (moving − batch)·(1 − momentum); in inference the moving statistics normalise.
 */
import type { Compiled, LayerCompiler } from './types.js';
import { configOf, UnsupportedLayerError } from './types.js';

export const compileBatchNormalization: LayerCompiler = (layer, [x], ctx): Compiled => {
  const config = configOf(layer);
  const rank = x!.shape.length + 1;
  const axis = config['axis'] as number;
  if (axis !== -1 && axis !== rank - 1) throw new UnsupportedLayerError(layer, `axis ${axis} (only the channel axis)`);
  if (config['center'] === false || config['scale'] === false) throw new UnsupportedLayerError(layer, 'without center or scale');
  const epsilon = config['epsilon'] as number;
  const momentum = config['momentum'] as number;
  const channels = x!.shape[x!.shape.length - 1] as number;
  const rowsPerImage = x!.size / channels;
  const gamma = ctx.weight(layer, 'gamma');
  const beta = ctx.weight(layer, 'beta');
  const movingMean = ctx.weight(layer, 'moving_mean');
  const movingVariance = ctx.weight(layer, 'moving_variance');
  const mean = ctx.floats(channels);
  const variance = ctx.floats(channels);
  const invStd = ctx.floats(channels);
  const scale = ctx.floats(channels);
  const shift = ctx.floats(channels);
  const y = ctx.slot(x!.shape);
  const k = ctx.kernels;
  const arena = ctx.arena;

  /** scale = γ/√(var + ε), shift = β − mean·scale from the given statistics; keeps 1/√(var + ε). */
  const affine = (meanAt: number, varianceAt: number): void => {
    const f = arena.f32;
    for (let c = 0; c < channels; c++) {
      const inverse = 1 / Math.sqrt((f[varianceAt / 4 + c] as number) + epsilon);
      const s = (f[gamma.value / 4 + c] as number) * inverse;
      f[invStd / 4 + c] = inverse;
      f[scale / 4 + c] = s;
      f[shift / 4 + c] = (f[beta.value / 4 + c] as number) - (f[meanAt / 4 + c] as number) * s;
    }
  };
  const updateMoving = (): void => {
    const f = arena.f32;
    const decay = 1 - momentum;
    for (let c = 0; c < channels; c++) {
      const m = movingMean.value / 4 + c;
      const v = movingVariance.value / 4 + c;
      f[m] = (f[m] as number) - ((f[m] as number) - (f[mean / 4 + c] as number)) * decay;
      f[v] = (f[v] as number) - ((f[v] as number) - (f[variance / 4 + c] as number)) * decay;
    }
  };

  return {
    output: y,
    layer: {
      name: layer.name,
      forward(n, training) {
        const rows = n * rowsPerImage;
        if (training) {
          k.batchNormStats(x!.value, rows, channels, mean, variance);
          affine(mean, variance);
          updateMoving();
        } else {
          affine(movingMean.value, movingVariance.value);
        }
        k.batchNormApply(x!.value, y.value, rows, channels, scale, shift);
      },
      backward(n) {
        if (x!.grad < 0 || gamma.grad < 0 || beta.grad < 0) throw new Error(`${layer.name}: BatchNorm gradient needs trainable γ, β and an input gradient`);
        k.batchNormBackprop(x!.value, y.grad, x!.grad, n * rowsPerImage, channels, mean, invStd, gamma.value, gamma.grad, beta.grad);
      },
    },
  };
};
