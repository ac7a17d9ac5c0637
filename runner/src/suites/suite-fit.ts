import { samplerModel } from '../evaluation/sources/denoiser-source.js';
import type { Manifest } from '../manifest/manifest.schemas.js';
import { SamplingConfigError } from '../sampling/errors.js';
import { expectedNfe, planSampling } from '../sampling/samplers.js';
import { isSegmentationSuite } from './segmentation-suite.schemas.js';
import type { SuiteDefinition } from './suite.schemas.js';

/**
 * Why a suite that matches a submission's kind, resolution and task still cannot score it, judged from the
 * manifest alone; undefined when it can. Today that is a denoiser suite whose sampler the model's declarations
 * rule out — classifier-free guidance without a `null_class`, an ε prediction where the schedule starts at
 * α = 0, … (planSampling) — so a submission is not queued on a board only to fail there.
 */
export function whyNotScored(suite: SuiteDefinition, manifest: Manifest): string | undefined {
  if (isSegmentationSuite(suite) || manifest.kind !== 'denoiser' || !suite.sampler) return undefined;
  try {
    planSampling(suite.sampler, samplerModel(manifest));
    return undefined;
  } catch (err) {
    if (!(err instanceof SamplingConfigError)) throw err;
    const { solver, steps, guidance } = suite.sampler;
    const budget = `${solver}, ${steps} steps, ${expectedNfe(solver, steps)} NFE${guidance !== 1 ? `, guidance ${guidance}` : ''}`;
    return `its sampler (${budget}) cannot drive this model: ${err.message}`;
  }
}
