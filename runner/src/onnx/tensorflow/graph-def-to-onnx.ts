// Converts the part of a frozen TensorFlow GraphDef that some requested tensors depend on into ONNX nodes of
// a GraphBuilder, starting from one TF tensor bound to an ONNX input. Only the ops of TF's 2015 image
// classifiers are supported; semantics follow the TF kernels (tensorflow/core/kernels, ops/*.cc):
// - Conv2D, MaxPool, AvgPool: NHWC, windows from `ksize`/`strides`, padding VALID or SAME; SAME gives
//   out = ceil(in / stride) and pads max((out − 1)·stride + k − in, 0) split with the extra row/column at
//   the bottom/right (ONNX SAME_UPPER); AvgPool divides by the number of elements inside the image.
// - BatchNormWithGlobalNormalization (batch_norm_op.h): (t − m)·(rsqrt(v + ε)·γ) + β, γ only with
//   scale_after_normalization; the per-channel factor in float32 as TF computes it.
// - Concat (concat_dim first), ConcatV2 (axis last); Reshape; MatMul (transpose_a/b); Add, BiasAdd; Softmax
//   over the last axis; Squeeze (squeeze_dims); Identity and CheckNumerics pass their input through.
// TF tensors are NHWC; 4-D values produced by convolutions and pools stay NCHW in ONNX (the layout ONNX's
// Conv and pools take) and are transposed back only where an op needs TF's layout (Reshape, MatMul, …).

import { attr, type AttributeValue, type GraphBuilder, type TensorData } from '../graph-builder.js';
import { DT_FLOAT, type TfAttr, type TfGraph, type TfNode, type TfTensor } from './graph-def.js';

export class TfConversionError extends Error {
  override readonly name = 'TfConversionError';
}

export type Layout = 'tf' | 'nchw';
/** A TF shape; null for a dimension known only at run time (the batch). */
export type TfShape = ReadonlyArray<number | null>;

interface Converted {
  /** ONNX value name. */
  readonly name: string;
  /** 'nchw': a 4-D TF tensor stored transposed to NCHW; 'tf': stored as TF has it. */
  readonly layout: Layout;
  /** The TF (NHWC) shape. */
  readonly shape: TfShape;
}

export const SUPPORTED_OPS = [
  'Const',
  'Identity',
  'CheckNumerics',
  'Conv2D',
  'BatchNormWithGlobalNormalization',
  'Relu',
  'MaxPool',
  'AvgPool',
  'Concat',
  'ConcatV2',
  'Reshape',
  'MatMul',
  'Add',
  'BiasAdd',
  'Softmax',
  'Squeeze',
] as const;

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
/** Where NHWC axis a lives in NCHW. */
const NCHW_AXIS = [0, 2, 3, 1];

/** Splits "node:1" into its node and output index; "node" is output 0. */
export function parseTensorName(tensor: string): { node: string; index: number } {
  const m = /^(.*?)(?::(\d+))?$/.exec(tensor)!;
  return { node: m[1]!, index: m[2] === undefined ? 0 : Number(m[2]) };
}

export interface TfInputBinding {
  /** The TF tensor the ONNX input replaces, e.g. "Mul:0". */
  readonly tensor: string;
  /** The ONNX input's name (already declared on the builder). */
  readonly name: string;
  readonly layout: Layout;
  /** The TF (NHWC) shape of the tensor the input stands for. */
  readonly shape: TfShape;
}

