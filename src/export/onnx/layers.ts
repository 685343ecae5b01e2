/**
 * ONNX counterparts of the tfjs building blocks in src/train/model/blocks.ts, in NCHW. Each takes
 * the weights of the tfjs layer of the same name, so a block here must stay in line with its
 * namesake there (the round-trip tests in test/export/onnx/ check every op against tfjs).
 * Padding follows what the tfjs layers compute: PyTorch's symmetric padding for convs and 3×3
 * pools, average pools excluding the padding (count_include_pad = 0).
 */
import type { NetworkBlocks } from '../../train/model/network-blocks.js';
import type { GraphBuilder } from './graph-builder.js';
import type { MemberWeights } from './member-weights.js';

/** A value of the graph with its NCHW shape (batch left out). */
export interface Feature {
  name: string;
  channels: number;
  height: number;
  width: number;
}

/** Where a member's nodes and weights go. */
export interface MemberGraph {
  g: GraphBuilder;
  w: MemberWeights;
}

/** tfjs's [d0, d1, …] values reordered by `perm` (output axis i is input axis perm[i]). */
export function transposeValues(values: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const outShape = perm.map((axis) => shape[axis]!);
  const inStrides = strides(shape);
  const out = new Float32Array(values.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < out.length; flat++) {
    let source = 0;
    for (let axis = 0; axis < perm.length; axis++) source += index[axis]! * inStrides[perm[axis]!]!;
    out[flat] = values[source]!;
    for (let axis = outShape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < outShape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}

function strides(shape: readonly number[]): number[] {
  const result = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) result[axis] = result[axis + 1]! * shape[axis + 1]!;
  return result;
}

const HWIO_TO_OIHW = [3, 2, 0, 1];

export function relu({ g }: MemberGraph, name: string, x: Feature): Feature {
  return { ...x, name: g.node('Relu', [x.name], name) };
}

/** Inference-mode BatchNorm: gamma, beta and the moving statistics of the tfjs layer, eps 1e-5. */
export function batchNorm({ g, w }: MemberGraph, name: string, x: Feature): Feature {
  const c = [x.channels];
  const inputs = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((weight) => g.floats(`${name}/${weight}`, c, w.take(name, weight, c)));
  return { ...x, name: g.node('BatchNormalization', [x.name, ...inputs], name, { epsilon: { float: 1e-5 } }) };
}

export function add({ g }: MemberGraph, name: string, xs: Feature[]): Feature {
  if (xs.length === 1) return xs[0]!;
  return { ...xs[0]!, name: g.node('Sum', xs.map((x) => x.name), name) };
}

export function concat({ g }: MemberGraph, name: string, xs: Feature[]): Feature {
  if (xs.length === 1) return xs[0]!;
  const channels = xs.reduce((sum, x) => sum + x.channels, 0);
  return { ...xs[0]!, channels, name: g.node('Concat', xs.map((x) => x.name), name, { axis: 1 }) };
}

/** Keeps pixels (2i, 2j): ceil(H/2) × ceil(W/2), as blocks.ts's subsample2. */
export function subsample2({ g }: MemberGraph, name: string, x: Feature): Feature {
  const inputs = [x.name, g.int64s(`${name}/starts`, [0, 0]), g.int64s(`${name}/ends`, [x.height, x.width]), g.int64s(`${name}/axes`, [2, 3]), g.int64s(`${name}/steps`, [2, 2])];
  return { ...x, name: g.node('Slice', inputs, name), height: Math.ceil(x.height / 2), width: Math.ceil(x.width / 2) };
}

/** Output size of a window op: floor((size + padding − extent) / stride) + 1. */
function outputSize(size: number, padding: number, extent: number, stride: number): number {
  return Math.floor((size + padding - extent) / stride) + 1;
}

interface ConvSpec {
  filters: number;
  kernel: number;
  stride: 1 | 2;
  dilation?: 1 | 2;
  /** Depthwise: one filter per input channel (group = channels). */
  depthwise?: boolean;
  /** [top, left, bottom, right]; default symmetric (kernel − 1) · dilation / 2. */
  pads?: [number, number, number, number];
}

/** A bias-free Conv with the kernel of tfjs layer `layer` (its weight `weight`). */
function convNode({ g, w }: MemberGraph, layer: string, weight: string, x: Feature, spec: ConvSpec): Feature {
  const { filters, kernel, stride, dilation = 1, depthwise = false } = spec;
  const half = ((kernel - 1) * dilation) / 2;
  const pads = spec.pads ?? [half, half, half, half];
  const tfjsShape = depthwise ? [kernel, kernel, x.channels, 1] : [kernel, kernel, x.channels, filters];
  const onnxShape = depthwise ? [x.channels, 1, kernel, kernel] : [filters, x.channels, kernel, kernel];
  const kernelValues = transposeValues(w.take(layer, weight, tfjsShape), tfjsShape, HWIO_TO_OIHW);
  const extent = (kernel - 1) * dilation + 1;
  const name = g.node('Conv', [x.name, g.floats(`${layer}/${weight}`, onnxShape, kernelValues)], depthwise ? `${layer}_depthwise` : layer, {
    kernel_shape: [kernel, kernel],
    strides: [stride, stride],
    dilations: [dilation, dilation],
    pads,
    group: depthwise ? x.channels : 1,
  });
  return {
    name,
    channels: depthwise ? x.channels : filters,
    height: outputSize(x.height, pads[0] + pads[2], extent, stride),
    width: outputSize(x.width, pads[1] + pads[3], extent, stride),
  };
}

/** Conv k×k, padding (k−1)/2, no bias. */
export function conv(net: MemberGraph, name: string, x: Feature, filters: number, kernel: number, stride: 1 | 2): Feature {
  return convNode(net, name, 'kernel', x, { filters, kernel, stride });
}

export function reluConvBn(net: MemberGraph, name: string, x: Feature, filters: number, kernel: number, stride: 1 | 2): Feature {
  const activated = relu(net, `${name}_relu`, x);
  return batchNorm(net, `${name}_bn`, conv(net, `${name}_conv`, activated, filters, kernel, stride));
}

/** tfjs SeparableConv2D: depthwise k×k (stride, dilation on it), then pointwise 1×1, no bias. */
export function separableConv(net: MemberGraph, name: string, x: Feature, filters: number, kernel: number, stride: 1 | 2, dilation: 1 | 2 = 1): Feature {
  const depthwise = convNode(net, name, 'depthwise_kernel', x, { filters: x.channels, kernel, stride, dilation, depthwise: true });
  return convNode(net, name, 'pointwise_kernel', depthwise, { filters, kernel: 1, stride: 1 });
}

/** 3×3 pooling, padding 1, stride 1 or 2 (PyTorch's grid); max ignores the padding, avg excludes it from the count. */
export function pool3x3({ g }: MemberGraph, name: string, x: Feature, kind: 'max' | 'avg', stride: 1 | 2): Feature {
  const attributes = { kernel_shape: [3, 3], strides: [stride, stride], pads: [1, 1, 1, 1], ...(kind === 'avg' ? { count_include_pad: 0 } : {}) };
  const output = g.node(kind === 'max' ? 'MaxPool' : 'AveragePool', [x.name], name, attributes);
  return { ...x, name: output, height: outputSize(x.height, 2, 3, stride), width: outputSize(x.width, 2, 3, stride) };
}

/**
 * 2×2 average pooling at stride 2 with tfjs's 'same' padding: ceil(H/2); an odd size is padded
 * at the bottom/right, and the padding is left out of the mean.
 */
export function avgPool2x2Same({ g }: MemberGraph, name: string, x: Feature): Feature {
  const pads = [0, 0, x.height % 2, x.width % 2];
  const output = g.node('AveragePool', [x.name], name, { kernel_shape: [2, 2], strides: [2, 2], pads, count_include_pad: 0 });
  return { ...x, name: output, height: Math.ceil(x.height / 2), width: Math.ceil(x.width / 2) };
}

/**
 * DARTS FactorizedReduce as blocks.ts builds it: ReLU; a 1×1 stride-2 conv on the even pixels,
 * another on x shifted by one pixel (crop the first row and column, zero-pad the end), concat, BN.
 */
export function factorizedReduce(net: MemberGraph, name: string, x: Feature, filters: number): Feature {
  const { g } = net;
  const activated = relu(net, `${name}_relu`, x);
  const firstHalf = Math.floor(filters / 2);
  const onEven = convNode(net, `${name}_conv_even`, 'kernel', activated, { filters: firstHalf, kernel: 1, stride: 2 });
  const cropInputs = [activated.name, g.int64s(`${name}_shift_crop/starts`, [1, 1]), g.int64s(`${name}_shift_crop/ends`, [x.height, x.width]), g.int64s(`${name}_shift_crop/axes`, [2, 3])];
  const cropped: Feature = { ...activated, name: g.node('Slice', cropInputs, `${name}_shift_crop`), height: x.height - 1, width: x.width - 1 };
  // The conv's end padding is the zero row and column the tfjs layer adds.
  const onOdd = convNode(net, `${name}_conv_odd`, 'kernel', cropped, { filters: filters - firstHalf, kernel: 1, stride: 2, pads: [0, 0, 1, 1] });
  return batchNorm(net, `${name}_bn`, concat(net, `${name}_concat`, [onEven, onOdd]));
}

/** The frozen all-zero 1×1 conv of an NB201 cell without a path to its output. */
export function zerosLike(net: MemberGraph, name: string, x: Feature, filters: number): Feature {
  return convNode(net, name, 'kernel', x, { filters, kernel: 1, stride: 1 });
}

/** Global average pooling, dense logits (tfjs layer "logits"), softmax over the classes: [N, classes]. */
export function classifierHead(net: MemberGraph, x: Feature, numClasses: number): string {
  const { g, w } = net;
  const pooled = g.node('GlobalAveragePool', [x.name], 'global_pool');
  const flat = g.node('Flatten', [pooled], 'global_pool_flat', { axis: 1 });
  const kernel = g.floats('logits/kernel', [x.channels, numClasses], w.take('logits', 'kernel', [x.channels, numClasses]));
  const bias = g.floats('logits/bias', [numClasses], w.take('logits', 'bias', [numClasses]));
  const logits = g.node('Gemm', [flat, kernel, bias], 'logits');
  return g.node('Softmax', [logits], 'probs', { axis: -1 });
}

/** These blocks as the networks' NetworkBlocks (train/model/darts-network.ts, nb201-network.ts). */
export const onnxBlocks: NetworkBlocks<MemberGraph, Feature> = {
  channelsOf: (x) => x.channels,
  relu,
  batchNorm,
  add,
  concat,
  subsample2,
  conv,
  reluConvBn,
  separableConv: (net, name, x, filters, kernel, stride) => separableConv(net, name, x, filters, kernel, stride),
  dilatedSeparableConv: (net, name, x, filters, kernel) => separableConv(net, name, x, filters, kernel, 1, 2),
  pool3x3,
  avgPool2x2Same,
  factorizedReduce,
  zerosLike,
};
