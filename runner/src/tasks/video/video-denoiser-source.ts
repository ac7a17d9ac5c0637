import { readFile } from 'node:fs/promises';
import { denoiserImageShape, type DenoiserManifest } from '../../../../contracts/manifest/denoiser-manifest.schemas.js';
import type { VideoSuiteDefinition } from '../../../../contracts/suites/video-suite.schemas.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { type ExecutionProvider, openSession } from '../../evaluation/onnx-session.js';
import { DenoiserSource, OnnxDenoiser } from '../../evaluation/sources/denoiser-source.js';
import { LatentDecoder } from '../../evaluation/sources/latent-decoder.js';
import { quantizeValue } from '../../sampling/quantize.js';
import { TextConditioning } from '../../text/text-conditioning.js';
import { textDenoiserSource } from '../text-to-image/text-image-source.js';
import type { EvaluationInput } from '../task-family.js';

/** Whole videos, uint8 [count, frames, R, R, 3], from sample index `start`. */
export interface VideoBatch {
  start: number;
  count: number;
  frames: number;
  resolution: number;
  videos: Uint8Array;
}

/** A video source that is a model: its batches, its provenance, and what it holds open. */
export interface VideoModelSource {
  batches(): AsyncGenerator<VideoBatch>;
  protocol(): Record<string, unknown>;
  executionProvider: ExecutionProvider;
  warnings: string[];
  close(): Promise<void>;
}

/**
 * Float NCTHW [count, 3, T, R, R] in the model's output range → uint8 [count, T, R, R, 3], each value
 * quantized as an ADM sample batch's pixels are (sampling/quantize.ts): what an uploaded batch would hold.
 */
export function videosToUint8(
  data: Float32Array,
  count: number,
  frames: number,
  resolution: number,
  range: '[-1,1]' | '[0,1]',
): Uint8Array {
  const plane = resolution * resolution;
  if (data.length !== count * 3 * frames * plane)
    throw new RangeError(
      `videos hold ${data.length} values, [${count}, 3, ${frames}, ${resolution}, ${resolution}] needs ${count * 3 * frames * plane}`,
    );
  const out = new Uint8Array(data.length);
  for (let v = 0; v < count; v++)
    for (let c = 0; c < 3; c++)
      for (let f = 0; f < frames; f++) {
        const src = ((v * 3 + c) * frames + f) * plane;
        const dst = (v * frames + f) * plane * 3 + c;
        for (let p = 0; p < plane; p++) out[dst + p * 3] = quantizeValue(data[src + p]!, range);
      }
  return out;
}

/**
 * A video denoiser (manifest `frames`) sampled by the suite's sampler: x_t [N, C, T, h, w], decoded by its
 * decoder to [N, 3, T, R, R] when latent, one video per sample index with noise keyed by (seed, i). On a
 * prompted suite the denoiser is text-conditioned (its text encoder and tokenizer, guidance against the empty
 * prompt, as text-to-image); on others unconditional.
 */
export async function openVideoDenoiser(
  input: EvaluationInput,
  suite: VideoSuiteDefinition,
  prompts: readonly string[] | undefined,
  onSamplesDone: (done: number) => void,
): Promise<VideoModelSource> {
  const manifest = input.manifest as DenoiserManifest;
  const ep: ExecutionProvider = input.executionProvider ?? 'cpu';
  if (manifest.frames !== suite.frames)
    throw new ModelFailure(
      `suite ${suite.id} scores videos of ${suite.frames} frames; the denoiser declares frames ${String(manifest.frames)}`,
    );
  if (manifest.resolution !== suite.resolution)
    throw new ModelFailure(
      `suite ${suite.id} is at ${suite.resolution}×${suite.resolution}; the denoiser declares resolution ${manifest.resolution}`,
    );
  if (!suite.sampler) throw new ModelFailure(`suite ${suite.id} declares no sampler, so it cannot score denoisers`);
  if (prompts && (!manifest.text_encoder || !manifest.inputs.context))
    throw new ModelFailure(`suite ${suite.id} scores text-to-video: the denoiser needs inputs.context and a text_encoder`);
  const text = prompts ? await TextConditioning.open(input.textEncoder, input.tokenizer, manifest.text_encoder!, ep) : undefined;
  const opened = await openSession(input.model.length > 0 ? input.model : await readFile(input.modelPath!), ep).catch(
    async (err: unknown) => {
      await text?.close();
      throw err;
    },
  );
  let decoder: LatentDecoder | undefined;
  const close = async () => {
    await opened.session.release();
    await decoder?.close();
    await text?.close();
  };
  try {
    const n = suite.samples;
    let source: DenoiserSource;
    if (text && prompts) {
      text.checkFits(opened.session, manifest.inputs.context!, 'denoiser');
      source = await textDenoiserSource(input, manifest, suite, prompts, text, opened.session, onSamplesDone, (d) => (decoder = d));
    } else {
      if (manifest.latent && !input.decoder)
        throw new ModelFailure('the manifest declares a latent space but the submission has no decoder');
      decoder = manifest.latent ? await LatentDecoder.open(input.decoder!, manifest.latent, denoiserImageShape(manifest), ep) : undefined;
      source = new DenoiserSource(new OnnxDenoiser(opened.session, manifest), manifest, {
        n,
        seed: suite.seed,
        batchSize: suite.batch_size,
        sampler: suite.sampler,
        decoder,
        onSamplesDone,
      });
    }
    const range = manifest.output_range[0] === -1 ? '[-1,1]' : '[0,1]';
    const T = suite.frames;
    const R = suite.resolution;
    return {
      async *batches() {
        for (let start = 0; start < n; start += suite.batch_size) {
          const count = Math.min(suite.batch_size, n - start);
          const { images } = await source.sampleRange(start, count);
          yield { start, count, frames: T, resolution: R, videos: videosToUint8(images, count, T, R, range) };
        }
      },
      protocol: () => ({ sampler: source.protocol(), ...(text ? { text: text.record() } : {}) }),
      executionProvider: opened.executionProvider,
      warnings: [...opened.warnings, ...(text?.warnings ?? []), ...(decoder?.warnings ?? [])],
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
