// The CLIP round trip through the real CLI (bin/genbench.js): `genbench prompts` → `genbench features` with a
// CLIP extractor manifest (clip, clip_text) → `genbench metrics --json` (clip_score, cmmd), on the smoke
// suite's tiny CLIP-like encoders, checked against CLIP score and CMMD computed directly from onnxruntime
// runs of the same encoders and float64 formulas written here.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpz, writeNpz } from '../../io/npz.js';
import { preprocess } from '../../preprocessing/preprocess.js';
import { buildClipLikeImageEncoder, buildClipLikeTextEncoder } from '../../text/clip-like-encoders.js';
import { CLIP_STYLE_EOS, clipStyleTokenizerJson } from '../../text/clip-style-tokenizer.js';
import { drawPrompt, parsePrompt, PALETTE, PROMPT_WORDS } from '../../text/synthetic-prompts.js';
import { tokenizerFromJson } from '../../text/tokenizer.js';
import { runCommand } from '../../../../test/support/run-command.js';
import { CliError } from '../cli-error.js';
import { register } from './features.command.js';

const BIN = join(import.meta.dirname, '../../../../bin/genbench.js');
const SIZE = 32;
const CONTEXT = 16;
const WRONG = 40; // the last WRONG samples draw another prompt's image

async function genbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function unitRows(data: Float32Array, rows: number, dim: number): Float64Array[] {
  return Array.from({ length: rows }, (_, i) => {
    const r = Float64Array.from(data.subarray(i * dim, (i + 1) * dim));
    const n = Math.hypot(...r);
    return r.map((v) => v / n);
  });
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, c) => s + v * b[c]!, 0);

function meanKernel(a: Float64Array[], b: Float64Array[]): number {
  let s = 0;
  for (const x of a) for (const y of b) s += Math.exp(-x.reduce((d, v, c) => d + (v - y[c]!) ** 2, 0) / (2 * 10 ** 2));
  return s / (a.length * b.length);
}

