import type { DenoiserManifest } from '../../contracts/manifest/denoiser-manifest.schemas.js';
import type { SamplesManifest } from '../../contracts/manifest/samples-manifest.schemas.js';
import { GraphBuilder } from '../../runner/src/onnx/graph-builder.js';
import { drawFromContext, exampleTextDenoiserManifest } from '../text-to-image/example-models.js';
import { writeNpz } from '../../runner/src/io/npz.js';
import { movingShapesVideo } from '../../runner/src/tasks/video/moving-shapes.js';
import { promptVideo } from '../../runner/src/tasks/video/prompt-videos.js';
import { PALETTE, syntheticPrompts } from '../../runner/src/text/synthetic-prompts.js';

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

/**
 * A text-to-video denoiser for smoke-t2v-12x32: x_t [N, 3, frames, 32, 32], t [N] and the context of the
 * text-to-image example encoder [N, 2, 8] → x0, every frame the drawing of its context (the text-to-image
 * example's disc: prompt-following, or a fixed red-on-blue drawing whatever the prompt). x_t and t are read
 * (times 0) so the graph uses every input it declares. A still video: coherent in time, by construction.
 */
export function buildExampleVideoTextDenoiser(followPrompt: boolean, frames = 12): Uint8Array {
  const R = 32;
  const g = new GraphBuilder({ name: 'example-t2v-denoiser' });
  g.input('x_t', 'float32', ['batch', 3, frames, R, R])
    .input('t', 'float32', ['batch'])
    .input('context', 'float32', ['batch', 2, PALETTE.length]);
  drawFromContext(g, followPrompt);
  g.initializer('nothing', new Float32Array([0]), [])
    .initializer('t_shape', BigInt64Array.from([-1n, 1n, 1n, 1n, 1n]), [5])
    .initializer('still_shape', BigInt64Array.from([-1n, 3n, 1n, BigInt(R), BigInt(R)]), [5]);
  g.node('Mul', ['x_t', 'nothing'], ['x_zero'])
    .node('Reshape', ['t', 't_shape'], ['t5'])
    .node('Mul', ['t5', 'nothing'], ['t_zero'])
    .node('Reshape', ['image', 'still_shape'], ['still'])
    .node('Add', ['still', 'x_zero'], ['with_x'])
    .node('Add', ['with_x', 't_zero'], ['x0']);
  g.output('x0', 'float32', ['batch', 3, frames, R, R]);
  return g.toBytes();
}

/**
 * A video "decoder" for latent examples: latents [N, 3, frames, 32, 32] → videos, the identity on the first
 * `outputFrames` frames (fewer than the manifest's frames makes the decoder that submission refuses).
 */
export function buildExampleVideoDecoder(frames = 12, outputFrames = frames): Uint8Array {
  const g = new GraphBuilder({ name: 'example-video-decoder' });
  g.input('z', 'float32', ['batch', 3, frames, 32, 32]);
  g.initializer('starts', BigInt64Array.from([0n]), [1])
    .initializer('ends', BigInt64Array.from([BigInt(outputFrames)]), [1])
    .initializer('axes', BigInt64Array.from([2n]), [1]);
  g.node('Slice', ['z', 'starts', 'ends', 'axes'], ['videos']);
  g.output('videos', 'float32', ['batch', 3, outputFrames, 32, 32]);
  return g.toBytes();
}

/** The manifest of the example text-to-video denoiser; `latent`: its latent variant with the example decoder. */
export function exampleVideoTextDenoiserManifest(name: string, options: { latent?: boolean } = {}): DenoiserManifest {
  return {
    ...exampleTextDenoiserManifest(name),
    frames: 12,
    ...(options.latent
      ? {
          latent: {
            shape: [3, 12, 32, 32],
            scale_factor: 1,
            decoder: { inputs: { latent: 'z' }, outputs: { images: 'videos' } },
          },
        }
      : {}),
  };
}