export class GraphDefConverter {
  private readonly converted = new Map<string, Converted>();
  private readonly transposed = new Map<string, string>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly graph: TfGraph,
    private readonly builder: GraphBuilder,
    input: TfInputBinding,
  ) {
    const { node, index } = parseTensorName(input.tensor);
    this.node(node);
    this.converted.set(`${node}:${index}`, { name: input.name, layout: input.layout, shape: input.shape });
  }

  /** The ONNX value holding TF tensor `tensor` in `layout` ('nchw' only for 4-D tensors). */
  value(tensor: string, layout: Layout): string {
    return this.as(this.convert(tensor), layout);
  }

  /** The TF (NHWC) shape of `tensor`, as far as it is known statically. */
  shape(tensor: string): TfShape {
    return this.convert(tensor).shape;
  }

  /** The value of a constant tensor, looked up through Identity nodes. */
  constant(tensor: string, usedBy?: string): TfTensor {
    const seen = new Set<string>();
    let ref = parseTensorName(tensor);
    for (;;) {
      const node = this.node(ref.node, usedBy);
      if (node.op === 'Const') {
        const value = node.attrs.get('value');
        if (value?.kind !== 'tensor') throw new TfConversionError(`Const node ${node.name} has no tensor 'value'`);
        return value.value;
      }
      if ((node.op !== 'Identity' && node.op !== 'CheckNumerics') || seen.has(node.name)) {
        throw new TfConversionError(
          `${usedBy ? `node ${usedBy} needs` : 'expected'} a constant for ${tensor}, but it comes from node ${node.name} (op ${node.op})`,
        );
      }
      seen.add(node.name);
      ref = parseTensorName(this.input(node, 0));
    }
  }

  node(name: string, usedBy?: string): TfNode {
    const node = this.graph.nodes.get(name);
    if (!node) throw new TfConversionError(`the graph has no node '${name}'${usedBy ? ` (an input of node ${usedBy})` : ''}`);
    return node;
  }

  private input(node: TfNode, i: number): string {
    const input = node.inputs[i];
    if (input === undefined) throw new TfConversionError(`node ${node.name} (op ${node.op}) has no input #${i}`);
    return input;
  }

  private convert(tensor: string): Converted {
    const { node: nodeName, index } = parseTensorName(tensor);
    const key = `${nodeName}:${index}`;
    const done = this.converted.get(key);
    if (done) return done;
    const node = this.node(nodeName);
    if (index !== 0) throw new TfConversionError(`output ${index} of node ${node.name} (op ${node.op}) is not supported, only output 0`);
    if (this.inProgress.has(key)) throw new TfConversionError(`the graph has a cycle through node ${node.name}`);
    this.inProgress.add(key);
    try {
      const result = this.convertNode(node, key);
      this.converted.set(key, result);
      return result;
    } finally {
      this.inProgress.delete(key);
    }
  }

  private as(value: Converted, layout: Layout): string {
    if (value.layout === layout) return value.name;
    if (value.shape.length !== 4)
      throw new TfConversionError(`${value.name} is ${value.shape.length}-D; only 4-D tensors have an NCHW layout`);
    const key = `${value.name}>${layout}`;
    let name = this.transposed.get(key);
    if (!name) {
      name = `${value.name}#${layout}`;
      this.builder.node('Transpose', [value.name], [name], { perm: attr.ints(layout === 'nchw' ? NHWC_TO_NCHW : NCHW_TO_NHWC) });
      this.transposed.set(key, name);
    }
    return name;
  }

  /** An initializer holding `data`, named after the node it serves. */
  private initializer(name: string, data: TensorData, dims: readonly number[]): string {
    this.builder.initializer(name, data, dims);
    return name;
  }

  private floatConstant(node: TfNode, i: number, what: string): TfTensor & { data: Float32Array } {
    const t = this.constant(this.input(node, i), node.name);
    if (!(t.data instanceof Float32Array)) throw new TfConversionError(`node ${node.name}: ${what} must be float32 (DataType ${t.dtype})`);
    return t as TfTensor & { data: Float32Array };
  }

  private intConstant(node: TfNode, i: number, what: string): number[] {
    const t = this.constant(this.input(node, i), node.name);
    if (t.data instanceof Float32Array) throw new TfConversionError(`node ${node.name}: ${what} must be an integer constant`);
    return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
  }

  private checkFloat(node: TfNode): void {
    const t = node.attrs.get('T');
    if (t && t.kind === 'type' && t.value !== DT_FLOAT) {
      throw new TfConversionError(
        `node ${node.name} (op ${node.op}) computes in DataType ${t.value}; only float32 (DT_FLOAT) is supported`,
      );
    }
  }

  private convertNode(node: TfNode, key: string): Converted {
    const out = key;
    switch (node.op) {
      case 'Const': {
        const t = this.constant(node.name);
        return { name: this.initializer(out, t.data, t.shape), layout: 'tf', shape: t.shape };
      }
      case 'Identity':
      case 'CheckNumerics':
        return this.convert(this.input(node, 0));
      case 'Relu': {
        this.checkFloat(node);
        const x = this.convert(this.input(node, 0));
        this.builder.node('Relu', [x.name], [out], {}, node.name);
        return { name: out, layout: x.layout, shape: x.shape };
      }
      case 'Conv2D':
        return this.conv2d(node, out);
      case 'MaxPool':
      case 'AvgPool':
        return this.pool(node, out);
      case 'BatchNormWithGlobalNormalization':
        return this.batchNorm(node, out);
      case 'Concat':
      case 'ConcatV2':
        return this.concat(node, out);
      case 'Reshape':
        return this.reshape(node, out);
      case 'MatMul':
        return this.matmul(node, out);
      case 'Add':
      case 'BiasAdd':
        return this.add(node, out);
      case 'Softmax': {
        this.checkFloat(node);
        const x = this.convert(this.input(node, 0));
        this.builder.node('Softmax', [this.as(x, 'tf')], [out], { axis: attr.int(-1) }, node.name);
        return { name: out, layout: 'tf', shape: x.shape };
      }
      case 'Squeeze':
        return this.squeeze(node, out);
      default:
        throw new TfConversionError(
          `node ${node.name} has op ${node.op}, which the converter does not support (it supports ${SUPPORTED_OPS.join(', ')})`,
        );
    }
  }

  /** Strides or ksize of an NHWC op: [1, h, w, 1] → [h, w]. */
  private window(node: TfNode, name: string): [number, number] {
    const a = node.attrs.get(name);
    if (a?.kind !== 'list' || a.ints.length !== 4)
      throw new TfConversionError(`node ${node.name} (op ${node.op}) needs a 4-element '${name}'`);
    const [n, h, w, c] = a.ints as [number, number, number, number];
    if (n !== 1 || c !== 1)
      throw new TfConversionError(`node ${node.name}: '${name}' [${a.ints.join(', ')}] over batch or channels is not supported`);
    return [h, w];
  }

  private checkNhwc(node: TfNode): void {
    const f = node.attrs.get('data_format');
    if (f && f.kind === 's' && f.value !== 'NHWC')
      throw new TfConversionError(`node ${node.name}: data_format ${f.value} is not supported, only NHWC`);
  }

  private padding(node: TfNode): 'SAME' | 'VALID' {
    const p = stringAttr(node.attrs.get('padding'));
    if (p !== 'SAME' && p !== 'VALID')
      throw new TfConversionError(`node ${node.name}: padding '${p ?? ''}' is not supported (SAME or VALID)`);
    return p;
  }

  /** Output size and [begin, end] padding of one spatial axis, as TF's GetWindowedOutputSize. */
  private spatial(
    node: TfNode,
    size: number | null,
    k: number,
    stride: number,
    dilation: number,
    padding: 'SAME' | 'VALID',
  ): [number, number, number] {
    if (size === null) throw new TfConversionError(`node ${node.name} (op ${node.op}) needs a statically known image size`);
    const effective = (k - 1) * dilation + 1;
    if (padding === 'VALID') {
      const outSize = Math.floor((size - effective) / stride) + 1;
      if (outSize < 1) throw new TfConversionError(`node ${node.name}: window ${effective} is larger than the input (${size})`);
      return [outSize, 0, 0];
    }
    const outSize = Math.ceil(size / stride);
    const total = Math.max((outSize - 1) * stride + effective - size, 0);
    return [outSize, Math.floor(total / 2), total - Math.floor(total / 2)];
  }

  private conv2d(node: TfNode, out: string): Converted {
    this.checkFloat(node);
    this.checkNhwc(node);
    const x = this.convert(this.input(node, 0));
    if (x.shape.length !== 4) throw new TfConversionError(`node ${node.name}: Conv2D input is ${x.shape.length}-D, expected 4-D NHWC`);
    const f = this.floatConstant(node, 1, 'the filter');
    if (f.shape.length !== 4) throw new TfConversionError(`node ${node.name}: the filter must be 4-D [kh, kw, in, out]`);
    const [kh, kw, cin, cout] = f.shape as [number, number, number, number];
    if (x.shape[3] !== null && x.shape[3] !== cin)
      throw new TfConversionError(`node ${node.name}: the filter takes ${cin} channels, the input has ${x.shape[3]}`);
    const [sh, sw] = this.window(node, 'strides');
    const dil = node.attrs.has('dilations') ? this.window(node, 'dilations') : [1, 1];
    const padding = this.padding(node);
    const [oh, top, bottom] = this.spatial(node, x.shape[1] ?? null, kh, sh, dil[0]!, padding);
    const [ow, left, right] = this.spatial(node, x.shape[2] ?? null, kw, sw, dil[1]!, padding);
    // TF's HWIO filter → ONNX's OIHW.
    const w = new Float32Array(f.data.length);
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let c = 0; c < cin; c++)
          for (let o = 0; o < cout; o++) w[((o * cin + c) * kh + i) * kw + j] = f.data[((i * kw + j) * cin + c) * cout + o]!;
    const weights = this.initializer(`${out}#filter`, w, [cout, cin, kh, kw]);
    this.builder.node(
      'Conv',
      [this.as(x, 'nchw'), weights],
      [out],
      {
        kernel_shape: attr.ints([kh, kw]),
        strides: attr.ints([sh, sw]),
        dilations: attr.ints(dil),
        pads: attr.ints([top, left, bottom, right]),
      },
      node.name,
    );
    return { name: out, layout: 'nchw', shape: [x.shape[0] ?? null, oh, ow, cout] };
  }

  private pool(node: TfNode, out: string): Converted {
    this.checkFloat(node);
    this.checkNhwc(node);
    const x = this.convert(this.input(node, 0));
    if (x.shape.length !== 4) throw new TfConversionError(`node ${node.name}: ${node.op} input is ${x.shape.length}-D, expected 4-D NHWC`);
    const [kh, kw] = this.window(node, 'ksize');
    const [sh, sw] = this.window(node, 'strides');
    const padding = this.padding(node);
    const [oh, top, bottom] = this.spatial(node, x.shape[1] ?? null, kh, sh, 1, padding);
    const [ow, left, right] = this.spatial(node, x.shape[2] ?? null, kw, sw, 1, padding);
    const attrs = { kernel_shape: attr.ints([kh, kw]), strides: attr.ints([sh, sw]), pads: attr.ints([top, left, bottom, right]) };
    if (node.op === 'MaxPool') this.builder.node('MaxPool', [this.as(x, 'nchw')], [out], attrs, node.name);
    else this.builder.node('AveragePool', [this.as(x, 'nchw')], [out], { ...attrs, count_include_pad: attr.int(0) }, node.name);
    return { name: out, layout: 'nchw', shape: [x.shape[0] ?? null, oh, ow, x.shape[3] ?? null] };
  }

  /** A per-channel vector shaped to broadcast over `x` in its stored layout. */
  private channelVector(name: string, data: Float32Array, x: Converted): string {
    const dims = x.layout === 'nchw' ? [data.length, 1, 1] : [data.length];
    return this.initializer(name, data, dims);
  }

  private batchNorm(node: TfNode, out: string): Converted {
    this.checkFloat(node);
    const x = this.convert(this.input(node, 0));
    const m = this.floatConstant(node, 1, 'the mean');
    const v = this.floatConstant(node, 2, 'the variance');
    const beta = this.floatConstant(node, 3, 'beta');
    const gamma = this.floatConstant(node, 4, 'gamma');
    const depth = m.data.length;
    for (const [what, t] of [
      ['variance', v],
      ['beta', beta],
      ['gamma', gamma],
    ] as const)
      if (t.data.length !== depth) throw new TfConversionError(`node ${node.name}: ${what} has ${t.data.length} values, the mean ${depth}`);
    if (x.shape.length !== 4 || (x.shape[3] !== null && x.shape[3] !== depth))
      throw new TfConversionError(`node ${node.name}: input shape [${x.shape.join(', ')}] does not end in ${depth} channels`);
    const eps = floatAttr(node, 'variance_epsilon');
    const scaleAfter = boolAttr(node, 'scale_after_normalization');
    const f = Math.fround;
    const factor = Float32Array.from(v.data, (vi, i) => {
      const r = f(1 / Math.sqrt(f(vi + eps)));
      return scaleAfter ? f(r * gamma.data[i]!) : r;
    });
    const centred = `${out}#centred`;
    const scaled = `${out}#scaled`;
    this.builder
      .node('Sub', [x.name, this.channelVector(`${out}#mean`, m.data, x)], [centred], {}, `${node.name}#sub`)
      .node('Mul', [centred, this.channelVector(`${out}#factor`, factor, x)], [scaled], {}, `${node.name}#mul`)
      .node('Add', [scaled, this.channelVector(`${out}#beta`, beta.data, x)], [out], {}, node.name);
    return { name: out, layout: x.layout, shape: x.shape };
  }

  private concat(node: TfNode, out: string): Converted {
    const legacy = node.op === 'Concat';
    const n = node.inputs.length - 1;
    if (n < 1) throw new TfConversionError(`node ${node.name} (op ${node.op}) has no values to concatenate`);
    const axisValues = this.intConstant(node, legacy ? 0 : n, 'the axis');
    if (axisValues.length !== 1) throw new TfConversionError(`node ${node.name}: the axis must be a scalar`);
    const values = Array.from({ length: n }, (_, i) => this.convert(this.input(node, legacy ? i + 1 : i)));
    const rank = values[0]!.shape.length;
    if (values.some((v) => v.shape.length !== rank))
      throw new TfConversionError(`node ${node.name}: the values to concatenate differ in rank`);
    let axis = axisValues[0]!;
    if (axis < -rank || axis >= rank) throw new TfConversionError(`node ${node.name}: axis ${axis} is out of range for rank ${rank}`);
    if (axis < 0) axis += rank;
    const shape = [...values[0]!.shape];
    shape[axis] = values.reduce<number | null>((sum, v) => {
      const d = v.shape[axis];
      return sum === null || d === null || d === undefined ? null : sum + d;
    }, 0);
    // 4-D values (the Inception "mixed" blocks) are joined in NCHW, where the producing convolutions left them.
    const layout: Layout = rank === 4 ? 'nchw' : 'tf';
    this.builder.node(
      'Concat',
      values.map((v) => this.as(v, layout)),
      [out],
      { axis: attr.int(layout === 'nchw' ? NCHW_AXIS[axis]! : axis) },
      node.name,
    );
    return { name: out, layout, shape };
  }

  private reshape(node: TfNode, out: string): Converted {
    const x = this.convert(this.input(node, 0));
    const target = this.intConstant(node, 1, 'the shape');
    const known = x.shape.every((d) => d !== null) ? x.shape.reduce<number>((a, d) => a * d!, 1) : null;
    const fixed = target.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
    if (target.filter((d) => d === -1).length > 1 || target.some((d) => d < -1))
      throw new TfConversionError(`node ${node.name}: shape [${target.join(', ')}] is not a valid Reshape target`);
    if (known !== null && !target.includes(-1) && fixed !== known)
      throw new TfConversionError(`node ${node.name}: cannot reshape [${x.shape.join(', ')}] to [${target.join(', ')}]`);
    const shape = target.map((d) => (d !== -1 ? d : known !== null && fixed > 0 ? known / fixed : null));
    const dims = this.initializer(`${out}#shape`, BigInt64Array.from(target, BigInt), [target.length]);
    // TF's 0 is an empty dimension, ONNX's copies the input's unless allowzero is set.
    const attrs: Record<string, AttributeValue> = target.includes(0) ? { allowzero: attr.int(1) } : {};
    this.builder.node('Reshape', [this.as(x, 'tf'), dims], [out], attrs, node.name);
    return { name: out, layout: 'tf', shape };
  }

  private matmul(node: TfNode, out: string): Converted {
    this.checkFloat(node);
    const operand = (i: number, transpose: boolean): { name: string; shape: TfShape } => {
      const v = this.convert(this.input(node, i));
      if (v.shape.length !== 2) throw new TfConversionError(`node ${node.name}: MatMul input #${i} is ${v.shape.length}-D, expected 2-D`);
      if (!transpose) return { name: this.as(v, 'tf'), shape: v.shape };
      const name = `${out}#t${i}`;
      this.builder.node('Transpose', [this.as(v, 'tf')], [name], { perm: attr.ints([1, 0]) });
      return { name, shape: [v.shape[1] ?? null, v.shape[0] ?? null] };
    };
    const a = operand(0, boolAttr(node, 'transpose_a'));
    const b = operand(1, boolAttr(node, 'transpose_b'));
    if (a.shape[1] !== null && b.shape[0] !== null && a.shape[1] !== b.shape[0])
      throw new TfConversionError(`node ${node.name}: MatMul of [${a.shape.join(', ')}] by [${b.shape.join(', ')}]`);
    this.builder.node('MatMul', [a.name, b.name], [out], {}, node.name);
    return { name: out, layout: 'tf', shape: [a.shape[0] ?? null, b.shape[1] ?? null] };
  }

  private add(node: TfNode, out: string): Converted {
    this.checkFloat(node);
    if (node.op === 'BiasAdd') this.checkNhwc(node);
    const x = this.convert(this.input(node, 0));
    const y = this.convert(this.input(node, 1));
    if (node.op === 'BiasAdd' && y.shape.length !== 1) throw new TfConversionError(`node ${node.name}: BiasAdd's bias must be 1-D`);
    // A 4-D NCHW operand plus a per-channel constant (BiasAdd, or Add of a [C] constant) stays in NCHW.
    const [big, small] = x.shape.length >= y.shape.length ? [x, y] : [y, x];
    const bias = this.perChannelConstant(node, big === x ? 1 : 0, small);
    if (big.layout === 'nchw' && bias) {
      const name = this.channelVector(`${out}#bias`, bias, big);
      this.builder.node('Add', big === x ? [big.name, name] : [name, big.name], [out], {}, node.name);
      return { name: out, layout: 'nchw', shape: big.shape };
    }
    if (x.layout === 'nchw' && y.layout === 'nchw') {
      this.builder.node('Add', [x.name, y.name], [out], {}, node.name);
      return { name: out, layout: 'nchw', shape: broadcast(node, x.shape, y.shape) };
    }
    this.builder.node('Add', [this.as(x, 'tf'), this.as(y, 'tf')], [out], {}, node.name);
    return { name: out, layout: 'tf', shape: broadcast(node, x.shape, y.shape) };
  }

  /** The values of input i when it is a 1-D float constant (a per-channel vector), else undefined. */
  private perChannelConstant(node: TfNode, i: number, v: Converted): Float32Array | undefined {
    if (v.shape.length !== 1) return undefined;
    try {
      const t = this.constant(this.input(node, i), node.name);
      return t.data instanceof Float32Array ? t.data : undefined;
    } catch (err) {
      if (err instanceof TfConversionError) return undefined;
      throw err;
    }
  }

  private squeeze(node: TfNode, out: string): Converted {
    const x = this.convert(this.input(node, 0));
    const rank = x.shape.length;
    const a = node.attrs.get('squeeze_dims');
    const listed = a?.kind === 'list' ? a.ints.map((d) => (d < 0 ? d + rank : d)) : [];
    if (listed.some((d) => d < 0 || d >= rank))
      throw new TfConversionError(`node ${node.name}: squeeze_dims out of range for rank ${rank}`);
    // With no squeeze_dims TF drops every dimension of size 1; here only those known to be 1 statically.
    const axes = listed.length > 0 ? [...new Set(listed)].sort((p, q) => p - q) : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    for (const d of axes)
      if (x.shape[d] !== null && x.shape[d] !== 1)
        throw new TfConversionError(`node ${node.name}: cannot squeeze dimension ${d} of size ${x.shape[d]}`);
    const axesName = this.initializer(`${out}#axes`, BigInt64Array.from(axes, BigInt), [axes.length]);
    this.builder.node('Squeeze', [this.as(x, 'tf'), axesName], [out], {}, node.name);
    return { name: out, layout: 'tf', shape: x.shape.filter((_, i) => !axes.includes(i)) };
  }
}

function stringAttr(a: TfAttr | undefined): string | undefined {
  return a?.kind === 's' ? a.value : undefined;
}

function floatAttr(node: TfNode, name: string): number {
  const a = node.attrs.get(name);
  if (a?.kind !== 'f') throw new TfConversionError(`node ${node.name} (op ${node.op}) needs a float attribute '${name}'`);
  return a.value;
}

function boolAttr(node: TfNode, name: string): boolean {
  const a = node.attrs.get(name);
  return a?.kind === 'b' ? a.value : false;
}

function broadcast(node: TfNode, a: TfShape, b: TfShape): TfShape {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const p = a[i - (rank - a.length)] ?? 1;
    const q = b[i - (rank - b.length)] ?? 1;
    if (p === 1) return q;
    if (q === 1 || p === q) return p;
    if (p === null || q === null) return p ?? q;
    throw new TfConversionError(`node ${node.name}: cannot broadcast [${a.join(', ')}] with [${b.join(', ')}]`);
  });
}
