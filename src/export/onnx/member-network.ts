/** One member's network (DARTS or NB201) in an ONNX graph, from its genotype and trained weights. */
import type { Genotype, MacroConfig } from '../../space/types.js';
import type { WeightTensor } from '../../train/model-weights.js';
import { dartsGraph } from './darts-graph.js';
import type { GraphBuilder } from './graph-builder.js';
import type { Feature } from './layers.js';
import { MemberWeights } from './member-weights.js';
import { nb201Graph } from './nb201-graph.js';

/** A trained member: what its network is and its weights (tfjs names, as saved in model.json). */
export interface MemberNetwork {
  genotype: Genotype;
  weights: Map<string, WeightTensor>;
  /** Where the weights came from, for error messages (the member's model folder). */
  source: string;
}

/** What every member of an ensemble shares. */
export interface NetworkShape {
  macro: MacroConfig;
  /** [height, width, channels] of one image. */
  inputShape: readonly [number, number, number];
  numClasses: number;
}

/**
 * Adds the member's nodes to `g` reading normalised NCHW images `input`; returns the value name
 * of its probabilities [N, classes]. Every weight of the member must be used.
 */
export function addMemberNetwork(g: GraphBuilder, member: MemberNetwork, shape: NetworkShape, input: string): string {
  const w = new MemberWeights(member.weights, member.source);
  const [height, width, channels] = shape.inputShape;
  const images: Feature = { name: input, channels, height, width };
  const net = { g, w };
  const probs =
    member.genotype.space === 'darts'
      ? dartsGraph(net, member.genotype, shape.macro, images, shape.numClasses)
      : nb201Graph(net, member.genotype, shape.macro, images, shape.numClasses);
  w.assertAllUsed();
  return probs;
}
