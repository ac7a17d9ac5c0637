// `genbench export-inception` on a miniature GraphDef laid out like inception-2015-12-05's (same tensor names
// around the parts the export touches: ExpandDims → ResizeBilinear → Sub → Mul, conv blocks with batchnorm,
// CheckNumerics and control dependencies, a Concat "mixed" block, mixed_6/conv, pool_3, pool_3/_reshape and
// softmax/logits/MatMul + bias). The real .pb is not available offline, so this is what the command is tested on.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GraphDefWriter,
  batchNorm,
  concat,
  conv2d,
  matmul,
  nd,
  pool,
  randomNd,
  relu,
  tfAttr,
  toNchw,
  type Nd,
} from '../../../../test/support/tf-graph-def.js';
import { CliError } from '../cli-error.js';
import { runCommand } from '../../../../test/support/run-command.js';
import { register } from './export-inception.command.js';

const SIZE = 299;
const run = (...args: string[]): Promise<string> => runCommand(register, 'export-inception', ...args);
const ones = tfAttr.ints([1, 1, 1, 1]);

interface Params {
  w1: Nd;
  w2: Nd;
  wMixed: Nd;
  bn: { m: Nd; v: Nd; beta: Nd; gamma: Nd };
  logitsW: Nd;
  logitsB: Nd;
}

function params(): Params {
  const v = randomNd([4], 35);
  v.data.forEach((x, i) => (v.data[i] = Math.abs(x) + 0.1));
  return {
    w1: randomNd([3, 3, 3, 4], 31, 0.3),
    w2: randomNd([3, 3, 4, 4], 32, 0.3),
    wMixed: randomNd([1, 1, 4, 5], 33, 0.5),
    bn: { m: randomNd([4], 34, 0.1), v, beta: randomNd([4], 36), gamma: randomNd([4], 37) },
    logitsW: randomNd([9, 6], 38),
    logitsB: randomNd([6], 39, 5),
  };
}

/** A conv block as the Inception graph writes it: Conv2D, batchnorm, CheckNumerics, control_dependency, Relu. */
function convBlock(g: GraphDefWriter, name: string, input: string, w: Nd, strides: number[], padding: string, bn: Params['bn']): void {
  const f = (t: Nd) => ({ dtype: 'float' as const, shape: t.shape, data: t.data });
  g.const(`${name}/conv2d_params`, f(w))
    .node(`${name}/Conv2D`, 'Conv2D', [input, `${name}/conv2d_params`], {
      T: tfAttr.type(1),
      strides: tfAttr.ints(strides),
      padding: tfAttr.s(padding),
    })
    .const(`${name}/batchnorm/beta`, f(bn.beta))
    .const(`${name}/batchnorm/gamma`, f(bn.gamma))
    .const(`${name}/batchnorm/moving_mean`, f(bn.m))
    .const(`${name}/batchnorm/moving_variance`, f(bn.v))
    .node(
      `${name}/batchnorm`,
      'BatchNormWithGlobalNormalization',
      [
        `${name}/Conv2D`,
        `${name}/batchnorm/moving_mean`,
        `${name}/batchnorm/moving_variance`,
        `${name}/batchnorm/beta`,
        `${name}/batchnorm/gamma`,
      ],
      { variance_epsilon: tfAttr.f(0.001), scale_after_normalization: tfAttr.b(false) },
    )
    .node(`${name}/CheckNumerics`, 'CheckNumerics', [`${name}/batchnorm`], { message: tfAttr.s('') })
    .node(`${name}/control_dependency`, 'Identity', [`${name}/batchnorm`, `^${name}/CheckNumerics`])
    .node(name, 'Relu', [`${name}/control_dependency`]);
}

