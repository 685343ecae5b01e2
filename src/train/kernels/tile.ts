/**
 * Tile for wasm: writes x once into the output, then repeats each tiled block by doubling
 * copyWithin (memcpy speed). The stock kernel computes an index per element, and the
 * batch-norm gradient tiles [1,1,1,c] over the whole activation, once per BN layer.
 */
import * as tf from '@tensorflow/tfjs';
import { copyBlock, floatOffset, heapBackend, heapWords, stridesOf } from './heap.js';
import type { KernelArgs } from './kernel-scope.js';
import { stockKernel } from './stock-kernels.js';

/** Fills heap[start + len .. start + len*times) with copies of heap[start .. start + len). */
function repeatInPlace(heap: Int32Array, start: number, length: number, times: number): void {
  let filled = length;
  const total = length * times;
  while (filled < total) {
    const chunk = Math.min(filled, total - filled);
    heap.copyWithin(start + filled, start, start + chunk);
    filled += chunk;
  }
}

/**
 * Tiles dims `dim..` of the input block at `src` into the output block at `dst`: lays down one copy
 * of every sub-block, then repeats the whole (one-rep) block along `dim`.
 */
function tileDims(
  heap: Int32Array,
  dim: number,
  src: number,
  dst: number,
  shape: readonly number[],
  reps: readonly number[],
  srcStrides: readonly number[],
  dstStrides: readonly number[],
): void {
  const rank = shape.length;
  // Innermost dims that are not tiled form one strided block copy.
  let untiledFrom = rank;
  while (untiledFrom > dim && reps[untiledFrom - 1] === 1) untiledFrom--;
  if (untiledFrom === dim) {
    copyBlock(heap, src, srcStrides.slice(dim), dst, dstStrides.slice(dim), shape.slice(dim));
    return;
  }
  for (let i = 0; i < shape[dim]!; i++) {
    tileDims(heap, dim + 1, src + i * srcStrides[dim]!, dst + i * dstStrides[dim]!, shape, reps, srcStrides, dstStrides);
  }
  repeatInPlace(heap, dst, shape[dim]! * dstStrides[dim]!, reps[dim]!);
}

function tile(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const x = args.inputs['x']!;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return stockKernel('Tile')(args);
  const { reps } = args.attrs as unknown as { reps: number[] };
  const outShape = x.shape.map((size, i) => size * reps[i]!);
  const wasm = heapBackend(args.backend);
  const out = wasm.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const heap = heapWords(wasm);
  tileDims(heap, 0, floatOffset(wasm, x), floatOffset(wasm, out), x.shape, reps, stridesOf(x.shape), stridesOf(outShape));
  return out;
}

export const tileConfig: tf.KernelConfig = { kernelName: 'Tile', backendName: 'wasm', kernelFunc: tile };
