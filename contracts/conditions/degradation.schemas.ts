import { z } from 'zod';

/**
 * The degradations of image-restoration suites (DDRM, Kawar et al. 2022), applied by the harness to each target
 * image so every model sees the same measurements; definitions in runner/src/conditions/degradations.ts.
 */
export const Degradation = z.discriminatedUnion('kind', [
  /** ×factor super-resolution: each factor×factor block averaged (DDRM's `sr_averagepooling`). */
  z.strictObject({ kind: z.literal('sr-block-average'), factor: z.number().int().min(2).max(16) }),
  /** DDRM's `deblur_gauss`: a separable 5-tap kernel exp(−x²/2σ²), x = −2..2, σ = 10, normalised; zero padding. */
  z.strictObject({ kind: z.literal('deblur-gaussian'), sigma: z.number().positive().default(10), taps: z.literal(5).default(5) }),
  /** A centred square hole of side ⌊fraction·H⌋ (pixels there set to 0 in [−1, 1], mid-grey). */
  z.strictObject({ kind: z.literal('inpaint-box'), fraction: z.number().gt(0).lt(1) }),
]);
export type Degradation = z.infer<typeof Degradation>;

/** A degradation and the measurement noise σ_y (on images in [−1, 1], as DDRM's `sigma_0`). */
export const DegradationSpec = z.strictObject({ degradation: Degradation, sigma_y: z.number().min(0).max(1).default(0) });
export type DegradationSpec = z.infer<typeof DegradationSpec>;

export const DEGRADATION_KINDS = Degradation.options.map((o) => o.shape.kind.value);