function miniInception(p: Params, options: { extraOp?: string } = {}): Uint8Array {
  const f = (t: Nd) => ({ dtype: 'float' as const, shape: t.shape, data: t.data });
  const g = new GraphDefWriter()
    .node('DecodeJpeg/contents', 'Const')
    .node('DecodeJpeg', 'DecodeJpeg', ['DecodeJpeg/contents'])
    .node('Cast', 'Cast', ['DecodeJpeg'])
    .node('ExpandDims', 'ExpandDims', ['Cast', 'ExpandDims/dim'])
    .node('ResizeBilinear', 'ResizeBilinear', ['ExpandDims', 'ResizeBilinear/size'])
    .const('Sub/y', { dtype: 'float', shape: [], data: [128], asValues: true })
    .node('Sub', 'Sub', ['ResizeBilinear', 'Sub/y'])
    .const('Mul/y', { dtype: 'float', shape: [], data: [1 / 128], asValues: true })
    .node('Mul', 'Mul', ['Sub', 'Mul/y']);
  // 299 → 149 (3×3 stride 2 VALID) → 75 (3×3 stride 2 SAME) → 37 (max 3×3 stride 2 VALID) → 1 (pool_3: avg 37×37 VALID).
  convBlock(g, 'conv', 'Mul', p.w1, [1, 2, 2, 1], 'VALID', p.bn);
  convBlock(g, 'conv_1', 'conv', p.w2, [1, 2, 2, 1], 'SAME', p.bn);
  g.node('pool', 'MaxPool', ['conv_1'], {
    ksize: tfAttr.ints([1, 3, 3, 1]),
    strides: tfAttr.ints([1, 2, 2, 1]),
    padding: tfAttr.s('VALID'),
  });
  convBlock(g, 'mixed_6/conv', 'pool', p.wMixed, [1, 1, 1, 1], 'SAME', {
    m: nd([5]),
    v: nd([5], [1, 1, 1, 1, 1]),
    beta: nd([5]),
    gamma: nd([5]),
  });
  g.node('mixed_6/tower/pool', 'AvgPool', ['pool'], { ksize: tfAttr.ints([1, 3, 3, 1]), strides: ones, padding: tfAttr.s('SAME') })
    .const('mixed_6/join/concat_dim', { dtype: 'int32', shape: [], data: [3], asValues: true })
    .node('mixed_6/join', 'Concat', ['mixed_6/join/concat_dim', 'mixed_6/conv', 'mixed_6/tower/pool'], { N: tfAttr.i(2) })
    .node(options.extraOp ? 'mixed_10/join' : 'mixed_10/join_passthrough', options.extraOp ?? 'Identity', ['mixed_6/join'])
    .node('pool_3', 'AvgPool', [options.extraOp ? 'mixed_10/join' : 'mixed_10/join_passthrough'], {
      ksize: tfAttr.ints([1, 37, 37, 1]),
      strides: ones,
      padding: tfAttr.s('VALID'),
    })
    .const('pool_3/_reshape/shape', { dtype: 'int32', shape: [2], data: [1, 9], asValues: true })
    .node('pool_3/_reshape', 'Reshape', ['pool_3', 'pool_3/_reshape/shape'])
    .const('softmax/weights', f(p.logitsW))
    .node('softmax/logits/MatMul', 'MatMul', ['pool_3/_reshape', 'softmax/weights'], {
      transpose_a: tfAttr.b(false),
      transpose_b: tfAttr.b(false),
    })
    .const('softmax/biases', f(p.logitsB))
    .node('softmax/logits', 'Add', ['softmax/logits/MatMul', 'softmax/biases'])
    .node('softmax', 'Softmax', ['softmax/logits']);
  return g.finish();
}

/** The reference in float64, NHWC, from the normalized image on. */
function reference(p: Params, x: Nd): { pool: Nd; spatial: Nd; logits: Nd } {
  const block = (input: Nd, w: Nd, s: [number, number], padding: 'SAME' | 'VALID', bn: Params['bn']) =>
    relu(batchNorm(conv2d(input, w, s, padding), bn.m, bn.v, bn.beta, bn.gamma, Math.fround(0.001), false));
  const c1 = block(x, p.w1, [2, 2], 'VALID', p.bn);
  const c2 = block(c1, p.w2, [2, 2], 'SAME', p.bn);
  const pooled = pool('max', c2, [3, 3], [2, 2], 'VALID');
  const mixedConv = block(pooled, p.wMixed, [1, 1], 'SAME', { m: nd([5]), v: nd([5], [1, 1, 1, 1, 1]), beta: nd([5]), gamma: nd([5]) });
  const join = concat(3, [mixedConv, pool('avg', pooled, [3, 3], [1, 1], 'SAME')]);
  const pool3 = pool('avg', join, [37, 37], [1, 1], 'VALID');
  const n = x.shape[0]!;
  const flat = nd([n, pool3.data.length / n], pool3.data);
  return { pool: flat, spatial: toNchw(mixedConv), logits: matmul(flat, p.logitsW) };
}

