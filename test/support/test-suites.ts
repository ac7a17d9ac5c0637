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
 * suite uses that resolution), 192 samples in 6 batches of 32, so 3 shards are 2 batches each.
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
  batch_size: 32,
  reference: { type: 'synthetic-shapes', n: 256, seed: 1 },
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 16, normalization: 'minus-one-one' },
  metrics: ['fid'],
  primary: 'fid',
  time_limit_s: 120,
  sharding: { max_shards: 8 },
});

export function shardedManifest(name: string) {
  return { ...slowManifest(name), resolution: 16 };
}
