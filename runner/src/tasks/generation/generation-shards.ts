// A generation evaluation split into shards (runner/src/sharding): each shard samples its range of sample
// indices and reports mergeable partial results; the merge scores them against the reference once. Noise
// is keyed by (seed, index) and shard boundaries fall on whole batches, so every shard's batches are those
// of the unsharded run, and the merged metrics are the unsharded ones bit for bit (shard-partial.ts says how).

import type { ExecutionProvider } from '../../evaluation/onnx-session.js';
import { SuiteFailure } from '../../evaluation/evaluation-failure.js';
import { StageClock } from '../../evaluation/stage-clock.js';
import { FeatureExtractor } from '../../evaluation/features.js';
import { mergeShardPartials } from '../../sharding/shard-merge.js';
import { ShardPartialBuilder, type ShardPartial } from '../../sharding/shard-partial.js';
import type { ShardRange } from '../../sharding/shard-plan.js';
import type { EvaluationInput, TaskResult } from '../task-family.js';
import { checkGenerationInput, extractSamples, generationProtocol, openSampling, scoreSamples } from './generation.task.js';

/** What one shard reports: its partial results and the facts the merged result's provenance needs. */
export interface GenerationShardResult {
  partial: ShardPartial;
  /** The source's protocol choices (sampler, NFE, …): the same for every shard of an evaluation. */
  sourceProtocol: Record<string, unknown>;
  executionProvider: ExecutionProvider;
  warnings: string[];
  durationsMs: Record<string, number>;
}

/** Samples `range` of the suite's samples and extracts their features into a partial result. */
export async function evaluateGenerationShard(input: EvaluationInput, range: ShardRange): Promise<GenerationShardResult> {
  const t0 = performance.now();
  const clock = new StageClock();
  const declared = checkGenerationInput(input);
  if (!declared.sharding) throw new SuiteFailure(`suite ${declared.id} is not sharded (its definition has no sharding)`);
  if (range.of > declared.sharding.max_shards)
    throw new SuiteFailure(`suite ${declared.id} allows at most ${declared.sharding.max_shards} shards, not ${range.of}`);
  const { suite, source, extractor } = await openSampling(input, clock, range);
  try {
    const builder = new ShardPartialBuilder(range, suite.samples, suite.metrics);
    await extractSamples(input, suite, source, extractor, clock, builder, range);
    return {
      partial: await builder.finish(),
      sourceProtocol: source.protocol(),
      executionProvider: source.executionProvider ?? extractor.executionProvider,
      warnings: [...source.warnings, ...extractor.warnings.map((w) => `feature extractor: ${w}`)],
      durationsMs: {
        ...Object.fromEntries(Object.entries(clock.wallMs).map(([k, v]) => [k, Math.round(v)])),
        total: Math.round(performance.now() - t0),
      },
    };
  } finally {
    await source.close();
    await extractor.close();
  }
}

/**
 * Merges every shard's result (in sample order, each exactly once) and scores the merged samples against
 * the suite's reference: what evaluateGeneration returns for the whole, with the shard count in the protocol.
 */
export async function mergeGenerationShards(
  input: EvaluationInput,
  shards: Iterable<GenerationShardResult> | AsyncIterable<GenerationShardResult>,
): Promise<TaskResult> {
  const t0 = performance.now();
  const suite = checkGenerationInput(input);
  const seen: Omit<GenerationShardResult, 'partial'>[] = [];
  async function* partials(): AsyncGenerator<ShardPartial> {
    for await (const { partial, ...facts } of shards) {
      seen.push(facts);
      yield partial;
    }
  }
  const merged = await mergeShardPartials(partials(), { samples: suite.samples, metrics: suite.metrics });
  const clock = new StageClock();
  const extractor = await FeatureExtractor.open(suite.extractor, input.executionProvider ?? 'cpu', {
    modelsDir: input.assetDirs.modelsDir,
  });
  try {
    const scored = await scoreSamples(input, suite, extractor, clock, merged);
    const first = seen[0]!;
    const durationsMs: Record<string, number> = {};
    for (const s of seen)
      for (const [k, v] of Object.entries(s.durationsMs)) durationsMs[`shards.${k}`] = (durationsMs[`shards.${k}`] ?? 0) + v;
    for (const [k, v] of Object.entries(clock.wallMs)) durationsMs[k] = Math.round(v);
    durationsMs.merge = Math.round(performance.now() - t0);
    return {
      metrics: scored.metrics,
      protocol: { ...generationProtocol(suite, scored.protocol, first.sourceProtocol, extractor), shards: seen.length },
      executionProvider: first.executionProvider,
      warnings: [...new Set(seen.flatMap((s) => s.warnings))],
      durationsMs,
    };
  } finally {
    await extractor.close();
  }
}
