/**
 * Building blocks shared by the DARTS and NB201 networks, written with built-in (serialisable)
 * tfjs layers only. Strided ops reproduce PyTorch's symmetric padding, so outputs land on the
 * same pixel grid as the reference implementations (tfjs 'same' pads bottom/right first).
 */
import type { NetworkBlocks } from './network-blocks.js';
import * as tf from '@tensorflow/tfjs';
import type { LayerFactory } from './init.js';

export type Sym = tf.SymbolicTensor;

/** Runs one layer on a symbolic tensor. */
function applyLayer(layer: tf.layers.Layer, x: Sym | Sym[]): Sym {
  return layer.apply(x) as Sym;
}

export function channelsOf(x: Sym): number {
  const channels = x.shape[3];
  if (channels == null) throw new Error('channels dimension must be known');
  return channels;
}

export function spatialOf(x: Sym): [number, number] {
  const [, height, width] = x.shape;
  if (height == null || width == null) throw new Error('spatial dimensions must be known');
  return [height, width];
}

export function relu(f: LayerFactory, name: string, x: Sym): Sym {
  return applyLayer(tf.layers.reLU({ name: f.name(name) }), x);
}

/** Affine BatchNorm with PyTorch's defaults (momentum 0.1 there is 0.9 here, eps 1e-5). */
export function batchNorm(f: LayerFactory, name: string, x: Sym): Sym {
  return applyLayer(tf.layers.batchNormalization({ name: f.name(name), axis: -1, momentum: 0.9, epsilon: 1e-5 }), x);
}

export function add(f: LayerFactory, name: string, xs: Sym[]): Sym {
  if (xs.length === 1) return xs[0] as Sym;
  return applyLayer(tf.layers.add({ name: f.name(name) }), distinct(f, name, xs));
}

export function concat(f: LayerFactory, name: string, xs: Sym[]): Sym {
  if (xs.length === 1) return xs[0] as Sym;
  return applyLayer(tf.layers.concatenate({ name: f.name(name), axis: -1 }), distinct(f, name, xs));
}

/**
 * tfjs's graph executor frees a tensor too early when one layer takes it twice (e.g. two skip
 * edges from the same state) and another layer reads it too. A no-op Reshape gives repeated
 * inputs their own handle (no data copy).
 */
function distinct(f: LayerFactory, name: string, xs: Sym[]): Sym[] {
  const seen = new Set<Sym>();
  return xs.map((x, index) => {
    if (!seen.has(x)) {
      seen.add(x);
      return x;
    }
    const targetShape = x.shape.slice(1) as number[];
    return applyLayer(tf.layers.reshape({ name: f.name(`${name}_repeat${index}`), targetShape }), x);
  });
}

/** Keeps pixels (2i, 2j): output size ceil(H/2), the grid of PyTorch's stride-2 ops. */
export function subsample2(f: LayerFactory, name: string, x: Sym): Sym {
  return applyLayer(tf.layers.maxPooling2d({ name: f.name(name), poolSize: 1, strides: 2, padding: 'valid' }), x);
}

/** Symmetric zero padding, as PyTorch's `padding=` argument. */
function pad(f: LayerFactory, name: string, x: Sym, amount: number): Sym {
  if (amount === 0) return x;
  return applyLayer(tf.layers.zeroPadding2d({ name: f.name(name), padding: amount }), x);
}

/** Conv k×k (odd k), padding (k−1)/2, no bias (a BN always follows or it feeds a sum). */
export function conv(f: LayerFactory, name: string, x: Sym, filters: number, kernel: number, stride: 1 | 2): Sym {
  const fanIn = kernel * kernel * channelsOf(x);
  const padding = (kernel - 1) / 2;
  // stride 1 'same' is symmetric for odd kernels; stride 2 needs the explicit padding.
  const input = stride === 2 ? pad(f, `${name}_pad`, x, padding) : x;
  const layer = tf.layers.conv2d({
    name: f.name(name),
    filters,
    kernelSize: kernel,
    strides: stride,
    padding: stride === 2 ? 'valid' : 'same',
    useBias: false,
    kernelInitializer: f.uniformFanIn(fanIn),
  });
  return applyLayer(layer, input);
}

