// A reader for TensorFlow's frozen GraphDef (.pb), with the project's own wire-format reader. Field numbers
// are those of tensorflow/core/framework/{graph,node_def,attr_value,tensor,tensor_shape,types}.proto:
// GraphDef.node = 1; NodeDef name = 1, op = 2, input = 3, device = 4, attr = 5 (map<string, AttrValue>);
// AttrValue list = 1, s = 2, i = 3, f = 4, b = 5, type = 6, shape = 7, tensor = 8 (ListValue: the same
// numbers, repeated); TensorProto dtype = 1, tensor_shape = 2, tensor_content = 4, float_val = 5,
// int_val = 7, int64_val = 10; TensorShapeProto.dim = 2, Dim.size = 1. Unknown fields are skipped.

import { fields, ProtobufReadError, type ProtoField } from '../protobuf-reader.js';

export class GraphDefError extends Error {
  override readonly name = 'GraphDefError';
}

/** DataType values of types.proto that constants of a frozen image classifier use. */
export const DT_FLOAT = 1;
export const DT_INT32 = 3;
export const DT_INT64 = 9;

export interface TfTensor {
  readonly dtype: number;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | BigInt64Array;
}

export type TfAttr =
  | { readonly kind: 's'; readonly value: string }
  | { readonly kind: 'i'; readonly value: number }
  | { readonly kind: 'f'; readonly value: number }
  | { readonly kind: 'b'; readonly value: boolean }
  | { readonly kind: 'type'; readonly value: number }
  | { readonly kind: 'shape'; readonly value: readonly number[] }
  | { readonly kind: 'tensor'; readonly value: TfTensor }
  | { readonly kind: 'list'; readonly ints: readonly number[]; readonly floats: readonly number[]; readonly strings: readonly string[] };

export interface TfNode {
  readonly name: string;
  readonly op: string;
  /** Data inputs as written ("node", "node:1"); control inputs ("^node") are dropped. */
  readonly inputs: readonly string[];
  readonly attrs: ReadonlyMap<string, TfAttr>;
}

export interface TfGraph {
  readonly nodes: ReadonlyMap<string, TfNode>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch (err) {
    throw new GraphDefError(`${what} is not valid UTF-8`, { cause: err });
  }
}

function lengthDelimited(f: ProtoField, what: string): Uint8Array {
  if (f.wire !== 2) throw new GraphDefError(`${what} has wire type ${f.wire}, expected a length-delimited field`);
  return f.bytes;
}

function varint(f: ProtoField, what: string): bigint {
  if (f.wire !== 0) throw new GraphDefError(`${what} has wire type ${f.wire}, expected a varint`);
  return f.value;
}

/** A signed 64-bit varint as a number (negative values are 10-byte two's complement on the wire). */
function signed(value: bigint): number {
  return Number(BigInt.asIntN(64, value));
}

function float32At(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat32(offset, true);
}

/** A repeated scalar field, packed (wire 2) or not (one value per field). */
function repeatedVarints(f: ProtoField, out: bigint[]): void {
  if (f.wire === 0) out.push(f.value);
  else if (f.wire === 2) for (const v of packedVarints(f.bytes)) out.push(v);
  else throw new GraphDefError(`a repeated integer field has wire type ${f.wire}`);
}

function packedVarints(bytes: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= bytes.length) throw new GraphDefError('truncated packed varint');
      const b = bytes[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new GraphDefError('packed varint longer than 10 bytes');
    }
    out.push(result);
  }
  return out;
}

function repeatedFloats(f: ProtoField, out: number[]): void {
  if (f.wire === 5) out.push(float32At(f.bytes, 0));
  else if (f.wire === 2) {
    if (f.bytes.length % 4 !== 0) throw new GraphDefError(`packed floats of ${f.bytes.length} bytes (not a multiple of 4)`);
    for (let i = 0; i < f.bytes.length; i += 4) out.push(float32At(f.bytes, i));
  } else throw new GraphDefError(`a repeated float field has wire type ${f.wire}`);
}

function parseShape(bytes: Uint8Array): number[] {
  const dims: number[] = [];
  for (const f of fields(bytes)) {
    if (f.field !== 2) continue;
    let size = 0;
    for (const d of fields(lengthDelimited(f, 'TensorShapeProto.dim'))) if (d.field === 1) size = signed(varint(d, 'Dim.size'));
    dims.push(size);
  }
  return dims;
}

