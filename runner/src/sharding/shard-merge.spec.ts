import { describe, expect, it } from 'vitest';
import type { FeatureBatch } from '../evaluation/features.js';
import { FeatureSetAccumulator, scoreFeatureSets } from '../evaluation/scoring.js';
import { gaussianFeatures } from '../../../test/support/metric-test-data.js';
import { ShardMergeError, mergeShardPartials } from './shard-merge.js';
import { ShardPartialBuilder, type ShardPartial } from './shard-partial.js';
import { ShardPartialCodecError, decodeShardPartial, encodeShardPartial } from './shard-partial-codec.js';
import { planShards, type ShardRange } from './shard-plan.js';

const DIMS = { pool: 8, spatial: 12, logits: 10 };

/** Features of samples [start, start + count): a function of the sample index only, as the extractor's are. */
function featuresOf(seed: number, start: number, count: number): FeatureBatch {
  const rows = (key: keyof typeof DIMS, offset: number) => {
    const out = new Float32Array(count * DIMS[key]);
    for (let i = 0; i < count; i++)
      out.set(gaussianFeatures(seed * 1_000_003 + (start + i) * 7 + offset, 1, DIMS[key], 0.5, 2), i * DIMS[key]);
    return out;
  };
  return {
    count,
    pool: rows('pool', 0),
    poolDim: DIMS.pool,
    spatial: rows('spatial', 1),
    spatialDim: DIMS.spatial,
    logits: rows('logits', 2),
    logitsDim: DIMS.logits,
  };
}

function* batchesOf(seed: number, start: number, end: number, batchSize: number): Generator<FeatureBatch> {
  for (let s = start; s < end; s += batchSize) yield featuresOf(seed, s, Math.min(batchSize, end - s));
}

async function unsharded(n: number, batchSize: number, metrics: string[], reference: FeatureSetAccumulator) {
  const acc = new FeatureSetAccumulator();
  for (const b of batchesOf(1, 0, n, batchSize)) await acc.add(b);
  return scoreFeatureSets(acc, { activations: reference }, metrics);
}

async function shardPartial(range: ShardRange, n: number, batchSize: number, metrics: string[]): Promise<ShardPartial> {
  const builder = new ShardPartialBuilder(range, n, metrics);
  for (const b of batchesOf(1, range.start, range.end, batchSize)) await builder.add(b);
  return builder.finish();
}

async function sharded(n: number, batchSize: number, shards: number, metrics: string[], reference: FeatureSetAccumulator) {
  const partials: ShardPartial[] = [];
  // Built in reverse, as shards finish in any order; merged in sample order.
  for (const range of planShards(n, batchSize, shards).reverse()) partials.unshift(await shardPartial(range, n, batchSize, metrics));
  return {
    partials,
    scored: await scoreFeatureSets(await mergeShardPartials(partials, { samples: n, metrics }), { activations: reference }, metrics),
  };
}

async function referenceSet(n: number): Promise<FeatureSetAccumulator> {
  const acc = new FeatureSetAccumulator();
  for (const b of batchesOf(2, 0, n, 500)) await acc.add(b);
  return acc;
}

describe('sharded partial results merge to the unsharded metrics (tolerance: none, bit for bit)', () => {
  it('FID, sFID and IS over 9,000 samples (two whole Fréchet blocks of 4,096 and a short one) with 1, 3, 5 and 8 shards', async () => {
    const metrics = ['fid', 'sfid', 'inception_score'];
    const n = 9000;
    const reference = await referenceSet(3000);
    const want = await unsharded(n, 64, metrics, reference);
    for (const shards of [1, 3, 5, 8]) {
      const { partials, scored } = await sharded(n, 64, shards, metrics, reference);
      expect(partials).toHaveLength(shards);
      for (const [i, m] of want.metrics.entries())
        expect(Object.is(scored.metrics[i]!.value, m.value), `${m.id} at ${shards} shards`).toBe(true);
      expect(scored).toEqual(want);
      if (shards === 3) {
        // Shard 0 holds block 0 whole; blocks 1 and 2 straddle shard boundaries and travel as rows.
        const pieces = partials.flatMap((p) => p.stats.pool!.pieces);
        expect(pieces.filter((p) => 'centered' in p).length).toBeGreaterThan(0);
        expect(pieces.filter((p) => 'rows' in p).length).toBeGreaterThan(0);
        // As they travel to the API and back: the same bits.
        const decoded = partials.map((p) => decodeShardPartial(encodeShardPartial(p)));
        expect(decoded).toEqual(partials);
        const again = await scoreFeatureSets(
          await mergeShardPartials(decoded, { samples: n, metrics }),
          { activations: reference },
          metrics,
        );
        expect(again).toEqual(want);
        const bytes = encodeShardPartial(partials[1]!);
        expect(() => decodeShardPartial(bytes.subarray(0, bytes.length - 8))).toThrow(ShardPartialCodecError);
        expect(() => decodeShardPartial(Buffer.from('not a shard'))).toThrow(/no GBSHARD1 header/);
      }
    }
  });

  it('precision, recall and KID from the concatenated rows with 1, 3 and 8 shards', async () => {
    const metrics = ['precision', 'recall', 'kid', 'kid_std'];
    const n = 1200;
    const reference = await referenceSet(1100);
    const want = await unsharded(n, 50, metrics, reference);
    for (const shards of [1, 3, 8]) {
      const { scored } = await sharded(n, 50, shards, metrics, reference);
      expect(scored).toEqual(want);
    }
  });

  it('refuses shards with a gap, an overlap (a shard merged twice) or of another evaluation', async () => {
    const metrics = ['fid', 'inception_score'];
    const n = 300;
    const [a, b, c] = await Promise.all(planShards(n, 50, 3).map((r) => shardPartial(r, n, 50, metrics)));
    await expect(mergeShardPartials([a!, c!], { samples: n, metrics })).rejects.toThrow(/samples 100–199 are in no shard/);
    await expect(mergeShardPartials([a!, b!, b!, c!], { samples: n, metrics })).rejects.toThrow(ShardMergeError);
    await expect(mergeShardPartials([a!, b!], { samples: n, metrics })).rejects.toThrow(/samples 200–299 are in no shard/);
    await expect(mergeShardPartials([a!, b!, c!], { samples: 400, metrics })).rejects.toThrow(/evaluation of 300 samples, not 400/);
    await expect(
      mergeShardPartials([{ ...a!, backend: a!.backend === 'js' ? 'onnxruntime' : 'js' }, b!, c!], { samples: n, metrics }),
    ).rejects.toThrow(/kernels, this merge uses/);
  });

  it('a shard that receives other than its range is refused', async () => {
    const builder = new ShardPartialBuilder({ index: 0, of: 2, start: 0, end: 100 }, 200, ['fid']);
    await builder.add(featuresOf(1, 0, 60));
    await expect(builder.finish()).rejects.toThrow(/received 60 of 100 rows/);
    await expect(builder.add(featuresOf(1, 60, 60))).rejects.toThrow(/more than 100 rows/);
  });
});

describe('planShards', () => {
  it('splits into whole batches, as even as they allow', () => {
    expect(planShards(1000, 64, 3).map((r) => [r.start, r.end])).toEqual([
      [0, 384],
      [384, 704],
      [704, 1000],
    ]);
    expect(planShards(100, 64, 8).map((r) => [r.start, r.end, r.of])).toEqual([
      [0, 64, 2],
      [64, 100, 2],
    ]);
    expect(() => planShards(100, 0, 2)).toThrow(/batch size must be a positive integer/);
  });
});