export function reluConvBn(f: LayerFactory, name: string, x: Sym, filters: number, kernel: number, stride: 1 | 2): Sym {
  const activated = relu(f, `${name}_relu`, x);
  return batchNorm(f, `${name}_bn`, conv(f, `${name}_conv`, activated, filters, kernel, stride));
}

/** Depthwise k×k then pointwise 1×1, no bias; stride 2 uses explicit symmetric padding. */
export function separableConv(f: LayerFactory, name: string, x: Sym, filters: number, kernel: number, stride: 1 | 2): Sym {
  const input = stride === 2 ? pad(f, `${name}_pad`, x, (kernel - 1) / 2) : x;
  return applyLayer(separableConvLayer(f, name, channelsOf(x), filters, kernel, stride === 2 ? 'valid' : 'same', stride), input);
}

function separableConvLayer(
  f: LayerFactory,
  name: string,
  inChannels: number,
  filters: number,
  kernel: number,
  padding: 'same' | 'valid',
  stride: 1 | 2,
  dilation: 1 | 2 = 1,
): tf.layers.Layer {
  return tf.layers.separableConv2d({
    name: f.name(name),
    filters,
    kernelSize: kernel,
    strides: stride,
    dilationRate: dilation,
    padding,
    depthMultiplier: 1,
    useBias: false,
    depthwiseInitializer: f.uniformFanIn(kernel * kernel),
    pointwiseInitializer: f.uniformFanIn(inChannels),
  });
}

/**
 * Separable conv with dilation 2 at stride 1, 'same' padding (symmetric: (k−1)·2 in total for odd
 * k, PyTorch's padding=k−1). One built-in SeparableConv2D layer with dilationRate 2; its gradient
 * is our dilation-aware depthwise gradient (kernels/dilated-conv-gradients.ts), registered by
 * initEngine on every engine.
 */
export function dilatedSeparableConv(f: LayerFactory, name: string, x: Sym, filters: number, kernel: number): Sym {
  return applyLayer(separableConvLayer(f, name, channelsOf(x), filters, kernel, 'same', 1, 2), x);
}

/** 3×3 pooling, padding 1 (avg excludes the padding, as count_include_pad=False). */
export function pool3x3(f: LayerFactory, name: string, x: Sym, kind: 'max' | 'avg', stride: 1 | 2): Sym {
  if (kind === 'max' && stride === 2) return maxPool3x3Stride2(f, name, x);
  const args = { name: f.name(name), poolSize: 3, strides: 1, padding: 'same' as const };
  const pooled = applyLayer(kind === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args), x);
  // Pooling at stride 1 then keeping even pixels centres windows on PyTorch's stride-2 grid.
  return stride === 2 ? subsample2(f, `${name}_stride2`, pooled) : pooled;
}

/**
 * PyTorch's MaxPool2d(3, stride 2, padding 1) pools rows 2i−1…2i+1 (padding never wins). tfjs
 * layers cannot pad by −∞, but a copy of the edge row/column cannot change a maximum either: we
 * repeat the first row and column (and the last ones of an odd size) and pool 'valid' at stride
 * 2. A quarter of the windows of the stride-1 pooling + subsampling, and cheaper gradients.
 */
function maxPool3x3Stride2(f: LayerFactory, name: string, x: Sym): Sym {
  const [height, width] = spatialOf(x);
  const extendRows = repeatEdges(f, `${name}_rows`, x, 1, height);
  const extended = repeatEdges(f, `${name}_cols`, extendRows, 2, width);
  return applyLayer(tf.layers.maxPooling2d({ name: f.name(name), poolSize: 3, strides: 2, padding: 'valid' }), extended);
}

