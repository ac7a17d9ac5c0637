import type { AssetDirs } from '../../../contracts/assets/asset-dirs.js';
import type { StageProgress } from '../evaluation/stage-clock.js';
import type { EvaluationOutput } from '../tasks/task-family.js';
import type { KeptSample } from '../evaluation/sample-set.js';
import type { ExecutionProvider } from '../evaluation/onnx-session.js';
import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import type { FailureKind } from '../../../contracts/jobs/runner-api.schemas.js';
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
  /** The runner's asset directories (RunnerConfig): the child reads no environment of its own. */
  assetDirs: AssetDirs;
}

export type ChildMessage =
  /** Sent before the submitted model runs on a batch of another size: the parent names it if memory runs out. */
  | { type: 'batch'; size: number }
  /** `stage`: the stage running, its rate and ETA, wall time per stage (stage-clock.ts). */
  | { type: 'progress'; fraction: number; stage?: StageProgress }
  | { type: 'done'; output: EvaluationOutput; sampleGrid?: Uint8Array; samples?: KeptSample[] }
  /** The evaluation ended with an error: who must act (evaluation-failure.ts), its message, and for the runner's log its stack and causes. */
  | { type: 'failed'; failure: ChildFailure };

export interface ChildFailure {
  kind: FailureKind;
  /** Written for whoever must act; published (after publicReason) as the evaluation's failure reason. */
  reason: string;
  stack?: string;
  causes?: string[];
}
