// The metric kernels as small ONNX graphs run by onnxruntime's CPU provider, whose MLAS GEMM is several
// times faster than anything TypeScript loops reach. Graphs are built once per shape signature and cached.

import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { encodeOnnxModel, type OnnxGraph, type OnnxNode } from './onnx-model.js';
import type { DistanceTile, Kernels, KnnResult, MembershipResult } from './kernels.js';

type Ort = typeof import('onnxruntime-node');

const FLOAT = 1;
const FLOAT16 = 10;
const DOUBLE = 11;

export async function createOrtKernels(): Promise<Kernels> {
  const ort: Ort = await import('onnxruntime-node');
  const sessions = new Map<string, Promise<InferenceSession>>();
  const session = (key: string, graph: () => OnnxGraph) => {
    let s = sessions.get(key);
    if (!s) {
      s = ort.InferenceSession.create(encodeOnnxModel(graph()), {
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        logSeverityLevel: 3,
      });
      sessions.set(key, s);
    }
    return s;
  };
  const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);

  async function centeredGram(x: Float32Array, rows: number, dim: number): Promise<{ mean: Float64Array; gram: Float64Array }> {
    const blocks = gramBlocks(dim);
    const s = await session(`gram:${dim}`, () => gramGraph(dim, blocks));
    const out = await s.run({ x: f32(x.subarray(0, rows * dim), [rows, dim]) });
    const g = new Float64Array(dim * dim);
    for (let bi = 0; bi < blocks.length; bi++) {
      for (let bj = 0; bj <= bi; bj++) {
        const part = out[`g_${bi}_${bj}`].data as Float64Array;
        const [r0, r1] = blocks[bi];
        const [c0, c1] = blocks[bj];
        const w = c1 - c0;
        for (let r = r0; r < r1; r++) g.set(part.subarray((r - r0) * w, (r - r0 + 1) * w), r * dim + c0);
      }
    }
    return { mean: Float64Array.from(out.mean.data as Float64Array), gram: g };
  }

  async function gemm64(
    a: Float64Array,
    m: number,
    k: number,
    b: Float64Array,
    n: number,
    alpha: number,
    beta: number,
    c?: Float64Array,
  ): Promise<Float64Array> {
    const withC = c !== undefined && beta !== 0;
    const s = await session(`gemm64:${alpha}:${withC ? beta : 0}`, () => ({
      inputs: [
        { name: 'a', type: 'float64', dims: ['m', 'k'] },
        { name: 'b', type: 'float64', dims: ['n', 'k'] },
        ...(withC ? [{ name: 'c', type: 'float64' as const, dims: ['m', 'n'] }] : []),
      ],
      outputs: [{ name: 'z', type: 'float64', dims: ['m', 'n'] }],
      nodes: [
        {
          op: 'Gemm',
          inputs: withC ? ['a', 'b', 'c'] : ['a', 'b'],
          outputs: ['z'],
          attributes: [
            { name: 'transB', int: 1 },
            { name: 'alpha', float: alpha },
            { name: 'beta', float: withC ? beta : 0 },
          ],
        },
      ],
    }));
    const feeds: Record<string, OrtTensor> = {
      a: new ort.Tensor('float64', a.subarray(0, m * k), [m, k]),
      b: new ort.Tensor('float64', b.subarray(0, n * k), [n, k]),
    };
    if (withC) feeds.c = new ort.Tensor('float64', c.subarray(0, m * n), [m, n]);
    const out = await s.run(feeds);
    return out.z.data as Float64Array;
  }

  async function dots(x: Float32Array, m: number, y: Float32Array, n: number, d: number): Promise<Float32Array> {
    const s = await session('dots', () => ({
      inputs: [
        { name: 'x', type: 'float32', dims: ['m', 'd'] },
        { name: 'y', type: 'float32', dims: ['n', 'd'] },
      ],
      outputs: [{ name: 'z', type: 'float32', dims: ['m', 'n'] }],
      nodes: [{ op: 'Gemm', inputs: ['x', 'y'], outputs: ['z'], attributes: [{ name: 'transB', int: 1 }] }],
    }));
    const out = await s.run({ x: f32(x.subarray(0, m * d), [m, d]), y: f32(y.subarray(0, n * d), [n, d]) });
    return out.z.data as Float32Array;
  }

  function tileFeeds(t: DistanceTile): Record<string, OrtTensor> {
    return {
      u: f32(t.u.subarray(0, t.rowsU * t.dim), [t.rowsU, t.dim]),
      v: f32(t.v.subarray(0, t.rowsV * t.dim), [t.rowsV, t.dim]),
      nu: f32(t.normU.subarray(0, t.rowsU), [t.rowsU, 1]),
      nv: f32(t.normV.subarray(0, t.rowsV), [1, t.rowsV]),
    };
  }

  async function knn(t: DistanceTile, k: number, alsoColumns: boolean): Promise<KnnResult> {
    const s = await session(`knn:${k}:${alsoColumns}:${t.fp16}`, () => knnGraph(k, alsoColumns, t.fp16));
    const out = await s.run(tileFeeds(t));
    let cols: Float32Array | undefined;
    if (alsoColumns) {
      // TopK along axis 0 gives k × rowsV; return it per column.
      const c = out.cols.data as Float32Array;
      cols = new Float32Array(t.rowsV * k);
      for (let q = 0; q < k; q++) for (let j = 0; j < t.rowsV; j++) cols[j * k + q] = c[q * t.rowsV + j];
    }
    return { rows: out.rows.data as Float32Array, cols, nonFinite: Number.isNaN((out.check.data as Float32Array)[0]) };
  }

  async function membership(t: DistanceTile, radiusU: Float32Array, radiusV: Float32Array): Promise<MembershipResult> {
    const s = await session(`membership:${t.fp16}`, () => membershipGraph(t.fp16));
    const out = await s.run({
      ...tileFeeds(t),
      ru: f32(radiusU.subarray(0, t.rowsU), [t.rowsU, 1]),
      rv: f32(radiusV.subarray(0, t.rowsV), [1, t.rowsV]),
    });
    return {
      rowMin: out.row_min.data as Float32Array,
      colMin: out.col_min.data as Float32Array,
      nonFinite: Number.isNaN((out.check.data as Float32Array)[0]),
    };
  }

  return { name: 'onnxruntime', centeredGram, gemm64, dots, knn, membership };
}

