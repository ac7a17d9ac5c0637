// Prompt tokenization for text encoders, from a Hugging Face `tokenizer.json` loaded by
// @huggingface/tokenizers (the tokenizer library of transformers.js; pure JavaScript, reads only the given
// file, never the network). Truncation and padding follow Hugging Face's tokenizers for a fixed context
// length L (CLIP's 77): a prompt longer than L keeps its special tokens (e.g. <|startoftext|> … <|endoftext|>)
// and loses tokens from the right end of its text; shorter ones are padded on the right with the pad id and
// an attention mask of 0. The cut is per prompt and reported, so provenance can record it.

import { readFile } from 'node:fs/promises';
import * as hf from '@huggingface/tokenizers';

// The package's .d.ts files import each other without extensions, which NodeNext resolution does not follow,
// so its types arrive unresolved: the part used here, typed by hand (types/core/Tokenizer.d.ts, 0.2.0).
interface HfTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[]; tokens: string[] };
  token_to_id(token: string): number | undefined;
}
const Tokenizer = (hf as unknown as { Tokenizer: new (tokenizerJson: object, tokenizerConfig: object) => HfTokenizer }).Tokenizer;

/** A tokenizer.json that cannot be read, parsed, built or used to encode the empty prompt. */
export class TokenizerLoadError extends Error {
  override readonly name = 'TokenizerLoadError';

  constructor(
    readonly problem: string,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(file ? `${file}: ${problem}` : problem, options);
  }
}

export interface TokenizerOptions {
  /** The text encoder's context length L (its token-id input's second dimension). */
  contextLength: number;
  /** The token that pads short prompts, when tokenizer.json has no `padding` section (CLIP's files do not). */
  padToken?: string;
}

export interface PromptEncoding {
  /** int64 token ids, row-major [N, contextLength]. */
  ids: BigInt64Array;
  /** int64 attention mask [N, contextLength]: 1 for tokens, 0 for padding. */
  attentionMask: BigInt64Array;
  rows: number;
  contextLength: number;
  /** Indices of the prompts whose tokens were cut to fit, with how many tokens each had. */
  truncated: { index: number; tokens: number }[];
}

export interface PromptTokenizer {
  readonly contextLength: number;
  /** Tokens kept per prompt: min(contextLength, tokenizer.json's truncation.max_length). */
  readonly maxLength: number;
  readonly padId: number;
  /** Token ids of one prompt, special tokens included, before truncation. */
  tokenIds(prompt: string): number[];
  encode(prompts: readonly string[]): PromptEncoding;
}

interface TokenizerJson {
  model?: unknown;
  truncation?: { max_length?: unknown; direction?: unknown } | null;
  padding?: { pad_id?: unknown; pad_token?: unknown; direction?: unknown } | null;
}

const MODEL_TYPES = ['BPE', 'WordPiece', 'WordLevel', 'Unigram'];

function sameIds(a: readonly number[], at: number, b: readonly number[]): boolean {
  for (let i = 0; i < b.length; i++) if (a[at + i] !== b[i]) return false;
  return true;
}

