import { z } from 'zod';

// One line per metric: id, version (bumped when a protocol change moves scores), direction, params schema.
// Definitions and protocol choices are stated at the top of each implementing file.

export const InceptionScoreParams = z.object({
  splitMode: z.enum(['adm-5000', 'torch-fidelity-10']).default('adm-5000'),
  seed: z.number().int().min(0).default(0),
});
export const PrecisionRecallParams = z.object({
  k: z.number().int().min(1).default(3),
  distancePrecision: z.enum(['fp32', 'adm-fp16']).default('fp32'),
});
export const KidParams = z.object({
  subsets: z.number().int().min(1).default(100),
  subsetSize: z.number().int().min(2).default(1000),
  seed: z.number().int().min(0).default(0),
});
const NoParams = z.object({});

export type MetricId =
  | 'fid'
  | 'sfid'
  | 'inception_score'
  | 'precision'
  | 'recall'
  | 'kid'
  | 'kid_std'
  | 'miou'
  | 'pixel_accuracy'
  | 'clip_score'
  | 'cmmd'
  | 'fd_dinov2'
  | 'fvd'
  | 'fid_frames'
  | 'clip_score_frames'
  | 'temporal_consistency'
  | 'psnr'
  | 'ssim'
  | 'edge_f1'
  | 'clip_i'
  | 'clip_directional'
  | 'lpips';

export interface MetricInfo {
  readonly id: MetricId;
  readonly version: number;
  readonly higherIsBetter: boolean;
  readonly description: string;
  /** The features each side must provide. */
  readonly needs:
    | 'pool statistics'
    | 'spatial statistics'
    | 'sample logits'
    | 'pool activations'
    | 'segment maps'
    | 'CLIP image embeddings'
    | 'CLIP image and prompt embeddings'
    | 'DINOv2 features'
    | 'video clip statistics'
    | 'frame pool statistics'
    | 'CLIP frame and prompt embeddings'
    | 'frame features'
    | 'paired images'
    | 'edge maps'
    | 'CLIP image embeddings of outputs and inputs'
    | 'CLIP image and caption embeddings of outputs and inputs'
    | 'LPIPS network features of paired images';
  readonly params: z.ZodType;
}

/** FID of frames: how many frames of each video, evenly spaced (video-sampling.ts); absent: all of them. */
export const FrameFidParams = z.object({ framesPerVideo: z.number().int().min(1).optional() });

