/**
 * Identity, and Cast to the same dtype, for wasm without a copy: the output shares the input's
 * buffer (reference counted), as the cpu backend's Identity and every backend's Reshape do. Tensor
 * buffers are never written after creation, so sharing is safe. The stock wasm kernels copy the
 * data: ~1,400 full-size copies per DARTS training step (layer outputs, moments' cast, gradients).
 */
import type * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from './kernel-scope.js';
import { stockKernel } from './stock-kernels.js';

interface SharingBackend {
  incRef(dataId: object): void;
}

function share(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  (args.backend as unknown as SharingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

function identity(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  return x.dtype === 'string' ? (stockKernel('Identity')(args) as tf.TensorInfo) : share(args);
}

function cast(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
  return x.dtype === dtype && dtype !== 'string' ? share(args) : (stockKernel('Cast')(args) as tf.TensorInfo);
}

export const identityConfigs: tf.KernelConfig[] = [
  { kernelName: 'Identity', backendName: 'wasm', kernelFunc: identity },
  { kernelName: 'Cast', backendName: 'wasm', kernelFunc: cast },
];
