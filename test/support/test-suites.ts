import { defineSuite } from '../../contracts/suites/suite.schemas.js';

/**
 * A suite only the fault tests register: 24×24 (no bundled suite uses that resolution, so only models
 * made for it are queued on it) and long enough — several seconds — to be interrupted mid-evaluation.
 */
export const SLOW_SUITE = defineSuite({
  id: 'test-slow-24',
  version: 1,
  title: 'Test: slow 24×24',
  description: 'registered by the fault tests only',
  task: 'unconditional-generation',
  resolution: 24,
  kinds: ['generator'],
  samples: 120_000,
  seed: 0,
  batch_size: 32,
  reference: { type: 'synthetic-shapes', n: 256, seed: 1 },
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 24, normalization: 'minus-one-one' },
  metrics: ['fid'],
  primary: 'fid',
  time_limit_s: 300,
});

export function slowManifest(name: string) {
  return {
    name,
    kind: 'generator' as const,
    resolution: 24,
    classes: 0,
    inputs: { noise: 'z' },
    outputs: { images: 'images' },
    noise_dim: 16,
    output_range: [-1, 1] as [-1, 1],
  };
}

/**
 * A small suite that allows sharding (issue #18), registered by the sharding tests only: 16×16 (no bundled
 * suite uses that resolution), 192 samples in 12 batches of 16, so 3 shards are 4 batches each and 8 shards
 * are 2 or 1 batches each.
 */
export const SHARDED_SUITE = defineSuite({
  id: 'test-sharded-16',
  version: 1,
  title: 'Test: sharded 16×16',
  description: 'registered by the sharding tests only',
  task: 'unconditional-generation',
  resolution: 16,
  kinds: ['generator'],
  samples: 192,
  seed: 0,
  batch_size: 16,
  reference: { type: 'synthetic-shapes', n: 256, seed: 1 },
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 16, normalization: 'minus-one-one' },
  metrics: ['fid'],
  primary: 'fid',
  time_limit_s: 120,
  sharding: { max_shards: 8 },
});

/**
 * A sharded suite long enough (seconds a shard) for a runner to be killed while its shard runs, registered
 * by the sharding tests only: 24×24 like SLOW_SUITE (so the 16×16 models of the other sharding tests are
 * not queued on it; models for it use slowManifest), 3 shards at most.
 */
export const SHARDED_SLOW_SUITE = defineSuite({
  ...SLOW_SUITE,
  id: 'test-sharded-slow-24',
  title: 'Test: sharded 24×24, slow',
  description: 'registered by the sharding tests only',
  samples: 36_000,
  sharding: { max_shards: 3 },
});

export function shardedManifest(name: string) {
  return { ...slowManifest(name), resolution: 16 };
}
