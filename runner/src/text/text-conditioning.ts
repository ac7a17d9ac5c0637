// A text-conditioned submission's conditioning: its own text encoder and tokenizer (manifest `text_encoder`),
// the encoding of prompts fed to the model's `inputs.context`, and the empty prompt's encoding as the
// unconditional input of classifier-free guidance (as Stable Diffusion does). Shared by every family that
// conditions a model on text (text-to-image; image-conditioned and video ones reuse it).

import * as ort from 'onnxruntime-node';
import { contextOutput, type TextEncoderSpec } from '../../../contracts/manifest/text-conditioning.schemas.js';
import { ModelFailure } from '../evaluation/model-failure.js';
import type { ExecutionProvider } from '../evaluation/onnx-session.js';
import { PromptEncoder, TextEncoderError } from './text-encoder.js';
import { TokenizerLoadError } from './tokenizer.js';

/** What provenance records about the text conditioning of a run. */
export interface TextConditioningRecord {
  contextLength: number;
  /** Tokens kept per prompt (the tokenizer's max length within the context length); longer prompts were cut. */
  tokenizerMaxLength: number;
  /** The encoder output fed to the model, and its shape per prompt. */
  output: { name: string; role: 'context' | 'pooled'; shape: number[] };
  unconditional: 'empty-prompt-encoding';
  truncatedPrompts: number;
  /** The first truncated prompts (index in the suite's list, tokens before the cut). */
  truncated: { index: number; tokens: number }[];
}

export class TextConditioning {
  private truncated: { index: number; tokens: number }[] = [];
  private truncatedCount = 0;

  private constructor(
    private readonly encoder: PromptEncoder,
    private readonly spec: TextEncoderSpec,
    private readonly output: { name: string; role: 'context' | 'pooled' },
    /** The empty prompt's encoding, one row. */
    readonly empty: Float32Array,
    readonly rowShape: number[],
  ) {}

  /**
   * Opens the submission's encoder and tokenizer and encodes the empty prompt; every fault is the model's:
   * a tokenizer.json that does not load, an encoder lacking a declared tensor or returning non-float output.
   */
  static async open(
    encoderModel: Uint8Array | undefined,
    tokenizerJson: Uint8Array | string | undefined,
    spec: TextEncoderSpec,
    ep: ExecutionProvider,
  ): Promise<TextConditioning> {
    if (!encoderModel) throw new ModelFailure('the manifest declares a text_encoder but the submission has no text encoder file');
    if (tokenizerJson === undefined)
      throw new ModelFailure('the manifest declares a text_encoder but the submission has no tokenizer file');
    const output = contextOutput(spec);
    try {
      const encoder = await PromptEncoder.open(
        encoderModel,
        typeof tokenizerJson === 'string' ? tokenizerJson : Buffer.from(tokenizerJson).toString('utf8'),
        { inputs: spec.inputs, outputs: [output.name], contextLength: spec.context_length, padToken: spec.pad_token },
        ep,
      );
      const e = await encoder.encode(['']);
      const o = e.outputs[output.name]!;
      if (output.role === 'context' && o.rowShape.length !== 2)
        throw new TextEncoderError(
          `the text encoder's outputs.context "${output.name}" must be [N, L, D]; it is [N, ${o.rowShape.join(', ')}]`,
        );
      if (output.role === 'pooled' && o.rowShape.length !== 1)
        throw new TextEncoderError(
          `the text encoder's outputs.pooled "${output.name}" must be [N, D]; it is [N, ${o.rowShape.join(', ')}]`,
        );
      return new TextConditioning(encoder, spec, output, o.data, o.rowShape);
    } catch (err) {
      if (err instanceof TokenizerLoadError) throw new ModelFailure(`the tokenizer does not load: ${err.message}`, { cause: err });
      if (err instanceof TextEncoderError) throw new ModelFailure(err.message, { cause: err });
      throw err;
    }
  }

  get executionProvider(): ExecutionProvider {
    return this.encoder.executionProvider;
  }

  get warnings(): string[] {
    return this.encoder.warnings.map((w) => `text encoder: ${w}`);
  }

  /**
   * Refuses a model that has no input `inputName` (its inputs.context), or whose context input cannot take this
   * encoding: its declared dimensions (other than the batch, and the symbolic ones) must equal the encoder's
   * per-prompt shape.
   */
  checkFits(session: ort.InferenceSession, inputName: string, what: string): void {
    if (!session.inputNames.includes(inputName))
      throw new ModelFailure(
        `the graph has no input named "${inputName}" for inputs.context (its inputs: ${session.inputNames.join(', ')})`,
      );
    const meta = session.inputMetadata.find((m) => m.name === inputName);
    if (!meta?.isTensor) return;
    const want = this.rowShape;
    const dims = meta.shape.slice(1);
    const fits = meta.type === 'float32' && dims.length === want.length && dims.every((d, i) => typeof d !== 'number' || d === want[i]);
    if (!fits)
      throw new ModelFailure(
        `the text encoder's output "${this.output.name}" is float32 [N, ${want.join(', ')}] but the ${what}'s input "${inputName}" takes ${meta.type} [${meta.shape.join(', ')}]: the encoder does not fit the ${what}`,
      );
  }

  /** The encodings of `prompts` (global indices `indices`, for the provenance of truncation), rows of rowShape. */
  async encode(prompts: readonly string[], indices: ArrayLike<number>): Promise<Float32Array> {
    try {
      const e = await this.encoder.encode(prompts);
      this.truncatedCount += e.truncated.length;
      for (const t of e.truncated) if (this.truncated.length < 20) this.truncated.push({ index: indices[t.index]!, tokens: t.tokens });
      return e.outputs[this.output.name]!.data;
    } catch (err) {
      if (err instanceof TextEncoderError) throw new ModelFailure(err.message, { cause: err });
      throw err;
    }
  }

  record(): TextConditioningRecord {
    return {
      contextLength: this.spec.context_length,
      tokenizerMaxLength: this.encoder.maxLength,
      output: { ...this.output, shape: this.rowShape },
      unconditional: 'empty-prompt-encoding',
      truncatedPrompts: this.truncatedCount,
      truncated: this.truncated,
    };
  }

  async close(): Promise<void> {
    await this.encoder.close();
  }
}
