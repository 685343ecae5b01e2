/** The DARTS evaluation network (DARTS model.py NetworkCIFAR, without auxiliary head or drop path), over any NetworkBlocks. */
import type { DartsCell, DartsGenotype, MacroConfig } from '../../space/types.js';
import type { NetworkBlocks } from './network-blocks.js';

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

/** Stem and cells: the features the classifier head reads. */
export function dartsFeatures<C, F>(b: NetworkBlocks<C, F>, c: C, genotype: DartsGenotype, macro: MacroConfig, input: F): F {
  const stem = b.batchNorm(c, 'stem_bn', b.conv(c, 'stem_conv', input, macro.stemMultiplier * macro.channels, 3, 1));
  const reductions = dartsReductionCells(macro.cells);
  let previousPrevious = stem;
  let previous = stem;
  let channels = macro.channels;
  let previousWasReduction = false;
  for (let index = 0; index < macro.cells; index++) {
    const reduction = reductions.has(index);
    if (reduction) channels *= 2;
    const output = dartsCell(b, c, `cell${index}`, {
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
  return previous;
}

interface CellInputs<F> {
  cell: DartsCell;
  s0: F;
  s1: F;
  channels: number;
  reduction: boolean;
  previousWasReduction: boolean;
}

function dartsCell<C, F>(b: NetworkBlocks<C, F>, c: C, name: string, inputs: CellInputs<F>): F {
  const { cell, channels, reduction } = inputs;
  // s0 is twice as large as s1 right after a reduction cell.
  const s0 = inputs.previousWasReduction
    ? b.factorizedReduce(c, `${name}_pre0`, inputs.s0, channels)
    : b.reluConvBn(c, `${name}_pre0`, inputs.s0, channels, 1, 1);
  const s1 = b.reluConvBn(c, `${name}_pre1`, inputs.s1, channels, 1, 1);
  const states = [s0, s1];
  // Pooling has no weights: edges pooling the same state the same way share one pooling layer
  // (same values and gradients as separate ones; DARTS-V2 reduction cells pool s0 and s1 5 times).
  const pools = new Map<string, F>();
  cell.forEach((edges, node) => {
    if (edges.length === 0) throw new Error(`${name}: node ${node} has no inputs`);
    const terms = edges.map((edge, edgeIndex) => {
      const source = states[edge.input];
      if (source === undefined) throw new Error(`${name}: node ${node} reads state ${edge.input}, not yet computed`);
      const stride = reduction && edge.input < 2 ? 2 : 1;
      const opName = `${name}_n${node}_e${edgeIndex}_${edge.op}`;
      if (edge.op !== 'max_pool_3x3' && edge.op !== 'avg_pool_3x3') return dartsOp(b, c, opName, edge.op, source, channels, stride);
      const key = `${edge.op}:${edge.input}`;
      const pooled = pools.get(key) ?? dartsOp(b, c, opName, edge.op, source, channels, stride);
      pools.set(key, pooled);
      return pooled;
    });
    states.push(b.add(c, `${name}_n${node}_sum`, terms));
  });
  return b.concat(c, `${name}_out`, states.slice(2));
}

function dartsOp<C, F>(b: NetworkBlocks<C, F>, c: C, name: string, op: string, x: F, channels: number, stride: 1 | 2): F {
  switch (op) {
    case 'max_pool_3x3':
      return b.pool3x3(c, name, x, 'max', stride);
    case 'avg_pool_3x3':
      return b.pool3x3(c, name, x, 'avg', stride);
    case 'skip_connect':
      return stride === 1 ? x : b.factorizedReduce(c, name, x, channels);
    case 'sep_conv_3x3':
      return sepConvOp(b, c, name, x, channels, 3, stride);
    case 'sep_conv_5x5':
      return sepConvOp(b, c, name, x, channels, 5, stride);
    case 'dil_conv_3x3':
      return dilConvOp(b, c, name, x, channels, 3, stride);
    case 'dil_conv_5x5':
      return dilConvOp(b, c, name, x, channels, 5, stride);
    default:
      throw new Error(`unknown DARTS op "${op}" (known: ${DARTS_OPS.join(', ')})`);
  }
}

/** DARTS SepConv: the (ReLU, depthwise, pointwise, BN) block twice, stride on the first. */
function sepConvOp<C, F>(b: NetworkBlocks<C, F>, c: C, name: string, x: F, channels: number, kernel: number, stride: 1 | 2): F {
  const first = b.separableConv(c, `${name}_sep1`, b.relu(c, `${name}_relu1`, x), channels, kernel, stride);
  const middle = b.batchNorm(c, `${name}_bn1`, first);
  const second = b.separableConv(c, `${name}_sep2`, b.relu(c, `${name}_relu2`, middle), channels, kernel, 1);
  return b.batchNorm(c, `${name}_bn2`, second);
}

/**
 * DARTS DilConv: ReLU, depthwise dilation 2, pointwise, BN. At stride 2 a dilation-2 conv only
 * ever reads even pixels, so it equals an undilated conv on the even-pixel subsample.
 */
function dilConvOp<C, F>(b: NetworkBlocks<C, F>, c: C, name: string, x: F, channels: number, kernel: number, stride: 1 | 2): F {
  const activated = b.relu(c, `${name}_relu`, x);
  const convolved =
    stride === 2
      ? b.separableConv(c, `${name}_sep`, b.subsample2(c, `${name}_even_pixels`, activated), channels, kernel, 1)
      : b.dilatedSeparableConv(c, `${name}_dil`, activated, channels, kernel);
  return b.batchNorm(c, `${name}_bn`, convolved);
}
