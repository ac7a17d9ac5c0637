// The metric kernels as small ONNX graphs run by onnxruntime's CPU provider, whose MLAS GEMM is several
// times faster than anything TypeScript loops reach. Graphs are built once per shape signature and cached.

import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { GraphBuilder, attr } from '../../onnx/graph-builder.js';
import type { DistanceTile, Kernels, KnnResult, MembershipResult } from './kernels.js';

type Ort = typeof import('onnxruntime-node');

const graphBuilder = () => new GraphBuilder({ name: 'genbench-metrics' });
const int64 = (value: number) => new BigInt64Array([BigInt(value)]);

export async function createOrtKernels(): Promise<Kernels> {
  const ort: Ort = await import('onnxruntime-node');
  const sessions = new Map<string, Promise<InferenceSession>>();
  const session = (key: string, graph: () => GraphBuilder) => {
    let s = sessions.get(key);
    if (!s) {
      s = ort.InferenceSession.create(graph().toBytes(), {
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
    const s = await session(`gemm64:${alpha}:${withC ? beta : 0}`, () => {
      const g = graphBuilder().input('a', 'float64', ['m', 'k']).input('b', 'float64', ['n', 'k']);
      if (withC) g.input('c', 'float64', ['m', 'n']);
      return g
        .node('Gemm', withC ? ['a', 'b', 'c'] : ['a', 'b'], ['z'], {
          transB: attr.int(1),
          alpha: attr.float(alpha),
          beta: attr.float(withC ? beta : 0),
        })
        .output('z', 'float64', ['m', 'n']);
    });
    const feeds: Record<string, OrtTensor> = {
      a: new ort.Tensor('float64', a.subarray(0, m * k), [m, k]),
      b: new ort.Tensor('float64', b.subarray(0, n * k), [n, k]),
    };
    if (withC) feeds.c = new ort.Tensor('float64', c.subarray(0, m * n), [m, n]);
    const out = await s.run(feeds);
    return out.z.data as Float64Array;
  }

  async function dots(x: Float32Array, m: number, y: Float32Array, n: number, d: number): Promise<Float32Array> {
    const s = await session('dots', () =>
      graphBuilder()
        .input('x', 'float32', ['m', 'd'])
        .input('y', 'float32', ['n', 'd'])
        .node('Gemm', ['x', 'y'], ['z'], { transB: attr.int(1) })
        .output('z', 'float32', ['m', 'n']),
    );
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
function gramGraph(dim: number, blocks: Array<[number, number]>): GraphBuilder {
  const g = graphBuilder()
    .input('x', 'float32', ['rows', dim])
    .initializer('axis0', int64(0), [1])
    .initializer('flat', int64(dim), [1])
    .node('Transpose', ['x'], ['xt'], { perm: attr.ints([1, 0]) })
    .node('Cast', ['xt'], ['xt64'], { to: attr.dataType('float64') })
    .node('ReduceMean', ['xt64'], ['mean_col'], { axes: attr.ints([1]), keepdims: attr.int(1) })
    .node('Sub', ['xt64', 'mean_col'], ['yt'])
    .node('Reshape', ['mean_col', 'flat'], ['mean'])
    .output('mean', 'float64', [dim]);
  const names = blocks.map((_, i) => (blocks.length === 1 ? 'yt' : `yt_${i}`));
  if (blocks.length > 1) {
    blocks.forEach(([s, e], i) => {
      g.initializer(`s_${i}`, int64(s), [1]).initializer(`e_${i}`, int64(e), [1]);
      g.node('Slice', ['yt', `s_${i}`, `e_${i}`, 'axis0'], [names[i]]);
    });
  }
  for (let i = 0; i < blocks.length; i++) {
    for (let j = 0; j <= i; j++) {
      g.node('Gemm', [names[i], names[j]], [`g_${i}_${j}`], { transB: attr.int(1) });
      g.output(`g_${i}_${j}`, 'float64', [blocks[i][1] - blocks[i][0], blocks[j][1] - blocks[j][0]]);
    }
  }
  return g;
}

/**
 * The tile inputs u, v, nu, nv (and the radii ru, rv) and the nodes computing `dd` = max(‖u‖² − 2u·v + ‖v‖², 0)
 * and `check` (NaN iff some distance is not finite).
 */
function distanceGraph(fp16: boolean, withRadii = false): GraphBuilder {
  const g = graphBuilder()
    .input('u', 'float32', ['m', 'd'])
    .input('v', 'float32', ['n', 'd'])
    .input('nu', 'float32', ['m', 1])
    .input('nv', 'float32', [1, 'n']);
  if (withRadii) g.input('ru', 'float32', ['m', 1]).input('rv', 'float32', [1, 'n']);
  g.initializer('zero', new Float32Array([0]), []);
  const round = (x: string, out: string) => {
    g.node('Cast', [x], [`${out}_h`], { to: attr.dataType('float16') });
    g.node('Cast', [`${out}_h`], [out], { to: attr.dataType('float32') });
  };
  if (fp16) {
    g.initializer('two', new Float32Array([2]), []);
    g.node('Gemm', ['u', 'v'], ['dot'], { transB: attr.int(1) });
    round('dot', 'dot16');
    g.node('Mul', ['dot16', 'two'], ['dot2']);
    round('dot2', 'dot2_16');
    g.node('Sub', ['nu', 'dot2_16'], ['t']);
    round('t', 't16');
    g.node('Add', ['t16', 'nv'], ['s0']);
    round('s0', 's');
  } else {
    g.node('Gemm', ['u', 'v', 'nu'], ['t'], { transB: attr.int(1), alpha: attr.float(-2), beta: attr.float(1) });
    g.node('Add', ['t', 'nv'], ['s']);
  }
  return g
    .node('Max', ['s', 'zero'], ['dd'])
    .node('Sub', ['s', 's'], ['nan_if_bad'])
    .node('ReduceSum', ['nan_if_bad'], ['check'], { keepdims: attr.int(0) });
}

function knnGraph(k: number, alsoColumns: boolean, fp16: boolean): GraphBuilder {
  const g = distanceGraph(fp16).initializer('k', int64(k), [1]);
  const topk = (axis: number, out: string) =>
    g.node('TopK', ['dd', 'k'], [out, `${out}_idx`], {
      axis: attr.int(axis),
      largest: attr.int(0),
      sorted: attr.int(1),
    });
  topk(1, 'rows');
  g.output('rows', 'float32', ['m', k]).output('check', 'float32', []);
  if (alsoColumns) {
    topk(0, 'cols');
    g.output('cols', 'float32', [k, 'n']);
  }
  return g;
}

function membershipGraph(fp16: boolean): GraphBuilder {
  return distanceGraph(fp16, true)
    .node('Sub', ['dd', 'rv'], ['a'])
    .node('ReduceMin', ['a'], ['row_min'], { axes: attr.ints([1]), keepdims: attr.int(0) })
    .node('Sub', ['dd', 'ru'], ['b'])
    .node('ReduceMin', ['b'], ['col_min'], { axes: attr.ints([0]), keepdims: attr.int(0) })
    .output('row_min', 'float32', ['m'])
    .output('col_min', 'float32', ['n'])
    .output('check', 'float32', []);
}