function gramBlocks(dim: number): Array<[number, number]> {
  const count = dim >= 1024 ? 8 : dim >= 512 ? 4 : 1;
  const size = Math.ceil(dim / count);
  const blocks: Array<[number, number]> = [];
  for (let s = 0; s < dim; s += size) blocks.push([s, Math.min(dim, s + size)]);
  return blocks;
}

// Centres the block on its own mean in float64, transposes it so each feature is a contiguous row (MLAS is
// markedly faster on A·Bᵀ than on Aᵀ·B here), and computes only the blocks on and below the diagonal of
// the symmetric result (36 of 64 for an 8×8 grid).
function gramGraph(dim: number, blocks: Array<[number, number]>): OnnxGraph {
  const nodes: OnnxNode[] = [
    { op: 'Transpose', inputs: ['x'], outputs: ['xt'], attributes: [{ name: 'perm', ints: [1, 0] }] },
    { op: 'Cast', inputs: ['xt'], outputs: ['xt64'], attributes: [{ name: 'to', int: DOUBLE }] },
    {
      op: 'ReduceMean',
      inputs: ['xt64'],
      outputs: ['mean_col'],
      attributes: [
        { name: 'axes', ints: [1] },
        { name: 'keepdims', int: 1 },
      ],
    },
    { op: 'Sub', inputs: ['xt64', 'mean_col'], outputs: ['yt'] },
    { op: 'Reshape', inputs: ['mean_col', 'flat'], outputs: ['mean'] },
  ];
  const initializers: NonNullable<OnnxGraph['initializers']>[number][] = [
    { name: 'axis0', type: 'int64', dims: [1], values: [0] },
    { name: 'flat', type: 'int64', dims: [1], values: [dim] },
  ];
  const names = blocks.map((_, i) => (blocks.length === 1 ? 'yt' : `yt_${i}`));
  if (blocks.length > 1) {
    blocks.forEach(([s, e], i) => {
      initializers.push(
        { name: `s_${i}`, type: 'int64', dims: [1], values: [s] },
        { name: `e_${i}`, type: 'int64', dims: [1], values: [e] },
      );
      nodes.push({ op: 'Slice', inputs: ['yt', `s_${i}`, `e_${i}`, 'axis0'], outputs: [names[i]] });
    });
  }
  const outputs: OnnxGraph['outputs'][number][] = [{ name: 'mean', type: 'float64', dims: [dim] }];
  for (let i = 0; i < blocks.length; i++) {
    for (let j = 0; j <= i; j++) {
      nodes.push({ op: 'Gemm', inputs: [names[i], names[j]], outputs: [`g_${i}_${j}`], attributes: [{ name: 'transB', int: 1 }] });
      outputs.push({ name: `g_${i}_${j}`, type: 'float64', dims: [blocks[i][1] - blocks[i][0], blocks[j][1] - blocks[j][0]] });
    }
  }
  return { inputs: [{ name: 'x', type: 'float32', dims: ['rows', dim] }], outputs, nodes, initializers };
}

