import { describeSampler, samplerMismatch } from '../evaluation/sources/denoiser-source.js';
import type { InspectionReport } from '../inspect/inspect-model.js';
import type { Manifest } from '../manifest/manifest.schemas.js';
import { isSegmentationSuite } from './segmentation-suite.schemas.js';
import type { SuiteDefinition } from './suite.schemas.js';

/** What the submission-time inspection learned about the file, beyond the manifest. */
export interface SubmissionFacts {
  /** Images in an uploaded sample batch (`arr_0`). */
  imagesInBatch?: number;
  /** The element type of a denoiser's time input, as the graph declares it. */
  timeInputType?: string;
}

/** The facts {@link whyNotScored} uses, from a successful inspection report. */
export function submissionFacts(manifest: Manifest, report: Extract<InspectionReport, { ok: true }>): SubmissionFacts {
  if (manifest.kind === 'samples') return { imagesInBatch: report.outputs.find((o) => o.name === 'arr_0')?.shape[0] as number | undefined };
  if (manifest.kind === 'denoiser') return { timeInputType: report.inputs.find((i) => i.name === manifest.inputs.t)?.type };
  return {};
}

/**
 * Why a suite that matches a submission's kind, resolution and task still cannot score it, judged before
 * anything runs; undefined when it can. A denoiser suite whose sampler the model rules out — classifier-free
 * guidance without a `null_class`, an ε prediction where the schedule starts at α = 0, fractional steps for
 * an integer time input — or a sample batch with fewer images than the suite scores. The submission is then
 * not queued there, and its warnings say why, instead of an evaluation that can only fail.
 */
export function whyNotScored(suite: SuiteDefinition, manifest: Manifest, facts: SubmissionFacts = {}): string | undefined {
  if (isSegmentationSuite(suite)) return undefined;
  if (manifest.kind === 'samples' && facts.imagesInBatch !== undefined && facts.imagesInBatch < suite.samples) {
    return `the sample batch holds ${facts.imagesInBatch} images; this suite scores ${suite.samples}`;
  }
  if (manifest.kind !== 'denoiser' || !suite.sampler) return undefined;
  const why = samplerMismatch(manifest, suite.sampler, facts.timeInputType);
  return why ? `its sampler (${describeSampler(suite.sampler)}) cannot drive this model: ${why}` : undefined;
}
