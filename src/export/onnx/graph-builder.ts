/**
 * Accumulates the nodes and initializers of one ONNX graph. Value and node names are unique in the
 * graph; a scope (`scoped('m0/')`) prefixes the names of one member inside the ensemble graph.
 */
import { AttributeType, DataType, type AttributeProto, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto-types.js';

/** Attribute values by name: a number as INT, `{ float }` as FLOAT, an integer list as INTS, a string as STRING. */
export type Attributes = Record<string, number | number[] | string | { float: number }>;

interface GraphParts {
  nodes: NodeProto[];
  initializers: TensorProto[];
  names: Set<string>;
}

export class GraphBuilder {
  private constructor(
    private readonly parts: GraphParts,
    private readonly prefix: string,
  ) {}

  static create(): GraphBuilder {
    return new GraphBuilder({ nodes: [], initializers: [], names: new Set() }, '');
  }

  /** A view that adds `prefix` to every name it makes; nodes and initializers go into the same graph. */
  scoped(prefix: string): GraphBuilder {
    return new GraphBuilder(this.parts, this.prefix + prefix);
  }

  /** A graph-unique name from `base` (scoped): `base`, else `base_1`, `base_2` … */
  uniqueName(base: string): string {
    const full = this.prefix + base;
    let name = full;
    for (let i = 1; this.parts.names.has(name); i++) name = `${full}_${i}`;
    this.parts.names.add(name);
    return name;
  }

  /** A float32 initializer; returns its value name. */
  floats(base: string, dims: readonly number[], values: Float32Array): string {
    if (values.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${base}: ${values.length} values for dims [${dims.join(', ')}]`);
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(4 * i, v, true));
    return this.initializer(base, dims, DataType.FLOAT, bytes);
  }

  /** A 1-D int64 initializer (shapes, axes, slice bounds); returns its value name. */
  int64s(base: string, values: readonly number[]): string {
    const bytes = new Uint8Array(values.length * 8);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
    return this.initializer(base, [values.length], DataType.INT64, bytes);
  }

  /** Adds a node with one output; returns the output's value name. */
  node(opType: string, inputs: string[], base: string, attributes: Attributes = {}): string {
    const name = this.uniqueName(base);
    this.parts.nodes.push({ name, op_type: opType, input: inputs, output: [name], attribute: toAttributes(attributes) });
    return name;
  }

  /** Adds a node whose output name is given (a graph output); returns it. */
  namedNode(opType: string, inputs: string[], output: string, attributes: Attributes = {}): string {
    if (this.parts.names.has(output)) throw new Error(`value name ${output} is taken`);
    this.parts.names.add(output);
    this.parts.nodes.push({ name: output, op_type: opType, input: inputs, output: [output], attribute: toAttributes(attributes) });
    return output;
  }

  /** Reserves a graph input's name. */
  input(name: string): string {
    if (this.parts.names.has(name)) throw new Error(`value name ${name} is taken`);
    this.parts.names.add(name);
    return name;
  }

  graph(name: string, inputs: ValueInfoProto[], outputs: ValueInfoProto[], docString?: string): GraphProto {
    return {
      name,
      node: this.parts.nodes,
      initializer: this.parts.initializers,
      input: inputs,
      output: outputs,
      ...(docString === undefined ? {} : { doc_string: docString }),
    };
  }

  private initializer(base: string, dims: readonly number[], dataType: TensorProto['data_type'], rawData: Uint8Array): string {
    const name = this.uniqueName(base);
    this.parts.initializers.push({ name, dims: [...dims], data_type: dataType, raw_data: rawData });
    return name;
  }
}

function toAttributes(attributes: Attributes): AttributeProto[] {
  return Object.entries(attributes).map(([name, value]) => {
    if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
    if (Array.isArray(value)) {
      if (!value.every(Number.isInteger)) throw new Error(`attribute ${name}: only integer lists are written`);
      return { name, type: AttributeType.INTS, ints: value };
    }
    if (typeof value === 'object') return { name, type: AttributeType.FLOAT, f: value.float };
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (write { float: ${value} })`);
    return { name, type: AttributeType.INT, i: value };
  });
}
