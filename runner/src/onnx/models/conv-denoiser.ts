import { GraphBuilder, attr } from '../graph-builder.js';
import { normalWeights } from './seeded-weights.js';

/**
 * A small convolutional network shaped like a denoiser — x_t [N, 3, R, R], t [N] → prediction [N, 3, R, R] —
 * with seeded random weights: conv3×3(3→C) → relu → conv3×3(C→C) → relu → conv3×3(C→3), plus k·t, → tanh.
 * It predicts nothing useful; it costs what a small real network costs per call and runs the kernels a real
 * one does (Conv, Relu, broadcasting), so the sampler benchmark and the execution-provider tests use it.
 * `timeWeight` 0 keeps t as a real input that does not change the output.
 */
export function buildConvDenoiser(options: { resolution: number; channels: number; timeWeight?: number; seed?: number }): Uint8Array {
  const { resolution: R, channels: C, timeWeight = 0, seed = 1 } = options;
  const g = new GraphBuilder({ name: 'conv-denoiser' }).input('x_t', 'float32', ['batch', 3, R, R]).input('t', 'float32', ['batch']);
  const conv = (name: string, input: string, cin: number, cout: number) => {
    g.initializer(`${name}_w`, normalWeights(seed, `${name}_w`, cout * cin * 9, 1 / Math.sqrt(cin * 9)), [cout, cin, 3, 3]);
    g.initializer(`${name}_b`, new Float32Array(cout), [cout]);
    g.node('Conv', [input, `${name}_w`, `${name}_b`], [name], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) });
  };
  conv('c1', 'x_t', 3, C);
  g.node('Relu', ['c1'], ['r1']);
  conv('c2', 'r1', C, C);
  g.node('Relu', ['c2'], ['r2']);
  conv('c3', 'r2', C, 3);
  g.initializer('col', new BigInt64Array([-1n, 1n, 1n, 1n]), [4]).initializer('k', new Float32Array([timeWeight]), []);
  g.node('Reshape', ['t', 'col'], ['t_col'])
    .node('Mul', ['t_col', 'k'], ['kt'])
    .node('Add', ['c3', 'kt'], ['pre'])
    .node('Tanh', ['pre'], ['out']);
  return g.output('out', 'float32', ['batch', 3, R, R]).toBytes();
}

/** The manifest that goes with {@link buildConvDenoiser}: an ε-prediction on DDPM's linear schedule, fed σ. */
export function convDenoiserManifest(resolution: number) {
  return {
    name: 'conv-denoiser',
    kind: 'denoiser' as const,
    resolution,
    classes: 0,
    channels: 3,
    inputs: { x: 'x_t', t: 't' },
    outputs: { prediction: 'out' },
    prediction: 'eps' as const,
    schedule: { kind: 'vp-linear' as const, beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
    time_input: 'sigma' as const,
    output_range: [-1, 1] as [number, number],
  };
}