export const METRICS: readonly MetricInfo[] = [
  {
    id: 'fid',
    version: 1,
    higherIsBetter: false,
    needs: 'pool statistics',
    params: NoParams,
    description: 'Fréchet Inception Distance on pool_3 features (frechet-distance.ts)',
  },
  {
    id: 'sfid',
    version: 1,
    higherIsBetter: false,
    needs: 'spatial statistics',
    params: NoParams,
    description: 'Fréchet distance on spatial mixed_6/conv features (frechet-distance.ts)',
  },
  {
    id: 'inception_score',
    version: 1,
    higherIsBetter: true,
    needs: 'sample logits',
    params: InceptionScoreParams,
    description: 'Inception Score over splits of the sample logits (inception-score.ts)',
  },
  {
    id: 'precision',
    version: 1,
    higherIsBetter: true,
    needs: 'pool activations',
    params: PrecisionRecallParams,
    description: 'Share of samples inside the reference k-NN manifold (precision-recall.ts)',
  },
  {
    id: 'recall',
    version: 1,
    higherIsBetter: true,
    needs: 'pool activations',
    params: PrecisionRecallParams,
    description: 'Share of reference points inside the sample k-NN manifold (precision-recall.ts)',
  },
  {
    id: 'kid',
    version: 1,
    higherIsBetter: false,
    needs: 'pool activations',
    params: KidParams,
    description: 'Kernel Inception Distance, unbiased MMD² with a cubic kernel over subsets (kid.ts)',
  },
  {
    id: 'kid_std',
    version: 1,
    higherIsBetter: false,
    needs: 'pool activations',
    params: KidParams,
    description: 'Standard deviation of KID over its subsets: its uncertainty, not a ranking (kid.ts)',
  },
  {
    id: 'miou',
    version: 1,
    higherIsBetter: true,
    needs: 'segment maps',
    params: NoParams,
    description: 'Mean IoU over classes after Hungarian matching of segments to classes, per suite protocol (segmentation/protocols.ts)',
  },
  {
    id: 'pixel_accuracy',
    version: 1,
    higherIsBetter: true,
    needs: 'segment maps',
    params: NoParams,
    description: 'Share of labelled pixels whose matched segment has their class (segmentation/protocols.ts)',
  },
  {
    id: 'clip_score',
    version: 1,
    higherIsBetter: true,
    needs: 'CLIP image and prompt embeddings',
    params: NoParams,
    description: 'CLIP score (Hessel et al. 2021, weight 100): mean of 100·max(cos(image, its prompt), 0) (clip-score.ts)',
  },
  {
    id: 'cmmd',
    version: 1,
    higherIsBetter: false,
    needs: 'CLIP image embeddings',
    params: NoParams,
    description: 'CMMD (Jayasumana et al. 2024): 1000 × biased MMD², Gaussian RBF σ = 10, L2-normalised CLIP embeddings (cmmd.ts)',
  },
  {
    id: 'fd_dinov2',
    version: 1,
    higherIsBetter: false,
    needs: 'DINOv2 features',
    params: NoParams,
    description:
      'FD-DINOv2 (Stein et al. 2023, dgm-eval): Fréchet distance of DINOv2 ViT-L/14 CLS features, pil-bicubic-uint8 to 224, ImageNet normalisation (frechet-distance.ts)',
  },
  {
    id: 'fvd',
    version: 1,
    higherIsBetter: false,
    needs: 'video clip statistics',
    params: NoParams,
    description:
      'FVD (Unterthiner et al. 2019) by the StyleGAN-V protocol: Fréchet distance of I3D Kinetics-400 features of 16-frame clips, generated clips from frame 0, real clips at a seeded random start, frames x/127.5 − 1 (fvd.ts, video-sampling.ts)',
  },
  {
    id: 'fid_frames',
    version: 1,
    higherIsBetter: false,
    needs: 'frame pool statistics',
    params: FrameFidParams,
    description:
      'FID of frames: the image FID on frames ⌊i·T/k⌋ of every video, k = framesPerVideo (all frames by default) (video-sampling.ts)',
  },
  {
    id: 'clip_score_frames',
    version: 1,
    higherIsBetter: true,
    needs: 'CLIP frame and prompt embeddings',
    params: NoParams,
    description:
      'CLIP score (weight 100, clamp per frame) of every frame against its video prompt, mean over all frames (frame-clip-score.ts)',
  },
  {
    id: 'temporal_consistency',
    version: 1,
    higherIsBetter: true,
    needs: 'frame features',
    params: NoParams,
    description:
      'VBench subject consistency: mean over frames i ≥ 1 of (max(0, cos(fᵢ, fᵢ₋₁)) + max(0, cos(fᵢ, f₀)))/2 on L2-normalised frame features (temporal-consistency.ts)',
  },
  {
    id: 'psnr',
    version: 1,
    higherIsBetter: true,
    needs: 'paired images',
    params: NoParams,
    description:
      'PSNR, data range 255, per output image against its target, averaged; each image capped at 100 dB (scikit-image peak_signal_noise_ratio; image-fidelity.ts)',
  },
  {
    id: 'ssim',
    version: 1,
    higherIsBetter: true,
    needs: 'paired images',
    params: NoParams,
    description:
      'SSIM (Wang et al. 2004) as scikit-image 0.19: Gaussian window σ 1.5, population covariance, data range 255, per RGB image, averaged (image-fidelity.ts)',
  },
  {
    id: 'edge_f1',
    version: 1,
    higherIsBetter: true,
    needs: 'edge maps',
    params: NoParams,
    description:
      "Control fidelity: pixel F1 of the output's Canny map (OpenCV Canny(gray, 100, 200), conditions/canny.ts) against the input control map, per image (1 when both are empty), averaged (edge-f1.ts)",
  },
  {
    id: 'clip_i',
    version: 1,
    higherIsBetter: true,
    needs: 'CLIP image embeddings of outputs and inputs',
    params: NoParams,
    description:
      'CLIP-I (InstructPix2Pix clip_similarity.py): mean over edits of cos(E_img(output), E_img(input)), L2-normalised CLIP embeddings (edit-metrics.ts)',
  },
  {
    id: 'clip_directional',
    version: 1,
    higherIsBetter: true,
    needs: 'CLIP image and caption embeddings of outputs and inputs',
    params: NoParams,
    description:
      'CLIP directional similarity (Gal et al. 2022, InstructPix2Pix clip_similarity.py): mean of cos(E_img(out) − E_img(in), E_txt(out caption) − E_txt(in caption)), torch eps 1e-8 (edit-metrics.ts)',
  },
  {
    id: 'lpips',
    version: 1,
    higherIsBetter: false,
    needs: 'LPIPS network features of paired images',
    params: NoParams,
    description:
      'LPIPS (Zhang et al. 2018, lpips v0.1): per layer, features unit-normalised over channels (eps 1e-10), squared difference weighted by the lin weights, spatial mean; summed over layers; inputs x/127.5 − 1; per image pair, averaged (lpips.ts)',
  },
];

export class UnknownMetricError extends Error {
  override readonly name = 'UnknownMetricError';

  constructor(readonly id: string) {
    super(`unknown metric '${id}' (known: ${METRICS.map((m) => m.id).join(', ')})`);
  }
}

export function isMetricId(id: string): id is MetricId {
  return METRICS.some((m) => m.id === id);
}

/** The registry entry of a metric; throws UnknownMetricError for ids not registered. */
export function metricInfo(id: string): MetricInfo {
  const m = METRICS.find((x) => x.id === id);
  if (!m) throw new UnknownMetricError(id);
  return m;
}
