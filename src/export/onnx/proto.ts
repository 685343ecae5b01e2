/**
 * ONNX's protobuf messages, read with protobufjs from ONNX's published onnx.proto (vendored in
 * proto/onnx.proto at the package root, ONNX v1.22.0). Models are plain objects shaped like the
 * .proto messages (field names as in onnx.proto: keepCase); protobufjs checks and encodes them.
 */
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { PACKAGE_ROOT } from '../../version.js';
import type { ModelProto } from './proto-types.js';

export const ONNX_PROTO_PATH = join(PACKAGE_ROOT, 'proto', 'onnx.proto');

let modelType: protobuf.Type | undefined;

/** onnx.ModelProto, parsed once. */
function modelProtoType(): protobuf.Type {
  modelType ??= new protobuf.Root().loadSync(ONNX_PROTO_PATH, { keepCase: true }).lookupType('onnx.ModelProto');
  return modelType;
}

/** The protobuf bytes of `model` (what an .onnx file holds); a field of the wrong type throws. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  const problem = type.verify(model);
  if (problem !== null) throw new Error(`invalid ONNX ModelProto: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/** Parses an .onnx file's bytes back into a plain object (int64 fields as numbers, enums as names). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = modelProtoType();
  return type.toObject(type.decode(bytes), { longs: Number, enums: String, bytes: Array, defaults: false }) as ModelProto;
}
