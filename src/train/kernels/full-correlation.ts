/**
 * Geometry of input gradients: dx of a conv is a stride-1 "full" correlation of dy, spread on the
 * input grid, with the filter rotated 180°.
 */
import type * as tf from '@tensorflow/tfjs';
import type { KernelScope } from './kernel-scope.js';
import type { SidePads } from './padded-conv.js';

/**
 * Pads of the stride-1 correlation over a grid of gridHeight×gridWidth dy samples (already spread
 * by the stride) that yields exactly the forward input size: input row i reads grid rows
 * i + pt − (k−1)·d … i + pt.
 */
export function fullCorrelationPads(
  info: tf.backend_util.Conv2DInfo,
  gridHeight: number,
  gridWidth: number,
): SidePads {
  const { filterHeight: kh, filterWidth: kw, dilationHeight: dh, dilationWidth: dw } = info;
  const { inHeight: h, inWidth: w, padInfo } = info;
  const top = (kh - 1) * dh - padInfo.top;
  const left = (kw - 1) * dw - padInfo.left;
  const bottom = h - gridHeight - top + (kh - 1) * dh;
  const right = w - gridWidth - left + (kw - 1) * dw;
  return [top, bottom, left, right];
}

/** The filter rotated 180° in its two spatial dims. */
export function rotate180(scope: KernelScope, filter: tf.TensorInfo): tf.TensorInfo {
  const [kh, kw] = filter.shape;
  return kh === 1 && kw === 1 ? filter : scope.run('Reverse', { x: filter }, { dims: [0, 1] });
}