/** Nodes computing `dd` = max(‖u‖² − 2u·v + ‖v‖², 0) and `check` (NaN iff some distance is not finite). */
function distanceNodes(fp16: boolean): { nodes: OnnxNode[]; initializers: NonNullable<OnnxGraph['initializers']> } {
  const nodes: OnnxNode[] = [];
  const round = (x: string, out: string) => {
    nodes.push({ op: 'Cast', inputs: [x], outputs: [`${out}_h`], attributes: [{ name: 'to', int: FLOAT16 }] });
    nodes.push({ op: 'Cast', inputs: [`${out}_h`], outputs: [out], attributes: [{ name: 'to', int: FLOAT }] });
  };
  if (fp16) {
    nodes.push({ op: 'Gemm', inputs: ['u', 'v'], outputs: ['dot'], attributes: [{ name: 'transB', int: 1 }] });
    round('dot', 'dot16');
    nodes.push({ op: 'Mul', inputs: ['dot16', 'two'], outputs: ['dot2'] });
    round('dot2', 'dot2_16');
    nodes.push({ op: 'Sub', inputs: ['nu', 'dot2_16'], outputs: ['t'] });
    round('t', 't16');
    nodes.push({ op: 'Add', inputs: ['t16', 'nv'], outputs: ['s0'] });
    round('s0', 's');
  } else {
    nodes.push({
      op: 'Gemm',
      inputs: ['u', 'v', 'nu'],
      outputs: ['t'],
      attributes: [
        { name: 'transB', int: 1 },
        { name: 'alpha', float: -2 },
        { name: 'beta', float: 1 },
      ],
    });
    nodes.push({ op: 'Add', inputs: ['t', 'nv'], outputs: ['s'] });
  }
  nodes.push({ op: 'Max', inputs: ['s', 'zero'], outputs: ['dd'] });
  nodes.push({ op: 'Sub', inputs: ['s', 's'], outputs: ['nan_if_bad'] });
  nodes.push({ op: 'ReduceSum', inputs: ['nan_if_bad'], outputs: ['check'], attributes: [{ name: 'keepdims', int: 0 }] });
  return {
    nodes,
    initializers: [
      { name: 'zero', type: 'float32', dims: [], values: [0] },
      ...(fp16 ? [{ name: 'two', type: 'float32' as const, dims: [], values: [2] }] : []),
    ],
  };
}

const TILE_INPUTS: OnnxGraph['inputs'] = [
  { name: 'u', type: 'float32', dims: ['m', 'd'] },
  { name: 'v', type: 'float32', dims: ['n', 'd'] },
  { name: 'nu', type: 'float32', dims: ['m', 1] },
  { name: 'nv', type: 'float32', dims: [1, 'n'] },
];

function knnGraph(k: number, alsoColumns: boolean, fp16: boolean): OnnxGraph {
  const { nodes, initializers } = distanceNodes(fp16);
  const topk = (axis: number, out: string): OnnxNode => ({
    op: 'TopK',
    inputs: ['dd', 'k'],
    outputs: [out, `${out}_idx`],
    attributes: [
      { name: 'axis', int: axis },
      { name: 'largest', int: 0 },
      { name: 'sorted', int: 1 },
    ],
  });
  nodes.push(topk(1, 'rows'));
  const outputs: OnnxGraph['outputs'][number][] = [
    { name: 'rows', type: 'float32', dims: ['m', k] },
    { name: 'check', type: 'float32', dims: [] },
  ];
  if (alsoColumns) {
    nodes.push(topk(0, 'cols'));
    outputs.push({ name: 'cols', type: 'float32', dims: [k, 'n'] });
  }
  return { inputs: TILE_INPUTS, outputs, nodes, initializers: [...initializers, { name: 'k', type: 'int64', dims: [1], values: [k] }] };
}

function membershipGraph(fp16: boolean): OnnxGraph {
  const { nodes, initializers } = distanceNodes(fp16);
  nodes.push(
    { op: 'Sub', inputs: ['dd', 'rv'], outputs: ['a'] },
    {
      op: 'ReduceMin',
      inputs: ['a'],
      outputs: ['row_min'],
      attributes: [
        { name: 'axes', ints: [1] },
        { name: 'keepdims', int: 0 },
      ],
    },
    { op: 'Sub', inputs: ['dd', 'ru'], outputs: ['b'] },
    {
      op: 'ReduceMin',
      inputs: ['b'],
      outputs: ['col_min'],
      attributes: [
        { name: 'axes', ints: [0] },
        { name: 'keepdims', int: 0 },
      ],
    },
  );
  return {
    inputs: [...TILE_INPUTS, { name: 'ru', type: 'float32', dims: ['m', 1] }, { name: 'rv', type: 'float32', dims: [1, 'n'] }],
    outputs: [
      { name: 'row_min', type: 'float32', dims: ['m'] },
      { name: 'col_min', type: 'float32', dims: ['n'] },
      { name: 'check', type: 'float32', dims: [] },
    ],
    nodes,
    initializers,
  };
}
