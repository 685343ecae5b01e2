/** The NAS-Bench-201 network in ONNX: the structure tfjs trains (train/model/nb201-network.ts), on ONNX nodes. */
import type { MacroConfig, Nb201Genotype } from '../../space/types.js';
import { nb201Features } from '../../train/model/nb201-network.js';
import { classifierHead, onnxBlocks, type Feature, type MemberGraph } from './layers.js';

/** The member's probabilities [N, classes] from normalised NCHW images `input`. */
export function nb201Graph(net: MemberGraph, genotype: Nb201Genotype, macro: MacroConfig, input: Feature, numClasses: number): string {
  return classifierHead(net, nb201Features(onnxBlocks, net, genotype, macro, input), numClasses);
}
