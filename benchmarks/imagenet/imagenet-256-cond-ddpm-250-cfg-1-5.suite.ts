import { admSuite } from './adm-suite.js';

/**
 * As imagenet-256-cond-ddpm-250, with classifier-free guidance at scale 1.5 (DiT's headline setting):
 * each step evaluates the conditional and the null-class prediction, 500 network rows per sample. Only models
 * that declare `null_class` are queued here.
 */
export default admSuite({
  id: 'imagenet-256-cond-ddpm-250-cfg-1-5',
  version: 1,
  title: 'ImageNet 256×256, class-conditional denoisers, ancestral DDPM 250 steps, guidance 1.5',
  description:
    '50,000 class-conditional samples drawn by ancestral DDPM sampling (DDIM η = 1), 250 steps, classifier-free guidance 1.5 (500 network evaluations per sample), against the ADM ImageNet 256×256 reference batch; FID, sFID, Inception Score, precision and recall as the ADM evaluator computes them.',
  resolution: 256,
  conditional: true,
  kinds: ['denoiser'],
  sampler: { solver: 'ddim', steps: 250, guidance: 1.5, eta: 1 },
  time_limit_s: 72 * 3600,
});
