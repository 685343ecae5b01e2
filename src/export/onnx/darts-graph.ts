/** The DARTS network in ONNX: the structure tfjs trains (train/model/darts-network.ts), on ONNX nodes. */
import type { DartsGenotype, MacroConfig } from '../../space/types.js';
import { dartsFeatures } from '../../train/model/darts-network.js';
import { classifierHead, onnxBlocks, type Feature, type MemberGraph } from './layers.js';

/** The member's probabilities [N, classes] from normalised NCHW images `input`. */
export function dartsGraph(net: MemberGraph, genotype: DartsGenotype, macro: MacroConfig, input: Feature, numClasses: number): string {
  return classifierHead(net, dartsFeatures(onnxBlocks, net, genotype, macro, input), numClasses);
}
