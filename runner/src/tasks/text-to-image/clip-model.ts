import { readFile } from 'node:fs/promises';
import type { AssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import type { ClipModel } from '../../../../contracts/suites/text-to-image-suite.schemas.js';
import { verifyAsset } from '../../assets/assets.js';
import { SuiteFailure } from '../../evaluation/evaluation-failure.js';
import { FeatureExtractor } from '../../evaluation/features.js';
import type { ExecutionProvider } from '../../evaluation/onnx-session.js';
import { buildClipLikeImageEncoder, buildClipLikeTextEncoder } from '../../text/clip-like-encoders.js';
import { CLIP_STYLE_EOS, clipStyleTokenizerJson } from '../../text/clip-style-tokenizer.js';
import { PALETTE, PROMPT_WORDS } from '../../text/synthetic-prompts.js';
import { l2NormalizeRows, PromptEncoder, TextEncoderError } from '../../text/text-encoder.js';
import { TokenizerLoadError } from '../../text/tokenizer.js';

/**
 * The suite's CLIP: image embeddings of samples and references (CMMD) and of prompts (CLIP score), both
 * L2-normalised [N, D]. The builtin pair is the smoke suite's tiny CLIP-like one (clip-like-encoders.ts) with
 * the smoke tokenizer; `onnx-files` reads image and text encoders and tokenizer.json from the models
 * directory, sha256-verified. Everything wrong with them is the suite's fault.
 */
export class ClipModelSession {
  private constructor(
    private readonly image: FeatureExtractor,
    private readonly text: PromptEncoder,
    private readonly textOutput: string,
  ) {}

  static async open(def: ClipModel, resolution: number, ep: ExecutionProvider, dirs: AssetDirs): Promise<ClipModelSession> {
    try {
      if (def.type === 'builtin-clip-like') {
        const json = clipStyleTokenizerJson(PROMPT_WORDS);
        const vocab = (json.model as { vocab: Record<string, number> }).vocab;
        const image = await FeatureExtractor.fromModel(
          buildClipLikeImageEncoder(resolution),
          { inputSize: resolution, normalization: 'minus-one-one', names: { images: 'images', pool: 'embedding' } },
          ep,
        );
        const textModel = buildClipLikeTextEncoder(
          def.context_length,
          Object.keys(vocab).length,
          PALETTE.map((c) => vocab[`${c.name}</w>`]!),
        );
        const text = await PromptEncoder.open(
          textModel,
          JSON.stringify(json),
          {
            inputs: { ids: 'input_ids' },
            outputs: ['embedding'],
            contextLength: def.context_length,
            padToken: CLIP_STYLE_EOS,
            label: "the suite's CLIP text encoder",
          },
          ep,
        );
        return new ClipModelSession(image, text, 'embedding');
      }
      const path = (part: { file: string; sha256: string }) => verifyAsset(dirs.modelsDir, { ...part, source: def.source }, 'model');
      const image = await FeatureExtractor.fromModel(
        await readFile(await path(def.image)),
        {
          inputSize: def.image.input_size,
          normalization: def.image.normalization,
          preprocessing: def.image.preprocessing,
          names: { images: def.image.input, pool: def.image.output },
        },
        ep,
      );
      const text = await PromptEncoder.open(
        await readFile(await path(def.text)),
        await readFile(await path(def.tokenizer), 'utf8'),
        {
          inputs: def.text.inputs,
          outputs: [def.text.output],
          contextLength: def.text.context_length,
          padToken: def.tokenizer.pad_token,
          label: "the suite's CLIP text encoder",
        },
        ep,
      );
      return new ClipModelSession(image, text, def.text.output);
    } catch (err) {
      if (err instanceof TokenizerLoadError || err instanceof TextEncoderError)
        throw new SuiteFailure(`the suite's CLIP model cannot be used: ${err.message}`, { cause: err });
      throw err;
    }
  }

  /** L2-normalised image embeddings of uint8 NHWC images. */
  async embedImages(images: Uint8Array, count: number, resolution: number): Promise<{ data: Float32Array; dim: number }> {
    const f = await this.image.extract(images, count, resolution);
    return { data: l2NormalizeRows(f.pool, count, f.poolDim), dim: f.poolDim };
  }

  /** L2-normalised prompt embeddings, and which prompts were cut to the tokenizer's length. */
  async embedPrompts(prompts: readonly string[]): Promise<{ data: Float32Array; dim: number; truncated: number }> {
    try {
      const e = await this.text.encode(prompts);
      const out = e.outputs[this.textOutput]!;
      const dim = out.rowShape.reduce((a, b) => a * b, 1);
      return { data: l2NormalizeRows(out.data, out.rows, dim), dim, truncated: e.truncated.length };
    } catch (err) {
      if (err instanceof TextEncoderError) throw new SuiteFailure(err.message, { cause: err });
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.image.close();
    await this.text.close();
  }
}
