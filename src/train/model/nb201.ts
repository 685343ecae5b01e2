/** The NAS-Bench-201 network (TinyNetwork: stem, 3 stages of cells, ResNet reduction blocks). */
import * as tf from '@tensorflow/tfjs';
import type { MacroConfig, Nb201Genotype } from '../../space/types.js';
import {
  add,
  batchNorm,
  channelsOf,
  classifierHead,
  conv,
  pool3x3,
  relu,
  reluConvBn,
  zerosLike,
  type Sym,
} from './blocks.js';
import { LayerFactory } from './init.js';
import type { BuildOptions } from './options.js';

export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;

const STAGES = 3;

export function buildNb201Model(genotype: Nb201Genotype, macro: MacroConfig, options: BuildOptions): tf.LayersModel {
  const f = new LayerFactory(options.seed);
  const input = tf.input({ shape: options.inputShape, name: f.name('images') });
  let x = batchNorm(f, 'stem_bn', conv(f, 'stem_conv', input, macro.channels, 3, 1));
  let channels = macro.channels;
  for (let stage = 0; stage < STAGES; stage++) {
    if (stage > 0) {
      channels *= 2;
      x = residualReduction(f, `reduce${stage}`, x, channels);
    }
    for (let index = 0; index < macro.cells; index++) {
      x = nb201Cell(f, `stage${stage}_cell${index}`, x, genotype.edges);
    }
  }
  const finalActivation = relu(f, 'last_relu', batchNorm(f, 'last_bn', x));
  const probs = classifierHead(f, finalActivation, options.numClasses);
  return tf.model({ inputs: input, outputs: probs, name: 'nb201' });
}

/** Node count n such that the cell's n(n−1)/2 edges match the genotype. */
function nodeCount(edgeCount: number): number {
  const nodes = (1 + Math.sqrt(1 + 8 * edgeCount)) / 2;
  if (!Number.isInteger(nodes) || nodes < 2) throw new Error(`NB201 genotype has ${edgeCount} edges, not n(n-1)/2`);
  return nodes;
}

/**
 * Node i = sum over j < i of op_{i←j}(node j); the output is the last node. 'none' edges and
 * edges leaving an all-zero node contribute nothing, so they are left out of the graph.
 */
function nb201Cell(f: LayerFactory, name: string, x: Sym, edges: string[]): Sym {
  const nodes: (Sym | null)[] = [x];
  let edgeIndex = 0;
  for (let to = 1; to < nodeCount(edges.length); to++) {
    const terms: Sym[] = [];
    for (let from = 0; from < to; from++, edgeIndex++) {
      const op = edges[edgeIndex] as string;
      const source = nodes[from];
      if (op === 'none' || source == null) {
        if (!(NB201_OPS as readonly string[]).includes(op)) throw unknownOp(op);
        continue;
      }
      terms.push(nb201Op(f, `${name}_n${to}_from${from}_${op}`, op, source));
    }
    nodes.push(terms.length === 0 ? null : add(f, `${name}_n${to}_sum`, terms));
  }
  return nodes[nodes.length - 1] ?? zerosLike(f, `${name}_zeros`, x, channelsOf(x));
}

function nb201Op(f: LayerFactory, name: string, op: string, x: Sym): Sym {
  switch (op) {
    case 'skip_connect':
      return x;
    case 'nor_conv_1x1':
      return reluConvBn(f, name, x, channelsOf(x), 1, 1);
    case 'nor_conv_3x3':
      return reluConvBn(f, name, x, channelsOf(x), 3, 1);
    case 'avg_pool_3x3':
      return pool3x3(f, name, x, 'avg', 1);
    default:
      throw unknownOp(op);
  }
}

function unknownOp(op: string): Error {
  return new Error(`unknown NB201 op "${op}" (known: ${NB201_OPS.join(', ')})`);
}

/** ResNet basic block, stride 2: ReLU-conv3x3 s2-BN, ReLU-conv3x3-BN, plus avgpool2x2 + conv1x1 shortcut. */
function residualReduction(f: LayerFactory, name: string, x: Sym, filters: number): Sym {
  const branch = reluConvBn(f, `${name}_b`, reluConvBn(f, `${name}_a`, x, filters, 3, 2), filters, 3, 1);
  // 'same' pooling gives ceil(H/2) like the stride-2 conv, also for odd sizes (PyTorch would fail there).
  const pooled = tf.layers
    .averagePooling2d({ name: f.name(`${name}_shortcut_pool`), poolSize: 2, strides: 2, padding: 'same' })
    .apply(x) as Sym;
  const shortcut = conv(f, `${name}_shortcut_conv`, pooled, filters, 1, 1);
  return add(f, `${name}_sum`, [shortcut, branch]);
}
