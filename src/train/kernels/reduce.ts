/**
 * Sum and Mean for wasm over leading axes (e.g. [0, 1, 2] of an NHWC tensor: every BatchNorm
 * moment and BN / bias gradient). The stock kernels transpose the reduced axes to the end first;
 * here 4-D tensors reduced over [0, 1, 2] go through XNNPACK average pooling (reduceImages), and
 * other leading-axis reductions view x as [N, C] and take one matmul with a column of ones (1/N
 * for Mean). The matmul takes x as its transposed left operand: as the right operand XNNPACK would
 * pack it (≈3 ms for [64·28·28, 24]) on every call. Other reductions: stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { heapBackend } from './heap.js';
import { type KernelArgs, withKernelScope } from './kernel-scope.js';
import { stockKernel } from './stock-kernels.js';

interface ReduceAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/** Number of leading axes `axis` names when it is exactly [0, 1, …, k−1] with 0 < k < rank; else 0. */
function leadingAxes(axis: number | number[], rank: number): number {
  const axes = tf.util.parseAxisParam(axis, new Array<number>(rank).fill(1));
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.length >= rank) return 0;
  return sorted.every((a, i) => a === i) ? sorted.length : 0;
}

function reduceLeading(kernelName: 'Sum' | 'Mean', args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as ReduceAttrs;
  const k = x.dtype === 'float32' ? leadingAxes(axis, x.shape.length) : 0;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, k));
  const cols = tf.util.sizeFromShape(x.shape.slice(k));
  // Few rows or one column: the stock reduction is already a plain loop; many columns: the
  // transposed product walks memory badly.
  if (k === 0 || rows < 64 || cols < 2 || cols > 512) return stockKernel(kernelName)(args) as tf.TensorInfo;
  if (k === 3 && x.shape.length === 4) return reduceImages(kernelName, args);
  const outShape = keepDims ? [...new Array<number>(k).fill(1), ...x.shape.slice(k)] : x.shape.slice(k);
  return withKernelScope(args.backend, (scope) => {
    const weights = new Float32Array(rows).fill(kernelName === 'Mean' ? 1 / rows : 1);
    const ones = scope.track(heapBackend(args.backend).makeOutput([1, rows, 1], 'float32', undefined, weights));
    const matrix = scope.reshape(x, [1, rows, cols]);
    // xᵀ·ones: x as the transposed left operand, which wasm multiplies without packing it.
    const reduced = scope.run('BatchMatMul', { a: matrix, b: ones }, { transposeA: true, transposeB: false });
    return scope.reshape(reduced, outShape);
  });
}

/**
 * Axes [0, 1, 2] of an NHWC tensor: XNNPACK's average pooling over the whole image (SIMD, 2–5×
 * faster than the matmul here), then the stock reduction over the batch of [n, 1, 1, c] means
 * (scaled back by h·w for Sum).
 */
function reduceImages(kernelName: 'Sum' | 'Mean', args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { keepDims } = args.attrs as unknown as ReduceAttrs;
  const [, height, width] = x.shape as [number, number, number, number];
  return withKernelScope(args.backend, (scope) => {
    const imageMeans = scope.run('AvgPool', { x }, { filterSize: [height, width], strides: 1, pad: 'valid', dimRoundingMode: undefined });
    const reduced = scope.track(
      stockKernel(kernelName)({ inputs: { x: imageMeans }, backend: args.backend, attrs: { axis: [0, 1, 2], keepDims } }) as tf.TensorInfo,
    );
    if (kernelName === 'Mean') return reduced;
    const pixels = scope.track(heapBackend(args.backend).makeOutput([], 'float32', undefined, Float32Array.of(height * width)));
    return scope.run('Multiply', { a: reduced, b: pixels });
  });
}

export const reduceConfigs: tf.KernelConfig[] = [
  { kernelName: 'Sum', backendName: 'wasm', kernelFunc: (args) => reduceLeading('Sum', args) },
  { kernelName: 'Mean', backendName: 'wasm', kernelFunc: (args) => reduceLeading('Mean', args) },
];
