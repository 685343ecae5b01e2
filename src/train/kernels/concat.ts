/** Concat for wasm as heap block copies (see heap.ts for why). */
import * as tf from '@tensorflow/tfjs';
import { copyBlock, floatOffset, heapBackend, heapWords, stridesOf } from './heap.js';
import type { KernelArgs } from './kernel-scope.js';
import { stockKernel } from './stock-kernels.js';

function concat(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const inputs = Object.values(args.inputs) as tf.TensorInfo[];
  const first = inputs[0]!;
  if (first.dtype !== 'float32' && first.dtype !== 'int32') return stockKernel('Concat')(args);
  const { axis } = args.attrs as unknown as { axis: number | number[] };
  const concatAxis = tf.util.parseAxisParam(axis, first.shape)[0]!;
  const outShape = tf.backend_util.computeOutShape(inputs.map((t) => t.shape), concatAxis);
  const wasm = heapBackend(args.backend);
  const out = wasm.makeOutput(outShape, first.dtype);
  const heap = heapWords(wasm);
  const outStrides = stridesOf(outShape);
  let dstStart = floatOffset(wasm, out);
  for (const input of inputs) {
    const inputSize = tf.util.sizeFromShape(input.shape);
    if (inputSize > 0) {
      copyBlock(heap, floatOffset(wasm, input), stridesOf(input.shape), dstStart, outStrides, input.shape);
    }
    dstStart += input.shape[concatAxis]! * outStrides[concatAxis]!;
  }
  return out;
}

export const concatConfig: tf.KernelConfig = { kernelName: 'Concat', backendName: 'wasm', kernelFunc: concat };
