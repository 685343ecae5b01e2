/** The DARTS network in ONNX, node for node as src/train/model/darts.ts builds it in tfjs. */
import type { DartsCell, DartsGenotype, MacroConfig } from '../../space/types.js';
import { DARTS_OPS, dartsReductionCells } from '../../train/model.js';
import {
  add,
  batchNorm,
  classifierHead,
  concat,
  conv,
  factorizedReduce,
  pool3x3,
  relu,
  reluConvBn,
  separableConv,
  subsample2,
  type Feature,
  type MemberGraph,
} from './layers.js';

/** The member's probabilities [N, classes] from normalised NCHW images `input`. */
export function dartsGraph(net: MemberGraph, genotype: DartsGenotype, macro: MacroConfig, input: Feature, numClasses: number): string {
  const stem = batchNorm(net, 'stem_bn', conv(net, 'stem_conv', input, macro.stemMultiplier * macro.channels, 3, 1));
  const reductions = dartsReductionCells(macro.cells);
  let previousPrevious = stem;
  let previous = stem;
  let channels = macro.channels;
  let previousWasReduction = false;
  for (let index = 0; index < macro.cells; index++) {
    const reduction = reductions.has(index);
    if (reduction) channels *= 2;
    const output = dartsCell(net, `cell${index}`, {
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
  return classifierHead(net, previous, numClasses);
}

interface CellInputs {
  cell: DartsCell;
  s0: Feature;
  s1: Feature;
  channels: number;
  reduction: boolean;
  previousWasReduction: boolean;
}

function dartsCell(net: MemberGraph, name: string, inputs: CellInputs): Feature {
  const { cell, channels, reduction } = inputs;
  const s0 = inputs.previousWasReduction
    ? factorizedReduce(net, `${name}_pre0`, inputs.s0, channels)
    : reluConvBn(net, `${name}_pre0`, inputs.s0, channels, 1, 1);
  const s1 = reluConvBn(net, `${name}_pre1`, inputs.s1, channels, 1, 1);
  const states = [s0, s1];
  // As in tfjs: edges pooling the same state the same way share one pooling node.
  const pools = new Map<string, Feature>();
  cell.forEach((edges, node) => {
    const terms = edges.map((edge, edgeIndex) => {
      const source = states[edge.input];
      if (source === undefined) throw new Error(`${name}: node ${node} reads state ${edge.input}, not yet computed`);
      const stride = reduction && edge.input < 2 ? 2 : 1;
      const opName = `${name}_n${node}_e${edgeIndex}_${edge.op}`;
      if (edge.op !== 'max_pool_3x3' && edge.op !== 'avg_pool_3x3') return dartsOp(net, opName, edge.op, source, channels, stride);
      const key = `${edge.op}:${edge.input}`;
      const pooled = pools.get(key) ?? dartsOp(net, opName, edge.op, source, channels, stride);
      pools.set(key, pooled);
      return pooled;
    });
    states.push(add(net, `${name}_n${node}_sum`, terms));
  });
  return concat(net, `${name}_out`, states.slice(2));
}

function dartsOp(net: MemberGraph, name: string, op: string, x: Feature, channels: number, stride: 1 | 2): Feature {
  switch (op) {
    case 'max_pool_3x3':
      return pool3x3(net, name, x, 'max', stride);
    case 'avg_pool_3x3':
      return pool3x3(net, name, x, 'avg', stride);
    case 'skip_connect':
      return stride === 1 ? x : factorizedReduce(net, name, x, channels);
    case 'sep_conv_3x3':
      return sepConvOp(net, name, x, channels, 3, stride);
    case 'sep_conv_5x5':
      return sepConvOp(net, name, x, channels, 5, stride);
    case 'dil_conv_3x3':
      return dilConvOp(net, name, x, channels, 3, stride);
    case 'dil_conv_5x5':
      return dilConvOp(net, name, x, channels, 5, stride);
    default:
      throw new Error(`unknown DARTS op "${op}" (known: ${DARTS_OPS.join(', ')})`);
  }
}

/** DARTS SepConv: (ReLU, depthwise, pointwise, BN) twice, the stride on the first. */
function sepConvOp(net: MemberGraph, name: string, x: Feature, channels: number, kernel: number, stride: 1 | 2): Feature {
  const first = separableConv(net, `${name}_sep1`, relu(net, `${name}_relu1`, x), channels, kernel, stride);
  const middle = batchNorm(net, `${name}_bn1`, first);
  const second = separableConv(net, `${name}_sep2`, relu(net, `${name}_relu2`, middle), channels, kernel, 1);
  return batchNorm(net, `${name}_bn2`, second);
}

/** DARTS DilConv: ReLU, depthwise dilation 2, pointwise, BN; at stride 2 an undilated conv on the even pixels (as tfjs). */
function dilConvOp(net: MemberGraph, name: string, x: Feature, channels: number, kernel: number, stride: 1 | 2): Feature {
  const activated = relu(net, `${name}_relu`, x);
  const convolved =
    stride === 2
      ? separableConv(net, `${name}_sep`, subsample2(net, `${name}_even_pixels`, activated), channels, kernel, 1)
      : separableConv(net, `${name}_dil`, activated, channels, kernel, 1, 2);
  return batchNorm(net, `${name}_bn`, convolved);
}
