import { ProtoWriter } from './protobuf-writer.js';

// Field numbers and enum values below are those of onnx/onnx.proto3 (onnx/onnx, onnx/onnx.proto3).

export type ElemType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'uint8';
/** A fixed size, or a symbolic name such as `'batch'` for a dimension known only at run time. */
export type Dim = number | string;
/**
 * Tensor values; the array type gives the element type. float16 values are given as their IEEE 754 binary16
 * bit patterns in a Uint16Array, as onnxruntime-node takes them on Node 20 (Node 24 hands float16 outputs back as Float16Array).
 */
export type TensorData = Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Uint8Array;

/** A tensor value with its shape; `dims` must multiply out to `data.length`. */
export interface TensorSpec {
  readonly data: TensorData;
  readonly dims: readonly number[];
}

/** Where an externally stored initializer's bytes live (TensorProto.external_data keys). */
export interface ExternalDataRef {
  readonly location: string;
  readonly offset?: number;
  readonly length?: number;
}

export type AttributeValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'tensor'; readonly value: TensorSpec };

/** Constructors for node attributes: `{ strides: attr.ints([2, 2]), alpha: attr.float(0.2) }`. */
export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): AttributeValue => ({ kind: 'floats', value }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
  tensor: (data: TensorData, dims: readonly number[]): AttributeValue => ({ kind: 'tensor', value: { data, dims } }),
  /** An element type as its TensorProto.DataType value, for attributes such as Cast's `to`. */
  dataType: (elemType: ElemType): AttributeValue => ({ kind: 'int', value: DATA_TYPE[elemType] }),
};

export interface GraphBuilderOptions {
  /** GraphProto.name. Default `'genbench'`. */
  readonly name?: string;
  /** Default-domain opset. Default 17 (at ≥ 13, Squeeze/Unsqueeze/ReduceSum take axes as an input). */
  readonly opset?: number;
  /** ModelProto.ir_version. Default 8, the IR that introduced opset 17. */
  readonly irVersion?: number;
  readonly producerName?: string;
  /**
   * Prefix of the generated node names (`${prefix}${opType}_${i}`): a graph spliced in front of another
   * (preprocessing-graph.ts) must not repeat its node names, which onnxruntime refuses. Default none.
   */
  readonly nodeNamePrefix?: string;
}

export class GraphBuilderError extends Error {
  override readonly name = 'GraphBuilderError';
}

/** TensorProto.DataType values. */
const DATA_TYPE: Record<ElemType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, float16: 10, float64: 11 };

// AttributeProto.AttributeType values.
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_TENSOR = 4;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

const DATA_LOCATION_EXTERNAL = 1;

interface ValueInfo {
  readonly name: string;
  readonly elemType: ElemType;
  readonly dims: readonly Dim[];
}

interface Initializer {
  readonly name: string;
  readonly elemType: ElemType;
  readonly dims: readonly number[];
  readonly data?: TensorData;
  readonly external?: ExternalDataRef;
}

interface NodeSpec {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly name: string;
}

/**
 * Declares an ONNX graph (inputs, outputs, initializers, nodes in topological order) and serializes it as a
 * ModelProto. Names are checked as they are declared, so a model that builds also resolves in ORT.
 */
export class GraphBuilder {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly nodes: NodeSpec[] = [];
  private readonly defined = new Set<string>();

  constructor(private readonly options: GraphBuilderOptions = {}) {}

  input(name: string, elemType: ElemType, dims: readonly Dim[]): this {
    this.define(name);
    this.inputs.push({ name, elemType, dims: [...dims] });
    return this;
  }

  /** Declares a graph output; it must be produced by a node or be an input or initializer by `toBytes()`. */
  output(name: string, elemType: ElemType, dims: readonly Dim[]): this {
    if (this.outputs.some((o) => o.name === name)) throw new GraphBuilderError(`output ${name} declared twice`);
    this.outputs.push({ name, elemType, dims: [...dims] });
    return this;
  }

  initializer(name: string, data: TensorData, dims: readonly number[]): this {
    checkTensor(name, data, dims);
    this.define(name);
    this.initializers.push({ name, elemType: elemTypeOf(data), dims: [...dims], data });
    return this;
  }

  /** An initializer whose bytes are declared to live in another file (data_location = EXTERNAL). */
  externalInitializer(name: string, elemType: ElemType, dims: readonly number[], ref: ExternalDataRef): this {
    this.define(name);
    this.initializers.push({ name, elemType, dims: [...dims], external: ref });
    return this;
  }

