import type { InspectionReport } from '../inspection/inspection.js';
import type { DenoiserManifest } from '../manifest/denoiser-manifest.schemas.js';
import type { Manifest } from '../manifest/manifest.schemas.js';
import { SamplingConfigError } from '../sampling/errors.js';
import { type SamplerModel, type SamplerParams, type SamplingPlan, expectedNfe, planSampling } from '../sampling/sampler-plan.js';
import { timeInputValue } from '../sampling/schedules.js';
import { isSegmentationSuite } from './segmentation-suite.schemas.js';
import { conditionSize, isImageConditionedSuite, suiteTextMismatch } from './image-conditioned-suite.schemas.js';
import { isTextToImageSuite } from './text-to-image-suite.schemas.js';
import { isVideoSuite, type VideoSuiteDefinition } from './video-suite.schemas.js';
import type { SuiteDefinition } from './suite.schemas.js';

// Judged from declarations only, never by loading the model: the API (which does not load onnxruntime)
// asks at submission, the runner's denoiser source again before sampling.

/** What the sampling core needs to know of a denoiser, from its manifest. */
export function samplerModel(manifest: DenoiserManifest): SamplerModel {
  return {
    schedule: manifest.schedule,
    prediction: manifest.prediction,
    timeInput: manifest.time_input,
    // A text-conditioned model is conditional, its unconditional input the empty prompt's encoding (any row
    // label); an image-conditioned one likewise, its unconditional input a zero (mid-grey) condition image.
    conditional: manifest.classes > 0 || manifest.text_encoder !== undefined || manifest.condition !== undefined,
    nullClass: manifest.text_encoder !== undefined || manifest.condition !== undefined ? 0 : manifest.null_class,
    learnedVariance: manifest.variance === 'learned-range',
    classifier: manifest.classifier !== undefined,
  };
}

/**
 * Why the suite's sampler cannot drive this model, or undefined: what the sampling core refuses from the
 * declarations (planSampling), and an integer time input (`timeType` int64/int32, from the graph) that the
 * chosen spacing would feed fractional values.
 */
export function samplerMismatch(manifest: DenoiserManifest, params: SamplerParams, timeType?: string): string | undefined {
  let plan: SamplingPlan;
  try {
    plan = planSampling(params, samplerModel(manifest));
  } catch (err) {
    if (err instanceof SamplingConfigError) return err.message;
    throw err;
  }
  if (timeType === 'int64' || timeType === 'int32') {
    const fractional = plan.nodes
      .slice(0, -1)
      .map((n) => timeInputValue(plan.schedule, n.time, manifest.time_input))
      .find((v) => !Number.isInteger(v));
    if (fractional !== undefined) {
      return `its ${plan.spacing} spacing feeds fractional time inputs such as ${fractional}, but the graph's time input "${manifest.inputs.t}" is ${timeType}: declare it float32`;
    }
  }
  return undefined;
}

/** "ddim η=1, 250 steps, 250 NFE, guidance 1.5": a suite's sampling budget in a submitter's terms. */
export function describeSampler(params: SamplerParams): string {
  const { solver, steps, guidance, eta, respacing, classifier_scale: scale } = params;
  return (
    `${solver}${eta > 0 ? ` η=${eta}` : ''}, ${steps} steps${respacing !== undefined ? ` (respaced "${respacing}")` : ''}, ` +
    `${expectedNfe(solver, steps)} NFE${guidance !== 1 ? `, guidance ${guidance}` : ''}${scale !== undefined ? `, classifier scale ${scale}` : ''}`
  );
}

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
  if (isVideoSuite(suite)) return whyVideoNotScored(suite, manifest, facts);
  if (isImageConditionedSuite(suite)) {
    if (manifest.kind === 'image_to_image' && manifest.condition_resolution !== conditionSize(suite))
      return `the model takes conditions of ${manifest.condition_resolution}×${manifest.condition_resolution}; this suite publishes ${conditionSize(suite)}×${conditionSize(suite)}`;
    if (manifest.kind === 'samples' && manifest.conditions !== suite.id)
      return manifest.conditions === undefined
        ? `the sample batch declares no inputs; a batch for ${suite.id} answers its published inputs (manifest conditions: "${suite.id}")`
        : `the sample batch answers the inputs of ${manifest.conditions}, not those of ${suite.id}`;
    if (manifest.kind === 'samples' && facts.imagesInBatch !== undefined && facts.imagesInBatch !== suite.samples)
      return `the sample batch holds ${facts.imagesInBatch} images; this suite publishes ${suite.samples} inputs and scores one output per input`;
    if (manifest.kind === 'image_to_image' || manifest.kind === 'denoiser') {
      const why = suiteTextMismatch(suite, manifest.text_encoder !== undefined);
      if (why) return why;
    }
    if (manifest.kind === 'denoiser') {
      if (!manifest.condition) return `${suite.id} scores image-conditioned denoisers (manifest condition and inputs.condition)`;
      if (manifest.condition.resolution !== conditionSize(suite))
        return `the denoiser takes conditions of ${manifest.condition.resolution}×${manifest.condition.resolution}; this suite publishes ${conditionSize(suite)}×${conditionSize(suite)}`;
      if (!suite.sampler) return `${suite.id} declares no sampler`;
      const why = samplerMismatch(manifest, suite.sampler, facts.timeInputType);
      return why ? `its sampler (${describeSampler(suite.sampler)}) cannot drive this model: ${why}` : undefined;
    }
    return undefined;
  }
  if (isTextToImageSuite(suite)) {
    if (manifest.kind === 'samples' && manifest.prompts !== undefined && manifest.prompts !== suite.id)
      return `the sample batch answers the prompts of ${manifest.prompts}, not those of ${suite.id}`;
    if (manifest.kind === 'samples' && facts.imagesInBatch !== undefined && facts.imagesInBatch !== suite.samples)
      return `the sample batch holds ${facts.imagesInBatch} images; this suite publishes ${suite.samples} prompts and scores one image per prompt`;
  }
  if (manifest.kind === 'samples' && facts.imagesInBatch !== undefined && facts.imagesInBatch < suite.samples) {
    return `the sample batch holds ${facts.imagesInBatch} images; this suite scores ${suite.samples}`;
  }
  if (manifest.kind !== 'denoiser' || !suite.sampler) return undefined;
  const why = samplerMismatch(manifest, suite.sampler, facts.timeInputType);
  return why ? `its sampler (${describeSampler(suite.sampler)}) cannot drive this model: ${why}` : undefined;
}

