// What one shard of a sharded evaluation reports: mergeable partial results for its sample range, such
// that merging every shard's (shard-merge.ts) gives the metrics the unsharded evaluation gives, bit for bit.
//
// Fréchet statistics (FID's pool features, sFID's spatial ones): the unsharded path folds fixed blocks of
// DEFAULT_BLOCK_ROWS rows, each centred on its own mean, with Chan et al.'s pairwise update, left to right
// (metrics/feature-stats.ts). A float64 sum is not associative, so shards cannot fold their own blocks and
// have their results added: the order would change the last bits. Instead a shard reports, for each block
// it holds whole, that block's float64 mean and centred Gram matrix (n, Σx/n and Σ(x−x̄)(x−x̄)ᵀ: the sums of
// outer products) exactly as the kernel computes them in the unsharded run, and the rows of the at most two
// blocks it shares with a neighbouring shard; the merge folds the blocks in index order, rebuilding the
// shared ones from their rows — the same operations on the same numbers in the same order as unsharded.
//
// Precision/recall and KID need the pool activations themselves, the Inception Score the logits (its
// splits are in sample order): those rows travel as they are and are concatenated in sample order.

import type { FeatureBatch } from '../evaluation/features.js';
import { type CenteredBlock, DEFAULT_BLOCK_ROWS, FeatureStatsAccumulator } from '../metrics/feature-stats.js';
import type { BackendChoice, BackendName } from '../metrics/kernels/kernels.js';
import { MetricInputError } from '../metrics/metric-input-error.js';
import type { ShardRange } from './shard-plan.js';

/** Features whose Fréchet statistics are merged from centred blocks. */
export const STATS_KEYS = ['pool', 'spatial'] as const;
export type StatsKey = (typeof STATS_KEYS)[number];
/** Features whose rows are merged as they are. */
export const ROWS_KEYS = ['pool', 'logits'] as const;
export type RowsKey = (typeof ROWS_KEYS)[number];

/** A block the shard held whole (its centred sums), or rows of a block it shares with a neighbour. */
export type StatsPiece = { block: number; centered: CenteredBlock } | { block: number; rows: Float32Array; count: number };

export interface ShardPartial {
  range: ShardRange;
  /** Samples of the whole evaluation. */
  samples: number;
  /** Rows per Fréchet block; the merge refuses partials made with another. */
  blockRows: number;
  /** Kernels that computed the centred blocks; the merge must use the same to be bit-identical. */
  backend: BackendName;
  stats: Partial<Record<StatsKey, { dim: number; pieces: StatsPiece[] }>>;
  rows: Partial<Record<RowsKey, { dim: number; data: Float32Array }>>;
}

/** Which partial results a suite's metrics need (the sharded counterpart of scoring.ts's needsOf). */
export function shardNeeds(metricIds: readonly string[]): { stats: StatsKey[]; rows: RowsKey[] } {
  const ids = new Set(metricIds);
  return {
    stats: [...(ids.has('fid') ? ['pool' as const] : []), ...(ids.has('sfid') ? ['spatial' as const] : [])],
    rows: [
      ...(['precision', 'recall', 'kid', 'kid_std'].some((m) => ids.has(m)) ? ['pool' as const] : []),
      ...(ids.has('inception_score') ? ['logits' as const] : []),
    ],
  };
}

class StatsPieces {
  readonly pieces: StatsPiece[] = [];
  private readonly acc: FeatureStatsAccumulator;
  private readonly block: Float32Array;

  constructor(
    readonly dim: number,
    private readonly range: ShardRange,
    private readonly samples: number,
    options: { backend?: BackendChoice; blockRows: number },
  ) {
    this.acc = new FeatureStatsAccumulator(dim, options);
    this.block = new Float32Array(options.blockRows * dim);
  }

  get backend(): Promise<BackendName> {
    return this.acc.kernelsInUse().then((k) => k.name);
  }

