// Fréchet Video Distance (Unterthiner et al. 2019, "FVD: A new Metric for Video Generation"), following the
// StyleGAN-V protocol (src/metrics/frechet_video_distance.py): 16-frame clips (video-sampling.ts) through
// the I3D Kinetics-400 network (400 features per clip), a Gaussian fitted to each side's features (mean and
// ddof = 1 covariance, feature-stats.ts) and the Fréchet distance between them (frechet-distance.ts, the same
// code as FID). Protocol choices beyond StyleGAN-V: the statistics are accumulated in float64, and tr (Σ₁Σ₂)^½
// is computed from eigenvalues as for FID, which equals the real part of scipy.linalg.sqrtm's trace.

import { computeFeatureStats, type FeatureStats, type FeatureStatsOptions } from './feature-stats.js';
import { frechetDistance, type FrechetOptions } from './frechet-distance.js';
import { MetricInputError } from './metric-input-error.js';
import type { FeatureSet } from './precision-recall.js';

/** The Gaussian statistics of one side's clip features. */
export async function clipFeatureStats(features: FeatureSet, options: FeatureStatsOptions = {}): Promise<FeatureStats> {
  if (features.rows < 2) throw new MetricInputError(`FVD needs at least 2 clips per side for a covariance, got ${features.rows}`);
  return computeFeatureStats(features.data, features.rows, features.dim, options);
}

/** FVD between reference and sample clip statistics (the Fréchet distance of the two Gaussians). */
export async function fvdFromStats(reference: FeatureStats, samples: FeatureStats, options: FrechetOptions = {}): Promise<number> {
  if (reference.mu.length !== samples.mu.length)
    throw new MetricInputError(
      `reference clip features have ${reference.mu.length} dimensions but sample clip features ${samples.mu.length}: both must come from one video network`,
    );
  return frechetDistance(reference, samples, options);
}

/** FVD from the clip features of both sides: rows are clips, columns the video network's features. */
export async function fvd(reference: FeatureSet, samples: FeatureSet, options: FrechetOptions & FeatureStatsOptions = {}): Promise<number> {
  if (reference.dim !== samples.dim)
    throw new MetricInputError(
      `reference clip features have ${reference.dim} dimensions but sample clip features ${samples.dim}: both must come from one video network`,
    );
  return fvdFromStats(await clipFeatureStats(reference, options), await clipFeatureStats(samples, options), options);
}
