// The GraphDef → ONNX converter, op by op: small synthetic GraphDefs are converted, run by onnxruntime, and
// compared with straightforward float64 implementations of TF's op semantics (test/support/tf-graph-def.ts) within
// 1e-5 relative (absolute 1e-5 below magnitude 1, where float32 rounding of sums is the limit).
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder.js';
import { GraphDefConverter, TfConversionError } from './graph-def-to-onnx.js';
import { GraphDefError, parseGraphDef } from './graph-def.js';
import {
  GraphDefWriter,
  addLast,
  batchNorm,
  concat,
  conv2d,
  matmul,
  nd,
  pool,
  randomNd,
  relu,
  softmax,
  tfAttr,
  toNchw,
  transpose2d,
  type Nd,
} from '../../../../test/support/tf-graph-def.js';

const TOLERANCE = 1e-5;

/** A graph whose 'input' placeholder (NHWC `shape`) becomes the ONNX input, plus nodes added by `build`. */
function graphWith(build: (g: GraphDefWriter) => void): Uint8Array {
  const g = new GraphDefWriter().node('input', 'Placeholder', [], { dtype: tfAttr.type(1) });
  build(g);
  return g.finish();
}

/** Converts `pb` from 'input:0' (fed as NCHW) to the TF tensors asked for, runs it, returns them NHWC (or NCHW). */
async function convertAndRun(pb: Uint8Array, x: Nd, outputs: string[], layout: 'tf' | 'nchw' = 'tf'): Promise<Nd[]> {
  const [, h, w, c] = x.shape as [number, number, number, number];
  const b = new GraphBuilder();
  b.input('x', 'float32', ['batch', c, h, w]);
  const conv = new GraphDefConverter(parseGraphDef(pb), b, { tensor: 'input:0', name: 'x', layout: 'nchw', shape: [null, h, w, c] });
  outputs.forEach((t, i) => {
    b.node('Identity', [conv.value(t, layout)], [`out${i}`]);
    const shape = conv.shape(t).map((d) => d ?? 'batch');
    b.output(`out${i}`, 'float32', layout === 'nchw' ? [0, 3, 1, 2].map((a) => shape[a]!) : shape);
  });
  const session = await ort.InferenceSession.create(b.toBytes());
  try {
    const feed = toNchw(x);
    const result = await session.run({ x: new ort.Tensor('float32', Float32Array.from(feed.data), feed.shape) });
    return outputs.map((_, i) => {
      const t = result[`out${i}`]!;
      return nd([...t.dims], t.data as Float32Array);
    });
  } finally {
    await session.release();
  }
}

function expectClose(actual: Nd, expected: Nd): void {
  expect(actual.shape).toEqual(expected.shape);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const err = Math.abs(actual.data[i]! - expected.data[i]!) / Math.max(1, Math.abs(expected.data[i]!));
    if (!(err <= worst)) [worst, at] = [err, i];
  }
  expect(worst, `worst relative error at element ${at}: ${actual.data[at]} vs ${expected.data[at]}`).toBeLessThanOrEqual(TOLERANCE);
}

const floatConst = (t: Nd, asValues = false) => ({ dtype: 'float' as const, shape: t.shape, data: t.data, asValues });
const intConst = (values: number[], shape = [values.length]) => ({ dtype: 'int32' as const, shape, data: values, asValues: true });

