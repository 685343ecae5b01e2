/** The ModelProto around a graph: opset, IR version, producer, and graph inputs/outputs from their descriptions. */
import type { OnnxTensorInfo } from '../manifest.js';
import { NES_VERSION } from '../../version.js';
import { DataType, type GraphProto, type ModelProto, type ValueInfoProto } from './proto-types.js';

/**
 * Opset 17 of the default domain (ONNX 1.12, 2022) and IR version 8: every op used here is in it,
 * and ONNX Runtime has run both since 1.12/1.14 (the tests use onnxruntime-node 1.30).
 */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

const ELEMENT_TYPES = { float32: DataType.FLOAT, uint8: DataType.UINT8, int64: DataType.INT64 } as const;

export function valueInfo(info: OnnxTensorInfo): ValueInfoProto {
  return {
    name: info.name,
    doc_string: info.description,
    type: {
      tensor_type: {
        elem_type: ELEMENT_TYPES[info.dtype],
        shape: { dim: info.shape.map((size) => (typeof size === 'number' ? { dim_value: size } : { dim_param: size })) },
      },
    },
  };
}

export function modelProto(graph: GraphProto, docString: string, metadata: Record<string, string>): ModelProto {
  return {
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'nes',
    producer_version: NES_VERSION,
    doc_string: docString,
    graph,
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
}
