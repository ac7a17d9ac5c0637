import { attr, GraphBuilder } from '../../runner/src/onnx/graph-builder.js';
import { CHANNEL_ROTATE_TARGET_OF } from '../../runner/src/conditions/paired-sources.js';
import type { ImageToImageManifest } from '../../contracts/manifest/image-to-image-manifest.schemas.js';
import type { DenoiserManifest } from '../../contracts/manifest/denoiser-manifest.schemas.js';

/**
 * Example `image_to_image` restorers for the ×4 super-resolution smoke suite, written with the project's ONNX
 * writer: ONNX Resize of the 8×8 measurement y to 32×32, either `nearest` (each measured pixel copied into its
 * 4×4 block: the block average itself, no restoration) or `linear` with half-pixel centres (bilinear
 * interpolation, which a proper upsampler does at least as well as). The bilinear one should win on PSNR and SSIM
 * (benchmarks/image-conditioned/example-models.spec.ts checks it). `scale` other than 4 gives a model whose
 * output size differs from the targets, which submission refuses.
 */
export function buildResizeRestorer(mode: 'nearest' | 'linear', scale = 4, side = 8): Uint8Array {
  const g = new GraphBuilder({ name: `example-sr-${mode}-x${scale}` });
  g.input('y', 'float32', ['batch', 3, side, side]);
  g.initializer('scales', new Float32Array([1, 1, scale, scale]), [4]);
  g.node('Resize', ['y', '', 'scales'], ['x'], {
    mode: attr.string(mode),
    coordinate_transformation_mode: attr.string(mode === 'linear' ? 'half_pixel' : 'asymmetric'),
    ...(mode === 'nearest' ? { nearest_mode: attr.string('floor') } : {}),
  });
  g.output('x', 'float32', ['batch', 3, side * scale, side * scale]);
  return g.toBytes();
}

export function exampleRestorerManifest(name: string, resolution = 32, conditionResolution = 8): ImageToImageManifest {
  return {
    name,
    kind: 'image_to_image',
    task: 'image-restoration',
    resolution,
    condition_resolution: conditionResolution,
    inputs: { condition: 'y' },
    outputs: { images: 'x' },
    output_range: [-1, 1],
  };
}

/**
 * An image-conditioned denoiser for smoke-sr4-32-denoiser: (x_t [N, 3, 32, 32], t [N], y [N, 3, 8, 8]) → x0,
 * the bilinear (or nearest) upsampling of the measurement whatever x_t and t (read, times 0): the one-step
 * restorers above as a denoiser the harness samples. With an x0 prediction and deterministic DDIM its samples
 * are its x0 predictions, so its scores should match the one-step restorer's.
 */
export function buildResizeRestorerDenoiser(mode: 'nearest' | 'linear'): Uint8Array {
  const g = new GraphBuilder({ name: `example-sr-denoiser-${mode}` });
  g.input('x_t', 'float32', ['batch', 3, 32, 32]).input('t', 'float32', ['batch']).input('y', 'float32', ['batch', 3, 8, 8]);
  g.initializer('scales', new Float32Array([1, 1, 4, 4]), [4])
    .initializer('nothing', new Float32Array([0]), [])
    .initializer('t_shape', BigInt64Array.from([-1n, 1n, 1n, 1n]), [4]);
  g.node('Resize', ['y', '', 'scales'], ['up'], {
    mode: attr.string(mode),
    coordinate_transformation_mode: attr.string(mode === 'linear' ? 'half_pixel' : 'asymmetric'),
    ...(mode === 'nearest' ? { nearest_mode: attr.string('floor') } : {}),
  })
    .node('Mul', ['x_t', 'nothing'], ['x_zero'])
    .node('Reshape', ['t', 't_shape'], ['t4'])
    .node('Mul', ['t4', 'nothing'], ['t_zero'])
    .node('Add', ['up', 'x_zero'], ['with_x'])
    .node('Add', ['with_x', 't_zero'], ['x0']);
  g.output('x0', 'float32', ['batch', 3, 32, 32]);
  return g.toBytes();
}

export function exampleRestorerDenoiserManifest(name: string): DenoiserManifest {
  return {
    name,
    kind: 'denoiser',
    resolution: 32,
    classes: 0,
    channels: 3,
    inputs: { x: 'x_t', t: 't', condition: 'y' },
    outputs: { prediction: 'x0' },
    prediction: 'x0',
    schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000, continuous: false },
    time_input: 'sigma',
    output_range: [-1, 1],
    condition: { task: 'image-restoration', resolution: 8 },
  };
}

/**
 * Example `image_to_image` translators for smoke-translate-32, written with the project's ONNX writer: a Gather of
 * the source's channels. `invert` answers target channel c with source channel CHANNEL_ROTATE_TARGET_OF[c]
 * (undoing the suite's remap exactly); `identity` answers the source unchanged.
 */
export function buildChannelTranslator(kind: 'invert' | 'identity', side = 32): Uint8Array {
  const g = new GraphBuilder({ name: `example-translate-${kind}` });
  g.input('source', 'float32', ['batch', 3, side, side]);
  const order = kind === 'invert' ? CHANNEL_ROTATE_TARGET_OF : [0, 1, 2];
  g.initializer(
    'channels',
    BigInt64Array.from(order, (c) => BigInt(c)),
    [3],
  );
  g.node('Gather', ['source', 'channels'], ['x'], { axis: attr.int(1) });
  g.output('x', 'float32', ['batch', 3, side, side]);
  return g.toBytes();
}

export function exampleTranslatorManifest(name: string, resolution = 32): ImageToImageManifest {
  return {
    name,
    kind: 'image_to_image',
    task: 'image-translation',
    resolution,
    condition_resolution: resolution,
    inputs: { condition: 'source' },
    outputs: { images: 'x' },
    output_range: [-1, 1],
  };
}
