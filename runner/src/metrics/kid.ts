// Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs"; as torch-fidelity's kid and
// clean-fid compute it): the unbiased MMD² estimate with the cubic polynomial kernel k(x, y) = (x·y/d + 1)³,
// averaged over random subsets. Protocol choices: 100 subsets of min(1000, n_samples, n_reference) rows drawn
// without replacement from each set by a seeded generator (ours, not numpy's: the seed is returned with the
// result); dot products in float32 (as torch-fidelity), kernel values and sums in float64; kid_std is the
// population standard deviation (np.std) over subsets.

import { getKernels } from './kernels/get-kernels.js';
import type { BackendChoice, BackendName } from './kernels/kernels.js';
import { MetricInputError } from './metric-input-error.js';
import type { FeatureSet } from './precision-recall.js';
import { sampleWithoutReplacement } from '../random/prng.js';
import { metricSubsetStream } from '../random/protocol-streams.js';

export interface KidOptions {
  subsets?: number;
  subsetSize?: number;
  seed?: number;
  backend?: BackendChoice;
}

export interface KidResult {
  kid: number;
  kid_std: number;
  subsets: number;
  /** The subset size used: min(requested, n_samples, n_reference). */
  subsetSize: number;
  seed: number;
  backend: BackendName;
}

export const KID_DEFAULTS = { subsets: 100, subsetSize: 1000, seed: 0, degree: 3, coef0: 1 } as const;

/** Unbiased MMD² between the rows of X and Y (m each) from the Gram matrix G of [X; Y] (2m × 2m). */
export function unbiasedMmd2FromGram(gram: Float32Array | Float64Array, m: number, dim: number): number {
  // k(x, y) = (x·y/d + 1)³, written out: this loop runs 3m² times per subset.
  const w = 2 * m;
  const g = 1 / dim;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < m; i++) {
    const rx = i * w;
    const ry = (m + i) * w + m;
    for (let j = 0; j < m; j++) {
      const a = gram[rx + j] * g + 1;
      const b = gram[ry + j] * g + 1;
      const c = gram[rx + m + j] * g + 1;
      xx += a * a * a;
      yy += b * b * b;
      xy += c * c * c;
    }
    // Remove the diagonal terms k(x_i, x_i) and k(y_i, y_i).
    const a = gram[rx + i] * g + 1;
    const b = gram[ry + i] * g + 1;
    xx -= a * a * a;
    yy -= b * b * b;
  }
  return (xx + yy) / (m * (m - 1)) - (2 * xy) / (m * m);
}

/** KID of `samples` against `reference` (float32 feature sets of the same dimension). */
export async function kernelInceptionDistance(samples: FeatureSet, reference: FeatureSet, options: KidOptions = {}): Promise<KidResult> {
  const dim = samples.dim;
  if (reference.dim !== dim)
    throw new MetricInputError(`feature dimensions differ: samples have ${dim}, the reference has ${reference.dim}`);
  const subsets = options.subsets ?? KID_DEFAULTS.subsets;
  const seed = options.seed ?? KID_DEFAULTS.seed;
  const m = Math.min(options.subsetSize ?? KID_DEFAULTS.subsetSize, samples.rows, reference.rows);
  if (m < 2) throw new MetricInputError(`KID needs at least two points in each set (samples ${samples.rows}, reference ${reference.rows})`);
  if (!Number.isInteger(subsets) || subsets < 1) throw new MetricInputError(`KID subsets must be a positive integer, got ${subsets}`);
  const kernels = await getKernels(options.backend);
  const rng = metricSubsetStream(seed);
  const z = new Float32Array(2 * m * dim);
  const values: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const a = sampleWithoutReplacement(rng, samples.rows, m);
    const b = sampleWithoutReplacement(rng, reference.rows, m);
    for (let i = 0; i < m; i++) {
      z.set(samples.data.subarray(a[i] * dim, (a[i] + 1) * dim), i * dim);
      z.set(reference.data.subarray(b[i] * dim, (b[i] + 1) * dim), (m + i) * dim);
    }
    const gram = await kernels.dots(z, 2 * m, z, 2 * m, dim);
    values.push(unbiasedMmd2FromGram(gram, m, dim));
  }
  const kid = values.reduce((x, y) => x + y, 0) / subsets;
  const kidStd = Math.sqrt(values.reduce((x, y) => x + (y - kid) ** 2, 0) / subsets);
  return { kid, kid_std: kidStd, subsets, subsetSize: m, seed, backend: kernels.name };
}
