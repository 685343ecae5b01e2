/**
 * Sum and Mean for wasm over leading axes (e.g. [0, 1, 2] of an NHWC tensor: every BatchNorm
 * moment and BN / bias gradient). The stock kernels transpose the reduced axes to the end first;
 * here x is viewed as [N, C] and reduced by one XNNPACK matmul with a row of ones (1/N for Mean),
 * about twice as fast at [64·28·28, 24]. The matmul takes x as its transposed left operand: as
 * the right operand XNNPACK would pack it (≈3 ms) on every call. Other reductions: stock kernels.
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

export const reduceConfigs: tf.KernelConfig[] = [
  { kernelName: 'Sum', backendName: 'wasm', kernelFunc: (args) => reduceLeading('Sum', args) },
  { kernelName: 'Mean', backendName: 'wasm', kernelFunc: (args) => reduceLeading('Mean', args) },
];
