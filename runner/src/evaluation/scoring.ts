import type { ActivationsFile, FeatureFile, StatisticsFile } from '../metrics/activations.js';
import { computeMetrics, type MetricsReport } from '../metrics/activations.js';
import { metricInfo, type MetricId } from '../../../contracts/metrics/registry.js';
import type { FeatureBatch } from './features.js';

export interface MetricResult {
  id: string;
  value: number;
  interval?: [number, number];
}

/** Which features a set of metrics needs kept, so a 50,000-sample run holds only those in memory. */
export interface Needs {
  pool: boolean;
  spatial: boolean;
  logits: boolean;
}

export function needsOf(metricIds: readonly string[]): Needs {
  const ids = new Set(metricIds);
  return {
    pool: ['fid', 'precision', 'recall', 'kid', 'kid_std'].some((m) => ids.has(m)),
    spatial: ids.has('sfid'),
    logits: ids.has('inception_score'),
  };
}

function concat(chunks: Float32Array[], total: number): Float32Array {
  if (chunks.length === 1 && chunks[0]!.length === total) return chunks[0]!;
  const out = new Float32Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Collects one side's features (samples or reference) batch by batch — only those the suite's metrics need
 * — and hands them to the metric layer as an in-memory activations file, exactly as
 * `genbench metrics` would read it from disk.
 */
export class FeatureSetAccumulator {
  private readonly parts = { pool: [] as Float32Array[], spatial: [] as Float32Array[], logits: [] as Float32Array[] };
  private readonly dims: { pool?: number; spatial?: number; logits?: number } = {};
  private rows = 0;

  constructor(private readonly needs: Needs = { pool: true, spatial: true, logits: true }) {}

  async add(batch: FeatureBatch): Promise<void> {
    this.rows += batch.count;
    const keep = (key: 'pool' | 'spatial' | 'logits', data: Float32Array | undefined, dim: number | undefined) => {
      if (!this.needs[key] || !data || !dim) return;
      this.dims[key] = dim;
      // Copies: onnxruntime may reuse its output buffers.
      this.parts[key].push(data.slice(0, batch.count * dim));
    };
    keep('pool', batch.pool, batch.poolDim);
    keep('spatial', batch.spatial, batch.spatialDim);
    keep('logits', batch.logits, batch.logitsDim);
  }

  get count(): number {
    return this.rows;
  }

  toActivations(file: string): ActivationsFile {
    const set = (key: 'pool' | 'spatial' | 'logits') => {
      const dim = this.dims[key];
      return dim ? { data: concat(this.parts[key], this.rows * dim), rows: this.rows, dim } : undefined;
    };
    return { kind: 'activations', file, pool: set('pool'), spatial: set('spatial'), logits: set('logits') };
  }
}

/**
 * The suite's metrics from the samples' activations (or a sharded evaluation's merged file) and the reference: Fréchet distances against the
 * reference statistics when the reference batch ships them (as ADM's evaluator uses its reference `mu`,
 * `sigma`, `mu_s`, `sigma_s`), otherwise against statistics of the reference activations; precision,
 * recall and KID always against reference activations.
 */
export async function scoreFeatureSets(
  samples: FeatureSetAccumulator | ActivationsFile,
  reference: { activations?: FeatureSetAccumulator; statistics?: StatisticsFile },
  metricIds: readonly string[],
): Promise<{ metrics: MetricResult[]; protocol: Record<string, unknown> }> {
  for (const id of metricIds) metricInfo(id); // unknown ids fail loudly
  const wanted = metricIds as readonly MetricId[];
  // A sharded evaluation hands over the file its shards' partial results merged into (runner/src/sharding).
  const sampleFile = samples instanceof FeatureSetAccumulator ? samples.toActivations('samples') : samples;
  const refActs = reference.activations?.toActivations('reference');
  const statsIds = wanted.filter((m) => m === 'fid' || m === 'sfid' || m === 'inception_score');
  const actIds = wanted.filter((m) => m === 'precision' || m === 'recall' || m === 'kid' || m === 'kid_std');
  const reports: MetricsReport[] = [];
  const statsRef: FeatureFile | undefined = reference.statistics ?? refActs;
  if (statsIds.length) reports.push(await computeMetrics(sampleFile, statsRef, { only: statsIds }));
  if (actIds.length) {
    if (!refActs) throw new Error(`metrics ${actIds.join(', ')} need reference activations, which this suite does not provide`);
    reports.push(await computeMetrics(sampleFile, refActs, { only: actIds }));
  }
  const metrics: MetricResult[] = [];
  const protocol: Record<string, unknown> = {
    referenceStatistics: reference.statistics ? 'from the reference batch' : 'from reference activations',
  };
  for (const r of reports) Object.assign(protocol, r.protocol);
  for (const id of wanted) {
    const r = reports.find((x) => typeof x[id as keyof MetricsReport] === 'number');
    const value = r?.[id as keyof MetricsReport] as number | undefined;
    if (value === undefined) {
      const why = reports.map((x) => x.unavailable[id]).find(Boolean) ?? 'not computed';
      throw new Error(`metric ${id} could not be computed: ${why}`);
    }
    metrics.push({ id, value });
  }
  return { metrics, protocol };
}
