import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DenoiserManifest } from '../../contracts/manifest/denoiser-manifest.schemas.js';
import type { GeneratorManifest } from '../../contracts/manifest/manifest.schemas.js';
import type { SamplesManifest } from '../../contracts/manifest/samples-manifest.schemas.js';
import { writeNpz } from '../../runner/src/io/npz.js';
import { attr, GraphBuilder } from '../../runner/src/onnx/graph-builder.js';
import { CLIP_STYLE_EOS, clipStyleTokenizerJson } from '../../runner/src/text/clip-style-tokenizer.js';
import { drawPrompt, PALETTE, PROMPT_WORDS, syntheticPrompts } from '../../runner/src/text/synthetic-prompts.js';

/**
 * Example text-to-image submissions for smoke-t2i-32, written with the project's ONNX writer: a text encoder
 * reading the two colour words of a prompt into a context [N, 2, K] (one-hot foreground and background
 * colour), and models that draw from it — the foreground colour in a disc at the centre on the background
 * colour — or, prompt-ignoring, always a red disc on blue. The empty prompt has no colour words: its context
 * is zero and a prompt-following model then draws flat grey, which classifier-free guidance pushes away from.
 */

const RESOLUTION = 32;
export const EXAMPLE_CONTEXT_LENGTH = 16;
const K = PALETTE.length;

export function exampleTokenizerJson(): string {
  return JSON.stringify(clipStyleTokenizerJson(PROMPT_WORDS));
}

/** input_ids int64 [N, 16] → context float32 [N, 2, K]: rows of a one-hot table at the tokens 2 and 6. */
export function buildExampleTextEncoder(): Uint8Array {
  const json = clipStyleTokenizerJson(PROMPT_WORDS);
  const vocab = (json.model as { vocab: Record<string, number> }).vocab;
  const V = Object.keys(vocab).length;
  const table = new Float32Array(V * K);
  PALETTE.forEach((c, k) => (table[vocab[`${c.name}</w>`]! * K + k] = 1));
  const g = new GraphBuilder({ name: 'example-t2i-text-encoder' });
  g.input('input_ids', 'int64', ['batch', EXAMPLE_CONTEXT_LENGTH]);
  g.initializer('positions', BigInt64Array.from([2n, 6n]), [2]).initializer('table', table, [V, K]);
  g.node('Gather', ['input_ids', 'positions'], ['colour_ids'], { axis: attr.int(1) }).node('Gather', ['table', 'colour_ids'], ['context'], {
    axis: attr.int(0),
  });
  g.output('context', 'float32', ['batch', 2, K]);
  return g.toBytes();
}

/** The disc every example draws, [1, 1, R, R]: 1 inside radius 0.32·R of the centre. */
function discMask(): Float32Array {
  const m = new Float32Array(RESOLUTION * RESOLUTION);
  const c = RESOLUTION / 2;
  const r = 0.32 * RESOLUTION;
  for (let y = 0; y < RESOLUTION; y++)
    for (let x = 0; x < RESOLUTION; x++) m[y * RESOLUTION + x] = (x + 0.5 - c) ** 2 + (y + 0.5 - c) ** 2 <= r * r ? 1 : 0;
  return m;
}

/**
 * Adds the drawing to `g`: from `context` [N, 2, K] (or, prompt-ignoring, a fixed red/blue context) to
 * `image` [N, 3, R, R] in [−1, 1]: background + (foreground − background) · mask, the mask a centred disc or
 * the graph's own tensor `mask` ([N or 1, 1, R, R], 1 on the shape).
 */