  /** Rows `at`.. of the shard's range (global index range.start + at), `count` of them. */
  async add(data: Float32Array, count: number, at: number): Promise<void> {
    const d = this.dim;
    const B = this.acc.blockRows;
    for (let i = 0; i < count * d; i++) {
      if (!Number.isFinite(data[i]))
        throw new MetricInputError(`feature row ${this.range.start + at + Math.floor(i / d)} has a non-finite value (${data[i]})`);
    }
    let done = 0;
    while (done < count) {
      const g = this.range.start + at + done;
      const block = Math.floor(g / B);
      const blockStart = block * B;
      const blockEnd = Math.min(blockStart + B, this.samples);
      const take = Math.min(count - done, blockEnd - g);
      const rows = data.subarray(done * d, (done + take) * d);
      if (blockStart >= this.range.start && blockEnd <= this.range.end) {
        this.block.set(rows, (g - blockStart) * d);
        if (g + take === blockEnd) this.pieces.push({ block, centered: await this.acc.centeredBlock(this.block, blockEnd - blockStart) });
      } else {
        const last = this.pieces.at(-1);
        if (last && 'rows' in last && last.block === block) {
          const joined = new Float32Array(last.rows.length + rows.length);
          joined.set(last.rows);
          joined.set(rows, last.rows.length);
          last.rows = joined;
          last.count += take;
        } else {
          this.pieces.push({ block, rows: rows.slice(), count: take });
        }
      }
      done += take;
    }
  }
}

/** Collects one shard's partial results batch by batch, in sample order. */
export class ShardPartialBuilder {
  private readonly needs: { stats: StatsKey[]; rows: RowsKey[] };
  private readonly stats: Partial<Record<StatsKey, StatsPieces>> = {};
  private readonly rows: Partial<Record<RowsKey, { dim: number; parts: Float32Array[] }>> = {};
  private seen = 0;
  private readonly blockRows: number;

  constructor(
    readonly range: ShardRange,
    readonly samples: number,
    metricIds: readonly string[],
    private readonly options: { backend?: BackendChoice; blockRows?: number } = {},
  ) {
    if (!(range.start >= 0 && range.start < range.end && range.end <= samples))
      throw new MetricInputError(`shard range [${range.start}, ${range.end}) does not lie in [0, ${samples})`);
    this.needs = shardNeeds(metricIds);
    this.blockRows = options.blockRows ?? DEFAULT_BLOCK_ROWS;
  }

  /** Rows of the shard so far. */
  get count(): number {
    return this.seen;
  }

  async add(batch: FeatureBatch): Promise<void> {
    if (this.seen + batch.count > this.range.end - this.range.start)
      throw new MetricInputError(
        `shard [${this.range.start}, ${this.range.end}) received more than ${this.range.end - this.range.start} rows`,
      );
    const features: Record<StatsKey | RowsKey, { data?: Float32Array; dim?: number }> = {
      pool: { data: batch.pool, dim: batch.poolDim },
      spatial: { data: batch.spatial, dim: batch.spatialDim },
      logits: { data: batch.logits, dim: batch.logitsDim },
    };
    for (const key of this.needs.stats) {
      const { data, dim } = features[key];
      if (!data || !dim) throw new MetricInputError(`the feature extractor gave no ${key} features, which the suite's metrics need`);
      const s = (this.stats[key] ??= new StatsPieces(dim, this.range, this.samples, {
        backend: this.options.backend,
        blockRows: this.blockRows,
      }));
      await s.add(data, batch.count, this.seen);
    }
    for (const key of this.needs.rows) {
      const { data, dim } = features[key];
      if (!data || !dim) throw new MetricInputError(`the feature extractor gave no ${key} features, which the suite's metrics need`);
      // Copies: onnxruntime may reuse its output buffers.
      (this.rows[key] ??= { dim, parts: [] }).parts.push(data.slice(0, batch.count * dim));
    }
    this.seen += batch.count;
  }

  async finish(): Promise<ShardPartial> {
    const want = this.range.end - this.range.start;
    if (this.seen !== want)
      throw new MetricInputError(`shard [${this.range.start}, ${this.range.end}) received ${this.seen} of ${want} rows`);
    const stats: ShardPartial['stats'] = {};
    let backend: BackendName | undefined;
    for (const key of this.needs.stats) {
      const s = this.stats[key]!;
      stats[key] = { dim: s.dim, pieces: s.pieces };
      backend = await s.backend;
    }
    const rows: ShardPartial['rows'] = {};
    for (const key of this.needs.rows) {
      const r = this.rows[key]!;
      const data = new Float32Array(this.seen * r.dim);
      let at = 0;
      for (const p of r.parts) {
        data.set(p, at);
        at += p.length;
      }
      rows[key] = { dim: r.dim, data };
    }
    backend ??= (await new FeatureStatsAccumulator(1, { backend: this.options.backend }).kernelsInUse()).name;
    return { range: this.range, samples: this.samples, blockRows: this.blockRows, backend, stats, rows };
  }
}
