/**
 * The whole ensemble as one ONNX graph: raw images in (pixels 0..255, NHWC, uint8 or float32),
 * normalised as ensemble.json's preprocessing says, every member run on them, and the outputs of
 * loadEnsemble().predict(): the weighted mean probabilities, each member's probabilities, the
 * predictive entropy, the mutual information (both in nats) and the predicted class.
 */
import type { Normalization } from '../../data/types.js';
import type { OnnxTensorInfo } from '../manifest.js';
import { GraphBuilder } from './graph-builder.js';
import { addMemberNetwork, type MemberNetwork, type NetworkShape } from './member-network.js';
import { modelProto, valueInfo } from './model-proto.js';
import { DataType, type ModelProto } from './proto-types.js';

export type RawInputType = 'uint8' | 'float32';

export interface EnsembleSpec {
  shape: NetworkShape;
  members: MemberNetwork[];
  /** Each member's share of the mean; sums to 1. */
  weights: readonly number[];
  normalization: Normalization;
  inputType: RawInputType;
  classNames: readonly string[];
}

export function ensembleModelInputs(shape: NetworkShape, inputType: RawInputType): OnnxTensorInfo[] {
  return [{ name: 'images', dtype: inputType, shape: ['N', ...shape.inputShape], description: 'raw pixels 0..255, NHWC' }];
}

export function ensembleModelOutputs(shape: NetworkShape, memberCount: number): OnnxTensorInfo[] {
  const classes = shape.numClasses;
  return [
    { name: 'mean_probs', dtype: 'float32', shape: ['N', classes], description: "the members' probabilities averaged with their weights" },
    { name: 'member_probs', dtype: 'float32', shape: [memberCount, 'N', classes], description: "each member's probabilities, in ensemble.json's member order" },
    { name: 'entropy', dtype: 'float32', shape: ['N'], description: 'predictive entropy of mean_probs, in nats' },
    { name: 'mutual_information', dtype: 'float32', shape: ['N'], description: 'entropy minus the weighted mean member entropy (epistemic uncertainty), in nats' },
    { name: 'predicted_class', dtype: 'int64', shape: ['N'], description: 'argmax of mean_probs (ties to the lower class)' },
  ];
}

export function ensembleModel(spec: EnsembleSpec): ModelProto {
  const { shape, members, weights } = spec;
  const g = GraphBuilder.create();
  const inputs = ensembleModelInputs(shape, spec.inputType);
  const outputs = ensembleModelOutputs(shape, members.length);
  const raw = g.input(inputs[0]!.name);
  const pixels = spec.inputType === 'uint8' ? g.node('Cast', [raw], 'pixels', { to: DataType.FLOAT }) : raw;
  const normalised = normalise(g, pixels, spec.normalization);
  const nchw = g.node('Transpose', [normalised], 'images_nchw', { perm: [0, 3, 1, 2] });

  const axis0 = g.int64s('axis0', [0]);
  const memberProbs = members.map((member, k) => {
    const probs = addMemberNetwork(g.scoped(`member${k}/`), member, shape, nchw);
    return g.node('Unsqueeze', [probs, axis0], `member${k}/probs_stacked`);
  });
  const [meanOut, membersOut, entropyOut, miOut, classOut] = outputs.map((o) => o.name) as [string, string, string, string, string];
  const stacked = g.namedNode('Concat', memberProbs, membersOut, { axis: 0 });
  const weights3 = g.floats('member_weights', [members.length, 1, 1], Float32Array.from(weights));
  g.namedNode('ReduceSum', [g.node('Mul', [stacked, weights3], 'weighted_probs'), axis0], meanOut, { keepdims: 0 });

  const entropy = rowEntropy(g, meanOut, 'mean');
  g.namedNode('Identity', [entropy], entropyOut);
  const memberEntropies = rowEntropy(g, stacked, 'member');
  const weights2 = g.floats('member_weights_2d', [members.length, 1], Float32Array.from(weights));
  const expected = g.node('ReduceSum', [g.node('Mul', [memberEntropies, weights2], 'weighted_member_entropy'), axis0], 'expected_member_entropy', { keepdims: 0 });
  // Jensen's gap is ≥ 0; rounding can dip a hair below when the members agree (as uncertainty.ts).
  g.namedNode('Relu', [g.node('Sub', [entropy, expected], 'entropy_gap')], miOut);
  g.namedNode('ArgMax', [meanOut], classOut, { axis: 1, keepdims: 0, select_last_index: 0 });

  const graph = g.graph('nes_ensemble', inputs.map(valueInfo), outputs.map(valueInfo));
  return modelProto(graph, `nes ensemble of ${members.length} networks: raw NHWC images in, mean and member probabilities, entropy and mutual information out`, {
    classNames: JSON.stringify(spec.classNames),
    memberWeights: JSON.stringify(weights),
  });
}

/** pixel · 1/(255·std) − mean/std per channel (the last axis), the affine map of train/normalize.ts. */
function normalise(g: GraphBuilder, pixels: string, normalization: Normalization): string {
  const channels = normalization.mean.length;
  const scale = new Float32Array(channels);
  const offset = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = 1 / (255 * normalization.std[c]!);
    offset[c] = normalization.mean[c]! / normalization.std[c]!;
  }
  const scaled = g.node('Mul', [pixels, g.floats('normalization/scale', [channels], scale)], 'scaled');
  return g.node('Sub', [scaled, g.floats('normalization/offset', [channels], offset)], 'normalised');
}

/** −Σ p log p over the last axis, with 0 log 0 = 0. */
function rowEntropy(g: GraphBuilder, probs: string, base: string): string {
  const zero = g.floats(`${base}_zero`, [], new Float32Array([0]));
  const plogp = g.node('Mul', [probs, g.node('Log', [probs], `${base}_log`)], `${base}_plogp`);
  const finite = g.node('Where', [g.node('Greater', [probs, zero], `${base}_positive`), plogp, zero], `${base}_plogp_finite`);
  const lastAxis = g.int64s(`${base}_class_axis`, [-1]);
  return g.node('Neg', [g.node('ReduceSum', [finite, lastAxis], `${base}_plogp_sum`, { keepdims: 0 })], `${base}_entropy`);
}
