import type { AssetDirs } from '../../../contracts/assets/asset-dirs.js';
import type { StageProgress } from '../evaluation/stage-clock.js';
import type { EvaluationOutput } from '../tasks/task-family.js';
import type { KeptSample } from '../evaluation/sample-set.js';
import type { ExecutionProvider } from '../evaluation/onnx-session.js';
import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import type { FailureKind, ShardFacts } from '../../../contracts/jobs/runner-api.schemas.js';
import type { ShardRange } from '../sharding/shard-plan.js';
import type { SuiteDefinition } from '../../../contracts/suites/suite.schemas.js';

/** Messages between the queue worker and the evaluation child process (IPC, structured clone). */
export interface ChildRequest {
  artifactPath: string;
  /** Further files of the submission by role (a latent denoiser's `decoder`), already downloaded. */
  extraArtifactPaths?: Record<string, string>;
  manifest: Manifest;
  suite: SuiteDefinition;
  executionProvider: ExecutionProvider;
  /** Threads drawing a stochastic sampler's noise (noise-pool.ts); 0: the main thread draws it. */
  noiseThreads: number;
  /** onnxruntime intra-op threads per session (RunnerConfig.ortThreads); 0 or absent: onnxruntime's default. */
  ortThreads?: number;
  /** The runner's asset directories (RunnerConfig): the child reads no environment of its own. */
  assetDirs: AssetDirs;
  /**
   * Absent: the whole evaluation. `shard`: only the range, answered with its partial result (`shard-done`).
   * `merge`: every shard's downloaded partial result, in sample order, merged and scored (`done`).
   */
  mode?: { kind: 'shard'; range: ShardRange } | { kind: 'merge'; shards: Array<{ path: string; facts: ShardFacts }> };
}

export type ChildMessage =
  /** Sent before the submitted model runs on a batch of another size: the parent names it if memory runs out. */
  | { type: 'batch'; size: number }
  /** `stage`: the stage running, its rate and ETA, wall time per stage (stage-clock.ts). */
  | { type: 'progress'; fraction: number; stage?: StageProgress }
  | { type: 'done'; output: EvaluationOutput; sampleGrid?: Uint8Array; samples?: KeptSample[] }
  /** A shard's partial result (GBSHARD1 bytes, shard-partial-codec.ts) and what the merge's provenance needs from it. */
  | { type: 'shard-done'; partial: Uint8Array; facts: ShardFacts; sampleGrid?: Uint8Array; samples?: KeptSample[] }
  /** The evaluation ended with an error: who must act (evaluation-failure.ts), its message, and for the runner's log its stack and causes. */
  | { type: 'failed'; failure: ChildFailure };

export interface ChildFailure {
  kind: FailureKind;
  /** Written for whoever must act; published (after publicReason) as the evaluation's failure reason. */
  reason: string;
  stack?: string;
  causes?: string[];
}
