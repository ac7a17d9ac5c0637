import { attr, GraphBuilder } from '../../runner/src/onnx/graph-builder.js';
import type { ImageToImageManifest } from '../../contracts/manifest/image-to-image-manifest.schemas.js';

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