function parseTensor(bytes: Uint8Array, where: string): TfTensor {
  let dtype = 0;
  let shape: number[] = [];
  let content: Uint8Array | undefined;
  const floats: number[] = [];
  const ints: bigint[] = [];
  for (const f of fields(bytes)) {
    if (f.field === 1) dtype = Number(varint(f, 'TensorProto.dtype'));
    else if (f.field === 2) shape = parseShape(lengthDelimited(f, 'TensorProto.tensor_shape'));
    else if (f.field === 4) content = lengthDelimited(f, 'TensorProto.tensor_content');
    else if (f.field === 5) repeatedFloats(f, floats);
    else if (f.field === 7 || f.field === 10) repeatedVarints(f, ints);
  }
  if (shape.some((d) => d < 0)) throw new GraphDefError(`${where}: constant with unknown dimension in shape [${shape.join(', ')}]`);
  const size = shape.reduce((a, b) => a * b, 1);
  const make = (): Float32Array | Int32Array | BigInt64Array => {
    if (dtype === DT_FLOAT) return new Float32Array(size);
    if (dtype === DT_INT32) return new Int32Array(size);
    if (dtype === DT_INT64) return new BigInt64Array(size);
    throw new GraphDefError(`${where}: constant of DataType ${dtype} is not supported (only DT_FLOAT, DT_INT32, DT_INT64)`);
  };
  const data = make();
  if (content !== undefined && content.length > 0) {
    if (content.length !== size * data.BYTES_PER_ELEMENT)
      throw new GraphDefError(
        `${where}: tensor_content holds ${content.length} bytes, shape [${shape.join(', ')}] needs ${size * data.BYTES_PER_ELEMENT}`,
      );
    const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
    for (let i = 0; i < size; i++) {
      if (data instanceof Float32Array) data[i] = view.getFloat32(i * 4, true);
      else if (data instanceof Int32Array) data[i] = view.getInt32(i * 4, true);
      else data[i] = view.getBigInt64(i * 8, true);
    }
    return { dtype, shape, data };
  }
  // The typed fields: per tensor.proto, a single value fills the whole shape; TensorFlow's
  // Tensor::FromProto also fills a shorter list with its last value, and no value at all means zeros.
  const values: ReadonlyArray<number | bigint> = dtype === DT_FLOAT ? floats : ints;
  if (values.length > size) throw new GraphDefError(`${where}: ${values.length} values for shape [${shape.join(', ')}]`);
  for (let i = 0; i < size && values.length > 0; i++) {
    const v = values[Math.min(i, values.length - 1)]!;
    if (data instanceof Float32Array) data[i] = Number(v);
    else if (data instanceof Int32Array) data[i] = Number(BigInt.asIntN(32, BigInt(v)));
    else data[i] = BigInt.asIntN(64, BigInt(v));
  }
  return { dtype, shape, data };
}

function parseList(bytes: Uint8Array): TfAttr {
  const ints: bigint[] = [];
  const floats: number[] = [];
  const strings: string[] = [];
  for (const f of fields(bytes)) {
    if (f.field === 2) strings.push(text(lengthDelimited(f, 'ListValue.s'), 'a string attribute'));
    else if (f.field === 3) repeatedVarints(f, ints);
    else if (f.field === 4) repeatedFloats(f, floats);
  }
  return { kind: 'list', ints: ints.map(signed), floats, strings };
}

function parseAttr(bytes: Uint8Array, where: string): TfAttr | undefined {
  let attr: TfAttr | undefined;
  for (const f of fields(bytes)) {
    switch (f.field) {
      case 1:
        attr = parseList(lengthDelimited(f, 'AttrValue.list'));
        break;
      case 2:
        attr = { kind: 's', value: text(lengthDelimited(f, 'AttrValue.s'), `${where}: a string attribute`) };
        break;
      case 3:
        attr = { kind: 'i', value: signed(varint(f, 'AttrValue.i')) };
        break;
      case 4:
        if (f.wire !== 5) throw new GraphDefError(`${where}: AttrValue.f has wire type ${f.wire}`);
        attr = { kind: 'f', value: float32At(f.bytes, 0) };
        break;
      case 5:
        attr = { kind: 'b', value: varint(f, 'AttrValue.b') !== 0n };
        break;
      case 6:
        attr = { kind: 'type', value: Number(varint(f, 'AttrValue.type')) };
        break;
      case 7:
        attr = { kind: 'shape', value: parseShape(lengthDelimited(f, 'AttrValue.shape')) };
        break;
      case 8:
        attr = { kind: 'tensor', value: parseTensor(lengthDelimited(f, 'AttrValue.tensor'), where) };
        break;
    }
  }
  return attr;
}

function parseNode(bytes: Uint8Array, index: number): TfNode {
  let name = '';
  let op = '';
  const inputs: string[] = [];
  const rawAttrs: Array<[string, Uint8Array]> = [];
  for (const f of fields(bytes)) {
    if (f.field === 1) name = text(lengthDelimited(f, 'NodeDef.name'), `the name of node #${index}`);
    else if (f.field === 2) op = text(lengthDelimited(f, 'NodeDef.op'), `the op of node #${index}`);
    else if (f.field === 3) {
      const input = text(lengthDelimited(f, 'NodeDef.input'), `an input of node #${index}`);
      if (!input.startsWith('^')) inputs.push(input);
    } else if (f.field === 5) {
      // map<string, AttrValue> entries: key = 1, value = 2.
      let key = '';
      let value: Uint8Array | undefined;
      for (const e of fields(lengthDelimited(f, 'NodeDef.attr'))) {
        if (e.field === 1) key = text(lengthDelimited(e, 'attr key'), `an attribute name of node #${index}`);
        else if (e.field === 2) value = lengthDelimited(e, 'attr value');
      }
      if (value) rawAttrs.push([key, value]);
    }
  }
  if (name === '') throw new GraphDefError(`node #${index} has no name`);
  if (op === '') throw new GraphDefError(`node ${name} has no op`);
  const attrs = new Map<string, TfAttr>();
  for (const [key, value] of rawAttrs) {
    const attr = parseAttr(value, `node ${name}, attribute ${key}`);
    if (attr) attrs.set(key, attr);
  }
  return { name, op, inputs, attrs };
}

/** Parses a serialized GraphDef; throws GraphDefError for anything that is not one. */
export function parseGraphDef(bytes: Uint8Array): TfGraph {
  const nodes = new Map<string, TfNode>();
  try {
    for (const f of fields(bytes)) {
      if (f.field !== 1) continue;
      const node = parseNode(lengthDelimited(f, 'GraphDef.node'), nodes.size);
      if (nodes.has(node.name)) throw new GraphDefError(`node ${node.name} is defined twice`);
      nodes.set(node.name, node);
    }
  } catch (err) {
    if (err instanceof ProtobufReadError) throw new GraphDefError(`not a valid GraphDef (${err.message})`, { cause: err });
    throw err;
  }
  if (nodes.size === 0) throw new GraphDefError('not a GraphDef: it holds no nodes');
  return { nodes };
}
