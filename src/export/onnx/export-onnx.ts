/**
 * The ONNX files of an export: members/<i>/model.onnx per member and ensemble.onnx for the whole
 * ensemble, built from each member's genotype and saved weights, with their ensemble.json entry.
 */
import { join } from 'node:path';
import { readModelWeights } from '../../train/model-weights.js';
import type { ExportedManifest, OnnxManifest } from '../manifest.js';
import { ensembleModel, ensembleModelInputs, ensembleModelOutputs, type RawInputType } from './ensemble-model.js';
import type { MemberNetwork, NetworkShape } from './member-network.js';
import { memberModel, memberModelInputs, memberModelOutputs } from './member-model.js';
import { ONNX_IR_VERSION, ONNX_OPSET } from './model-proto.js';
import { encodeModel } from './proto.js';

export const ENSEMBLE_ONNX_FILE = 'ensemble.onnx';
export const MEMBER_ONNX_FILE = 'model.onnx';

export interface OnnxExport {
  /** Files to write, by path relative to the ensemble folder. */
  files: { path: string; bytes: Uint8Array }[];
  /** ensemble.json's "onnx". */
  manifest: OnnxManifest;
}

/**
 * Builds the ONNX files of the ensemble `manifest` describes; `memberDirs[i]` is the folder of
 * member i's saved tfjs model (model.json + weights), whose weights go into the graphs.
 */
export function buildOnnxExport(manifest: Omit<ExportedManifest, 'onnx'>, memberDirs: string[], inputType: RawInputType): OnnxExport {
  const shape: NetworkShape = { macro: manifest.macro, inputShape: manifest.input.shape, numClasses: manifest.classNames.length };
  const networks: MemberNetwork[] = manifest.members.map((member, i) => ({
    genotype: member.genotype,
    weights: readModelWeights(memberDirs[i]!),
    source: join(memberDirs[i]!, 'model.json'),
  }));
  const memberPaths = manifest.members.map((member) => `${member.path}/${MEMBER_ONNX_FILE}`);
  const files = networks.map((network, i) => ({ path: memberPaths[i]!, bytes: encodeModel(memberModel(network, shape, manifest.classNames)) }));
  const ensemble = ensembleModel({
    shape,
    members: networks,
    weights: manifest.members.map((member) => member.weight),
    normalization: manifest.preprocessing,
    inputType,
    classNames: manifest.classNames,
  });
  files.push({ path: ENSEMBLE_ONNX_FILE, bytes: encodeModel(ensemble) });
  return {
    files,
    manifest: {
      opset: ONNX_OPSET,
      irVersion: ONNX_IR_VERSION,
      ensemble: { path: ENSEMBLE_ONNX_FILE, inputs: ensembleModelInputs(shape, inputType), outputs: ensembleModelOutputs(shape, networks.length) },
      members: memberPaths.map((path) => ({ path, inputs: memberModelInputs(shape), outputs: memberModelOutputs(shape) })),
    },
  };
}
