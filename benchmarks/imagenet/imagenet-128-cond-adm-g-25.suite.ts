import { admSuite } from './adm-suite.js';

/**
 * ADM-G at 128×128 with 25 steps (Dhariwal & Nichol 2021, Table 4's "ADM-G (25 steps)" row), sampled as
 * guided-diffusion's README says for "a 128x128 classifier-guided model, 25 step DDIM": `classifier_sample.py`
 * with `--timestep_respacing ddim25 --use_ddim True --classifier_scale 1.0` (DDIM η = 0 on the ddim25 respacing
 * of the 1000-step schedule, x̂0 clipped, the classifier's gradient applied to ε̂ as `condition_score` does).
 * DDIM does not read learned variances: ADM's denoiser declares its variance channels (manifest `variance`) and
 * the board reads ε only.
 */
export default admSuite({
  id: 'imagenet-128-cond-adm-g-25',
  version: 1,
  title: 'ImageNet 128×128, class-conditional denoisers, ADM-G: DDIM 25 respaced steps, classifier scale 1.0',
  description:
    "50,000 class-conditional samples drawn as ADM-G's 25-step row is: DDIM (η = 0) on guided-diffusion's ddim25 respacing, x̂0 clipped, classifier guidance at scale 1.0 (25 denoiser and 25 classifier-gradient evaluations per sample), against the ADM ImageNet 128×128 reference batch; FID, sFID, Inception Score, precision and recall as the ADM evaluator computes them.",
  resolution: 128,
  conditional: true,
  kinds: ['denoiser'],
  sampler: {
    solver: 'ddim',
    steps: 25,
    respacing: 'ddim25',
    guidance: 1,
    eta: 0,
    classifier_scale: 1,
    clip_denoised: true,
  },
  time_limit_s: 24 * 3600,
});
