import { GraphBuilder, attr } from '../graph-builder.js';
import { builtinExtractorWeights } from '../../random/protocol-streams.js';

export interface TinyExtractorOptions {
  /** Height and width of the (already resized and normalized) input images. */
  readonly inputSize: number;
  readonly seed: number;
  /** Output channels of the two stride-2 convolutions. Default [16, 32]; `spatial` has channels[1]. */
  readonly channels?: readonly [number, number];
  /** Width of the `pool` feature (a 1×1 convolution + Relu before the average). Default 64. */
  readonly poolDim?: number;
  /** Width of `logits`. Default 10. */
  readonly numClasses?: number;
}

export interface TinyExtractorShapes {
  /** [channels[1], h, w] of `spatial`, per image. */
  readonly spatial: readonly [number, number, number];
  readonly poolDim: number;
  readonly numClasses: number;
}

/** Output shapes of `buildTinyExtractor(options)` without building it. */
export function tinyExtractorShapes(options: TinyExtractorOptions): TinyExtractorShapes {
  const [, c2] = options.channels ?? [16, 32];
  const side = convOutputSize(convOutputSize(options.inputSize));
  return { spatial: [c2, side, side], poolDim: options.poolDim ?? 64, numClasses: options.numClasses ?? 10 };
}

/**
 * A random-weight conv net standing in for Inception in tests: `images` float32 [batch, 3, S, S] →
 * `spatial` [batch, C, h, w] (after two Conv k3 s2 p1 + Relu), `pool` [batch, poolDim]
 * (Conv 1×1 + Relu + GlobalAveragePool + Flatten) and `logits` [batch, numClasses] (pool · W + b).
 */
export function buildTinyExtractor(options: TinyExtractorOptions): Uint8Array {
  const { inputSize, seed } = options;
  const [c1, c2] = options.channels ?? [16, 32];
  const { spatial, poolDim, numClasses } = tinyExtractorShapes(options);
  for (const [name, value] of Object.entries({ inputSize, c1, c2, poolDim, numClasses })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }

  const g = new GraphBuilder({ name: 'tiny-extractor' });
  g.input('images', 'float32', ['batch', 3, inputSize, inputSize]);

  const conv3x3 = { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) };
  addConv(g, seed, 'conv1', 3, c1, 3);
  g.node('Conv', ['images', 'conv1_w', 'conv1_b'], ['conv1'], conv3x3).node('Relu', ['conv1'], ['relu1']);
  addConv(g, seed, 'conv2', c1, c2, 3);
  g.node('Conv', ['relu1', 'conv2_w', 'conv2_b'], ['conv2'], conv3x3).node('Relu', ['conv2'], ['spatial']);

  addConv(g, seed, 'proj', c2, poolDim, 1);
  g.node('Conv', ['spatial', 'proj_w', 'proj_b'], ['proj'], { kernel_shape: attr.ints([1, 1]) });
  g.node('Relu', ['proj'], ['proj_relu']).node('GlobalAveragePool', ['proj_relu'], ['gap']);
  g.node('Flatten', ['gap'], ['pool'], { axis: attr.int(1) });

  g.initializer('fc_w', builtinExtractorWeights(seed, 'fc_w', poolDim * numClasses, 1 / Math.sqrt(poolDim)), [poolDim, numClasses]);
  g.initializer('fc_b', builtinExtractorWeights(seed, 'fc_b', numClasses, 0.1), [numClasses]);
  g.node('MatMul', ['pool', 'fc_w'], ['fc']).node('Add', ['fc', 'fc_b'], ['logits']);

  g.output('spatial', 'float32', ['batch', ...spatial]);
  g.output('pool', 'float32', ['batch', poolDim]);
  g.output('logits', 'float32', ['batch', numClasses]);
  return g.toBytes();
}

/** He-initialized weights [out, in, k, k] and small biases, named `${name}_w` / `${name}_b`. */
function addConv(g: GraphBuilder, seed: number, name: string, cin: number, cout: number, k: number): void {
  const fanIn = cin * k * k;
  g.initializer(`${name}_w`, builtinExtractorWeights(seed, `${name}_w`, cout * fanIn, Math.sqrt(2 / fanIn)), [cout, cin, k, k]);
  g.initializer(`${name}_b`, builtinExtractorWeights(seed, `${name}_b`, cout, 0.05), [cout]);
}

// Kernel 3, stride 2, padding 1 on both sides: floor((n + 2 − 3) / 2) + 1.
function convOutputSize(n: number): number {
  return Math.floor((n - 1) / 2) + 1;
}
