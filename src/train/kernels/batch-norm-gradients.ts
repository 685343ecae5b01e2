/**
 * Leaner gradients for the ops of a training-mode BatchNormalization layer (tf.moments, then
 * FusedBatchNorm), global in tfjs like every gradient definition, so they serve every backend.
 *
 * - FusedBatchNorm: the stock gradient tiles rsqrt(var) to the full input shape and makes ~10
 *   full-size passes plus 4 reductions. Here: dx = dy·(γ/σ) by broadcasting, and the shared
 *   reductions Σdy and Σdy·(x−μ) once each (3 full-size passes, 2 reductions); the mean, variance,
 *   scale and offset partials are then per-channel arithmetic.
 * - Mean: the stock gradient multiplies dy by a full-size ones tensor and divides (3 passes);
 *   here dy/N is broadcast to the input shape (1 pass).
 */
import * as tf from '@tensorflow/tfjs';

function reductionAxes(small: number[], full: number[]): number[] {
  return tf.backend_util.getReductionAxes(small, full);
}

/** Sums `t` down to `shape` (the shape of a broadcast operand) over the broadcast axes. */
function sumTo(t: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = reductionAxes(shape, t.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, shape);
}

export const fusedBatchNormGradientConfig: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dyOrList, saved, attrs) => {
    const dy = dyOrList as tf.Tensor;
    const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    const epsilon = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
    // Computed here, not in the per-input closures: the engine runs each closure in its own tidy.
    const rstd = tf.rsqrt(tf.add(variance, epsilon)); // 1/σ
    const gain = scale == null ? rstd : tf.mul(scale, rstd); // γ/σ
    const varianceFactor = tf.mul(tf.mul(gain, tf.square(rstd)), -0.5); // −γ/(2σ³)
    const sameShape = (t: tf.Tensor) => tf.util.arraysEqual(t.shape, mean.shape);
    const offsetShape = mean.shape; // offset is not saved; tfjs gives it the shape of mean
    if (!(sameShape(variance) && sameShape(gain))) {
      // Parameters of different shapes (never built by our layers): the per-element formulas.
      const centred = tf.sub(x, mean);
      return {
        x: () => tf.mul(dy, gain),
        mean: () => sumTo(tf.mul(dy, tf.neg(gain)), mean.shape),
        variance: () => sumTo(tf.mul(tf.mul(dy, centred), varianceFactor), variance.shape),
        scale: () => sumTo(tf.mul(tf.mul(dy, centred), rstd), scale?.shape ?? mean.shape),
        offset: () => sumTo(dy, offsetShape),
      };
    }
    // Per-channel parameters: the reductions factor out of the per-channel constants.
    const sumDy = sumTo(dy, mean.shape);
    const sumDyCentred = sumTo(tf.mul(dy, tf.sub(x, mean)), mean.shape); // Σ dy·(x−μ)
    return {
      x: () => tf.mul(dy, gain),
      mean: () => tf.neg(tf.mul(gain, sumDy)),
      variance: () => tf.mul(varianceFactor, sumDyCentred),
      scale: () => sumTo(tf.mul(rstd, sumDyCentred), scale?.shape ?? mean.shape),
      offset: () => tf.reshape(sumDy, offsetShape),
    };
  },
};

export const meanGradientConfig: tf.GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dyOrList, saved, attrs) => {
    const dy = dyOrList as tf.Tensor;
    const [x] = saved as [tf.Tensor];
    const { axis } = attrs as unknown as { axis: number | number[] };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const reduceSize = tf.util.sizeFromShape(axes.map((a) => x.shape[a]!));
    const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy, keptShape), reduceSize), x.shape) };
  },
};
