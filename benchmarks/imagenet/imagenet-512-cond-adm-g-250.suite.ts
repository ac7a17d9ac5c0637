import { admSuite } from './adm-suite.js';

/**
 * ADM-G at 512×512 (Dhariwal & Nichol 2021, Table 5), sampled as guided-diffusion's
 * `classifier_sample.py` does with the README's flags for this resolution: ancestral sampling (`p_sample`)
 * on `--timestep_respacing 250` of the 1000-step schedule, the model's learned-range variances, x̂0 clipped
 * to [−1, 1], classifier guidance with `--classifier_scale 4.0` (the mean shifted by s·Σ·∇ₓ log p(y | x_t, t)).
 * A submission needs the variance channels (manifest `variance`) and the classifier-gradient graph
 * (manifest `classifier`, multipart `classifier`); README.md, "ADM's table", says how to export both.
 */
export default admSuite({
  id: 'imagenet-512-cond-adm-g-250',
  version: 1,
  title: 'ImageNet 512×512, class-conditional denoisers, ADM-G: ancestral 250 respaced steps, classifier scale 4.0',
  description:
    "50,000 class-conditional samples drawn as ADM-G's are: ancestral sampling with learned variances on guided-diffusion's 250-step respacing, x̂0 clipped, classifier guidance at scale 4.0 (250 denoiser and 250 classifier-gradient evaluations per sample), against the ADM ImageNet 512×512 reference batch; FID, sFID, Inception Score, precision and recall as the ADM evaluator computes them.",
  resolution: 512,
  conditional: true,
  kinds: ['denoiser'],
  sampler: {
    solver: 'ddpm',
    steps: 250,
    respacing: '250',
    guidance: 1,
    eta: 0,
    variance: 'learned-range',
    classifier_scale: 4,
    clip_denoised: true,
  },
  time_limit_s: 192 * 3600,
});
