import { FeatureStatsAccumulator, type FeatureStats } from '../metrics/feature-stats.js';
import { frechetDistanceDetailed } from '../metrics/frechet-distance.js';
import { metricInfo } from '../metrics/registry.js';
import type { FeatureBatch } from './features.js';

export interface MetricResult {
  id: string;
  value: number;
  interval?: [number, number];
}

/**
 * Collects one side's features (samples or reference) batch by batch: pool and spatial statistics are
 * streamed in float64; rows are kept only for the metrics that need them.
 */
export class FeatureSetAccumulator {
  private pool?: FeatureStatsAccumulator;
  private spatial?: FeatureStatsAccumulator;

  async add(batch: FeatureBatch): Promise<void> {
    this.pool ??= new FeatureStatsAccumulator(batch.poolDim);
    await this.pool.add(batch.pool, batch.count);
    if (batch.spatial && batch.spatialDim) {
      this.spatial ??= new FeatureStatsAccumulator(batch.spatialDim);
      await this.spatial.add(batch.spatial, batch.count);
    }
  }

  poolStats(): Promise<FeatureStats> {
    if (!this.pool) throw new Error('no features were added');
    return this.pool.finalize();
  }

  spatialStats(): Promise<FeatureStats> {
    if (!this.spatial) throw new Error('the extractor gives no spatial features');
    return this.spatial.finalize();
  }
}

/** Computes the suite's metrics from the two feature sets, and records the protocol choices made. */
export async function scoreFeatureSets(
  samples: FeatureSetAccumulator,
  reference: FeatureSetAccumulator,
  metricIds: readonly string[],
): Promise<{ metrics: MetricResult[]; protocol: Record<string, unknown> }> {
  const metrics: MetricResult[] = [];
  const protocol: Record<string, unknown> = {};
  for (const id of metricIds) {
    metricInfo(id); // unknown ids fail loudly
    if (id === 'fid' || id === 'sfid') {
      const [a, b] = id === 'fid' ? await Promise.all([samples.poolStats(), reference.poolStats()]) : await Promise.all([samples.spatialStats(), reference.spatialStats()]);
      const d = await frechetDistanceDetailed(a, b);
      metrics.push({ id, value: d.value });
      protocol[id] = { statistics: 'float64, ddof=1', traceSqrt: 'eigenvalues of L^T S2 L (pivoted Cholesky)', epsOffsetApplied: d.offsetApplied, nSamples: a.n, nReference: b.n };
    } else {
      throw new Error(`metric ${id} is not computed by the evaluation pipeline yet`);
    }
  }
  return { metrics, protocol };
}