export function drawFromContext(g: GraphBuilder, followPrompt: boolean, mask = 'disc'): void {
  const palette = new Float32Array(K * 3);
  PALETTE.forEach((c, k) => c.rgb.forEach((v, ch) => (palette[k * 3 + ch] = v / 127.5 - 1)));
  g.initializer('palette', palette, [K, 3]);
  if (mask === 'disc') g.initializer('disc', discMask(), [1, 1, RESOLUTION, RESOLUTION]);
  g.initializer('idx0', BigInt64Array.from([0n]), []).initializer('idx1', BigInt64Array.from([1n]), []);
  g.initializer('col_shape', BigInt64Array.from([0n, 3n, 1n, 1n]), [4]);
  let ctx = 'context';
  if (!followPrompt) {
    const fixed = new Float32Array(2 * K);
    fixed[0] = 1; // red foreground
    fixed[K + 2] = 1; // blue background
    g.initializer('fixed_context', fixed, [1, 2, K]).initializer('zero', new Float32Array([0]), []);
    g.node('Mul', ['context', 'zero'], ['ignored']).node('Add', ['ignored', 'fixed_context'], ['fixed']);
    ctx = 'fixed';
  }
  g.node('MatMul', [ctx, 'palette'], ['colours']) // [N, 2, 3]
    .node('Gather', ['colours', 'idx0'], ['fg_flat'], { axis: attr.int(1) })
    .node('Gather', ['colours', 'idx1'], ['bg_flat'], { axis: attr.int(1) })
    .node('Reshape', ['fg_flat', 'col_shape'], ['fg'])
    .node('Reshape', ['bg_flat', 'col_shape'], ['bg'])
    .node('Sub', ['fg', 'bg'], ['diff'])
    .node('Mul', ['diff', mask], ['shape'])
    .node('Add', ['bg', 'shape'], ['image']);
}

/**
 * A text-conditioned denoiser predicting x0 = the drawing of its context, whatever x_t and t (both still
 * read, multiplied by 0, so the graph uses every input it declares).
 */
export function buildExampleTextDenoiser(followPrompt: boolean): Uint8Array {
  const g = new GraphBuilder({ name: 'example-t2i-denoiser' });
  g.input('x_t', 'float32', ['batch', 3, RESOLUTION, RESOLUTION])
    .input('t', 'float32', ['batch'])
    .input('context', 'float32', ['batch', 2, K]);
  drawFromContext(g, followPrompt);
  g.initializer('nothing', new Float32Array([0]), []).initializer('t_shape', BigInt64Array.from([-1n, 1n, 1n, 1n]), [4]);
  g.node('Mul', ['x_t', 'nothing'], ['x_zero'])
    .node('Reshape', ['t', 't_shape'], ['t4'])
    .node('Mul', ['t4', 'nothing'], ['t_zero'])
    .node('Add', ['image', 'x_zero'], ['with_x'])
    .node('Add', ['with_x', 't_zero'], ['x0']);
  g.output('x0', 'float32', ['batch', 3, RESOLUTION, RESOLUTION]);
  return g.toBytes();
}

/** A one-step text-conditioned generator: noise z [N, 8] (read, times 0) + context → the drawing. */
export function buildExampleTextGenerator(followPrompt: boolean): Uint8Array {
  const g = new GraphBuilder({ name: 'example-t2i-generator' });
  g.input('z', 'float32', ['batch', 8]).input('context', 'float32', ['batch', 2, K]);
  drawFromContext(g, followPrompt);
  g.initializer('nothing', new Float32Array([0]), []).initializer('z_sum_axes', BigInt64Array.from([1n]), [1]);
  g.initializer('z_shape', BigInt64Array.from([-1n, 1n, 1n, 1n]), [4]);
  g.node('ReduceSum', ['z', 'z_sum_axes'], ['z_sum'], { keepdims: attr.int(0) })
    .node('Reshape', ['z_sum', 'z_shape'], ['z4'])
    .node('Mul', ['z4', 'nothing'], ['z_zero'])
    .node('Add', ['image', 'z_zero'], ['images']);
  g.output('images', 'float32', ['batch', 3, RESOLUTION, RESOLUTION]);
  return g.toBytes();
}

