import type { SamplesManifest } from '../../contracts/manifest/samples-manifest.schemas.js';
import { writeNpz } from '../../runner/src/io/npz.js';
import { movingShapesVideo } from '../../runner/src/tasks/video/moving-shapes.js';
import { promptVideo } from '../../runner/src/tasks/video/prompt-videos.js';
import { syntheticPrompts } from '../../runner/src/text/synthetic-prompts.js';

/**
 * Example video sample batches for smoke-video-16x32: a "coherent" model whose videos are moving-shapes
 * videos drawn with another seed than the reference's, and a "per-frame noise" model whose every frame is a
 * new scene (as plausible frame by frame, incoherent in time). Both are written as the npz a team uploads:
 * `arr_0` uint8 [N, frames, R, R, 3].
 */
export interface ExampleVideoBatch {
  videos?: number;
  frames?: number;
  resolution?: number;
  /** Every frame a new scene. */
  perFrameNoise?: boolean;
  seed?: number;
}

export function exampleVideos(options: ExampleVideoBatch = {}): { data: Uint8Array; shape: number[] } {
  const { videos = 64, frames = 16, resolution = 32, perFrameNoise = false, seed = 2 } = options;
  const size = frames * resolution * resolution * 3;
  const data = new Uint8Array(videos * size);
  for (let i = 0; i < videos; i++) data.set(movingShapesVideo(i, { seed, frames, resolution, independentFrames: perFrameNoise }), i * size);
  return { data, shape: [videos, frames, resolution, resolution, 3] };
}

export async function writeExampleVideoBatch(path: string, options: ExampleVideoBatch = {}): Promise<void> {
  const { data, shape } = exampleVideos(options);
  await writeNpz(path, { arr_0: { dtype: 'uint8', shape, data } });
}

export function exampleVideoManifest(name: string, options: { frames?: number; resolution?: number } = {}): SamplesManifest {
  return { name, kind: 'samples', resolution: options.resolution ?? 32, classes: 0, frames: options.frames ?? 16 };
}

/**
 * Example batches for the text-to-video smoke suite (smoke-t2v-12x32): video i of a prompt-following model
 * draws prompt i of the published list (seed 0 order) as a sliding shape with another seed than the
 * reference's; a prompt-ignoring model draws the same kind of videos for the prompts in another order (seed
 * `ignoreOrderSeed`), so its videos are as plausible and as coherent, but answer other prompts.
 */
export function examplePromptVideos(options: { ignorePrompts?: boolean; frames?: number; resolution?: number; seed?: number } = {}): {
  data: Uint8Array;
  shape: number[];
} {
  const { ignorePrompts = false, frames = 12, resolution = 32, seed = 2 } = options;
  const prompts = syntheticPrompts(ignorePrompts ? 5 : 0);
  const size = frames * resolution * resolution * 3;
  const data = new Uint8Array(prompts.length * size);
  prompts.forEach((p, i) => data.set(promptVideo(p, { seed, frames, size: resolution }, i), i * size));
  return { data, shape: [prompts.length, frames, resolution, resolution, 3] };
}

export async function writeExamplePromptVideoBatch(path: string, options: { ignorePrompts?: boolean } = {}): Promise<void> {
  const { data, shape } = examplePromptVideos(options);
  await writeNpz(path, { arr_0: { dtype: 'uint8', shape, data } });
}

/** A prompted video batch's manifest: it answers smoke-t2v-12x32's published prompts. */
export function examplePromptVideoManifest(name: string): SamplesManifest {
  return { name, kind: 'samples', resolution: 32, classes: 0, frames: 12, prompts: 'smoke-t2v-12x32' };
}