/**
 * A video suite scores video sample batches and video denoisers (manifest `frames`) of its frame count,
 * class count and prompt list (a prompted suite: batches declaring its prompts, denoisers with a text
 * encoder), enough videos, and denoisers its sampler can drive.
 */
function whyVideoNotScored(suite: VideoSuiteDefinition, manifest: Manifest, facts: SubmissionFacts): string | undefined {
  const video = (manifest.kind === 'samples' || manifest.kind === 'denoiser') && manifest.frames !== undefined;
  if (!video || !suite.kinds.includes(manifest.kind))
    return `${suite.id} scores ${suite.kinds.map((k) => (k === 'samples' ? 'video sample batches (a samples manifest with frames)' : 'video denoisers (a denoiser manifest with frames)')).join(' and ')}, not ${manifest.kind === 'samples' ? 'image batches' : manifest.kind === 'denoiser' && manifest.frames === undefined ? 'image denoisers' : `${manifest.kind} models`}`;
  const frames = manifest.frames!;
  const what = manifest.kind === 'samples' ? 'the videos have' : 'the denoiser makes videos of';
  if (frames !== suite.frames)
    return `${what} ${frames} frames; ${suite.id} scores videos of ${suite.frames} frames (${suite.resolution}×${suite.resolution})`;
  const classes = manifest.classes;
  const subject = manifest.kind === 'samples' ? 'the batch' : 'the model';
  if (classes !== suite.classes)
    return suite.classes === 0
      ? `${suite.id} is unconditional; ${subject} declares ${classes} classes`
      : `${suite.id} scores ${suite.classes}-class ${manifest.kind === 'samples' ? 'batches' : 'models'}; ${subject} declares ${classes} classes`;
  if (manifest.kind === 'samples') {
    if (suite.prompts !== undefined && manifest.prompts !== suite.id)
      return `${suite.id} scores videos answering its own prompt list: declare prompts: "${suite.id}"`;
    if (suite.prompts === undefined && manifest.prompts !== undefined)
      return `${suite.id} publishes no prompts; the batch answers those of ${manifest.prompts}`;
    if (facts.imagesInBatch !== undefined && facts.imagesInBatch < suite.samples)
      return `the sample batch holds ${facts.imagesInBatch} videos; this suite scores ${suite.samples}`;
    return undefined;
  }
  const denoiser = manifest;
  if (suite.prompts !== undefined && denoiser.text_encoder === undefined)
    return `${suite.id} scores text-to-video: the denoiser needs inputs.context and a text_encoder`;
  if (suite.prompts === undefined && denoiser.text_encoder !== undefined)
    return `${suite.id} publishes no prompts, so it cannot condition a text-to-video denoiser`;
  if (!suite.sampler) return `${suite.id} declares no sampler`;
  const why = samplerMismatch(denoiser, suite.sampler, facts.timeInputType);
  return why ? `its sampler (${describeSampler(suite.sampler)}) cannot drive this model: ${why}` : undefined;
}