describe('GraphDef → ONNX: Conv2D', () => {
  const cases: Array<{ name: string; hw: [number, number]; k: [number, number]; s: [number, number]; padding: 'SAME' | 'VALID' }> = [
    { name: 'VALID, stride 1, 3×3', hw: [7, 6], k: [3, 3], s: [1, 1], padding: 'VALID' },
    { name: 'VALID, stride 2 on an odd size', hw: [9, 7], k: [3, 3], s: [2, 2], padding: 'VALID' },
    { name: 'SAME, stride 1, 3×3 (symmetric padding)', hw: [7, 6], k: [3, 3], s: [1, 1], padding: 'SAME' },
    { name: 'SAME, stride 2 on an even size (extra padding at the bottom/right)', hw: [8, 6], k: [3, 3], s: [2, 2], padding: 'SAME' },
    { name: 'SAME, even 2×4 kernel (asymmetric padding)', hw: [5, 7], k: [2, 4], s: [1, 1], padding: 'SAME' },
    { name: 'SAME, 1×7 then strides 1×2 (Inception factorized kernels)', hw: [6, 9], k: [1, 7], s: [1, 2], padding: 'SAME' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const x = randomNd([2, ...c.hw, 3], 1);
      const filter = randomNd([...c.k, 3, 4], 2);
      const pb = graphWith((g) =>
        g.const('w', floatConst(filter)).node('conv', 'Conv2D', ['input', 'w'], {
          T: tfAttr.type(1),
          strides: tfAttr.ints([1, ...c.s, 1]),
          padding: tfAttr.s(c.padding),
        }),
      );
      const [y] = await convertAndRun(pb, x, ['conv:0']);
      expectClose(y!, conv2d(x, filter, c.s, c.padding));
    });
  }

  it('returns NCHW where asked (the layout of the spatial output)', async () => {
    const x = randomNd([1, 5, 4, 2], 3);
    const filter = randomNd([3, 3, 2, 3], 4);
    const pb = graphWith((g) =>
      g
        .const('w', floatConst(filter))
        .node('conv', 'Conv2D', ['input', 'w'], { strides: tfAttr.ints([1, 1, 1, 1]), padding: tfAttr.s('SAME') }),
    );
    const [y] = await convertAndRun(pb, x, ['conv'], 'nchw');
    expectClose(y!, toNchw(conv2d(x, filter, [1, 1], 'SAME')));
  });
});

describe('GraphDef → ONNX: pools', () => {
  const cases: Array<{
    kind: 'max' | 'avg';
    hw: [number, number];
    k: [number, number];
    s: [number, number];
    padding: 'SAME' | 'VALID';
    note: string;
  }> = [
    { kind: 'max', hw: [7, 7], k: [3, 3], s: [2, 2], padding: 'VALID', note: 'stride 2 on an odd size' },
    { kind: 'max', hw: [8, 6], k: [3, 3], s: [2, 2], padding: 'SAME', note: 'asymmetric padding, negative inputs at the border' },
    { kind: 'avg', hw: [6, 5], k: [3, 3], s: [1, 1], padding: 'SAME', note: 'border windows divide by the pixels inside the image' },
    { kind: 'avg', hw: [8, 7], k: [3, 3], s: [2, 2], padding: 'SAME', note: 'asymmetric padding, not counted' },
    { kind: 'avg', hw: [8, 8], k: [8, 8], s: [1, 1], padding: 'VALID', note: 'a global 8×8 pool (pool_3)' },
  ];
  for (const c of cases) {
    it(`${c.kind === 'max' ? 'MaxPool' : 'AvgPool'} ${c.padding} ${c.k.join('×')} stride ${c.s.join('×')}: ${c.note}`, async () => {
      // Shifted to mostly negative values: a pool that counted zero padding would show at the border.
      const x = randomNd([2, ...c.hw, 3], 5);
      x.data.forEach((v, i) => (x.data[i] = v - 1.5));
      const pb = graphWith((g) =>
        g.node('pool', c.kind === 'max' ? 'MaxPool' : 'AvgPool', ['input'], {
          T: tfAttr.type(1),
          ksize: tfAttr.ints([1, ...c.k, 1]),
          strides: tfAttr.ints([1, ...c.s, 1]),
          padding: tfAttr.s(c.padding),
          data_format: tfAttr.s('NHWC'),
        }),
      );
      const [y] = await convertAndRun(pb, x, ['pool']);
      expectClose(y!, pool(c.kind, x, c.k, c.s, c.padding));
    });
  }
});