export const EXAMPLE_TEXT_ENCODER = {
  inputs: { ids: 'input_ids' },
  outputs: { context: 'context' },
  context_length: EXAMPLE_CONTEXT_LENGTH,
  pad_token: CLIP_STYLE_EOS,
};

export function exampleTextDenoiserManifest(name: string): DenoiserManifest {
  return {
    name,
    kind: 'denoiser',
    resolution: RESOLUTION,
    classes: 0,
    channels: 3,
    inputs: { x: 'x_t', t: 't', context: 'context' },
    outputs: { prediction: 'x0' },
    prediction: 'x0',
    schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000, continuous: false },
    time_input: 'sigma',
    output_range: [-1, 1],
    text_encoder: EXAMPLE_TEXT_ENCODER,
  };
}

export function exampleTextGeneratorManifest(name: string): GeneratorManifest {
  return {
    name,
    kind: 'generator',
    resolution: RESOLUTION,
    classes: 0,
    inputs: { noise: 'z', context: 'context' },
    outputs: { images: 'images' },
    noise_dim: 8,
    output_range: [-1, 1],
    text_encoder: EXAMPLE_TEXT_ENCODER,
  };
}

export function exampleSampleBatchManifest(name: string): SamplesManifest {
  return { name, kind: 'samples', resolution: RESOLUTION, classes: 0, prompts: 'smoke-t2i-32' };
}

/** A sample batch answering smoke-t2i-32's prompts: each drawn by the project with seed 2 (the reference uses 1). */
export function exampleSampleBatchImages(count?: number): { data: Uint8Array; shape: number[] } {
  const prompts = syntheticPrompts(0);
  const n = count ?? prompts.length;
  const R = RESOLUTION;
  const data = new Uint8Array(n * R * R * 3);
  for (let i = 0; i < n; i++) data.set(drawPrompt(prompts[i % prompts.length]!, R, 2, i), i * R * R * 3);
  return { data, shape: [n, R, R, 3] };
}

export async function writeExampleSampleBatch(path: string, count?: number): Promise<void> {
  const { data, shape } = exampleSampleBatchImages(count);
  await writeNpz(path, { arr_0: { dtype: 'uint8', shape, data } });
}

/** A demo submission: the main file, its manifest, and the companion files by multipart field. */
export interface ExampleTextToImageSubmission {
  name: string;
  modelPath: string;
  manifestPath: string;
  companions: Array<{ field: string; path: string }>;
}

/** Writes the demo's text-to-image submissions into `dir`: the prompt-following denoiser (with its text encoder and tokenizer) and a sample batch. */
export async function writeExampleTextToImage(dir: string): Promise<ExampleTextToImageSubmission[]> {
  await mkdir(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  const denoiser = exampleTextDenoiserManifest('t2i-disc-ddim');
  const samples = exampleSampleBatchManifest('t2i-drawn-samples');
  await writeFile(file('t2i-disc-ddim.onnx'), buildExampleTextDenoiser(true));
  await writeFile(file('t2i-disc-ddim.json'), JSON.stringify(denoiser, null, 2) + '\n');
  await writeFile(file('t2i-text-encoder.onnx'), buildExampleTextEncoder());
  await writeFile(file('t2i-tokenizer.json'), exampleTokenizerJson());
  await writeExampleSampleBatch(file('t2i-drawn-samples.npz'));
  await writeFile(file('t2i-drawn-samples.json'), JSON.stringify(samples, null, 2) + '\n');
  return [
    {
      name: denoiser.name,
      modelPath: file('t2i-disc-ddim.onnx'),
      manifestPath: file('t2i-disc-ddim.json'),
      companions: [
        { field: 'text_encoder', path: file('t2i-text-encoder.onnx') },
        { field: 'tokenizer', path: file('t2i-tokenizer.json') },
      ],
    },
    { name: samples.name, modelPath: file('t2i-drawn-samples.npz'), manifestPath: file('t2i-drawn-samples.json'), companions: [] },
  ];
}
