import type { AssetDirs } from '../../../contracts/assets/asset-dirs.js';
import type { ExecutionProvider } from '../evaluation/onnx-session.js';
import type { MetricResult } from '../evaluation/scoring.js';
import type { StageProgress } from '../evaluation/stage-clock.js';
import type { ImageBatch } from '../evaluation/sources/image-batch.js';
import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import type { SuiteDefinition } from '../../../contracts/suites/suite.schemas.js';

/** What an evaluation is given: the model, its manifest, the suite and the runner's settings. */
export interface EvaluationInput {
  model: Uint8Array;
  /** The submitted file on disk; sample batches (`samples`) are streamed from it and `model` may be empty. */
  modelPath?: string;
  /** The decoder ONNX of a latent `denoiser`. */
  decoder?: Uint8Array;
  /** The guidance classifier ONNX of a `denoiser` on a suite that guides with one. */
  classifier?: Uint8Array;
  /** The text encoder ONNX and Hugging Face tokenizer.json of a text-conditioned model (manifest `text_encoder`). */
  textEncoder?: Uint8Array;
  tokenizer?: Uint8Array;
  manifest: Manifest;
  suite: SuiteDefinition;
  executionProvider?: ExecutionProvider;
  /** Threads drawing a stochastic sampler's noise off the main thread (noise-pool.ts); default 0: inline. */
  noiseThreads?: number;
  /** Fraction of samples done, 0..1; called after every batch. */
  onProgress?: (fraction: number) => void;
  /** The stage running, its rate and ETA, and wall time per stage so far (stage-clock.ts); after every batch. */
  onStage?: (progress: StageProgress) => void;
  /** Receives every generated batch (sample grids, sample batch files). */
  onSamples?: (batch: ImageBatch) => void | Promise<void>;
  /**
   * Where reference batches, extractor models and datasets are: from the runner's configuration
   * (RunnerConfig → child request) or the CLI's environment; evaluations read no environment themselves.
   */
  assetDirs: AssetDirs;
}

/** What a task family measured: its metrics, the protocol choices it made, and what did not go as asked. */
export interface TaskResult {
  metrics: MetricResult[];
  protocol: Record<string, unknown>;
  /** The provider the submitted model ran on (after any fallback). */
  executionProvider: ExecutionProvider;
  warnings: string[];
  durationsMs: Record<string, number>;
}

/** A TaskResult with the facts of the machine that produced it (provenance.ts adds them, once). */
export interface EvaluationOutput extends TaskResult {
  onnxruntimeVersion: string;
  runnerVersion: string;
  hardware: string;
}

/**
 * One family of tasks (generation, zero-shot segmentation, and those to come): which suites it scores and
 * how. A new family is a new folder under tasks/ with one of these, listed in tasks/evaluate.ts; the
 * dispatcher picks it by the suite definition, and nothing that calls the dispatcher changes.
 *
 * Errors: ModelFailure for the submission's faults, SuiteFailure for the suite's (evaluation-failure.ts);
 * anything else is treated as an infrastructure fault and retried.
 */
export interface TaskFamily {
  /** Names the family in logs and errors. */
  readonly id: string;
  /** Whether this family scores `suite` (decided by the suite definition alone, e.g. its `task`). */
  serves(suite: SuiteDefinition): boolean;
  /** Runs `input.suite` on `input.model` in this process. */
  evaluate(input: EvaluationInput): Promise<TaskResult>;
}
