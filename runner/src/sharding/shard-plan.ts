// Which samples each shard of a sharded evaluation draws. Boundaries fall on multiples of the suite's batch
// size, so every batch a shard runs through the model and the feature extractor holds the same samples as
// in the unsharded run: onnxruntime may pick other kernels for another batch shape, and the same rows in
// the same batches are what makes a sharded evaluation's metrics equal the unsharded ones.

/** Samples [start, end) of an evaluation, drawn by shard `index` of `of`. */
export interface ShardRange {
  index: number;
  of: number;
  start: number;
  end: number;
}

export class ShardPlanError extends Error {
  override readonly name = 'ShardPlanError';
}

/**
 * Splits `samples` into at most `shards` contiguous ranges of whole batches, as even as whole batches
 * allow (the first ranges get the extra batch); fewer ranges when there are fewer batches than shards.
 */
export function planShards(samples: number, batchSize: number, shards: number): ShardRange[] {
  for (const [name, v] of [
    ['samples', samples],
    ['batch size', batchSize],
    ['shards', shards],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new ShardPlanError(`${name} must be a positive integer, got ${v}`);
  }
  const batches = Math.ceil(samples / batchSize);
  const of = Math.min(shards, batches);
  const per = Math.floor(batches / of);
  const extra = batches % of;
  const out: ShardRange[] = [];
  let batch = 0;
  for (let index = 0; index < of; index++) {
    const take = per + (index < extra ? 1 : 0);
    out.push({ index, of, start: batch * batchSize, end: Math.min(samples, (batch + take) * batchSize) });
    batch += take;
  }
  return out;
}
