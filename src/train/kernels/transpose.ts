/**
 * Transpose for wasm. The stock kernel walks the output with a strided read per element, which is
 * fast for few channels but ~15× slower per element at 32+ channels (every read a cache miss), and
 * slow at rank 5–6 (DARTS space-to-batch permutes). Here: dims that stay adjacent are merged; when
 * the innermost dim stays innermost it is a strided block copy; otherwise the two dims that swap
 * innermost roles are copied in cache-sized tiles.
 */
import * as tf from '@tensorflow/tfjs';
import { copyBlock, floatOffset, heapBackend, heapWords, stridesOf } from './heap.js';
import type { KernelArgs } from './kernel-scope.js';
import { stockKernel } from './stock-kernels.js';

const TILE = 32;

/** Drops size-1 dims and merges input dims that stay consecutive in the output. */
function simplify(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  // Groups of input axes that appear consecutively (a, a+1, …) in the output order.
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups[groups.length - 1];
    const previous = last?.[last.length - 1];
    if (last !== undefined && previous !== undefined && axis === nextKeptAxis(shape, previous)) last.push(axis);
    else groups.push([axis]);
  }
  const byInputOrder = [...groups].sort((a, b) => a[0]! - b[0]!);
  const mergedShape = byInputOrder.map((group) => group.reduce((size, axis) => size * shape[axis]!, 1));
  const mergedPerm = groups.map((group) => byInputOrder.indexOf(group));
  return { shape: mergedShape, perm: mergedPerm };
}

/** The next input axis after `axis` whose size is not 1. */
function nextKeptAxis(shape: readonly number[], axis: number): number {
  let next = axis + 1;
  while (next < shape.length && shape[next] === 1) next++;
  return next;
}

/**
 * out[o] = in[i] over two swapped dims in TILE×TILE tiles: `rows` steps the input innermost dim
 * (output stride rowStride), `cols` the output innermost dim (input stride colStride).
 */
function tiledSwap(
  heap: Int32Array, src: number, dst: number, rows: number, rowStride: number, cols: number, colStride: number,
): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        const out = dst + r * rowStride;
        for (let c = c0; c < c1; c++) heap[out + c] = heap[src + r + c * colStride]!;
      }
    }
  }
}

function transpose(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const x = args.inputs['x']!;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return stockKernel('Transpose')(args);
  const { perm } = args.attrs as unknown as { perm: number[] };
  const outShape = perm.map((axis) => x.shape[axis]!);
  const wasm = heapBackend(args.backend);
  const out = wasm.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const heap = heapWords(wasm);
  const simple = simplify(x.shape, perm);
  const inStrides = stridesOf(simple.shape);
  const sizes = simple.perm.map((axis) => simple.shape[axis]!);
  const srcStrides = simple.perm.map((axis) => inStrides[axis]!);
  const dstStrides = stridesOf(sizes);
  const src = floatOffset(wasm, x);
  const dst = floatOffset(wasm, out);
  const rank = sizes.length;
  if (rank === 0 || srcStrides[rank - 1] === 1) {
    copyBlock(heap, src, srcStrides, dst, dstStrides, sizes.length === 0 ? [1] : sizes);
    return out;
  }
  // Output position of the input's innermost dim, and the input stride of the output's innermost.
  const rowDim = simple.perm.indexOf(simple.shape.length - 1);
  const colDim = rank - 1;
  const outer = sizes.map((_, d) => d).filter((d) => d !== rowDim && d !== colDim);
  const counters = new Array<number>(outer.length).fill(0);
  let srcBase = src;
  let dstBase = dst;
  for (;;) {
    tiledSwap(heap, srcBase, dstBase, sizes[rowDim]!, dstStrides[rowDim]!, sizes[colDim]!, srcStrides[colDim]!);
    let k = outer.length - 1;
    for (; k >= 0; k--) {
      const d = outer[k]!;
      if (++counters[k]! < sizes[d]!) {
        srcBase += srcStrides[d]!;
        dstBase += dstStrides[d]!;
        break;
      }
      counters[k] = 0;
      srcBase -= (sizes[d]! - 1) * srcStrides[d]!;
      dstBase -= (sizes[d]! - 1) * dstStrides[d]!;
    }
    if (k < 0) return out;
  }
}

export const transposeConfig: tf.KernelConfig = { kernelName: 'Transpose', backendName: 'wasm', kernelFunc: transpose };
