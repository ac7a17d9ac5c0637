import { GraphBuilder, attr } from '../../../runner/src/onnx/graph-builder.js';

/*
 * Small graphs for the plumbing of ADM-style submissions (a denoiser with learned-range variances, and the
 * classifier-gradient graph of classifier guidance), affine so that a test can write the same function in
 * TypeScript and compare the runner's ONNX path with the sampling core called directly:
 *
 *   denoiser:   out = concat(ε̂, v) on channels,  ε̂ = k·x_t,  v = v0          ([N, 2C, H, W])
 *   classifier: ∇ = a·x_t + b·y                                               ([N, C, H, W])
 *
 * Every input (x_t, t, y) feeds the output (t and, for the denoiser, y through a zero factor), so the graphs
 * declare exactly the inputs a submission's manifest maps.
 */

function useAsZero(g: GraphBuilder, input: string, tag: string, type: 'float32' | 'int64'): string {
  let v = input;
  if (type !== 'float32') {
    g.node('Cast', [input], [`${tag}_f`], { to: attr.dataType('float32') });
    v = `${tag}_f`;
  }
  g.node('Reshape', [v, 'col'], [`${tag}_col`]).node('Mul', [`${tag}_col`, 'zero'], [`${tag}_zero`]);
  return `${tag}_zero`;
}

function common(g: GraphBuilder): void {
  g.initializer('zero', new Float32Array([0]), []);
  g.initializer('col', BigInt64Array.from([-1n, 1n, 1n, 1n]), [4]);
}

export function buildLearnedVarianceDenoiser(o: {
  shape: readonly [number, number, number];
  classes: number;
  k: number;
  v0: number;
}): Uint8Array {
  const [C, H, W] = o.shape;
  const g = new GraphBuilder({ name: 'learned-variance-denoiser' });
  g.input('x_t', 'float32', ['batch', C, H, W]).input('t', 'float32', ['batch']);
  if (o.classes > 0) g.input('y', 'int64', ['batch']);
  common(g);
  g.initializer('k', new Float32Array([o.k]), []).initializer('v0', new Float32Array([o.v0]), []);
  const tz = useAsZero(g, 't', 't', 'float32');
  g.node('Mul', ['x_t', 'k'], ['eps0']).node('Add', ['eps0', tz], ['eps1']);
  let eps = 'eps1';
  if (o.classes > 0) {
    const yz = useAsZero(g, 'y', 'y', 'int64');
    g.node('Add', ['eps1', yz], ['eps2']);
    eps = 'eps2';
  }
  g.node('Mul', ['x_t', 'zero'], ['x_zero']).node('Add', ['x_zero', 'v0'], ['v']);
  g.node('Concat', [eps, 'v'], ['out'], { axis: attr.int(1) });
  g.output('out', 'float32', ['batch', 2 * C, H, W]);
  return g.toBytes();
}

export function buildLinearClassifier(o: {
  shape: readonly [number, number, number];
  a: number;
  b: number;
  /** Declared x dims (default: the shape): a test can declare a wrong one. */
  declaredShape?: readonly [number, number, number];
}): Uint8Array {
  const [C, H, W] = o.declaredShape ?? o.shape;
  const g = new GraphBuilder({ name: 'linear-classifier' });
  g.input('x', 'float32', ['batch', C, H, W]).input('t', 'float32', ['batch']).input('y', 'int64', ['batch']);
  common(g);
  g.initializer('a', new Float32Array([o.a]), []).initializer('b', new Float32Array([o.b]), []);
  const tz = useAsZero(g, 't', 't', 'float32');
  g.node('Cast', ['y'], ['y_f'], { to: attr.dataType('float32') })
    .node('Reshape', ['y_f', 'col'], ['y_col'])
    .node('Mul', ['y_col', 'b'], ['by'])
    .node('Mul', ['x', 'a'], ['ax'])
    .node('Add', ['ax', 'by'], ['g0'])
    .node('Add', ['g0', tz], ['grad']);
  g.output('grad', 'float32', ['batch', C, H, W]);
  return g.toBytes();
}
