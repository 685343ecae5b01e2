/**
 * Direct access to the wasm heap for data-movement kernels. The stock wasm Slice, Concat, Tile,
 * SplitV and Unpack copy channel rows with one subarray()+set() per row, which costs more than the
 * convolutions when rows are 8–32 floats; copying through one view of the whole heap does not
 * allocate per row.
 */
import * as tf from '@tensorflow/tfjs';

interface HeapBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
}

export function heapBackend(backend: object): HeapBackend {
  return backend as HeapBackend;
}

/**
 * 4-byte-word view of the whole heap, for copying float32 and int32 data bit-exactly (a Float32Array
 * element copy could canonicalise NaN payloads, i.e. corrupt negative int32s). Take it after every
 * allocation: heap growth detaches older views.
 */
export function heapWords(backend: HeapBackend): Int32Array {
  return new Int32Array(backend.wasm.HEAPU8.buffer);
}

/** Float32 view of the whole heap, for arithmetic kernels. Same caveat as heapWords. */
export function heapFloats(backend: HeapBackend): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer);
}

/** Index of the tensor's first element in heapWords() / heapFloats(). */
export function floatOffset(backend: HeapBackend, info: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error('tensor is not on the wasm backend');
  return data.memoryOffset / Float32Array.BYTES_PER_ELEMENT;
}

/** Row-major strides of a shape, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

/** Shorter than this, an element loop beats copyWithin's call overhead. */
const SHORT_RUN = 24;

/**
 * Copies a block of `sizes` elements between two places of the heap. Both sides are strided
 * arrays whose innermost stride is 1. Dims that are contiguous on both sides are merged first,
 * so most copies become a few long runs.
 */
export function copyBlock(
  heap: Int32Array,
  srcStart: number,
  srcStrides: readonly number[],
  dstStart: number,
  dstStrides: readonly number[],
  sizes: readonly number[],
): void {
  const dims: { size: number; src: number; dst: number }[] = [];
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i]!;
    if (size === 0) return;
    if (size > 1) dims.push({ size, src: srcStrides[i]!, dst: dstStrides[i]! });
  }
  // Merge a dim into the inner one when it steps exactly over the whole inner dim on both sides.
  const merged: { size: number; src: number; dst: number }[] = [];
  for (let i = dims.length - 1; i >= 0; i--) {
    const dim = dims[i]!;
    const inner = merged[0];
    if (inner !== undefined && dim.src === inner.size * inner.src && dim.dst === inner.size * inner.dst) {
      inner.size *= dim.size;
    } else {
      merged.unshift({ ...dim });
    }
  }
  const innermost = merged[merged.length - 1];
  if (innermost === undefined || innermost.src !== 1 || innermost.dst !== 1) {
    // A single element, or an innermost dim of size 1 dropped above: make it an explicit run.
    merged.push({ size: 1, src: 1, dst: 1 });
  }
  const run = merged.pop()!.size;
  const outer = merged;
  const counters = new Array<number>(outer.length).fill(0);
  let src = srcStart;
  let dst = dstStart;
  for (;;) {
    if (run < SHORT_RUN) {
      for (let k = 0; k < run; k++) heap[dst + k] = heap[src + k]!;
    } else {
      heap.copyWithin(dst, src, src + run);
    }
    // Odometer over the outer dims, innermost first.
    let d = outer.length - 1;
    for (; d >= 0; d--) {
      const dim = outer[d]!;
      if (++counters[d]! < dim.size) {
        src += dim.src;
        dst += dim.dst;
        break;
      }
      counters[d] = 0;
      src -= (dim.size - 1) * dim.src;
      dst -= (dim.size - 1) * dim.dst;
    }
    if (d < 0) return;
  }
}
