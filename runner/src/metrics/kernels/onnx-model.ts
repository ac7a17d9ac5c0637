// A minimal ONNX ModelProto encoder for the small arithmetic graphs the metric kernels hand to
// onnxruntime (field numbers from onnx/onnx.proto3). Kept here, not shared with runner/src/onnx, because
// these graphs need float64 tensors and nothing else from a general graph builder.

export type OnnxElemType = 'float32' | 'float64' | 'int64';
export type OnnxDim = number | string;

export interface OnnxAttribute {
  readonly name: string;
  readonly int?: number;
  readonly float?: number;
  readonly ints?: readonly number[];
}

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: readonly OnnxAttribute[];
}

export interface OnnxValue {
  readonly name: string;
  readonly type: OnnxElemType;
  readonly dims: readonly OnnxDim[];
}

export interface OnnxInitializer {
  readonly name: string;
  readonly type: OnnxElemType;
  readonly dims: readonly number[];
  readonly values: readonly number[];
}

export interface OnnxGraph {
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
  readonly nodes: readonly OnnxNode[];
  readonly initializers?: readonly OnnxInitializer[];
}

const ELEM_TYPE: Record<OnnxElemType, number> = { float32: 1, int64: 7, float64: 11 };
const encoder = new TextEncoder();

class Proto {
  private readonly parts: number[] = [];

  varint(field: number, value: number): this {
    this.key(field, 0);
    this.raw(value);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(new Float32Array([value]).buffer);
    for (const x of b) this.parts.push(x);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.raw(value.length);
    for (const x of value) this.parts.push(x);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  message(field: number, value: Proto): this {
    return this.bytes(field, value.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }

  private key(field: number, wire: number): void {
    this.raw(field * 8 + wire);
  }

  private raw(value: number): void {
    // Negative int64 values take ten bytes (two's complement over 64 bits).
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.parts.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.parts.push(Number(v));
  }
}

function valueInfo(v: OnnxValue): Proto {
  const shape = new Proto();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new Proto().varint(1, d) : new Proto().string(2, d));
  const tensor = new Proto().varint(1, ELEM_TYPE[v.type]).message(2, shape);
  return new Proto().string(1, v.name).message(2, new Proto().message(1, tensor));
}

function initializer(t: OnnxInitializer): Proto {
  const p = new Proto();
  for (const d of t.dims) p.varint(1, d);
  p.varint(2, ELEM_TYPE[t.type]).string(8, t.name);
  const raw =
    t.type === 'float32'
      ? new Uint8Array(Float32Array.from(t.values).buffer)
      : t.type === 'float64'
        ? new Uint8Array(Float64Array.from(t.values).buffer)
        : new Uint8Array(BigInt64Array.from(t.values.map((x) => BigInt(x))).buffer);
  return p.bytes(9, raw);
}

function attribute(a: OnnxAttribute): Proto {
  const p = new Proto().string(1, a.name);
  if (a.float !== undefined) return p.float(2, a.float).varint(20, 1);
  if (a.int !== undefined) return p.varint(3, a.int).varint(20, 2);
  if (a.ints !== undefined) {
    for (const x of a.ints) p.varint(8, x);
    return p.varint(20, 7);
  }
  throw new RangeError(`attribute ${a.name} has no value`);
}

/** Serializes a graph as an ONNX ModelProto (IR 8, default-domain opset 17). */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  const g = new Proto();
  graph.nodes.forEach((n, i) => {
    const node = new Proto();
    for (const x of n.inputs) node.string(1, x);
    for (const x of n.outputs) node.string(2, x);
    node.string(3, `${n.op}_${i}`).string(4, n.op);
    for (const a of n.attributes ?? []) node.message(5, attribute(a));
    g.message(1, node);
  });
  g.string(2, 'genbench-metrics');
  for (const t of graph.initializers ?? []) g.message(5, initializer(t));
  for (const v of graph.inputs) g.message(11, valueInfo(v));
  for (const v of graph.outputs) g.message(12, valueInfo(v));
  return new Proto().varint(1, 8).string(2, 'genbench').message(7, g).message(8, new Proto().varint(2, 17)).finish();
}
