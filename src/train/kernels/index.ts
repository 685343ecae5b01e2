/**
 * Training gradients for the wasm backend. tfjs-backend-wasm 4.22 lacks Conv2DBackpropFilter and
 * the depthwise backprops, and its Conv2DBackpropInput is a slow loop; we register composite
 * kernels built on its fast XNNPACK forward convs, for backend 'wasm' only. We also replace the
 * Conv2D / depthwise gradient definitions (global in tfjs) with ones that accept dilation > 1.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input.js';
import { conv2dGradientConfig, depthwiseConv2dGradientConfig } from './dilated-conv-gradients.js';

const wasmKernels: tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
];

let registered = false;

/** Registers the wasm gradient kernels and dilation-aware conv gradients. Idempotent. */
export function registerWasmGradients(): void {
  if (registered) return;
  for (const config of wasmKernels) {
    // Replacing a stock wasm kernel: unregister first so tfjs does not warn.
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) {
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    tf.registerKernel(config);
  }
  tf.registerGradient(conv2dGradientConfig);
  tf.registerGradient(depthwiseConv2dGradientConfig);
  registered = true;
}
