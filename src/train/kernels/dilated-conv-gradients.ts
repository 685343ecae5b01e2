/**
 * Gradients of Conv2D and DepthwiseConv2dNative that also accept dilation > 1 (stock tfjs throws
 * "dilation rates greater than 1 are not yet supported in gradients", so DARTS dil_conv ops could
 * not train). Gradients are global in tfjs, not per backend, so:
 * - dilation 1: exactly the stock formulation, on every backend;
 * - dilation > 1 on wasm: our wasm gradient kernels, which read a `dilations` attr;
 * - dilation > 1 elsewhere: the dilated conv is a plain conv with a zero-inserted filter of size
 *   (k−1)·d+1; take that conv's stock gradients and keep every d-th filter tap.
 */
import * as tf from '@tensorflow/tfjs';

type Pair = [number, number];

interface ConvGradAttrs {
  strides: number | Pair;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | Pair;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function asPair(value: number | Pair | undefined): Pair {
  if (value === undefined) return [1, 1];
  return typeof value === 'number' ? [value, value] : value;
}

/**
 * [k, k, a, b] → [(k−1)·dh+1, (k−1)·dw+1, a, b] with zeros between the taps. One axis at a time,
 * with pads of rank ≤ 4: webgpu's pad shader fails validation above rank 4 and then returns zeros.
 */
function dilateFilter(filter: tf.Tensor4D, [dh, dw]: Pair): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, a, b] = filter.shape;
    const [height, width] = dilatedFilterShape(filter.shape, [dh, dw]) as [number, number];
    // Rows: [kh, 1, kw·a·b] padded to [kh, dh, kw·a·b] puts dh − 1 zero rows after each tap row.
    const rows = tf.pad(tf.reshape(filter, [kh, 1, kw * a * b]), [
      [0, 0],
      [0, dh - 1],
      [0, 0],
    ]);
    const tall = tf.slice(tf.reshape(rows, [kh * dh, kw * a * b]), [0, 0], [height, kw * a * b]);
    // Columns: [height, kw, 1, a·b] padded to [height, kw, dw, a·b].
    const columns = tf.pad(tf.reshape(tall, [height, kw, 1, a * b]), [
      [0, 0],
      [0, 0],
      [0, dw - 1],
      [0, 0],
    ]);
    const wide = tf.slice(tf.reshape(columns, [height, kw * dw, a * b]), [0, 0, 0], [height, width, a * b]);
    return tf.reshape(wide, [height, width, a, b]) as tf.Tensor4D;
  });
}

function dilatedFilterShape([kh, kw, a, b]: number[], [dh, dw]: Pair): number[] {
  return [(kh - 1) * dh + 1, (kw - 1) * dw + 1, a, b];
}

/** Inverse of dilateFilter for gradients: the taps at multiples of the dilation. */
function takeDilatedTaps(dilatedGrad: tf.Tensor, [dh, dw]: Pair): tf.Tensor {
  const [h, w, a, b] = dilatedGrad.shape;
  return tf.stridedSlice(dilatedGrad, [0, 0, 0, 0], [h, w, a, b], [dh, dw, 1, 1]);
}

interface KernelNames {
  backpropInput: string;
  backpropFilter: string;
}

function dilationAwareGradient(kernelName: string, names: KernelNames): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dyOrList, saved, rawAttrs) => {
      const dy = dyOrList as tf.Tensor4D;
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const attrs = rawAttrs as unknown as ConvGradAttrs;
      const dilations = asPair(attrs.dilations);
      const { strides, pad, dataFormat, dimRoundingMode } = attrs;
      const common = { strides, pad, dataFormat, dimRoundingMode };
      const run = (name: string, inputs: tf.NamedTensorMap, extra: object) =>
        tf.engine().runKernel(name, inputs, { ...common, ...extra } as tf.NamedAttrMap) as tf.Tensor;
      const dilated = dilations[0] > 1 || dilations[1] > 1;
      if (!dilated || tf.getBackend() === 'wasm') {
        return {
          x: () => run(names.backpropInput, { dy, filter }, { inputShape: x.shape, dilations }),
          filter: () => run(names.backpropFilter, { x, dy }, { filterShape: filter.shape, dilations }),
        };
      }
      const undilated = { dilations: [1, 1] };
      return {
        x: () =>
          tf.tidy(() => {
            const dilatedFilter = dilateFilter(filter, dilations);
            return run(names.backpropInput, { dy, filter: dilatedFilter }, { inputShape: x.shape, ...undilated });
          }),
        filter: () =>
          tf.tidy(() => {
            const filterShape = dilatedFilterShape(filter.shape, dilations);
            const dilatedGrad = run(names.backpropFilter, { x, dy }, { filterShape, ...undilated });
            return takeDilatedTaps(dilatedGrad, dilations);
          }),
      };
    },
  };
}

export const conv2dGradientConfig = dilationAwareGradient('Conv2D', {
  backpropInput: 'Conv2DBackpropInput',
  backpropFilter: 'Conv2DBackpropFilter',
});

export const depthwiseConv2dGradientConfig = dilationAwareGradient('DepthwiseConv2dNative', {
  backpropInput: 'DepthwiseConv2dNativeBackpropInput',
  backpropFilter: 'DepthwiseConv2dNativeBackpropFilter',
});
