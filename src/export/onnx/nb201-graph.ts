/** The NAS-Bench-201 network in ONNX, node for node as src/train/model/nb201.ts builds it in tfjs. */
import type { MacroConfig, Nb201Genotype } from '../../space/types.js';
import { NB201_OPS } from '../../train/model.js';
import {
  add,
  avgPool2x2Same,
  batchNorm,
  classifierHead,
  conv,
  pool3x3,
  relu,
  reluConvBn,
  zerosLike,
  type Feature,
  type MemberGraph,
} from './layers.js';

const STAGES = 3;

/** The member's probabilities [N, classes] from normalised NCHW images `input`. */
export function nb201Graph(net: MemberGraph, genotype: Nb201Genotype, macro: MacroConfig, input: Feature, numClasses: number): string {
  let x = batchNorm(net, 'stem_bn', conv(net, 'stem_conv', input, macro.channels, 3, 1));
  let channels = macro.channels;
  for (let stage = 0; stage < STAGES; stage++) {
    if (stage > 0) {
      channels *= 2;
      x = residualReduction(net, `reduce${stage}`, x, channels);
    }
    for (let index = 0; index < macro.cells; index++) x = nb201Cell(net, `stage${stage}_cell${index}`, x, genotype.edges);
  }
  const finalActivation = relu(net, 'last_relu', batchNorm(net, 'last_bn', x));
  return classifierHead(net, finalActivation, numClasses);
}

function nodeCount(edgeCount: number): number {
  const nodes = (1 + Math.sqrt(1 + 8 * edgeCount)) / 2;
  if (!Number.isInteger(nodes) || nodes < 2) throw new Error(`NB201 genotype has ${edgeCount} edges, not n(n-1)/2`);
  return nodes;
}

/** Node i = Σ_{j<i} op_{i←j}(node j); 'none' edges and edges from an all-zero node are left out, as in tfjs. */
function nb201Cell(net: MemberGraph, name: string, x: Feature, edges: string[]): Feature {
  const nodes: (Feature | null)[] = [x];
  let edgeIndex = 0;
  for (let to = 1; to < nodeCount(edges.length); to++) {
    const terms: Feature[] = [];
    for (let from = 0; from < to; from++, edgeIndex++) {
      const op = edges[edgeIndex] as string;
      const source = nodes[from];
      if (op === 'none' || source == null) {
        if (!(NB201_OPS as readonly string[]).includes(op)) throw unknownOp(op);
        continue;
      }
      terms.push(nb201Op(net, `${name}_n${to}_from${from}_${op}`, op, source));
    }
    nodes.push(terms.length === 0 ? null : add(net, `${name}_n${to}_sum`, terms));
  }
  return nodes[nodes.length - 1] ?? zerosLike(net, `${name}_zeros`, x, x.channels);
}

function nb201Op(net: MemberGraph, name: string, op: string, x: Feature): Feature {
  switch (op) {
    case 'skip_connect':
      return x;
    case 'nor_conv_1x1':
      return reluConvBn(net, name, x, x.channels, 1, 1);
    case 'nor_conv_3x3':
      return reluConvBn(net, name, x, x.channels, 3, 1);
    case 'avg_pool_3x3':
      return pool3x3(net, name, x, 'avg', 1);
    default:
      throw unknownOp(op);
  }
}

function unknownOp(op: string): Error {
  return new Error(`unknown NB201 op "${op}" (known: ${NB201_OPS.join(', ')})`);
}

/** ResNet basic block at stride 2, with the avgpool 2×2 + conv 1×1 shortcut. */
function residualReduction(net: MemberGraph, name: string, x: Feature, filters: number): Feature {
  const branch = reluConvBn(net, `${name}_b`, reluConvBn(net, `${name}_a`, x, filters, 3, 2), filters, 3, 1);
  const shortcut = conv(net, `${name}_shortcut_conv`, avgPool2x2Same(net, `${name}_shortcut_pool`, x), filters, 1, 1);
  return add(net, `${name}_sum`, [shortcut, branch]);
}
