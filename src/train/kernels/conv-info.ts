/** Convolution geometry of a forward conv, read from the attrs a gradient kernel receives. */
import * as tf from '@tensorflow/tfjs';

export type PadAttr = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

export interface ForwardConvAttrs {
  strides: number | [number, number];
  pad: PadAttr;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** Not passed by stock tfjs; our dilation-aware gradients add it. */
  dilations?: number | [number, number];
}

export function forwardConvInfo(
  inputShape: number[],
  filterShape: number[],
  attrs: ForwardConvAttrs,
  depthwise: boolean,
): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') {
    throw new Error('wasm convolution gradients support only NHWC (channelsLast) data');
  }
  return tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
}
