// A STAND-IN for the I3D Kinetics-400 network of FVD, for the offline video smoke suite only: it is not I3D,
// was trained on nothing, and its FVD numbers compare only within the smoke suite. It still means something:
// its features see time. The clip is average-pooled to ~8×8 per frame, then
//   - `motion_conv`: a seeded 3×3×3 convolution over (time, height, width) + Relu, averaged: appearance and
//     local spatio-temporal structure, as random 3-D filters respond to it;
//   - `diff_1`, `diff_4`: the mean absolute frame difference per colour channel at lags 1 and 4 (a grouped
//     Conv with taps −1, +1 and dilation 1 or 4 in time, then Abs): motion energy, small for one square
//     moving over a still background, large when every frame is a new scene.
// Features are their concatenation, [N, channels + 6]. Input as the real network's: float32
// [N, 3, frames, S, S] in [−1, 1] (video-sampling.ts i3dClip).

import { GraphBuilder, attr } from '../graph-builder.js';
import { builtinExtractorWeights } from '../../random/protocol-streams.js';

export interface MotionStandinOptions {
  seed: number;
  /** Frames per clip (FVD's 16). */
  frames: number;
  /** Side of the square frames. */
  size: number;
  /** Output channels of the 3-D convolution. Default 16. */
  channels?: number;
}

export const MOTION_STANDIN_INPUT = 'clips';
export const MOTION_STANDIN_OUTPUT = 'features';

/** Width of the stand-in's features. */
export function motionStandinDim(options: Pick<MotionStandinOptions, 'channels'>): number {
  return (options.channels ?? 16) + 6;
}

/** Builds the stand-in graph (see the file comment): `clips` [N, 3, frames, size, size] → `features` [N, D]. */
export function buildMotionStandinI3d(options: MotionStandinOptions): Uint8Array {
  const { seed, frames, size } = options;
  const channels = options.channels ?? 16;
  for (const [name, v] of Object.entries({ frames, size, channels }))
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  if (frames < 5) throw new RangeError(`the stand-in reads frame differences at lag 4: clips need at least 5 frames, got ${frames}`);
  const pool = Math.max(1, Math.floor(size / 8));

  const g = new GraphBuilder({ name: 'motion-standin-i3d (NOT I3D: smoke suites only)' });
  g.input(MOTION_STANDIN_INPUT, 'float32', ['batch', 3, frames, size, size]);
  g.node('AveragePool', [MOTION_STANDIN_INPUT], ['pooled'], {
    kernel_shape: attr.ints([1, pool, pool]),
    strides: attr.ints([1, pool, pool]),
  });

  const fanIn = 3 * 27;
  g.initializer('motion_conv_w', builtinExtractorWeights(seed, 'motion_conv_w', channels * fanIn, Math.sqrt(2 / fanIn)), [
    channels,
    3,
    3,
    3,
    3,
  ]);
  g.initializer('motion_conv_b', builtinExtractorWeights(seed, 'motion_conv_b', channels, 0.05), [channels]);
  g.node('Conv', ['pooled', 'motion_conv_w', 'motion_conv_b'], ['conv'], {
    kernel_shape: attr.ints([3, 3, 3]),
    pads: attr.ints([1, 1, 1, 1, 1, 1]),
  })
    .node('Relu', ['conv'], ['conv_relu'])
    .node('GlobalAveragePool', ['conv_relu'], ['conv_gap']);

  // x[t + lag] − x[t] per channel: group 3, one [−1, +1] kernel per channel.
  g.initializer('diff_w', Float32Array.from([-1, 1, -1, 1, -1, 1]), [3, 1, 2, 1, 1]);
  for (const lag of [1, 4]) {
    g.node('Conv', ['pooled', 'diff_w'], [`diff_${lag}`], {
      kernel_shape: attr.ints([2, 1, 1]),
      dilations: attr.ints([lag, 1, 1]),
      group: attr.int(3),
    })
      .node('Abs', [`diff_${lag}`], [`diff_${lag}_abs`])
      .node('GlobalAveragePool', [`diff_${lag}_abs`], [`diff_${lag}_gap`]);
  }
  g.node('Concat', ['conv_gap', 'diff_1_gap', 'diff_4_gap'], ['concat'], { axis: attr.int(1) });
  g.node('Flatten', ['concat'], [MOTION_STANDIN_OUTPUT], { axis: attr.int(1) });
  g.output(MOTION_STANDIN_OUTPUT, 'float32', ['batch', channels + 6]);
  return g.toBytes();
}
