// Test helpers: writes small TensorFlow GraphDefs with the project's protobuf writer (field numbers as in
// graph-def.ts), and computes TF's ops naively in float64 on NHWC arrays, for the converter's specs.

import { mulberry32 } from '../../runner/src/random/prng.js';
import { ProtoWriter } from '../../runner/src/onnx/protobuf-writer.js';
import { DT_FLOAT, DT_INT32 } from '../../runner/src/onnx/tensorflow/graph-def.js';

/** An AttrValue message (attr_value.proto: list = 1, s = 2, i = 3, f = 4, b = 5, type = 6, tensor = 8). */
export const tfAttr = {
  s: (value: string) => new ProtoWriter().string(2, value),
  i: (value: number) => new ProtoWriter().varint(3, value),
  f: (value: number) => new ProtoWriter().float(4, value),
  b: (value: boolean) => new ProtoWriter().varint(5, value ? 1 : 0),
  type: (value: number) => new ProtoWriter().varint(6, value),
  ints: (values: readonly number[]) => new ProtoWriter().message(1, new ProtoWriter().packedVarints(3, values)),
  tensor: (t: ConstSpec) => new ProtoWriter().message(8, tensorProto(t)),
};

export interface ConstSpec {
  dtype: 'float' | 'int32';
  shape: readonly number[];
  data: ArrayLike<number>;
  /** Write float_val / int_val instead of tensor_content (as TF does for small constants). */
  asValues?: boolean;
}

function tensorProto(t: ConstSpec): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of t.shape) shape.message(2, new ProtoWriter().varint(1, d));
  const w = new ProtoWriter().varint(1, t.dtype === 'float' ? DT_FLOAT : DT_INT32).message(2, shape);
  if (t.asValues) return t.dtype === 'float' ? w.packedFloats(5, t.data) : w.packedVarints(7, t.data);
  const content = t.dtype === 'float' ? new Float32Array(Array.from(t.data)) : new Int32Array(Array.from(t.data));
  return w.bytes(4, new Uint8Array(content.buffer));
}

/** Builds a GraphDef node by node. */
export class GraphDefWriter {
  private readonly graph = new ProtoWriter();

  node(name: string, op: string, inputs: readonly string[] = [], attrs: Record<string, ProtoWriter> = {}): this {
    const n = new ProtoWriter().string(1, name).string(2, op);
    for (const input of inputs) n.string(3, input);
    // map<string, AttrValue>: one entry message per key (key = 1, value = 2).
    for (const [key, value] of Object.entries(attrs)) n.message(5, new ProtoWriter().string(1, key).message(2, value));
    this.graph.message(1, n);
    return this;
  }

  const(name: string, t: ConstSpec): this {
    return this.node(name, 'Const', [], { dtype: tfAttr.type(t.dtype === 'float' ? DT_FLOAT : DT_INT32), value: tfAttr.tensor(t) });
  }

  finish(): Uint8Array {
    return this.graph.finish();
  }
}

// ---- float64 reference implementations of TF's ops (NHWC, row-major) ----

export interface Nd {
  shape: number[];
  data: Float64Array;
}

export function nd(shape: number[], data?: ArrayLike<number>): Nd {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: data ? Float64Array.from(data) : new Float64Array(size) };
}

/** Deterministic values in [−1, 1) (mulberry32, seeded with `seed` as is). */
export function randomNd(shape: number[], seed: number, scale = 1): Nd {
  const next = mulberry32(seed);
  const out = nd(shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = (next() * 2 - 1) * scale;
  return out;
}

/** TF's windowed output size and padding before (tensorflow/core/framework/kernel_shape_util.cc). */
function windowed(size: number, k: number, stride: number, padding: 'SAME' | 'VALID'): { out: number; before: number } {
  if (padding === 'VALID') return { out: Math.floor((size - k + stride) / stride), before: 0 };
  const out = Math.floor((size + stride - 1) / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2) };
}