/** x with its first line along `axis` (1 rows, 2 columns) repeated before it, and for odd sizes its last after it. */
function repeatEdges(f: LayerFactory, name: string, x: Sym, axis: 1 | 2, size: number): Sym {
  const crop = (suffix: string, before: number, after: number): Sym => {
    const cropping: [[number, number], [number, number]] = axis === 1 ? [[before, after], [0, 0]] : [[0, 0], [before, after]];
    return applyLayer(tf.layers.cropping2D({ name: f.name(`${name}_${suffix}`), cropping }), x);
  };
  const parts = [crop('first', 0, size - 1), x];
  if (size % 2 === 1) parts.push(crop('last', size - 1, 0));
  return applyLayer(tf.layers.concatenate({ name: f.name(`${name}_edges`), axis }), parts);
}

/**
 * DARTS FactorizedReduce: ReLU, two 1×1 stride-2 convs (on x and on x shifted by one pixel),
 * concatenated, BN. Halves the spatial size (ceil for odd sizes) without losing half the pixels.
 */
export function factorizedReduce(f: LayerFactory, name: string, x: Sym, filters: number): Sym {
  const activated = relu(f, `${name}_relu`, x);
  const firstHalf = Math.floor(filters / 2);
  const onEven = pointwiseStride2(f, `${name}_conv_even`, activated, firstHalf);
  const cropped = applyLayer(tf.layers.cropping2D({ name: f.name(`${name}_shift_crop`), cropping: [[1, 0], [1, 0]] }), activated);
  const shifted = applyLayer(
    tf.layers.zeroPadding2d({ name: f.name(`${name}_shift_pad`), padding: [[0, 1], [0, 1]] }),
    cropped,
  );
  const onOdd = pointwiseStride2(f, `${name}_conv_odd`, shifted, filters - firstHalf);
  return batchNorm(f, `${name}_bn`, concat(f, `${name}_concat`, [onEven, onOdd]));
}

function pointwiseStride2(f: LayerFactory, name: string, x: Sym, filters: number): Sym {
  const layer = tf.layers.conv2d({
    name: f.name(name),
    filters,
    kernelSize: 1,
    strides: 2,
    padding: 'valid',
    useBias: false,
    kernelInitializer: f.uniformFanIn(channelsOf(x)),
  });
  return applyLayer(layer, x);
}

/** An all-zero tensor shaped like x with `filters` channels: a frozen zero 1×1 conv. */
export function zerosLike(f: LayerFactory, name: string, x: Sym, filters: number): Sym {
  const layer = tf.layers.conv2d({
    name: f.name(name),
    filters,
    kernelSize: 1,
    useBias: false,
    trainable: false,
    kernelInitializer: 'zeros',
  });
  return applyLayer(layer, x);
}

/** Global average pooling, dense logits, softmax: the head of both networks. */
export function classifierHead(f: LayerFactory, x: Sym, numClasses: number): Sym {
  const features = channelsOf(x);
  const pooled = applyLayer(tf.layers.globalAveragePooling2d({ name: f.name('global_pool') }), x);
  const logits = applyLayer(
    tf.layers.dense({
      name: f.name(LOGITS_LAYER),
      units: numClasses,
      kernelInitializer: f.uniformFanIn(features),
      biasInitializer: f.uniformFanIn(features),
    }),
    pooled,
  );
  return applyLayer(tf.layers.activation({ name: f.name('probs'), activation: 'softmax' }), logits);
}

export const LOGITS_LAYER = 'logits';

/** 2×2 average pooling, stride 2, 'same': ceil(H/2) like a stride-2 conv, also for odd sizes (PyTorch would fail there). */
export function avgPool2x2Same(f: LayerFactory, name: string, x: Sym): Sym {
  return applyLayer(tf.layers.averagePooling2d({ name: f.name(name), poolSize: 2, strides: 2, padding: 'same' }), x);
}

/** These blocks as the networks' NetworkBlocks (darts-network.ts, nb201-network.ts). */
export const tfjsBlocks: NetworkBlocks<LayerFactory, Sym> = {
  channelsOf,
  relu,
  batchNorm,
  add,
  concat,
  subsample2,
  conv,
  reluConvBn,
  separableConv,
  dilatedSeparableConv,
  pool3x3,
  avgPool2x2Same,
  factorizedReduce,
  zerosLike,
};
