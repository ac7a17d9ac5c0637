import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import smokeEdit from './smoke-edit-32.suite.js';

/**
 * smoke-edit-32's edits, instructions and metrics for text-and-image denoisers (InstructPix2Pix-style: manifest
 * `condition` and `text_encoder`) that the harness samples with DDIM, 10 steps, η = 0, each network call fed the
 * source image and its instruction's encoding; a board of its own, as smoke-sr4-32-denoiser is smoke-sr4-32's.
 * Example: benchmarks/image-conditioned/example-text-models.ts.
 */
export default defineSuite({
  ...smokeEdit,
  id: 'smoke-edit-32-denoiser',
  version: 1,
  title: 'Smoke instruction editing 32×32, denoisers (DDIM 10 steps)',
  description:
    "smoke-edit-32's 64 synthetic edits (GET /api/suites/smoke-edit-32-denoiser/inputs) for text-and-image denoisers sampled by DDIM, 10 steps; outputs scored by CLIP directional similarity (ranks), CLIP-I and PSNR/SSIM; runs offline in seconds.",
  kinds: ['denoiser'],
  sampler: { solver: 'ddim', steps: 10, guidance: 1, eta: 0 },
});
