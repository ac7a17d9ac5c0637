import { admSuite } from './adm-suite.js';

/**
 * Class-conditional diffusion and flow denoisers sampled by the harness with ancestral DDPM sampling
 * (DDIM with η = 1) on 250 steps, no guidance: the budget of ADM's ImageNet 64 results (Dhariwal & Nichol
 * 2021 sample with 250 respaced DDPM steps). The steps are the schedule's own spacing (`trailing` for a
 * discrete VP schedule), not ADM's respacing, so scores are comparable within this board.
 */
export default admSuite({
  id: 'imagenet-64-cond-ddpm-250',
  version: 1,
  title: 'ImageNet 64×64, class-conditional denoisers, ancestral DDPM 250 steps',
  description:
    '50,000 class-conditional samples drawn by ancestral DDPM sampling (DDIM η = 1), 250 steps, 250 network evaluations per sample, no guidance, against the ADM ImageNet 64×64 reference batch; FID, sFID, Inception Score, precision and recall as the ADM evaluator computes them.',
  resolution: 64,
  conditional: true,
  kinds: ['denoiser'],
  sampler: { solver: 'ddim', steps: 250, guidance: 1, eta: 1 },
  time_limit_s: 24 * 3600,
});
