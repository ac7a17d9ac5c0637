// Merges the partial results of every shard of an evaluation (shard-partial.ts) into the samples' feature
// file the metrics are computed from, as the unsharded evaluation hands it over: Fréchet statistics folded
// block by block in sample order, rows concatenated in sample order. It holds one accumulator per
// Fréchet feature, one block of rows, and the rows the metrics need (as the unsharded evaluation does).

import type { ActivationsFile } from '../metrics/activations.js';
import { type FeatureStats, FeatureStatsAccumulator } from '../metrics/feature-stats.js';
import { getKernels } from '../metrics/kernels/get-kernels.js';
import type { BackendChoice } from '../metrics/kernels/kernels.js';
import { type RowsKey, shardNeeds, type ShardPartial, type StatsKey } from './shard-partial.js';

/** Shard results that do not add up to one evaluation: a gap, an overlap, or mixed settings. */
export class ShardMergeError extends Error {
  override readonly name = 'ShardMergeError';
}

/**
 * Merges `partials`, which must come in sample order and cover [0, samples) exactly once (so nothing is
 * merged twice), into an activations file for computeMetrics/scoreFeatureSets.
 */
export async function mergeShardPartials(
  partials: Iterable<ShardPartial> | AsyncIterable<ShardPartial>,
  expect: { samples: number; metrics: readonly string[]; backend?: BackendChoice },
): Promise<ActivationsFile> {
  const needs = shardNeeds(expect.metrics);
  const kernels = await getKernels(expect.backend);
  const accs: Partial<Record<StatsKey, FeatureStatsAccumulator>> = {};
  const rowParts: Partial<Record<RowsKey, { dim: number; parts: Float32Array[] }>> = {};
  let next = 0;
  let blockRows: number | undefined;
  for await (const p of partials) {
    if (p.samples !== expect.samples)
      throw new ShardMergeError(`shard ${p.range.index} is of an evaluation of ${p.samples} samples, not ${expect.samples}`);
    if (p.range.start !== next)
      throw new ShardMergeError(
        p.range.start < next
          ? `shard ${p.range.index} starts at sample ${p.range.start}, which an earlier shard already covered (up to ${next})`
          : `samples ${next}–${p.range.start - 1} are in no shard`,
      );
    blockRows ??= p.blockRows;
    if (p.blockRows !== blockRows) throw new ShardMergeError(`shards used blocks of ${blockRows} and ${p.blockRows} rows`);
    // The centred blocks are bit-identical to the unsharded run's only when the same kernels computed them.
    if (needs.stats.length && p.backend !== kernels.name)
      throw new ShardMergeError(
        `shard ${p.range.index} computed its statistics with ${p.backend} kernels, this merge uses ${kernels.name}`,
      );
    for (const key of needs.stats) {
      const s = p.stats[key];
      if (!s) throw new ShardMergeError(`shard ${p.range.index} has no ${key} statistics`);
      const acc = (accs[key] ??= new FeatureStatsAccumulator(s.dim, { backend: kernels.name, blockRows }));
      if (acc.dim !== s.dim) throw new ShardMergeError(`shard ${p.range.index} has ${s.dim} ${key} features, earlier shards ${acc.dim}`);
      for (const piece of s.pieces) {
        if ('centered' in piece) acc.addCenteredBlock(piece.centered);
        else await acc.add(piece.rows, piece.count);
      }
    }
    const rows = p.range.end - p.range.start;
    for (const key of needs.rows) {
      const r = p.rows[key];
      if (!r || r.data.length !== rows * r.dim)
        throw new ShardMergeError(`shard ${p.range.index} lacks its ${rows} rows of ${key} features`);
      const into = (rowParts[key] ??= { dim: r.dim, parts: [] });
      if (into.dim !== r.dim) throw new ShardMergeError(`shard ${p.range.index} has ${r.dim} ${key} features, earlier shards ${into.dim}`);
      into.parts.push(r.data);
    }
    next = p.range.end;
  }
  if (next !== expect.samples) throw new ShardMergeError(`samples ${next}–${expect.samples - 1} are in no shard`);

  const stats: Partial<Record<StatsKey, FeatureStats>> = {};
  for (const key of needs.stats) stats[key] = await accs[key]!.finalize();
  const file: ActivationsFile = { kind: 'activations', file: 'samples', stats };
  for (const key of needs.rows) {
    const { dim, parts } = rowParts[key]!;
    const data = new Float32Array(expect.samples * dim);
    let at = 0;
    for (const part of parts) {
      data.set(part, at);
      at += part.length;
    }
    file[key] = { data, rows: expect.samples, dim };
  }
  return file;
}
