/**
 * Training kernels for the wasm backend. tfjs-backend-wasm 4.22 lacks Conv2DBackpropFilter and
 * the depthwise backprops, and its Conv2DBackpropInput is a slow loop; we register composite
 * kernels built on its fast XNNPACK forward convs, for backend 'wasm' only, and replace the pooling
 * gradients, data-movement kernels (Slice, SplitV, Unpack, Concat, Tile, Transpose, Identity,
 * Cast), leading-axis Sum/Mean and FusedBatchNorm, whose stock versions cost more than the
 * convolutions of a DARTS training step.
 *
 * Separately, registerGradientOverrides replaces gradient definitions, which tfjs keeps globally
 * for every backend: Conv2D / depthwise gradients that accept dilation > 1, and leaner
 * FusedBatchNorm and Mean gradients. initEngine (every engine) and train() register them.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input.js';
import { fusedBatchNormConfig } from './batch-norm.js';
import { fusedBatchNormGradientConfig, meanGradientConfig } from './batch-norm-gradients.js';
import { concatConfig } from './concat.js';
import { conv2dGradientConfig, depthwiseConv2dGradientConfig } from './dilated-conv-gradients.js';
import { identityConfigs } from './identity.js';
import { poolGradientConfigs } from './pool-gradients.js';
import { reduceConfigs } from './reduce.js';
import { sliceConfigs } from './slice.js';
import { captureStockKernel } from './stock-kernels.js';
import { tileConfig } from './tile.js';
import { transposeConfig } from './transpose.js';

const wasmKernels: tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  ...poolGradientConfigs,
  // Data movement the stock backend does with one JS call per channel row.
  ...sliceConfigs,
  concatConfig,
  tileConfig,
  transposeConfig,
  // BatchNorm forward as one broadcast multiply-add.
  fusedBatchNormConfig,
  // Identity and same-dtype Cast share the buffer instead of copying it.
  ...identityConfigs,
  // Reductions over leading axes (BatchNorm moments and gradients) as one matmul.
  ...reduceConfigs,
];

const gradientOverrides: tf.GradConfig[] = [
  conv2dGradientConfig,
  depthwiseConv2dGradientConfig,
  fusedBatchNormGradientConfig,
  meanGradientConfig,
];

let overridesRegistered = false;
let wasmRegistered = false;

/**
 * Registers our gradient definitions (global in tfjs: they apply to every backend): Conv2D and
 * DepthwiseConv2dNative gradients that accept dilation > 1, and leaner FusedBatchNorm and Mean
 * gradients (batch-norm-gradients.ts). initEngine calls this whatever engine
 * it picks. Idempotent.
 */
export function registerGradientOverrides(): void {
  if (overridesRegistered) return;
  for (const config of gradientOverrides) tf.registerGradient(config);
  overridesRegistered = true;
}

/** Registers the wasm gradient kernels (backend 'wasm' only) and the gradient overrides. Idempotent. */
export function registerWasmGradients(): void {
  registerGradientOverrides();
  if (wasmRegistered) return;
  for (const config of wasmKernels) {
    captureStockKernel(config.kernelName);
    const stock = tf.getKernel(config.kernelName, config.backendName);
    if (stock !== undefined) {
      // Unregister first so tfjs does not warn.
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    // Keep the stock setup: other stock kernels call the replaced one's wasm function directly
    // (e.g. Sum calls the stock transpose), and it is bound in setupFunc at backend init.
    tf.registerKernel({ setupFunc: stock?.setupFunc, disposeFunc: stock?.disposeFunc, ...config });
  }
  wasmRegistered = true;
}
