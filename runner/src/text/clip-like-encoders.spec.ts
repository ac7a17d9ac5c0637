import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { clipScore } from '../metrics/clip-score.js';
import { cmmd } from '../metrics/cmmd.js';
import type { FeatureSet } from '../metrics/precision-recall.js';
import { normalizeNhwc } from '../preprocessing/normalization.js';
import { buildClipLikeImageEncoder, buildClipLikeTextEncoder } from './clip-like-encoders.js';
import { CLIP_STYLE_EOS, clipStyleTokenizerJson } from './clip-style-tokenizer.js';
import { drawPrompt, PALETTE, parsePrompt, PROMPT_WORDS, syntheticPrompts, type SyntheticPrompt } from './synthetic-prompts.js';
import { tokenizerFromJson } from './tokenizer.js';

const SIZE = 32;
const CONTEXT = 16;
const tokenizerJson = clipStyleTokenizerJson(PROMPT_WORDS);
const vocab = (tokenizerJson.model as { vocab: Record<string, number> }).vocab;
const tokenizer = tokenizerFromJson(JSON.stringify(tokenizerJson), { contextLength: CONTEXT, padToken: CLIP_STYLE_EOS });

async function embedImages(session: ort.InferenceSession, images: Uint8Array[]): Promise<FeatureSet> {
  const n = images.length;
  const nhwc = new Uint8Array(n * SIZE * SIZE * 3);
  images.forEach((im, i) => nhwc.set(im, i * im.length));
  const x = normalizeNhwc(nhwc, n, SIZE, 'minus-one-one');
  const out = await session.run({ images: new ort.Tensor('float32', x, [n, 3, SIZE, SIZE]) });
  const e = out.embedding!;
  return { data: e.data as Float32Array, rows: n, dim: e.dims[1]! };
}

async function embedPrompts(session: ort.InferenceSession, prompts: string[]): Promise<FeatureSet> {
  const enc = tokenizer.encode(prompts);
  const out = await session.run({ input_ids: new ort.Tensor('int64', enc.ids, [enc.rows, CONTEXT]) });
  const e = out.embedding!;
  return { data: e.data as Float32Array, rows: enc.rows, dim: e.dims[1]! };
}

describe('smoke text-to-image: synthetic prompts and the tiny CLIP-like encoder pair', () => {
  it('publishes 224 distinct seeded prompts of the template, the order depending on the seed', () => {
    const a = syntheticPrompts(0);
    expect(a).toHaveLength(224);
    expect(new Set(a.map((p) => p.text)).size).toBe(224);
    expect(a.map((p) => p.text)).toEqual(syntheticPrompts(0).map((p) => p.text));
    expect(a.map((p) => p.text)).not.toEqual(syntheticPrompts(1).map((p) => p.text));
    for (const p of a) expect(parsePrompt(p.text)).toEqual(p);
    expect(a.map((p) => p.text)).toContain('a red circle on a blue background');
  });

  it('draws the background colour at the frame and the foreground colour at the centre, for every shape', () => {
    for (const p of syntheticPrompts(0).slice(0, 40)) {
      const im = drawPrompt(p, SIZE, 3, 7);
      const at = (x: number, y: number) => Array.from(im.subarray((y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3));
      expect(at(0, 0)).toEqual([...PALETTE[p.background]!.rgb]);
      expect(at(SIZE / 2, SIZE / 2)).toEqual([...PALETTE[p.foreground]!.rgb]);
    }
  });

  it('a prompt-following model beats a prompt-ignoring one on CLIP score and CMMD', async () => {
    const imageEncoder = await ort.InferenceSession.create(buildClipLikeImageEncoder(SIZE));
    const colourIds = PALETTE.map((c) => vocab[`${c.name}</w>`]!);
    const textEncoder = await ort.InferenceSession.create(buildClipLikeTextEncoder(CONTEXT, Object.keys(vocab).length, colourIds));
    const prompts = syntheticPrompts(0);
    const reference = await embedImages(
      imageEncoder,
      prompts.map((p, i) => drawPrompt(p, SIZE, 0, i)),
    );
    const text = await embedPrompts(
      textEncoder,
      prompts.map((p) => p.text),
    );
    // Following: draws each prompt (its own seed); ignoring: draws one fixed prompt for all of them.
    const fixed: SyntheticPrompt = parsePrompt('a red circle on a blue background')!;
    const following = await embedImages(
      imageEncoder,
      prompts.map((p, i) => drawPrompt(p, SIZE, 1, i)),
    );
    const ignoring = await embedImages(
      imageEncoder,
      prompts.map((_, i) => drawPrompt(fixed, SIZE, 1, i)),
    );
    const scoreFollowing = clipScore(following, text).clip_score;
    const scoreIgnoring = clipScore(ignoring, text).clip_score;
    const cmmdFollowing = (await cmmd(following, reference, { backend: 'js' })).cmmd;
    const cmmdIgnoring = (await cmmd(ignoring, reference, { backend: 'js' })).cmmd;
    // The image and prompt embeddings agree (near 100) when the colours are right.
    expect(scoreFollowing).toBeGreaterThan(95);
    expect(scoreIgnoring).toBeLessThan(scoreFollowing - 50);
    expect(cmmdFollowing).toBeLessThan(0.01);
    expect(cmmdIgnoring).toBeGreaterThan(100 * Math.max(cmmdFollowing, 1e-4));
  });
});
