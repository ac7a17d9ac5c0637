import { type GenerationSuiteDefinition, type GenerationSuiteInput, defineSuite } from '../../contracts/suites/suite.schemas.js';
import { ADM_METRICS, FID_INCEPTION, type AdmResolution, admReference } from './adm-assets.js';

/**
 * An ImageNet suite on the ADM evaluation protocol (Dhariwal & Nichol 2021, guided-diffusion evaluations/):
 * 50,000 samples (class labels, for class-conditional suites, drawn from the suite seed), the FID Inception fed
 * through TF1's legacy bilinear resize to 299 with (x − 128)/128, FID/sFID against the statistics stored in
 * ADM's reference batch, Inception Score and precision/recall as ADM's evaluator computes them. What differs
 * between the suites is in each suite's own file: resolution, conditioning, the kinds it scores, and for
 * denoisers the sampler, which is part of the protocol (a board compares denoisers at one sampling budget).
 */
export function admSuite(s: {
  id: string;
  version: number;
  title: string;
  description: string;
  resolution: AdmResolution;
  conditional: boolean;
  kinds: GenerationSuiteInput['kinds'];
  sampler?: GenerationSuiteInput['sampler'];
  time_limit_s: number;
  /** Whether an evaluation may be split over runners (README, "Sharded evaluations"); it does not change scores. */
  sharding?: GenerationSuiteInput['sharding'];
}): GenerationSuiteDefinition {
  return defineSuite({
    id: s.id,
    version: s.version,
    title: s.title,
    description: s.description,
    task: s.conditional ? 'class-conditional-generation' : 'unconditional-generation',
    resolution: s.resolution,
    kinds: s.kinds,
    samples: 50_000,
    seed: 0,
    batch_size: 64,
    reference: admReference(s.resolution),
    extractor: FID_INCEPTION,
    metrics: ADM_METRICS,
    primary: 'fid',
    // Inception features agree to about 1e-5 relative across execution providers.
    drift_tolerance: 1e-4,
    time_limit_s: s.time_limit_s,
    ...(s.sampler ? { sampler: s.sampler } : {}),
    ...(s.sharding ? { sharding: s.sharding } : {}),
  });
}
