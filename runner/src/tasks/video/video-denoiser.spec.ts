import { describe, expect, it } from 'vitest';
import { buildExampleTextEncoder, exampleTokenizerJson } from '../../../../benchmarks/text-to-image/example-models.js';
import {
  buildExampleVideoDecoder,
  buildExampleVideoTextDenoiser,
  exampleVideoTextDenoiserManifest,
} from '../../../../benchmarks/video/example-models.js';
import smokeT2v from '../../../../benchmarks/video/smoke-t2v-12x32.suite.js';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { quantizeValue } from '../../sampling/quantize.js';
import { runEvaluation } from '../evaluate.js';
import type { EvaluationOutput } from '../task-family.js';
import { videosToUint8 } from './video-denoiser-source.js';

const assetDirs = loadAssetDirs({});
const textEncoder = buildExampleTextEncoder();
const tokenizer = new TextEncoder().encode(exampleTokenizerJson());
const score = (out: EvaluationOutput, id: string) => out.metrics.find((m) => m.id === id)!.value;

describe('videosToUint8', () => {
  it('turns NCTHW floats into NTHWC bytes, each value quantized as a sample batch pixel', () => {
    const [n, t, r] = [2, 3, 2];
    const data = Float32Array.from({ length: n * 3 * t * r * r }, (_, i) => ((i * 37) % 101) / 50 - 1);
    const out = videosToUint8(data, n, t, r, '[-1,1]');
    for (let v = 0; v < n; v++)
      for (let c = 0; c < 3; c++)
        for (let f = 0; f < t; f++)
          for (let p = 0; p < r * r; p++)
            expect(out[((v * t + f) * r * r + p) * 3 + c]).toBe(quantizeValue(data[((v * 3 + c) * t + f) * r * r + p]!, '[-1,1]'));
    expect(() => videosToUint8(data, n, t + 1, r, '[-1,1]')).toThrow(RangeError);
  });
});

describe('video denoisers on smoke-t2v-12x32 (DDIM 10 steps, guidance 1.5 against the empty prompt)', () => {
  const run = (followPrompt: boolean, options: { latent?: boolean; decoder?: Uint8Array } = {}) =>
    runEvaluation({
      model: buildExampleVideoTextDenoiser(followPrompt),
      manifest: exampleVideoTextDenoiserManifest(followPrompt ? 'follows' : 'ignores', options),
      suite: smokeT2v,
      assetDirs,
      textEncoder,
      tokenizer,
      ...(options.decoder ? { decoder: options.decoder } : {}),
    });

  it('ranks a prompt-following video denoiser above a prompt-ignoring one on per-frame CLIP score, recording the sampler', async () => {
    const follows = await run(true);
    const ignores = await run(false);
    expect(score(follows, 'clip_score_frames')).toBeGreaterThan(score(ignores, 'clip_score_frames') + 10);
    // Still videos: every frame alike.
    expect(score(follows, 'temporal_consistency')).toBeCloseTo(1, 6);
    expect(follows.protocol).toMatchObject({
      frames: 12,
      sampler: { solver: 'ddim', steps: 10, guidance: 1.5 },
      text: expect.any(Object),
    });
    // The latent variant with an identity decoder (scale 1) samples the same videos: the same metrics, exactly.
    const latent = await run(true, { latent: true, decoder: buildExampleVideoDecoder() });
    expect(latent.metrics).toEqual(follows.metrics);
  });

  it('fails, as the model, a decoder whose videos have another frame count than the manifest', async () => {
    const err = await run(true, { latent: true, decoder: buildExampleVideoDecoder(12, 11) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFailure);
    expect((err as Error).message).toMatch(
      /decoder's output "videos" was float32 \[\d+, 3, 11, 32, 32\], expected float32 \[\d+, 3, 12, 32, 32\]/,
    );
  });
});
