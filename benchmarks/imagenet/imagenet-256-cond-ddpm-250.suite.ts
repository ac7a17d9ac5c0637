import { admSuite } from './adm-suite.js';

/**
 * Class-conditional denoisers (pixel-space, or latent with their decoder: DiT, SiT and the like) sampled
 * by the harness with ancestral DDPM sampling (DDIM with η = 1) on 250 steps without guidance — the budget of
 * DiT's unguided results (Peebles & Xie 2023). The steps are the schedule's own spacing, so scores are
 * comparable within this board.
 */
export default admSuite({
  id: 'imagenet-256-cond-ddpm-250',
  version: 1,
  title: 'ImageNet 256×256, class-conditional denoisers, ancestral DDPM 250 steps',
  description:
    '50,000 class-conditional samples drawn by ancestral DDPM sampling (DDIM η = 1), 250 steps, 250 network evaluations per sample, no guidance, against the ADM ImageNet 256×256 reference batch; FID, sFID, Inception Score, precision and recall as the ADM evaluator computes them.',
  resolution: 256,
  conditional: true,
  kinds: ['denoiser'],
  sampler: { solver: 'ddim', steps: 250, guidance: 1, eta: 1 },
  time_limit_s: 48 * 3600,
});