  /** Adds a node; inputs must already be defined (`''` marks an omitted optional input). */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    name?: string,
  ): this {
    for (const input of inputs) {
      if (input !== '' && !this.defined.has(input)) {
        throw new GraphBuilderError(`${opType} node reads ${input}, which is not defined yet`);
      }
    }
    for (const [key, value] of Object.entries(attributes)) {
      if (value.kind === 'tensor') checkTensor(`${opType}.${key}`, value.value.data, value.value.dims);
    }
    for (const output of outputs) this.define(output);
    this.nodes.push({
      opType,
      inputs: [...inputs],
      outputs: [...outputs],
      attributes,
      name: name ?? `${this.options.nodeNamePrefix ?? ''}${opType}_${this.nodes.length}`,
    });
    return this;
  }

  /** Serializes the ModelProto. Deterministic: the same declarations give the same bytes. */
  toBytes(): Uint8Array {
    if (this.outputs.length === 0) throw new GraphBuilderError('the graph has no outputs');
    for (const output of this.outputs) {
      if (!this.defined.has(output.name)) throw new GraphBuilderError(`output ${output.name} is never produced`);
    }

    // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
    const graph = new ProtoWriter();
    for (const node of this.nodes) graph.message(1, encodeNode(node));
    graph.string(2, this.options.name ?? 'genbench');
    for (const init of this.initializers) graph.message(5, encodeTensor(init));
    for (const input of this.inputs) graph.message(11, encodeValueInfo(input));
    for (const output of this.outputs) graph.message(12, encodeValueInfo(output));

    // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8.
    // OperatorSetIdProto: domain = 1 (left empty: the default ai.onnx domain), version = 2.
    return new ProtoWriter()
      .varint(1, this.options.irVersion ?? 8)
      .string(2, this.options.producerName ?? 'genbench')
      .message(7, graph)
      .message(8, new ProtoWriter().varint(2, this.options.opset ?? 17))
      .finish();
  }

  private define(name: string): void {
    if (name === '') throw new GraphBuilderError('value names must not be empty');
    if (this.defined.has(name)) throw new GraphBuilderError(`value ${name} is defined twice`);
    this.defined.add(name);
  }
}

function elemTypeOf(data: TensorData): ElemType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Uint16Array) return 'float16';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

function checkTensor(name: string, data: TensorData, dims: readonly number[]): void {
  const size = dims.reduce((a, b) => a * b, 1);
  if (dims.some((d) => !Number.isInteger(d) || d < 0) || size !== data.length) {
    throw new GraphBuilderError(`tensor ${name}: dims [${dims.join(', ')}] do not match ${data.length} elements`);
  }
}

// NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
function encodeNode(node: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name).string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes)) w.message(5, encodeAttribute(name, value));
  return w;
}

// AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20.
function encodeAttribute(name: string, value: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  switch (value.kind) {
    case 'float':
      return w.float(2, value.value).varint(20, ATTR_FLOAT);
    case 'int':
      return w.varint(3, value.value).varint(20, ATTR_INT);
    case 'string':
      return w.string(4, value.value).varint(20, ATTR_STRING);
    case 'tensor':
      return w.message(5, encodeTensor({ name: '', elemType: elemTypeOf(value.value.data), ...value.value })).varint(20, ATTR_TENSOR);
    case 'floats':
      return w.packedFloats(7, value.value).varint(20, ATTR_FLOATS);
    case 'ints':
      return w.packedVarints(8, value.value).varint(20, ATTR_INTS);
  }
}

// TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9, external_data = 13, data_location = 14.
// raw_data holds fixed-width little-endian elements, per the comment on the field in onnx.proto3.
function encodeTensor(tensor: Initializer): ProtoWriter {
  const w = new ProtoWriter().packedVarints(1, tensor.dims).varint(2, DATA_TYPE[tensor.elemType]);
  if (tensor.name !== '') w.string(8, tensor.name);
  if (tensor.data) {
    w.bytes(9, littleEndianBytes(tensor.data));
  } else if (tensor.external) {
    const { location, offset, length } = tensor.external;
    w.message(13, encodeStringEntry('location', location));
    if (offset !== undefined) w.message(13, encodeStringEntry('offset', String(offset)));
    if (length !== undefined) w.message(13, encodeStringEntry('length', String(length)));
    w.varint(14, DATA_LOCATION_EXTERNAL);
  }
  return w;
}

// ValueInfoProto: name = 1, type = 2. TypeProto: tensor_type = 1. TypeProto.Tensor: elem_type = 1, shape = 2.
// TensorShapeProto: dim = 1. TensorShapeProto.Dimension: dim_value = 1, dim_param = 2.
function encodeValueInfo(info: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of info.dims) {
    shape.message(1, typeof dim === 'number' ? new ProtoWriter().varint(1, dim) : new ProtoWriter().string(2, dim));
  }
  const tensorType = new ProtoWriter().varint(1, DATA_TYPE[info.elemType]).message(2, shape);
  return new ProtoWriter().string(1, info.name).message(2, new ProtoWriter().message(1, tensorType));
}

// StringStringEntryProto: key = 1, value = 2.
function encodeStringEntry(key: string, value: string): ProtoWriter {
  return new ProtoWriter().string(1, key).string(2, value);
}

function littleEndianBytes(data: TensorData): Uint8Array {
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else if (data instanceof Float64Array) data.forEach((v, i) => view.setFloat64(i * 8, v, true));
  else if (data instanceof Uint16Array) data.forEach((v, i) => view.setUint16(i * 2, v, true));
  else if (data instanceof BigInt64Array) data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  else if (data instanceof Int32Array) data.forEach((v, i) => view.setInt32(i * 4, v, true));
  else bytes.set(data);
  return bytes;
}