function expectClose(actual: ort.Tensor, expected: Nd): void {
  expect([...actual.dims]).toEqual(expected.shape);
  const a = actual.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - expected.data[i]!) / Math.max(1, Math.abs(expected.data[i]!)));
  expect(worst).toBeLessThanOrEqual(1e-5);
}

describe('genbench export-inception', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-export-inception-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exports pool_3 [N, D], mixed_6_conv NCHW and bias-free logits (ADM) from Mul:0, and prints the sha256', async () => {
    const p = params();
    const pb = join(dir, 'classify_image_graph_def.pb');
    const out = join(dir, 'inception.onnx');
    await writeFile(pb, miniInception(p));
    const printed = await run('--pb', pb, '--out', out);
    const model = await readFile(out);
    const sha = createHash('sha256').update(model).digest('hex');
    expect(printed).toContain(`sha256 ${sha}\n`);
    expect(printed).toMatch(/Pin it as FID_INCEPTION_ONNX_SHA256 in benchmarks\/imagenet\/adm-assets.ts only after checking/);

    const session = await ort.InferenceSession.create(model);
    try {
      expect(session.inputNames).toEqual(['images']);
      expect([...session.outputNames].sort()).toEqual(['logits', 'mixed_6_conv', 'pool_3']);
      // Two images of the normalized range, batch 2 (the TF graph's pool_3/_reshape is fixed to batch 1; the export does not use it).
      const x = randomNd([2, SIZE, SIZE, 3], 40);
      const feed = toNchw(x);
      const result = await session.run({ images: new ort.Tensor('float32', Float32Array.from(feed.data), feed.shape) });
      const ref = reference(p, x);
      expectClose(result.pool_3!, ref.pool);
      expectClose(result.mixed_6_conv!, ref.spatial);
      expectClose(result.logits!, ref.logits);
    } finally {
      await session.release();
    }
  });

  it('fails with a CliError naming the op and node of an unsupported op on the way to an output', async () => {
    const pb = join(dir, 'g.pb');
    await writeFile(pb, miniInception(params(), { extraOp: 'Tanh' }));
    const result = run('--pb', pb, '--out', join(dir, 'o.onnx'));
    await expect(result).rejects.toThrow(CliError);
    await expect(run('--pb', pb, '--out', join(dir, 'o.onnx'))).rejects.toThrow(
      /node mixed_10\/join has op Tanh, which the converter does not support/,
    );
  });

  it('fails with a CliError for a truncated or garbage file, a graph without the outputs, and a missing file', async () => {
    const full = miniInception(params());
    const truncated = join(dir, 'truncated.pb');
    await writeFile(truncated, full.subarray(0, Math.floor(full.length / 2)));
    await expect(run('--pb', truncated, '--out', join(dir, 'o.onnx'))).rejects.toThrow(CliError);
    const garbage = join(dir, 'garbage.pb');
    await writeFile(garbage, '<Error><Code>BlobNotFound</Code></Error>');
    await expect(run('--pb', garbage, '--out', join(dir, 'o.onnx'))).rejects.toThrow(/not a valid GraphDef|not a GraphDef|no node/);
    const other = join(dir, 'other.pb');
    await writeFile(other, new GraphDefWriter().node('Mul', 'Placeholder').node('relu', 'Relu', ['Mul']).finish());
    await expect(run('--pb', other, '--out', join(dir, 'o.onnx'))).rejects.toThrow(/the graph has no node 'pool_3'/);
    await expect(run('--pb', join(dir, 'absent.pb'), '--out', join(dir, 'o.onnx'))).rejects.toThrow(/cannot read .*absent.pb: ENOENT/);
  });
});
