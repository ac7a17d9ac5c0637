import type { Manifest } from '../manifest/manifest.schemas.js';
import type { SuiteDefinition } from '../suites/suite.schemas.js';

/*
 * The upload inspection's protocol: what the API sends the inspection child (runner/src/inspect/inspect.child.ts,
 * forked by path from runner/src/inspect/run-inspection.ts) and what it answers. The child loads the model with
 * onnxruntime (inspect-model.ts and its siblings); the API process never does.
 */

/**
 * Submission-time checks of an ONNX file against its manifest: onnxruntime loads it, the tensor names the
 * manifest maps exist, and one dry run on a batch of 2 returns outputs of the declared shape and type.
 */
export interface TensorInfo {
  name: string;
  type: string;
  shape: Array<number | string>;
}
export type InspectionReport =
  | {
      ok: true;
      inputs: TensorInfo[];
      outputs: TensorInfo[];
      opsetNote?: string;
      /** Set when the run at the suites' batch size could not finish in time (run-inspection.ts). */
      fullBatchNote?: string;
    }
  | { ok: false; field?: string; problem: string };

/** What the API sends the inspection child. `batchSize`: the largest batch the matching suites run; the model runs once at it. */
export interface InspectRequest {
  path: string;
  manifest: Manifest;
  decoderPath?: string;
  classifierPath?: string;
  /** The text encoder ONNX and tokenizer.json of a text-conditioned model (manifest `text_encoder`). */
  textEncoderPath?: string;
  tokenizerPath?: string;
  batchSize?: number;
}

/*
 * The submission-time run at the suites' real batch size. The shape checks run on a batch of 2; a model whose
 * memory grows with the batch passes them and only fails later, so the inspection child runs the model once
 * more, on zeros, at the largest batch a matching suite will feed it (runner/src/inspect/inspect-full-batch.ts).
 */

/** Rows one network call of `suite` gets: its batch size, twice that for a sampler with classifier-free guidance. */
export function networkBatchSize(suite: SuiteDefinition): number {
  const guided = 'sampler' in suite && suite.sampler !== undefined && suite.sampler.guidance !== 1;
  return suite.batch_size * (guided ? 2 : 1);
}

/** The largest network batch among `suites` (undefined when there are none). */
export function largestNetworkBatch(suites: readonly SuiteDefinition[]): number | undefined {
  return suites.length ? Math.max(...suites.map(networkBatchSize)) : undefined;
}

/** The batch of the shape checks (inspect-model.ts and its siblings). */
export const DRY_RUN_BATCH = 2;

/** The inspection child's message before the full-batch run: the batch-2 report, and the batch that runs now. */
export interface FullBatchPhase {
  phase: 'full-batch';
  size: number;
  report: InspectionReport;
}
