import { z } from 'zod';
import { Extractor, Sha256 } from './generation-parts.schemas.js';
import { ClipModel, PromptList } from './text-to-image-suite.schemas.js';
import { SamplerParams } from '../sampling/sampler-plan.js';

/**
 * A video generation suite (task `video-generation`): sample batches of videos uint8 [N, frames, R, R, 3]
 * (manifest `frames`), scored by FVD (StyleGAN-V's protocol: 16-frame clips through a video network given as
 * ONNX by path), FID of frames (the suite's image extractor on evenly spaced frames), temporal consistency
 * (VBench's subject consistency on a frame network's features) and, for prompted suites, CLIP score per
 * frame. Scored by runner/src/tasks/video/.
 */

/** Seeded moving-shapes videos drawn by the project (runner/src/tasks/video/moving-shapes.ts): coherent movers. */
export const SyntheticMovingShapes = z.strictObject({
  type: z.literal('synthetic-moving-shapes'),
  n: z.number().int().min(2),
  seed: z.number().int().min(0),
});
/**
 * Videos drawn by the project from the suite's own synthetic prompts (runner/src/tasks/video/prompt-videos.ts):
 * video i answers prompt i, one per scored sample. Only for suites with `synthetic-colour-shapes` prompts.
 */
export const SyntheticPromptVideos = z.strictObject({
  type: z.literal('synthetic-prompt-videos'),
  seed: z.number().int().min(0),
});
/**
 * Real videos configured by path: an npz whose `arr_0` is uint8 [N, T, R, R, 3] with T ≥ the clip length
 * (FVD reads one clip per video at a seeded random start, StyleGAN-V's sampling of the dataset).
 */
export const VideoReferenceFile = z.strictObject({
  type: z.literal('video-batch'),
  file: z.string().min(1),
  sha256: Sha256,
  source: z.string(),
});
export const VideoReference = z.discriminatedUnion('type', [SyntheticMovingShapes, SyntheticPromptVideos, VideoReferenceFile]);
export type VideoReference = z.infer<typeof VideoReference>;

/**
 * The project's motion stand-in for I3D (runner/src/onnx/models/motion-standin-i3d.ts): a seeded 3-D
 * convolution plus frame-difference energies, built by the project's ONNX writer. NOT I3D: its FVD numbers
 * only rank within the smoke suite.
 */
export const BuiltinMotionStandin = z.strictObject({
  type: z.literal('builtin-motion-standin'),
  seed: z.number().int().min(0),
});
/**
 * A video network configured by path (the I3D Kinetics-400 of FVD): input float32 [N, 3, clip_frames, R, R]
 * in [−1, 1] at the suite's resolution (StyleGAN-V's detector resizes to 224² inside, as the export must),
 * output [N, D] features.
 */
export const FileVideoNetwork = z.strictObject({
  type: z.literal('onnx-file'),
  id: z.string(),
  file: z.string().min(1),
  sha256: Sha256,
  source: z.string(),
  input: z.string(),
  output: z.string(),
});
export const VideoNetwork = z.discriminatedUnion('type', [BuiltinMotionStandin, FileVideoNetwork]);
export type VideoNetwork = z.infer<typeof VideoNetwork>;

/** `samples`: uploaded video batches; `denoiser`: video denoisers (manifest `frames`) the suite's `sampler` drives. */
export const VIDEO_KINDS = ['samples', 'denoiser'] as const;
export const VIDEO_METRICS = ['fvd', 'fid_frames', 'temporal_consistency', 'clip_score_frames'] as const;

