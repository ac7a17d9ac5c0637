import * as ort from 'onnxruntime-node';
import type { LatentSpec } from '../../../../contracts/manifest/denoiser-manifest.schemas.js';
import { ModelFailure } from '../model-failure.js';
import { type ExecutionProvider, firstNonFinite, openSession, runModel } from '../onnx-session.js';

/**
 * The second graph of a latent denoiser submission: latents sampled by the harness, divided by
 * `scale_factor` (z/0.18215 for Stable Diffusion's VAE), become float32 NCHW images [N, 3, R, R], or videos
 * [N, 3, T, R, R] for a video denoiser (`imageShape`: denoiserImageShape of the manifest).
 */
export class LatentDecoder {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: LatentSpec,
    private readonly imageShape: readonly number[],
    readonly executionProvider: ExecutionProvider,
    readonly warnings: string[],
  ) {}

  static async open(
    bytes: Uint8Array,
    spec: LatentSpec,
    imageShape: readonly number[],
    ep: ExecutionProvider = 'cpu',
  ): Promise<LatentDecoder> {
    let opened;
    try {
      opened = await openSession(bytes, ep);
    } catch (err) {
      if (err instanceof ModelFailure) throw new ModelFailure(`the decoder: ${err.message}`, { cause: err });
      throw err;
    }
    const { session } = opened;
    const { inputs, outputs } = spec.decoder;
    if (!session.inputNames.includes(inputs.latent) || !session.outputNames.includes(outputs.images)) {
      await session.release();
      throw new ModelFailure(
        `the decoder has no input "${inputs.latent}" or no output "${outputs.images}" (inputs: ${session.inputNames.join(', ')}; outputs: ${session.outputNames.join(', ')})`,
      );
    }
    return new LatentDecoder(
      session,
      spec,
      imageShape,
      opened.executionProvider,
      opened.warnings.map((w) => `decoder: ${w}`),
    );
  }

  /** Decodes `count` latents [count, ...latent shape] (sample indices from `start`) into [count, ...imageShape]. */
  async decode(latents: Float32Array, count: number, start: number): Promise<Float32Array> {
    const scaled = new Float32Array(latents.length);
    const inv = this.spec.scale_factor;
    for (let i = 0; i < latents.length; i++) scaled[i] = latents[i]! / inv;
    const { inputs, outputs } = this.spec.decoder;
    const out = await runModel(
      this.session,
      { [inputs.latent]: new ort.Tensor('float32', scaled, [count, ...this.spec.shape]) },
      [outputs.images],
      `decoding the latents of samples ${start}–${start + count - 1}`,
    );
    const t = out[outputs.images]!;
    const want = [count, ...this.imageShape];
    if (t.type !== 'float32' || t.dims.length !== want.length || t.dims.some((d, i) => d !== want[i])) {
      throw new ModelFailure(
        `for a batch of ${count} the decoder's output "${outputs.images}" was ${t.type} [${t.dims.join(', ')}], expected float32 [${want.join(', ')}]`,
      );
    }
    const data = t.data as Float32Array;
    const bad = firstNonFinite(data);
    if (bad >= 0) {
      throw new ModelFailure(
        `the decoder produced ${String(data[bad])} for sample ${start + Math.floor(bad / this.imageShape.reduce((a, b) => a * b, 1))}; outputs must be finite`,
      );
    }
    return data;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
