/**
 * The stock wasm kernel functions we replace, captured before replacement so our kernels can
 * hand them the cases they do not speed up (e.g. string or bool tensors).
 */
import * as tf from '@tensorflow/tfjs';

const stockKernels = new Map<string, tf.KernelFunc>();

/** Remembers the currently registered wasm kernel for `kernelName` (first capture wins). */
export function captureStockKernel(kernelName: string): void {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (stock !== undefined && !stockKernels.has(kernelName)) stockKernels.set(kernelName, stock.kernelFunc);
}

export function stockKernel(kernelName: string): tf.KernelFunc {
  const stock = stockKernels.get(kernelName);
  if (stock === undefined) throw new Error(`no stock wasm ${kernelName} kernel was captured`);
  return stock;
}