export function conv2d(x: Nd, filter: Nd, strides: [number, number], padding: 'SAME' | 'VALID'): Nd {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [kh, kw, , co] = filter.shape as [number, number, number, number];
  const rows = windowed(h, kh, strides[0], padding);
  const cols = windowed(w, kw, strides[1], padding);
  const y = nd([n, rows.out, cols.out, co]);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let o = 0; o < co; o++) {
          let sum = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const iy = oy * strides[0] - rows.before + i;
              const ix = ox * strides[1] - cols.before + j;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue; // zero padding
              for (let ci = 0; ci < c; ci++)
                sum += x.data[((b * h + iy) * w + ix) * c + ci]! * filter.data[((i * kw + j) * c + ci) * co + o]!;
            }
          y.data[((b * rows.out + oy) * cols.out + ox) * co + o] = sum;
        }
  return y;
}

/** MaxPool / AvgPool; both look only at elements inside the image (AvgPool divides by their count). */
export function pool(kind: 'max' | 'avg', x: Nd, k: [number, number], strides: [number, number], padding: 'SAME' | 'VALID'): Nd {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const rows = windowed(h, k[0], strides[0], padding);
  const cols = windowed(w, k[1], strides[1], padding);
  const y = nd([n, rows.out, cols.out, c]);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let ch = 0; ch < c; ch++) {
          let acc = kind === 'max' ? -Infinity : 0;
          let count = 0;
          for (let i = 0; i < k[0]; i++)
            for (let j = 0; j < k[1]; j++) {
              const iy = oy * strides[0] - rows.before + i;
              const ix = ox * strides[1] - cols.before + j;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              const v = x.data[((b * h + iy) * w + ix) * c + ch]!;
              acc = kind === 'max' ? Math.max(acc, v) : acc + v;
              count++;
            }
          y.data[((b * rows.out + oy) * cols.out + ox) * c + ch] = kind === 'max' ? acc : acc / count;
        }
  return y;
}

/** BatchNormWithGlobalNormalization (batch_norm_op.h) over the last axis. */
export function batchNorm(x: Nd, m: Nd, v: Nd, beta: Nd, gamma: Nd, eps: number, scaleAfterNormalization: boolean): Nd {
  const c = m.data.length;
  const y = nd([...x.shape]);
  for (let i = 0; i < x.data.length; i++) {
    const ch = i % c;
    const norm = (x.data[i]! - m.data[ch]!) / Math.sqrt(v.data[ch]! + eps);
    y.data[i] = (scaleAfterNormalization ? norm * gamma.data[ch]! : norm) + beta.data[ch]!;
  }
  return y;
}

export function relu(x: Nd): Nd {
  return nd(
    [...x.shape],
    x.data.map((v) => Math.max(v, 0)),
  );
}

export function concat(axis: number, values: Nd[]): Nd {
  const shape = [...values[0]!.shape];
  shape[axis] = values.reduce((s, v) => s + v.shape[axis]!, 0);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const y = nd(shape);
  let o = 0;
  for (let i = 0; i < outer; i++)
    for (const v of values) {
      const len = v.shape[axis]! * inner;
      y.data.set(v.data.subarray(i * len, (i + 1) * len), o);
      o += len;
    }
  return y;
}

export function matmul(a: Nd, b: Nd): Nd {
  const [n, k] = a.shape as [number, number];
  const m = b.shape[1]!;
  const y = nd([n, m]);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.data[i * k + p]! * b.data[p * m + j]!;
      y.data[i * m + j] = s;
    }
  return y;
}

export function transpose2d(a: Nd): Nd {
  const [r, c] = a.shape as [number, number];
  const y = nd([c, r]);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) y.data[j * r + i] = a.data[i * c + j]!;
  return y;
}

/** x + a vector along the last axis (BiasAdd, or Add broadcasting a [C] constant). */
export function addLast(x: Nd, bias: Nd): Nd {
  const c = bias.data.length;
  return nd(
    [...x.shape],
    x.data.map((v, i) => v + bias.data[i % c]!),
  );
}

export function softmax(x: Nd): Nd {
  const c = x.shape[x.shape.length - 1]!;
  const y = nd([...x.shape]);
  for (let r = 0; r < x.data.length / c; r++) {
    const row = x.data.subarray(r * c, (r + 1) * c);
    const max = Math.max(...row);
    const exps = Array.from(row, (v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, j) => (y.data[r * c + j] = e / sum));
  }
  return y;
}

/** NHWC → NCHW (what the converted graph's NCHW input takes). */
export function toNchw(x: Nd): Nd {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const y = nd([n, c, h, w]);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let k = 0; k < c; k++) y.data[((b * c + k) * h + i) * w + j] = x.data[((b * h + i) * w + j) * c + k]!;
  return y;
}
