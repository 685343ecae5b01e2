/** Slice, SplitV and Unpack for wasm as heap block copies (see heap.ts for why). */
import * as tf from '@tensorflow/tfjs';
import { copyBlock, floatOffset, heapBackend, heapWords, stridesOf } from './heap.js';
import type { KernelArgs } from './kernel-scope.js';
import { stockKernel } from './stock-kernels.js';

/** Copies x[begin : begin+size] into a new tensor. */
export function sliceInfo(backend: object, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const wasm = heapBackend(backend);
  const out = wasm.makeOutput(size, x.dtype);
  const heap = heapWords(wasm);
  const xStrides = stridesOf(x.shape);
  let start = floatOffset(wasm, x);
  for (let i = 0; i < begin.length; i++) start += begin[i]! * xStrides[i]!;
  copyBlock(heap, start, xStrides, floatOffset(wasm, out), stridesOf(size), size);
  return out;
}

/** x[:, ::sh, ::sw, :] limited to outHeight×outWidth pixels, as one block copy. */
export function stridedPixels(
  backend: object,
  x: tf.TensorInfo,
  [strideHeight, strideWidth]: [number, number],
  [outHeight, outWidth]: [number, number],
): tf.TensorInfo {
  const wasm = heapBackend(backend);
  const [n, , , c] = x.shape as [number, number, number, number];
  const size = [n, outHeight, outWidth, c];
  const out = wasm.makeOutput(size, x.dtype);
  const [sN, sH, sW] = stridesOf(x.shape) as [number, number, number, number];
  const srcStrides = [sN, sH * strideHeight, sW * strideWidth, 1];
  copyBlock(heapWords(wasm), floatOffset(wasm, x), srcStrides, floatOffset(wasm, out), stridesOf(size), size);
  return out;
}

/** The stock kernels only handle 4-byte element types this way; others keep the stock path. */
function isFourByte(dtype: tf.DataType): boolean {
  return dtype === 'float32' || dtype === 'int32';
}

function slice(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const x = args.inputs['x']!;
  if (!isFourByte(x.dtype)) return stockKernel('Slice')(args);
  const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
  const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  return sliceInfo(args.backend, x, begin_, size_);
}

function splitV(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const x = args.inputs['x']!;
  if (!isFourByte(x.dtype)) return stockKernel('SplitV')(args);
  const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
  const splitAxis = tf.util.parseAxisParam(axis, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, splitAxis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((part) => {
    const size = [...x.shape];
    size[splitAxis] = part;
    const piece = sliceInfo(args.backend, x, [...begin], size);
    begin[splitAxis]! += part;
    return piece;
  });
}

function unpack(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const value = args.inputs['value']!;
  if (!isFourByte(value.dtype)) return stockKernel('Unpack')(args);
  let { axis } = args.attrs as unknown as { axis: number };
  if (axis < 0) axis += value.shape.length;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const size = [...value.shape];
  size[axis] = 1;
  return Array.from({ length: value.shape[axis]! }, (_, index) => {
    const begin = new Array<number>(value.shape.length).fill(0);
    begin[axis] = index;
    const piece = sliceInfo(args.backend, value, begin, size);
    return { ...piece, shape: outShape };
  });
}

export const sliceConfigs: tf.KernelConfig[] = [
  { kernelName: 'Slice', backendName: 'wasm', kernelFunc: slice },
  { kernelName: 'SplitV', backendName: 'wasm', kernelFunc: splitV },
  { kernelName: 'Unpack', backendName: 'wasm', kernelFunc: unpack },
];
