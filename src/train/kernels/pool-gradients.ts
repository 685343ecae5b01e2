/**
 * Pooling gradients for wasm. The stock MaxPoolGrad / AvgPoolGrad are plain loops that cost ~50×
 * their forward pass on NHWC tensors with few channels.
 * - MaxPoolGrad: one pass over the windows with the channel loop innermost, routing each dy to the
 *   first strict maximum of its window in row-major order (the cpu backend's choice on ties).
 * - AvgPoolGrad: a depthwise XNNPACK conv of dy (zero-inserted when strided) with a constant
 *   1/(kh·kw) filter — tfjs divides by the full window size in the gradient, also at borders.
 */
import * as tf from '@tensorflow/tfjs';
import { fullCorrelationPads } from './full-correlation.js';
import { floatOffset, heapBackend, heapFloats } from './heap.js';
import { type KernelArgs, withKernelScope } from './kernel-scope.js';
import { paddedDepthwiseConv2d, zeroInsert } from './padded-conv.js';

interface PoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as PoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  const wasm = heapBackend(args.backend);
  const dx = wasm.makeOutput(input.shape, 'float32');
  const heap = heapFloats(wasm);
  const xStart = floatOffset(wasm, input);
  const dyStart = floatOffset(wasm, dy);
  const dxStart = floatOffset(wasm, dx);
  heap.fill(0, dxStart, dxStart + tf.util.sizeFromShape(input.shape));
  const best = new Float32Array(channels);
  const bestAt = new Int32Array(channels);
  const rowStride = inWidth * channels;
  for (let b = 0; b < batchSize; b++) {
    const imageOffset = b * inHeight * rowStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - padInfo.top;
      const rowFrom = Math.max(0, top);
      const rowTo = Math.min(inHeight, top + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const left = ow * strideWidth - padInfo.left;
        const colFrom = Math.max(0, left);
        const colTo = Math.min(inWidth, left + filterWidth);
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let r = rowFrom; r < rowTo; r++) {
          for (let col = colFrom; col < colTo; col++) {
            const pixel = imageOffset + r * rowStride + col * channels;
            const base = xStart + pixel;
            for (let c = 0; c < channels; c++) {
              const value = heap[base + c]!;
              if (value > best[c]!) {
                best[c] = value;
                bestAt[c] = pixel + c;
              }
            }
          }
        }
        const dyBase = dyStart + ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          const at = bestAt[c]!;
          if (at >= 0) heap[dxStart + at]! += heap[dyBase + c]!;
        }
      }
    }
  }
  return dx;
}

function avgPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad } = args.attrs as unknown as PoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], filterSize, strides, 1, pad);
  const { filterHeight, filterWidth, inChannels } = info;
  return withKernelScope(args.backend, (scope) => {
    const weights = new Float32Array(filterHeight * filterWidth * inChannels).fill(1 / (filterHeight * filterWidth));
    const filter = scope.track(
      heapBackend(args.backend).makeOutput([filterHeight, filterWidth, inChannels, 1], 'float32', undefined, weights),
    );
    const grid = zeroInsert(scope, dy, [info.strideHeight, info.strideWidth]);
    return paddedDepthwiseConv2d(scope, grid, filter, {
      strides: [1, 1],
      dilations: [1, 1],
      pads: fullCorrelationPads(info, grid.shape[1], grid.shape[2]),
    });
  });
}

export const poolGradientConfigs: tf.KernelConfig[] = [
  { kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad },
  { kernelName: 'AvgPoolGrad', backendName: 'wasm', kernelFunc: avgPoolGrad },
];
