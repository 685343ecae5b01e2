/** The DARTS evaluation network (DARTS model.py NetworkCIFAR, without auxiliary head or drop path). */
import * as tf from '@tensorflow/tfjs';
import type { DartsCell, DartsGenotype, MacroConfig } from '../../space/types.js';
import {
  add,
  batchNorm,
  classifierHead,
  concat,
  conv,
  dilatedSeparableConv,
  factorizedReduce,
  pool3x3,
  relu,
  reluConvBn,
  separableConv,
  subsample2,
  type Sym,
} from './blocks.js';
import { LayerFactory } from './init.js';
import type { BuildOptions } from './options.js';

export const DARTS_OPS = [
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const;

/** Cells floor(n/3) and floor(2n/3) reduce (stride 2) and double the channels. */
export function dartsReductionCells(cells: number): Set<number> {
  return new Set([Math.floor(cells / 3), Math.floor((2 * cells) / 3)]);
}

export function buildDartsModel(genotype: DartsGenotype, macro: MacroConfig, options: BuildOptions): tf.LayersModel {
  const f = new LayerFactory(options.seed);
  const input = tf.input({ shape: options.inputShape, name: f.name('images') });
  const stem = batchNorm(f, 'stem_bn', conv(f, 'stem_conv', input, macro.stemMultiplier * macro.channels, 3, 1));
  const reductions = dartsReductionCells(macro.cells);
  let previousPrevious = stem;
  let previous = stem;
  let channels = macro.channels;
  let previousWasReduction = false;
  for (let index = 0; index < macro.cells; index++) {
    const reduction = reductions.has(index);
    if (reduction) channels *= 2;
    const output = dartsCell(f, `cell${index}`, {
      cell: reduction ? genotype.reduce : genotype.normal,
      s0: previousPrevious,
      s1: previous,
      channels,
      reduction,
      previousWasReduction,
    });
    previousPrevious = previous;
    previous = output;
    previousWasReduction = reduction;
  }
  const probs = classifierHead(f, previous, options.numClasses);
  return tf.model({ inputs: input, outputs: probs, name: 'darts' });
}

interface CellInputs {
  cell: DartsCell;
  s0: Sym;
  s1: Sym;
  channels: number;
  reduction: boolean;
  previousWasReduction: boolean;
}

function dartsCell(f: LayerFactory, name: string, inputs: CellInputs): Sym {
  const { cell, channels, reduction } = inputs;
  // s0 is twice as large as s1 right after a reduction cell.
  const s0 = inputs.previousWasReduction
    ? factorizedReduce(f, `${name}_pre0`, inputs.s0, channels)
    : reluConvBn(f, `${name}_pre0`, inputs.s0, channels, 1, 1);
  const s1 = reluConvBn(f, `${name}_pre1`, inputs.s1, channels, 1, 1);
  const states = [s0, s1];
  // Pooling has no weights: edges pooling the same state the same way share one pooling layer
  // (same values and gradients as separate ones; DARTS-V2 reduction cells pool s0 and s1 5 times).
  const pools = new Map<string, Sym>();
  cell.forEach((edges, node) => {
    if (edges.length === 0) throw new Error(`${name}: node ${node} has no inputs`);
    const terms = edges.map((edge, edgeIndex) => {
      const source = states[edge.input];
      if (source === undefined) throw new Error(`${name}: node ${node} reads state ${edge.input}, not yet computed`);
      const stride = reduction && edge.input < 2 ? 2 : 1;
      const opName = `${name}_n${node}_e${edgeIndex}_${edge.op}`;
      if (edge.op !== 'max_pool_3x3' && edge.op !== 'avg_pool_3x3') return dartsOp(f, opName, edge.op, source, channels, stride);
      const key = `${edge.op}:${edge.input}`;
      const pooled = pools.get(key) ?? dartsOp(f, opName, edge.op, source, channels, stride);
      pools.set(key, pooled);
      return pooled;
    });
    states.push(add(f, `${name}_n${node}_sum`, terms));
  });
  return concat(f, `${name}_out`, states.slice(2));
}

function dartsOp(f: LayerFactory, name: string, op: string, x: Sym, channels: number, stride: 1 | 2): Sym {
  switch (op) {
    case 'max_pool_3x3':
      return pool3x3(f, name, x, 'max', stride);
    case 'avg_pool_3x3':
      return pool3x3(f, name, x, 'avg', stride);
    case 'skip_connect':
      return stride === 1 ? x : factorizedReduce(f, name, x, channels);
    case 'sep_conv_3x3':
      return sepConvOp(f, name, x, channels, 3, stride);
    case 'sep_conv_5x5':
      return sepConvOp(f, name, x, channels, 5, stride);
    case 'dil_conv_3x3':
      return dilConvOp(f, name, x, channels, 3, stride);
    case 'dil_conv_5x5':
      return dilConvOp(f, name, x, channels, 5, stride);
    default:
      throw new Error(`unknown DARTS op "${op}" (known: ${DARTS_OPS.join(', ')})`);
  }
}

/** DARTS SepConv: the (ReLU, depthwise, pointwise, BN) block twice, stride on the first. */
function sepConvOp(f: LayerFactory, name: string, x: Sym, channels: number, kernel: number, stride: 1 | 2): Sym {
  const first = separableConv(f, `${name}_sep1`, relu(f, `${name}_relu1`, x), channels, kernel, stride);
  const middle = batchNorm(f, `${name}_bn1`, first);
  const second = separableConv(f, `${name}_sep2`, relu(f, `${name}_relu2`, middle), channels, kernel, 1);
  return batchNorm(f, `${name}_bn2`, second);
}

/**
 * DARTS DilConv: ReLU, depthwise dilation 2, pointwise, BN. At stride 2 a dilation-2 conv only
 * ever reads even pixels, so it equals an undilated conv on the even-pixel subsample.
 */
function dilConvOp(f: LayerFactory, name: string, x: Sym, channels: number, kernel: number, stride: 1 | 2): Sym {
  const activated = relu(f, `${name}_relu`, x);
  const convolved =
    stride === 2
      ? separableConv(f, `${name}_sep`, subsample2(f, `${name}_even_pixels`, activated), channels, kernel, 1)
      : dilatedSeparableConv(f, `${name}_dil`, activated, channels, kernel);
  return batchNorm(f, `${name}_bn`, convolved);
}
