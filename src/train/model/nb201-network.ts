/** The NAS-Bench-201 network (TinyNetwork: stem, 3 stages of cells, ResNet reduction blocks), over any NetworkBlocks. */
import type { MacroConfig, Nb201Genotype } from '../../space/types.js';
import type { NetworkBlocks } from './network-blocks.js';

export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;

const STAGES = 3;

/** Stem, stages and the last BN + ReLU: the features the classifier head reads. */
export function nb201Features<C, F>(b: NetworkBlocks<C, F>, c: C, genotype: Nb201Genotype, macro: MacroConfig, input: F): F {
  let x = b.batchNorm(c, 'stem_bn', b.conv(c, 'stem_conv', input, macro.channels, 3, 1));
  let channels = macro.channels;
  for (let stage = 0; stage < STAGES; stage++) {
    if (stage > 0) {
      channels *= 2;
      x = residualReduction(b, c, `reduce${stage}`, x, channels);
    }
    for (let index = 0; index < macro.cells; index++) {
      x = nb201Cell(b, c, `stage${stage}_cell${index}`, x, genotype.edges);
    }
  }
  return b.relu(c, 'last_relu', b.batchNorm(c, 'last_bn', x));
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
function nb201Cell<C, F>(b: NetworkBlocks<C, F>, c: C, name: string, x: F, edges: string[]): F {
  const nodes: (F | null)[] = [x];
  let edgeIndex = 0;
  for (let to = 1; to < nodeCount(edges.length); to++) {
    const terms: F[] = [];
    for (let from = 0; from < to; from++, edgeIndex++) {
      const op = edges[edgeIndex] as string;
      const source = nodes[from];
      if (op === 'none' || source == null) {
        if (!(NB201_OPS as readonly string[]).includes(op)) throw unknownOp(op);
        continue;
      }
      terms.push(nb201Op(b, c, `${name}_n${to}_from${from}_${op}`, op, source));
    }
    nodes.push(terms.length === 0 ? null : b.add(c, `${name}_n${to}_sum`, terms));
  }
  return nodes[nodes.length - 1] ?? b.zerosLike(c, `${name}_zeros`, x, b.channelsOf(x));
}

function nb201Op<C, F>(b: NetworkBlocks<C, F>, c: C, name: string, op: string, x: F): F {
  switch (op) {
    case 'skip_connect':
      return x;
    case 'nor_conv_1x1':
      return b.reluConvBn(c, name, x, b.channelsOf(x), 1, 1);
    case 'nor_conv_3x3':
      return b.reluConvBn(c, name, x, b.channelsOf(x), 3, 1);
    case 'avg_pool_3x3':
      return b.pool3x3(c, name, x, 'avg', 1);
    default:
      throw unknownOp(op);
  }
}

function unknownOp(op: string): Error {
  return new Error(`unknown NB201 op "${op}" (known: ${NB201_OPS.join(', ')})`);
}

/** ResNet basic block, stride 2: ReLU-conv3x3 s2-BN, ReLU-conv3x3-BN, plus avgpool2x2 + conv1x1 shortcut. */
function residualReduction<C, F>(b: NetworkBlocks<C, F>, c: C, name: string, x: F, filters: number): F {
  const branch = b.reluConvBn(c, `${name}_b`, b.reluConvBn(c, `${name}_a`, x, filters, 3, 2), filters, 3, 1);
  const shortcut = b.conv(c, `${name}_shortcut_conv`, b.avgPool2x2Same(c, `${name}_shortcut_pool`, x), filters, 1, 1);
  return b.add(c, `${name}_sum`, [shortcut, branch]);
}
