import { attr, GraphBuilder } from '../graph-builder.js';

/**
 * Example image-conditioned models for the restoration smoke suites: `condition` float32 [N, 3, h, w] in
 * [−1, 1] (the degraded image) → `images` float32 [N, 3, h·factor, w·factor] in [−1, 1].
 * - `nearest`: repeats each pixel factor×factor times — the "identity" restorer, which only makes the
 *   measurement the target's size;
 * - `linear`: ONNX Resize, linear with half-pixel centres — a proper (if simple) upsampler of block averages;
 * - `grey`: answers mid-grey whatever the input — the floor.
 */
export function buildUpsampler(factor: number, mode: 'nearest' | 'linear' | 'grey'): Uint8Array {
  const g = new GraphBuilder()
    .input('condition', 'float32', ['N', 3, 'h', 'w'])
    .output('images', 'float32', ['N', 3, 'H', 'W'])
    .initializer('scales', Float32Array.from([1, 1, factor, factor]), [4]);
  if (mode === 'grey') {
    g.initializer('zero', Float32Array.from([0]), [1])
      .node('Resize', ['condition', '', 'scales'], ['up'], { mode: attr.string('nearest') })
      .node('Mul', ['up', 'zero'], ['images']);
  } else {
    g.initializer('lo', Float32Array.from([-1]), [])
      .initializer('hi', Float32Array.from([1]), [])
      .node('Resize', ['condition', '', 'scales'], ['up'], {
        mode: attr.string(mode),
        coordinate_transformation_mode: attr.string(mode === 'linear' ? 'half_pixel' : 'asymmetric'),
      })
      .node('Clip', ['up', 'lo', 'hi'], ['images']);
  }
  return g.toBytes();
}