describe('GraphDef → ONNX: BatchNormWithGlobalNormalization, Relu, Identity, CheckNumerics', () => {
  for (const scaleAfter of [true, false]) {
    it(`(t − m)·rsqrt(v + ε)${scaleAfter ? '·γ' : ''} + β with scale_after_normalization = ${scaleAfter}, then Relu`, async () => {
      const x = randomNd([2, 4, 3, 5], 6, 3);
      const m = randomNd([5], 7);
      const v = randomNd([5], 8);
      v.data.forEach((val, i) => (v.data[i] = Math.abs(val) + 0.05));
      const beta = randomNd([5], 9);
      const gamma = randomNd([5], 10, 2);
      const eps = 0.001;
      const pb = graphWith((g) =>
        g
          .const('bn/m', floatConst(m, true))
          .const('bn/v', floatConst(v))
          .const('bn/beta', floatConst(beta))
          .const('bn/gamma_const', floatConst(gamma))
          // Parameters read through an Identity, as frozen graphs often do.
          .node('bn/gamma', 'Identity', ['bn/gamma_const'])
          .node('bn', 'BatchNormWithGlobalNormalization', ['input', 'bn/m', 'bn/v', 'bn/beta', 'bn/gamma'], {
            T: tfAttr.type(1),
            variance_epsilon: tfAttr.f(eps),
            scale_after_normalization: tfAttr.b(scaleAfter),
          })
          .node('bn/check', 'CheckNumerics', ['bn'], { message: tfAttr.s('bad') })
          .node('bn/dep', 'Identity', ['bn', '^bn/check'])
          .node('relu', 'Relu', ['bn/dep']),
      );
      const [y, r] = await convertAndRun(pb, x, ['bn:0', 'relu:0']);
      const ref = batchNorm(x, m, v, beta, gamma, Math.fround(eps), scaleAfter);
      expectClose(y!, ref);
      expectClose(r!, relu(ref));
    });
  }
});

describe('GraphDef → ONNX: Concat and ConcatV2', () => {
  it('legacy Concat (axis first) of convolutions on the channel axis, as the Inception mixed blocks', async () => {
    const x = randomNd([2, 5, 5, 3], 11);
    const w1 = randomNd([1, 1, 3, 2], 12);
    const w2 = randomNd([3, 3, 3, 4], 13);
    const strides = tfAttr.ints([1, 1, 1, 1]);
    const pb = graphWith((g) =>
      g
        .const('w1', floatConst(w1))
        .const('w2', floatConst(w2))
        .node('a', 'Conv2D', ['input', 'w1'], { strides, padding: tfAttr.s('SAME') })
        .node('b', 'Conv2D', ['input', 'w2'], { strides, padding: tfAttr.s('SAME') })
        .node('p', 'AvgPool', ['input'], { ksize: tfAttr.ints([1, 3, 3, 1]), strides, padding: tfAttr.s('SAME') })
        .const('join/concat_dim', intConst([3], []))
        .node('join', 'Concat', ['join/concat_dim', 'a', 'b', 'p'], { N: tfAttr.i(3) }),
    );
    const [y] = await convertAndRun(pb, x, ['join']);
    expectClose(y!, concat(3, [conv2d(x, w1, [1, 1], 'SAME'), conv2d(x, w2, [1, 1], 'SAME'), pool('avg', x, [3, 3], [1, 1], 'SAME')]));
  });

  for (const axis of [1, 2, -1]) {
    it(`ConcatV2 (axis last) on NHWC axis ${axis}`, async () => {
      const x = randomNd([2, 4, 3, 2], 14);
      const w = randomNd([1, 1, 2, 2], 15);
      const pb = graphWith((g) =>
        g
          .const('w', floatConst(w))
          .node('a', 'Conv2D', ['input', 'w'], { strides: tfAttr.ints([1, 1, 1, 1]), padding: tfAttr.s('VALID') })
          .const('axis', intConst([axis], []))
          .node('join', 'ConcatV2', ['input', 'a', 'axis'], { N: tfAttr.i(2) }),
      );
      const [y] = await convertAndRun(pb, x, ['join']);
      expectClose(y!, concat(axis < 0 ? axis + 4 : axis, [x, conv2d(x, w, [1, 1], 'VALID')]));
    });
  }
});

