// LPIPS (Zhang et al. 2018, "The Unreasonable Effectiveness of Deep Features as a Perceptual Metric"), the
// combination step exactly as the reference `lpips` package (v0.1, `lpips/lpips.py` LPIPS.forward): for every
// layer l of the network's features of both images, unit-normalise each spatial position's feature vector over
// channels (f / (‖f‖₂ + 1e-10), `normalize_tensor`), take the squared difference, weight channels by that
// layer's 'lin' weights w_l (a bias-free 1×1 convolution to one channel, `NetLinLayer`), average over space
// (`spatial_average`), and sum over layers. The network (AlexNet/VGG features with the ScalingLayer in front,
// inputs x/127.5 − 1 in [−1, 1]) runs in lpips-network.ts. Protocol choice: sums in float64 from the float32
// features (the reference accumulates in float32; the difference is far below any ranking).

import { MetricInputError } from './metric-input-error.js';

/** `normalize_tensor`'s eps. */
export const LPIPS_EPS = 1e-10;

/** One layer's features of a batch: float32 NCHW [count, channels, height, width]. */
export interface FeatureMaps {
  data: Float32Array;
  count: number;
  channels: number;
  height: number;
  width: number;
}

/**
 * LPIPS distance of each image pair: `a[l]` and `b[l]` are layer l's features of the two batches (same
 * shapes), `lins[l]` its lin weights (one per channel). MetricInputError for mismatched layers or shapes.
 */
export function lpipsDistances(a: readonly FeatureMaps[], b: readonly FeatureMaps[], lins: readonly Float32Array[]): Float64Array {
  if (a.length !== lins.length || b.length !== lins.length)
    throw new MetricInputError(`LPIPS has ${lins.length} lin layers but the network gave ${a.length} and ${b.length} feature maps`);
  if (lins.length === 0) throw new MetricInputError('LPIPS needs at least one layer');
  const count = a[0]!.count;
  const out = new Float64Array(count);
  for (let l = 0; l < lins.length; l++) {
    const fa = a[l]!;
    const fb = b[l]!;
    const w = lins[l]!;
    const shape = (f: FeatureMaps) => `[${f.count}, ${f.channels}, ${f.height}, ${f.width}]`;
    if (shape(fa) !== shape(fb))
      throw new MetricInputError(`LPIPS layer ${l}: the two images' features are ${shape(fa)} and ${shape(fb)}; they must match`);
    if (fa.count !== count) throw new MetricInputError(`LPIPS layer ${l} holds ${fa.count} images but layer 0 ${count}`);
    if (w.length !== fa.channels)
      throw new MetricInputError(`LPIPS layer ${l} has ${fa.channels} channels but its lin weights ${w.length}`);
    const { channels: C, height: H, width: W } = fa;
    const plane = H * W;
    for (let n = 0; n < count; n++) {
      const base = n * C * plane;
      let layerSum = 0;
      for (let p = 0; p < plane; p++) {
        let sa = 0;
        let sb = 0;
        for (let c = 0; c < C; c++) {
          const x = fa.data[base + c * plane + p]!;
          const y = fb.data[base + c * plane + p]!;
          sa += x * x;
          sb += y * y;
        }
        const na = Math.sqrt(sa) + LPIPS_EPS;
        const nb = Math.sqrt(sb) + LPIPS_EPS;
        let d = 0;
        for (let c = 0; c < C; c++) {
          const diff = fa.data[base + c * plane + p]! / na - fb.data[base + c * plane + p]! / nb;
          d += w[c]! * diff * diff;
        }
        layerSum += d;
      }
      out[n] += layerSum / plane;
    }
  }
  return out;
}