describe('genbench features with a CLIP extractor manifest → genbench metrics', () => {
  let dir: string;
  const files = {} as Record<'image' | 'text' | 'tokenizer' | 'manifest' | 'prompts' | 'samples' | 'reference', string>;
  let prompts: string[];
  let sampleImages: Uint8Array;
  let referenceImages: Uint8Array;
  const tokenizerJson = clipStyleTokenizerJson(PROMPT_WORDS);
  const vocab = (tokenizerJson.model as { vocab: Record<string, number> }).vocab;
  const imageModel = buildClipLikeImageEncoder(SIZE);
  const textModel = buildClipLikeTextEncoder(
    CONTEXT,
    Object.keys(vocab).length,
    PALETTE.map((c) => vocab[`${c.name}</w>`]!),
  );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-clip-features-'));
    for (const k of ['image', 'text', 'tokenizer', 'manifest', 'prompts', 'samples', 'reference'] as const)
      files[k] = join(
        dir,
        {
          image: 'image.onnx',
          text: 'text.onnx',
          tokenizer: 'tokenizer.json',
          manifest: 'clip.json',
          prompts: 'prompts.jsonl',
          samples: 'samples.npz',
          reference: 'reference.npz',
        }[k],
      );
    await writeFile(files.image, imageModel);
    await writeFile(files.text, textModel);
    await writeFile(files.tokenizer, JSON.stringify(tokenizerJson));
    await writeFile(
      files.manifest,
      JSON.stringify({
        name: 'clip-like',
        kind: 'clip-extractor',
        image: { input_size: SIZE, preprocessing: 'tf1-bilinear', normalization: 'minus-one-one', input: 'images', output: 'embedding' },
        text: { context_length: CONTEXT, inputs: { ids: 'input_ids' }, output: 'embedding' },
        tokenizer: { pad_token: CLIP_STYLE_EOS },
      }),
    );
    const p = await genbench('prompts', 'smoke-t2i-32', '--out', files.prompts);
    expect(p.code, p.stderr).toBe(0);
    prompts = (await readFile(files.prompts, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { prompt: string }).prompt);
    const n = prompts.length;
    const plane = SIZE * SIZE * 3;
    sampleImages = new Uint8Array(n * plane);
    referenceImages = new Uint8Array(n * plane);
    prompts.forEach((text, i) => {
      const own = parsePrompt(text)!;
      const drawn = i < n - WRONG ? own : parsePrompt(prompts[(i + 7) % n]!)!;
      sampleImages.set(drawPrompt(drawn, SIZE, 1, i), i * plane);
      referenceImages.set(drawPrompt(own, SIZE, 2, i), i * plane);
    });
    await writeNpz(files.samples, { arr_0: { dtype: 'uint8', shape: [n, SIZE, SIZE, 3], data: sampleImages } });
    await writeNpz(files.reference, { arr_0: { dtype: 'uint8', shape: [n, SIZE, SIZE, 3], data: referenceImages } });
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes clip and clip_text, and metrics --json gives clip_score (1e-6 relative) and cmmd (1e-4 relative) of a direct computation', async () => {
    const n = prompts.length;
    const sFeat = join(dir, 'samples-clip.npz');
    const rFeat = join(dir, 'reference-clip.npz');
    const common = ['--extractor', files.image, '--manifest', files.manifest, '--batch-size', '50'];
    const s = await genbench(
      'features',
      '--images',
      files.samples,
      ...common,
      '--text-encoder',
      files.text,
      '--tokenizer',
      files.tokenizer,
      '--prompts',
      files.prompts,
      '--out',
      sFeat,
    );
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toContain(`clip [${n}, 16], clip_text [${n}, 16]`);
    const r = await genbench('features', '--images', files.reference, ...common, '--out', rFeat);
    expect(r.code, r.stderr).toBe(0);
    const written = await readNpz(sFeat);
    expect(Object.keys(written).sort()).toEqual(['clip', 'clip_text']);
    expect(Object.keys(await readNpz(rFeat))).toEqual(['clip']);

    const m = await genbench('metrics', '--samples', sFeat, '--reference', rFeat, '--json');
    expect(m.code, m.stderr).toBe(0);
    const report = JSON.parse(m.stdout) as { clip_score: number; cmmd: number };

    // Direct: the encoders run by onnxruntime, the tokenizer by @huggingface/tokenizers, formulas in float64.
    const embed = async (model: Uint8Array, feeds: Record<string, ort.Tensor>) => {
      const session = await ort.InferenceSession.create(model);
      const out = (await session.run(feeds)).embedding!;
      await session.release();
      return unitRows(out.data as Float32Array, n, out.dims[1]);
    };
    const imageFeeds = (images: Uint8Array) => ({
      images: new ort.Tensor('float32', preprocess(images, n, SIZE, 'tf1-bilinear', SIZE, 'minus-one-one'), [n, 3, SIZE, SIZE]),
    });
    const ids = tokenizerFromJson(JSON.stringify(tokenizerJson), { contextLength: CONTEXT, padToken: CLIP_STYLE_EOS }).encode(prompts).ids;
    const x = await embed(imageModel, imageFeeds(sampleImages));
    const y = await embed(imageModel, imageFeeds(referenceImages));
    const t = await embed(textModel, { input_ids: new ort.Tensor('int64', ids, [n, CONTEXT]) });
    const clipScore = x.reduce((acc, xi, i) => acc + 100 * Math.max(dot(xi, t[i]!), 0), 0) / n;
    const cmmd = 1000 * (meanKernel(x, x) + meanKernel(y, y) - 2 * meanKernel(x, y));

    expect(Math.abs(report.clip_score - clipScore) / clipScore).toBeLessThan(1e-6);
    expect(Math.abs(report.cmmd - cmmd) / cmmd).toBeLessThan(1e-4);
    // A prompt-following batch with WRONG misdrawn images: neither perfect nor meaningless.
    expect(clipScore).toBeGreaterThan(70);
    expect(clipScore).toBeLessThan(99);
    expect(cmmd).toBeGreaterThan(1e-4);
  }, 120_000);

  it('refuses, in process and writing nothing, a prompts file of another count, an empty one, half-given text flags and a tokenizer that does not load', async () => {
    const out = join(dir, 'bad.npz');
    const short = join(dir, 'short.jsonl');
    const empty = join(dir, 'empty.jsonl');
    const bad = join(dir, 'bad-tokenizer.json');
    await writeFile(
      short,
      prompts
        .slice(0, 10)
        .map((prompt, index) => JSON.stringify({ index, prompt }))
        .join('\n') + '\n',
    );
    await writeFile(empty, '');
    await writeFile(bad, '{"not": "a tokenizer"}');
    const features = (...extra: string[]) =>
      runCommand(
        register,
        'features',
        '--images',
        files.samples,
        '--extractor',
        files.image,
        '--manifest',
        files.manifest,
        '--out',
        out,
        ...extra,
      );
    const text = (prompts: string, tokenizer = files.tokenizer) => [
      '--text-encoder',
      files.text,
      '--tokenizer',
      tokenizer,
      '--prompts',
      prompts,
    ];
    await expect(features(...text(short))).rejects.toThrow(
      new CliError(`${short} holds 10 prompts but ${files.samples} ${prompts.length} images: image i must answer prompt i`),
    );
    await expect(features(...text(empty))).rejects.toThrow(new CliError(`${empty}: the prompt list is empty`));
    await expect(features('--prompts', files.prompts)).rejects.toThrow(/need all of --prompts, --text-encoder and --tokenizer/);
    await expect(features(...text(files.prompts, bad))).rejects.toThrow(CliError);
    await expect(features(...text(files.prompts, bad))).rejects.toThrow(bad);
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
    expect((await readdir(dir)).filter((f) => f.startsWith('bad.npz'))).toEqual([]);
  }, 60_000);
});