/** Builds a tokenizer from tokenizer.json text; `file` only names it in errors. */
export function tokenizerFromJson(text: string, options: TokenizerOptions, file?: string): PromptTokenizer {
  const fail = (problem: string, cause?: unknown): never => {
    throw new TokenizerLoadError(problem, file, cause === undefined ? undefined : { cause });
  };
  const L = options.contextLength;
  if (!Number.isSafeInteger(L) || L < 2) fail(`the text encoder's context length must be an integer ≥ 2, got ${L}`);
  let json: TokenizerJson = {};
  try {
    json = JSON.parse(text) as TokenizerJson;
  } catch (err) {
    fail(`not a tokenizer.json: invalid JSON (${(err as Error).message})`, err);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('not a tokenizer.json: the file is not a JSON object');
  if (typeof json.model !== 'object' || json.model === null)
    fail("not a tokenizer.json: it has no 'model' section (a Hugging Face tokenizers file has model, normalizer, pre_tokenizer, …)");
  // The library quietly falls back to a legacy vocabulary model for types it does not know; Hugging Face's
  // tokenizers writes one of these four.
  const modelType = (json.model as { type?: unknown }).type;
  if (!MODEL_TYPES.includes(modelType as string))
    fail(`tokenizer.json does not load: model type ${JSON.stringify(modelType)} is not one of ${MODEL_TYPES.join(', ')}`);
  let tokenizer: HfTokenizer | undefined;
  try {
    tokenizer = new Tokenizer(json, {});
  } catch (err) {
    fail(`tokenizer.json does not load: ${(err as Error).message}`, err);
  }
  const tok = tokenizer!;
  const encodeIds = (prompt: string, specials: boolean): number[] => {
    const e = tok.encode(prompt, { add_special_tokens: specials });
    const bad = e.ids.findIndex((x) => !Number.isSafeInteger(x));
    if (bad >= 0)
      throw new TokenizerLoadError(`token ${JSON.stringify(e.tokens[bad])} has no id and the vocabulary has no unk_token`, file);
    return e.ids;
  };

  const jsonMax = json.truncation?.max_length;
  if (jsonMax !== undefined && (!Number.isSafeInteger(jsonMax) || (jsonMax as number) < 1))
    fail(`truncation.max_length must be a positive integer, got ${JSON.stringify(jsonMax)}`);
  if (json.truncation?.direction !== undefined && json.truncation.direction !== 'Right')
    fail(`only right truncation is supported, the file asks for ${JSON.stringify(json.truncation.direction)}`);
  const maxLength = Math.min(L, (jsonMax as number | undefined) ?? L);

  let padId: number | undefined;
  if (options.padToken !== undefined) {
    padId = tok.token_to_id(options.padToken);
    if (padId === undefined) fail(`the pad token ${JSON.stringify(options.padToken)} is not in the vocabulary`);
  } else if (json.padding && json.padding.pad_id !== undefined) {
    if (!Number.isSafeInteger(json.padding.pad_id) || (json.padding.pad_id as number) < 0)
      fail(`padding.pad_id must be a non-negative integer, got ${JSON.stringify(json.padding.pad_id)}`);
    padId = json.padding.pad_id as number;
  } else {
    fail('no pad token: the tokenizer.json has no padding section, and none was named (CLIP pads with <|endoftext|>)');
  }
  if (json.padding?.direction !== undefined && json.padding.direction !== 'Right')
    fail(`only right padding is supported, the file asks for ${JSON.stringify(json.padding.direction)}`);

  // Specials around the text: those of the empty prompt (e.g. CLIP's <|startoftext|><|endoftext|>).
  let empty: number[] = [];
  try {
    empty = encodeIds('', true);
  } catch (err) {
    fail(`the tokenizer cannot encode the empty prompt: ${(err as Error).message}`, err);
  }
  if (empty.length === 0) fail('the tokenizer encodes the empty prompt as no tokens: a text encoder needs at least one');
  if (empty.length > maxLength) fail(`the empty prompt alone is ${empty.length} tokens, more than the ${maxLength} the text encoder takes`);

  const tokenIds = (prompt: string) => encodeIds(prompt, true);
  const fitted = (prompt: string): { ids: number[]; tokens: number } => {
    const full = encodeIds(prompt, true);
    if (full.length <= maxLength) return { ids: full, tokens: full.length };
    // Find the text's own tokens inside the full encoding and cut them, keeping the specials around them.
    const plain = encodeIds(prompt, false);
    const extra = full.length - plain.length;
    let at = -1;
    for (let p = 0; p <= extra; p++) {
      if (sameIds(full, p, plain)) {
        at = p;
        break;
      }
    }
    if (at < 0 || extra < 0)
      throw new TokenizerLoadError(
        `cannot truncate ${JSON.stringify(prompt.slice(0, 40))}: its special tokens are not around its text`,
        file,
      );
    const keep = maxLength - extra;
    return { ids: [...full.slice(0, at), ...plain.slice(0, keep), ...full.slice(at + plain.length)], tokens: full.length };
  };

  return {
    contextLength: L,
    maxLength,
    padId: padId!,
    tokenIds,
    encode(prompts) {
      const n = prompts.length;
      const ids = new BigInt64Array(n * L).fill(BigInt(padId!));
      const attentionMask = new BigInt64Array(n * L);
      const truncated: PromptEncoding['truncated'] = [];
      prompts.forEach((prompt, i) => {
        const f = fitted(prompt);
        if (f.tokens > f.ids.length) truncated.push({ index: i, tokens: f.tokens });
        for (let j = 0; j < f.ids.length; j++) {
          ids[i * L + j] = BigInt(f.ids[j]!);
          attentionMask[i * L + j] = 1n;
        }
      });
      return { ids, attentionMask, rows: n, contextLength: L, truncated };
    },
  };
}

/** Reads and builds a tokenizer.json; every failure is a TokenizerLoadError naming the file. */
export async function loadTokenizer(path: string, options: TokenizerOptions): Promise<PromptTokenizer> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TokenizerLoadError(`cannot read the tokenizer: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, path, {
      cause: err,
    });
  }
  return tokenizerFromJson(text, options, path);
}