export const VideoSuiteDefinition = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.number().int().min(1),
    title: z.string(),
    description: z.string().default(''),
    task: z.literal('video-generation'),
    /** Side of the square frames. */
    resolution: z.number().int().min(8),
    /** Frames per video (T): a batch of another T is scored by no version of this suite. */
    frames: z.number().int().min(2),
    /** Frame rate the videos are meant at (recorded; the metrics do not resample time). */
    fps: z.number().positive(),
    kinds: z.array(z.enum(VIDEO_KINDS)).min(1),
    /** 0: unconditional; > 0: class-conditional batches carry `arr_1` labels in [0, classes). */
    classes: z.number().int().min(0).default(0),
    /** Prompted (text-to-video) suites: video i answers prompt i of this list. */
    prompts: PromptList.optional(),
    /** How video denoisers are sampled (solver, steps, guidance against the empty prompt for prompted suites). */
    sampler: SamplerParams.optional(),
    /** Videos generated and scored. */
    samples: z.number().int().min(2),
    /** Seeds the reference clips' random starts. */
    seed: z.number().int().min(0),
    /** Videos per feature batch. */
    batch_size: z.number().int().min(1).default(8),
    reference: VideoReference,
    /** FVD's clip protocol (StyleGAN-V): clips of `clip_frames` consecutive frames through `network`. */
    fvd: z.strictObject({ clip_frames: z.number().int().min(2).default(16), network: VideoNetwork }),
    /** The image extractor of FID of frames, and the frames per video it reads (absent: all). */
    extractor: Extractor,
    frames_per_video: z.number().int().min(1).optional(),
    /** The frame network of temporal consistency (VBench: DINO ViT-B/16); absent: `extractor`. */
    consistency: Extractor.optional(),
    /** The CLIP model of the per-frame CLIP score of prompted suites. */
    clip: ClipModel.optional(),
    metrics: z.array(z.enum(VIDEO_METRICS)).min(1),
    primary: z.enum(VIDEO_METRICS),
    drift_tolerance: z.number().min(0).default(1e-6),
    time_limit_s: z.number().positive().default(3600),
  })
  .refine((s) => !s.kinds.includes('denoiser') || s.sampler !== undefined, {
    message: 'a suite that scores denoisers must declare a sampler',
    path: ['sampler'],
  })
  .refine((s) => s.metrics.includes(s.primary), { message: 'primary must be one of metrics', path: ['primary'] })
  .refine((s) => s.fvd.clip_frames <= s.frames, { message: 'FVD clips cannot be longer than the videos', path: ['fvd', 'clip_frames'] })
  .refine((s) => s.frames_per_video === undefined || s.frames_per_video <= s.frames, {
    message: 'frames_per_video cannot exceed frames',
    path: ['frames_per_video'],
  })
  .refine((s) => !s.metrics.includes('clip_score_frames') || (s.clip !== undefined && s.prompts !== undefined), {
    message: 'clip_score_frames needs prompts and a clip model',
    path: ['clip'],
  })
  .refine((s) => s.prompts === undefined || s.classes === 0, { message: 'a prompted suite has no class labels', path: ['classes'] })
  .refine((s) => s.reference.type !== 'synthetic-prompt-videos' || s.prompts?.type === 'synthetic-colour-shapes', {
    message: 'synthetic prompt videos draw the synthetic prompt list: prompts must be synthetic-colour-shapes',
    path: ['reference'],
  });
export type VideoSuiteDefinition = z.infer<typeof VideoSuiteDefinition>;
export type VideoSuiteInput = z.input<typeof VideoSuiteDefinition>;

export function isVideoSuite(s: { task: string }): s is VideoSuiteDefinition {
  return s.task === 'video-generation';
}

/**
 * The files a video suite needs beyond its FID extractor: the reference videos and prompt file (with the
 * reference batches), the video network, the consistency network and the CLIP files (with the models).
 */
export function videoAssets(
  suite: VideoSuiteDefinition,
): Array<{ asset: { file: string; sha256: string; source: string }; kind: 'reference' | 'model' }> {
  const out: Array<{ asset: { file: string; sha256: string; source: string }; kind: 'reference' | 'model' }> = [];
  const push = (a: { file: string; sha256: string; source: string }, kind: 'reference' | 'model') =>
    out.push({ asset: { file: a.file, sha256: a.sha256, source: a.source }, kind });
  if (suite.reference.type === 'video-batch') push(suite.reference, 'reference');
  if (suite.prompts?.type === 'prompt-file') push(suite.prompts, 'reference');
  if (suite.fvd.network.type === 'onnx-file') push(suite.fvd.network, 'model');
  if (suite.extractor.type === 'onnx-file') push(suite.extractor, 'model');
  if (suite.consistency?.type === 'onnx-file' && suite.consistency.file !== (suite.extractor as { file?: string }).file)
    push(suite.consistency, 'model');
  if (suite.clip?.type === 'onnx-files') {
    const { source } = suite.clip;
    for (const part of [suite.clip.image, suite.clip.text, suite.clip.tokenizer]) push({ ...part, source }, 'model');
  }
  return out;
}