describe('GraphDef → ONNX: the classifier head (Reshape, Squeeze, MatMul, BiasAdd, Add, Softmax)', () => {
  it('pool → Reshape [−1, C] → MatMul → BiasAdd → Softmax, and Squeeze → MatMul(transpose_b) → Add', async () => {
    const x = randomNd([3, 4, 4, 6], 16);
    const w = randomNd([6, 5], 17);
    const wt = randomNd([5, 6], 18);
    const bias = randomNd([5], 19);
    const pb = graphWith((g) =>
      g
        .node('pool', 'AvgPool', ['input'], {
          ksize: tfAttr.ints([1, 4, 4, 1]),
          strides: tfAttr.ints([1, 1, 1, 1]),
          padding: tfAttr.s('VALID'),
        })
        .const('shape', intConst([-1, 6]))
        .node('flat', 'Reshape', ['pool', 'shape'])
        .const('w', floatConst(w))
        .const('b', floatConst(bias))
        .node('mm', 'MatMul', ['flat', 'w'], { transpose_a: tfAttr.b(false), transpose_b: tfAttr.b(false) })
        .node('logits', 'BiasAdd', ['mm', 'b'], { data_format: tfAttr.s('NHWC') })
        .node('softmax', 'Softmax', ['logits'])
        .node('sq', 'Squeeze', ['pool'], { squeeze_dims: tfAttr.ints([1, 2]) })
        .const('wt', floatConst(wt))
        .node('mm2', 'MatMul', ['sq', 'wt'], { transpose_b: tfAttr.b(true) })
        .node('sum', 'Add', ['mm2', 'b']),
    );
    const [logits, probs, sum] = await convertAndRun(pb, x, ['logits', 'softmax', 'sum']);
    const pooled = pool('avg', x, [4, 4], [1, 1], 'VALID');
    const flat = nd([3, 6], pooled.data);
    const ref = addLast(matmul(flat, w), bias);
    expectClose(logits!, ref);
    expectClose(probs!, softmax(ref));
    expectClose(sum!, addLast(matmul(flat, transpose2d(wt)), bias));
  });

  it('Reshape of a 4-D NCHW-held tensor keeps TF (NHWC) element order', async () => {
    const x = randomNd([2, 3, 2, 4], 20);
    const w = randomNd([1, 1, 4, 3], 21);
    const pb = graphWith((g) =>
      g
        .const('w', floatConst(w))
        .node('conv', 'Conv2D', ['input', 'w'], { strides: tfAttr.ints([1, 1, 1, 1]), padding: tfAttr.s('VALID') })
        .const('shape', intConst([2, -1]))
        .node('flat', 'Reshape', ['conv', 'shape']),
    );
    const [y] = await convertAndRun(pb, x, ['flat']);
    expectClose(y!, nd([2, 18], conv2d(x, w, [1, 1], 'VALID').data));
  });
});

describe('GraphDef → ONNX: errors', () => {
  it('names the op and the node of an unsupported op it has to convert', () => {
    const pb = graphWith((g) => g.node('act', 'Tanh', ['input']));
    const b = new GraphBuilder().input('x', 'float32', ['batch', 1, 2, 2]);
    const conv = new GraphDefConverter(parseGraphDef(pb), b, { tensor: 'input', name: 'x', layout: 'nchw', shape: [null, 2, 2, 1] });
    expect(() => conv.value('act', 'tf')).toThrow(TfConversionError);
    expect(() => conv.value('act', 'tf')).toThrow(/node act has op Tanh, which the converter does not support/);
  });

  it('does not look at what lies upstream of the input (the graph’s own resize and decoding)', async () => {
    const g = new GraphDefWriter()
      .node('DecodeJpeg', 'DecodeJpeg', ['DecodeJpeg/contents'])
      .node('input', 'ResizeBilinear', ['DecodeJpeg', 'size'])
      .node('relu', 'Relu', ['input']);
    const x = randomNd([1, 2, 2, 3], 22);
    const [y] = await convertAndRun(g.finish(), x, ['relu']);
    expectClose(y!, relu(x));
  });

  it('names a missing node', () => {
    const pb = graphWith((g) => g.node('relu', 'Relu', ['nowhere']));
    const b = new GraphBuilder().input('x', 'float32', ['batch', 1, 2, 2]);
    const conv = new GraphDefConverter(parseGraphDef(pb), b, { tensor: 'input', name: 'x', layout: 'nchw', shape: [null, 2, 2, 1] });
    expect(() => conv.value('relu', 'tf')).toThrow(/the graph has no node 'nowhere'/);
    expect(() => conv.value('pool_3:0', 'tf')).toThrow(/the graph has no node 'pool_3'/);
  });

  it('rejects truncated and garbage bytes as not a GraphDef', () => {
    const pb = graphWith((g) => g.const('w', floatConst(randomNd([3, 3, 3, 8], 23))));
    expect(() => parseGraphDef(pb.subarray(0, pb.length - 10))).toThrow(GraphDefError);
    expect(() => parseGraphDef(new TextEncoder().encode('<html>not found</html>'))).toThrow(GraphDefError);
    expect(() => parseGraphDef(new Uint8Array(0))).toThrow(/holds no nodes/);
  });
});
