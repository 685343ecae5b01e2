/**
 * Forward wasm convolutions (XNNPACK, the fast path of the backend) with per-side padding that may
 * be negative: gradient formulations need "pad by -k", which means cropping the input first.
 */
import type * as tf from '@tensorflow/tfjs';
import type { KernelScope } from './kernel-scope.js';

/** Padding of the two spatial dims of an NHWC tensor: [top, bottom, left, right]. */
export type SidePads = [number, number, number, number];

export interface ConvGeometry {
  strides: [number, number];
  dilations: [number, number];
  pads: SidePads;
}

/** Crops the spatial dims where a pad is negative and returns the remaining (non-negative) pads. */
function cropNegativePads(
  scope: KernelScope,
  x: tf.TensorInfo,
  pads: SidePads,
): { input: tf.TensorInfo; pads: SidePads } {
  const [top, bottom, left, right] = pads;
  const [n, h, w, c] = x.shape;
  const cropTop = Math.max(0, -top);
  const cropBottom = Math.max(0, -bottom);
  const cropLeft = Math.max(0, -left);
  const cropRight = Math.max(0, -right);
  const input = scope.slice(
    x,
    [0, cropTop, cropLeft, 0],
    [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c],
  );
  return {
    input,
    pads: [Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right)],
  };
}

/** Pads the spatial dims by the positive pads and crops them by the negative ones. */
export function padOrCrop(scope: KernelScope, x: tf.TensorInfo, sidePads: SidePads): tf.TensorInfo {
  const { input, pads } = cropNegativePads(scope, x, sidePads);
  if (pads.every((p) => p === 0)) return input;
  return scope.run('PadV2', { x: input }, { paddings: explicitPadding(pads), constantValue: 0 });
}

function explicitPadding(pads: SidePads): number[][] {
  return [
    [0, 0],
    [pads[0], pads[1]],
    [pads[2], pads[3]],
    [0, 0],
  ];
}

/** Regular NHWC convolution, filter [kh, kw, in, out]. */
export function paddedConv2d(scope: KernelScope, x: tf.TensorInfo, filter: tf.TensorInfo, geometry: ConvGeometry): tf.TensorInfo {
  return paddedConvolution(scope, 'Conv2D', x, filter, geometry, { dataFormat: 'NHWC' });
}

/** Depthwise NHWC convolution, filter [kh, kw, in, multiplier]. */
export function paddedDepthwiseConv2d(scope: KernelScope, x: tf.TensorInfo, filter: tf.TensorInfo, geometry: ConvGeometry): tf.TensorInfo {
  return paddedConvolution(scope, 'DepthwiseConv2dNative', x, filter, geometry, {});
}

/** Either convolution kernel with explicit (possibly negative, i.e. cropping) pads. */
function paddedConvolution(
  scope: KernelScope,
  kernel: 'Conv2D' | 'DepthwiseConv2dNative',
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  geometry: ConvGeometry,
  extraAttrs: Record<string, string>,
): tf.TensorInfo {
  const { input, pads } = cropNegativePads(scope, x, geometry.pads);
  return scope.run(
    kernel,
    { x: input, filter },
    {
      strides: geometry.strides,
      dilations: geometry.dilations,
      pad: explicitPadding(pads),
      ...extraAttrs,
      dimRoundingMode: undefined,
    },
  );
}

/**
 * Spreads dy [n, oh, ow, c] onto a grid `stride` times finer, zeros between the samples:
 * [n, oh*sh, ow*sw, c]. The input gradient of a strided conv is a stride-1 conv over this grid.
 */
export function zeroInsert(
  scope: KernelScope,
  dy: tf.TensorInfo,
  strides: [number, number],
): tf.TensorInfo {
  const [sh, sw] = strides;
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const expanded = scope.reshape(dy, [n, oh, 1, ow, 1, c]);
  const spread = scope.run(
    'PadV2',
    { x: expanded },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  return scope.reshape(spread, [n, oh * sh, ow * sw, c]);
}
