/**
 * One member as an ONNX model: the same function as its tfjs layers model. Input: normalised
 * images (x/255 − mean)/std, NHWC float32; output: softmax probabilities.
 */
import type { OnnxTensorInfo } from '../manifest.js';
import { GraphBuilder } from './graph-builder.js';
import { addMemberNetwork, type MemberNetwork, type NetworkShape } from './member-network.js';
import { modelProto, valueInfo } from './model-proto.js';
import type { ModelProto } from './proto-types.js';

export function memberModelInputs(shape: NetworkShape): OnnxTensorInfo[] {
  return [
    {
      name: 'images',
      dtype: 'float32',
      shape: ['N', ...shape.inputShape],
      description: 'normalised images, NHWC: (pixel/255 - mean) / std per channel (ensemble.json preprocessing)',
    },
  ];
}

export function memberModelOutputs(shape: NetworkShape): OnnxTensorInfo[] {
  return [{ name: 'probs', dtype: 'float32', shape: ['N', shape.numClasses], description: 'softmax probabilities per class' }];
}

export function memberModel(member: MemberNetwork, shape: NetworkShape, classNames: readonly string[]): ModelProto {
  const g = GraphBuilder.create();
  const [inputInfo] = memberModelInputs(shape);
  const [outputInfo] = memberModelOutputs(shape);
  const images = g.input(inputInfo!.name);
  const nchw = g.node('Transpose', [images], 'images_nchw', { perm: [0, 3, 1, 2] });
  const probs = addMemberNetwork(g.scoped('net/'), member, shape, nchw);
  g.namedNode('Identity', [probs], outputInfo!.name);
  const graph = g.graph(`nes_${member.genotype.space}_member`, [valueInfo(inputInfo!)], [valueInfo(outputInfo!)]);
  return modelProto(graph, `nes ensemble member (${member.genotype.space} genotype), normalised NHWC images in, class probabilities out`, {
    classNames: JSON.stringify(classNames),
  });
}
