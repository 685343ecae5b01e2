/**
 * Calls other wasm kernels from inside a wasm kernel, the way tfjs backends compose kernels:
 * straight through the kernel registry (no engine, no tape, no per-op bookkeeping), tracking every
 * intermediate so it can be freed when the composite kernel returns.
 */
import * as tf from '@tensorflow/tfjs';

/** The part of BackendWasm the composite kernels use (its class is not exported as a value). */
export interface WasmBackendLike extends tf.KernelBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** What tfjs passes to a kernel function. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

type NamedInfos = Record<string, tf.TensorInfo>;

export class KernelScope {
  private readonly intermediates: tf.TensorInfo[] = [];

  constructor(readonly backend: WasmBackendLike) {}

  /** Runs the wasm kernel `kernelName`; its output is freed by dispose() unless kept. */
  run(kernelName: string, inputs: NamedInfos, attrs: object = {}): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (kernel === undefined) throw new Error(`wasm kernel ${kernelName} is not registered`);
    const output = kernel.kernelFunc({
      inputs,
      backend: this.backend,
      attrs: attrs as tf.NamedAttrMap,
    }) as tf.TensorInfo;
    this.intermediates.push(output);
    return output;
  }

  /** Adds a tensor the caller allocated itself to the intermediates to free. */
  track(info: tf.TensorInfo): tf.TensorInfo {
    this.intermediates.push(info);
    return info;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Slice that is skipped when it would copy the whole tensor. */
  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    const whole = begin.every((b, i) => b === 0 && size[i] === x.shape[i]);
    return whole ? x : this.run('Slice', { x }, { begin, size });
  }

  /** Excludes `result` from disposal; the caller (the engine) takes ownership. */
  keep(result: tf.TensorInfo): tf.TensorInfo {
    const index = this.intermediates.lastIndexOf(result);
    if (index >= 0) this.intermediates.splice(index, 1);
    return result;
  }

  dispose(): void {
    for (const info of this.intermediates) this.backend.disposeData(info.dataId);
    this.intermediates.length = 0;
  }
}

/** Runs `body` with a fresh scope and frees every intermediate except the returned tensor. */
export function withKernelScope(
  backend: object,
  body: (scope: KernelScope) => tf.TensorInfo,
): tf.TensorInfo {
  const scope = new KernelScope(backend as WasmBackendLike);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}
