/**
 * Pooling gradients for wasm. The stock MaxPoolGrad / AvgPoolGrad are plain loops that cost ~50×
 * their forward pass on NHWC tensors with few channels.
 * - MaxPoolGrad: routes each dy to the first strict maximum of its window in row-major order (the
 *   cpu backend's choice on ties), found separably (see maxPoolGrad); 2×2 stride-2 windows that
 *   tile the input exactly take a direct loop (maxPoolGrad2x2).
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

/** A zeroed dx the shape of the input, with the heap offsets of x, dy and dx (float32). */
function zeroedGradient(backend: KernelArgs['backend'], input: tf.TensorInfo, dy: tf.TensorInfo) {
  const wasm = heapBackend(backend);
  const dx = wasm.makeOutput(input.shape, 'float32');
  const heap = heapFloats(wasm);
  const dxStart = floatOffset(wasm, dx);
  heap.fill(0, dxStart, dxStart + tf.util.sizeFromShape(input.shape));
  return { wasm, dx, heap, xStart: floatOffset(wasm, input), dyStart: floatOffset(wasm, dy), dxStart };
}

/**
 * Max-pool gradient, separably: the first row-major maximum of a window is, among its rows in
 * order, the first row whose own first maximum is strictly the largest. So each input row is
 * reduced over every window's columns once (shared by the fh output rows reading it), then
 * windows pick rows. Loops run over whole (column, channel) rows of contiguous floats.
 */
function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { dy, input, output } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo; output?: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as PoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  if (
    filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 &&
    padInfo.top === 0 && padInfo.left === 0 && inHeight === 2 * outHeight && inWidth === 2 * outWidth &&
    output !== undefined && tf.util.arraysEqual(output.shape, dy.shape)
  ) {
    return maxPoolGrad2x2(args, info);
  }
  const { dx, heap, xStart, dyStart, dxStart } = zeroedGradient(args.backend, input, dy);
  const outRow = outWidth * channels;
  const inRow = inWidth * channels;
  // Per input row of one image: each window's max over its columns, and the input column index.
  const rowMax = new Float32Array(inHeight * outRow);
  const rowArg = new Int32Array(inHeight * outRow);
  const best = new Float32Array(outRow);
  const bestAt = new Int32Array(outRow);
  for (let b = 0; b < batchSize; b++) {
    const image = xStart + b * inHeight * inRow;
    for (let r = 0; r < inHeight; r++) {
      const row = image + r * inRow;
      const reduced = r * outRow;
      rowMax.fill(-Infinity, reduced, reduced + outRow);
      rowArg.fill(-1, reduced, reduced + outRow);
      for (let ow = 0; ow < outWidth; ow++) {
        const left = ow * strideWidth - padInfo.left;
        const colTo = Math.min(inWidth, left + filterWidth);
        const target = reduced + ow * channels;
        for (let col = Math.max(0, left); col < colTo; col++) {
          const source = row + col * channels;
          for (let c = 0; c < channels; c++) {
            const value = heap[source + c]!;
            if (value > rowMax[target + c]!) {
              rowMax[target + c] = value;
              rowArg[target + c] = col;
            }
          }
        }
      }
    }
    const dxImage = dxStart + b * inHeight * inRow;
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - padInfo.top;
      const rowTo = Math.min(inHeight, top + filterHeight);
      best.fill(-Infinity);
      bestAt.fill(-1);
      for (let r = Math.max(0, top); r < rowTo; r++) {
        const reduced = r * outRow;
        for (let k = 0; k < outRow; k++) {
          const value = rowMax[reduced + k]!;
          if (value > best[k]!) {
            best[k] = value;
            bestAt[k] = r * inRow + rowArg[reduced + k]! * channels + (k % channels);
          }
        }
      }
      const dyRow = dyStart + (b * outHeight + oh) * outRow;
      for (let k = 0; k < outRow; k++) {
        const at = bestAt[k]!;
        if (at >= 0) heap[dxImage + at]! += heap[dyRow + k]!;
      }
    }
  }
  return dx;
}

/**
 * 2×2 stride-2 windows tiling the input exactly (every input pixel in one window): dx is zeroed,
 * then each window's dy goes to its first value equal to the forward output (the window's max,
 * `output` of the kernel), i.e. the first strict maximum in row-major order. The position is
 * computed from 0/1 comparison results rather than branches: the argmax of real activations is
 * unpredictable, and mispredictions cost more than the arithmetic (3.2 → 1.2 ms for
 * [64, 28, 28, 16]). Windows holding NaN (the forward max may then not be the max of the other
 * values) or whose max is −∞ take the sequential scan, which skips NaN and routes nothing when no
 * value beats −∞.
 */
function maxPoolGrad2x2(args: KernelArgs, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { dy, input, output } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo };
  const { batchSize, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { wasm, dx, heap, xStart, dyStart, dxStart } = zeroedGradient(args.backend, input, dy);
  const maxima = floatOffset(wasm, output);
  const inRow = inWidth * channels;
  const rowPairs = batchSize * outHeight;
  let k = 0; // index into dy and the output
  for (let pair = 0; pair < rowPairs; pair++) {
    const rowOffset = pair * 2 * inRow;
    for (let ow = 0; ow < outWidth; ow++) {
      const corner = rowOffset + 2 * ow * channels; // top-left of the window at channel 0
      for (let c = 0; c < channels; c++, k++) {
        const at = corner + c;
        const a = heap[xStart + at]!;
        const b = heap[xStart + at + channels]!;
        const d = heap[xStart + at + inRow]!;
        const e = heap[xStart + at + inRow + channels]!;
        const max = heap[maxima + k]!;
        const k0 = Number(a === max);
        const k1 = Number(b === max) & ~k0;
        const k01 = k0 | k1;
        const k2 = Number(d === max) & ~k01;
        const k3 = Number(e === max) & ~(k01 | k2);
        // No NaN in the window (XNNPACK's max of a window with NaN may skip values before it).
        const numbers = Number(a === a) & Number(b === b) & Number(d === d) & Number(e === e);
        if (((k01 | k2 | k3) & numbers) !== 0 && max > -Infinity) {
          heap[dxStart + at + k1 * channels + k2 * inRow + k3 * (inRow + channels)] = heap[dyStart + k]!;
        } else {
          let best = -Infinity;
          let offset = -1;
          if (a > best) { best = a; offset = 0; }
          if (b > best) { best = b; offset = channels; }
          if (d > best) { best = d; offset = inRow; }
          if (e > best) offset = inRow + channels;
          if (offset >= 0) heap[dxStart + at + offset] = heap[dyStart + k]!;
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
