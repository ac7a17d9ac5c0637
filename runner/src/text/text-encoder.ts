// A text encoder with its tokenizer: prompts → token ids (+ attention mask) → the encoder's outputs, for the
// text-to-image family and any family conditioned on text (image-conditioned, video). The tokenizer is a
// Hugging Face tokenizer.json (tokenizer.ts); the encoder an ONNX graph taking int64 [N, L] ids (and mask).
// Problems are TextEncoderError / TokenizerLoadError; callers decide whose fault they are (a submission's
// encoder: the model's; a suite's CLIP: the suite's).

import * as ort from 'onnxruntime-node';
import { type ExecutionProvider, firstNonFinite, openSession, runModel } from '../evaluation/onnx-session.js';
import { type PromptTokenizer, tokenizerFromJson } from './tokenizer.js';

/** The encoder graph does not fit its declaration or returned something unusable. */
export class TextEncoderError extends Error {
  override readonly name = 'TextEncoderError';
}

export interface TextEncoderConfig {
  inputs: { ids: string; attention_mask?: string };
  /** Graph outputs to return, each float32 with the batch as first dimension. */
  outputs: readonly string[];
  /** Tokens per prompt (the ids input's second dimension). */
  contextLength: number;
  padToken?: string;
  /** Names the encoder in messages ("the text encoder", "the suite's CLIP text encoder"). */
  label?: string;
}

/** One output for a batch of prompts: float32 [rows, ...rowShape]. */
export interface EncodedOutput {
  data: Float32Array;
  rows: number;
  rowShape: number[];
}

export interface EncodedPrompts {
  outputs: Record<string, EncodedOutput>;
  /** Prompts (index within the call) whose tokens were cut to the tokenizer's max length. */
  truncated: { index: number; tokens: number }[];
}

export class PromptEncoder {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly tokenizer: PromptTokenizer,
    private readonly config: TextEncoderConfig,
    readonly executionProvider: ExecutionProvider,
    readonly warnings: string[],
  ) {}

  /**
   * Loads the tokenizer (TokenizerLoadError), then the graph, and checks that it has the named tensors
   * (TextEncoderError); a graph onnxruntime cannot load is a ModelFailure (openSession).
   */
  static async open(
    model: Uint8Array,
    tokenizerJson: string,
    config: TextEncoderConfig,
    ep: ExecutionProvider = 'cpu',
  ): Promise<PromptEncoder> {
    const tokenizer = tokenizerFromJson(
      tokenizerJson,
      { contextLength: config.contextLength, padToken: config.padToken },
      'tokenizer.json',
    );
    const opened = await openSession(model, ep);
    const { session } = opened;
    const label = config.label ?? 'the text encoder';
    const fail = (message: string) => {
      void session.release();
      throw new TextEncoderError(message);
    };
    for (const [role, name] of Object.entries(config.inputs)) {
      if (name !== undefined && !session.inputNames.includes(name))
        fail(`${label} has no input named "${name}" for inputs.${role} (its inputs: ${session.inputNames.join(', ')})`);
    }
    const missing = config.outputs.find((o) => !session.outputNames.includes(o));
    if (missing !== undefined) fail(`${label} has no output named "${missing}" (its outputs: ${session.outputNames.join(', ')})`);
    return new PromptEncoder(session, tokenizer, config, opened.executionProvider, opened.warnings);
  }

  /** Tokens kept per prompt: the tokenizer's max length within the encoder's context length. */
  get maxLength(): number {
    return this.tokenizer.maxLength;
  }

  async encode(prompts: readonly string[]): Promise<EncodedPrompts> {
    const enc = this.tokenizer.encode(prompts);
    const { inputs } = this.config;
    const L = this.config.contextLength;
    const label = this.config.label ?? 'the text encoder';
    const feeds: Record<string, ort.Tensor> = { [inputs.ids]: new ort.Tensor('int64', enc.ids, [enc.rows, L]) };
    if (inputs.attention_mask) feeds[inputs.attention_mask] = new ort.Tensor('int64', enc.attentionMask, [enc.rows, L]);
    const out = await runModel(this.session, feeds, [...this.config.outputs], `encoding ${enc.rows} prompts with ${label}`);
    const outputs: Record<string, EncodedOutput> = {};
    for (const name of this.config.outputs) {
      const t = out[name]!;
      if (t.type !== 'float32' || t.dims.length < 2 || t.dims[0] !== enc.rows)
        throw new TextEncoderError(
          `${label}'s output "${name}" was ${t.type} [${t.dims.join(', ')}] for ${enc.rows} prompts, expected float32 [${enc.rows}, …]`,
        );
      const data = (t.data as Float32Array).slice();
      const bad = firstNonFinite(data);
      if (bad >= 0) throw new TextEncoderError(`${label}'s output "${name}" holds ${String(data[bad])}; outputs must be finite`);
      outputs[name] = { data, rows: enc.rows, rowShape: t.dims.slice(1) };
    }
    return { outputs, truncated: enc.truncated };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** Rows scaled to unit L2 norm (CLIP embeddings are compared by cosine); a zero row stays zero. */
export function l2NormalizeRows(data: Float32Array, rows: number, dim: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += data[i * dim + c]! * data[i * dim + c]!;
    const n = Math.sqrt(s);
    for (let c = 0; c < dim; c++) out[i * dim + c] = n > 0 ? data[i * dim + c]! / n : 0;
  }
  return out;
}
