import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import smokeSr4 from './smoke-sr4-32.suite.js';

/**
 * smoke-sr4-32's inputs, targets and metrics for image-conditioned denoisers (manifest `condition`) that the
 * harness samples with DDIM, 10 steps, η = 0, each network call fed the 8×8 measurement; a board of its own, as
 * smoke-32-denoiser is smoke-32's. Example: benchmarks/image-conditioned/example-models.ts.
 */
export default defineSuite({
  ...smokeSr4,
  id: 'smoke-sr4-32-denoiser',
  version: 2,
  title: 'Smoke ×4 super-resolution 32×32, denoisers (block average, σ_y = 0.05, DDIM 10 steps)',
  description:
    '64 synthetic 32×32 images, each block-averaged to 8×8 with seeded noise σ_y = 0.05 (GET /api/suites/smoke-sr4-32-denoiser/inputs); image-conditioned denoisers sampled by DDIM, 10 steps; outputs scored against the originals by PSNR (ranks), SSIM, tiny-conv FID/KID and LPIPS with the random-weight stand-in network; runs offline in seconds.',
  kinds: ['denoiser'],
  sampler: { solver: 'ddim', steps: 10, guidance: 1, eta: 0 },
});
