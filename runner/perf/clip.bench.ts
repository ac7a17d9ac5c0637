// Benchmark (not a test): CLIP image-embedding throughput of the project's pipeline (FeatureExtractor.extract
// on uint8 NHWC images at their native size → pil-bicubic resize and normalisation (in JavaScript, on the main
// thread before each run, not overlapped with inference; only tf1-bilinear is compiled into the session) →
// image encoder → embedding,
// then L2 normalisation, as ClipModelSession.embedImages does for CLIP score and CMMD) against a bare
// onnxruntime session running the same encoder on tensors already resized and normalised, with the same
// thread count and provider, in one process. Prints img/s of each and their ratio; the target is ≥ 0.90
// (issue #15.7).
//
// The encoder is CLIP ViT-B/32's image tower in size (224² input, 32×32 patches → 49 tokens + class token,
// width 768, 12 layers of 12-head attention and a 3,072-wide QuickGELU MLP, pre-LayerNorm, projection to
// 512; about 4.4 GFLOPs per image), written with the project's ONNX writer with random weights, since the
// real CLIP's weights are not in the repository. Images are 256×256 uint8, resized with pil-bicubic.
//   npm run bench:clip                                   (CPU, batch 16, every core)
//   npm run bench:clip -- --batch 16,64 --batches 2 --rounds 3 --threads 2 --ep webgpu
// Bare and pipeline runs alternate round by round and the best round of each counts (the load average is
// printed with the results). Start-up (session creation) is excluded.

import { availableParallelism, cpus, loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { FeatureExtractor } from '../src/evaluation/features.js';
import type { ExecutionProvider } from '../src/evaluation/onnx-session.js';
import { openSession } from '../src/evaluation/onnx-session.js';
import { GraphBuilder, attr } from '../src/onnx/graph-builder.js';
import { preprocess } from '../src/preprocessing/preprocess.js';
import { l2NormalizeRows } from '../src/text/text-encoder.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const batchSizes = option('batch', '16').split(',').map(Number);
const batchesPerRound = Number(option('batches', '2'));
const rounds = Number(option('rounds', '3'));
const threads = Number(option('threads', String(availableParallelism())));
const ep = option('ep', 'cpu') as ExecutionProvider;
const src = Number(option('src', '256'));
const INPUT = 224;
const PATCH = 32;
const WIDTH = 768;
const HEADS = 12;
const LAYERS = Number(option('layers', '12'));
const MLP = 3072;
const EMBED = 512;
const TOKENS = (INPUT / PATCH) ** 2 + 1;

/** Seeded uniform weights scaled by fan-in, so activations stay finite through the stack. */
function weights(n: number, fanIn: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  const scale = Math.sqrt(3 / fanIn);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** ViT-B/32's image tower in shape and cost (OpenAI CLIP's `VisionTransformer`), random weights. */
function clipVitB32Sized(): Uint8Array {
  const g = new GraphBuilder({ name: 'clip-vit-b32-sized' });
  g.input('images', 'float32', ['batch', 3, INPUT, INPUT]);
  let seed = 1;
  const linear = (x: string, name: string, fin: number, fout: number): string => {
    g.initializer(`${name}_w`, weights(fin * fout, fin, seed++), [fin, fout]);
    g.initializer(`${name}_b`, new Float32Array(fout), [fout]);
    g.node('MatMul', [x, `${name}_w`], [`${name}_mm`]).node('Add', [`${name}_mm`, `${name}_b`], [name]);
    return name;
  };
  const layerNorm = (x: string, name: string): string => {
    g.initializer(`${name}_g`, new Float32Array(WIDTH).fill(1), [WIDTH]);
    g.initializer(`${name}_beta`, new Float32Array(WIDTH), [WIDTH]);
    g.node('LayerNormalization', [x, `${name}_g`, `${name}_beta`], [name], { axis: attr.int(-1), epsilon: attr.float(1e-5) });
    return name;
  };
  g.initializer('heads_shape', BigInt64Array.from([0n, 0n, BigInt(HEADS), BigInt(WIDTH / HEADS)]), [4]);
  g.initializer('merge_shape', BigInt64Array.from([0n, 0n, BigInt(WIDTH)]), [3]);
  g.initializer('tokens_shape', BigInt64Array.from([0n, BigInt(WIDTH), -1n]), [3]);
  g.initializer('attn_scale', new Float32Array([1 / Math.sqrt(WIDTH / HEADS)]), []);
  g.initializer('gelu_k', new Float32Array([1.702]), []);

  // Patch embedding (conv 32×32 stride 32, no bias), class token, positions, ln_pre.
  g.initializer('patch_w', weights(WIDTH * 3 * PATCH * PATCH, 3 * PATCH * PATCH, seed++), [WIDTH, 3, PATCH, PATCH]);
  g.node('Conv', ['images', 'patch_w'], ['patches'], { kernel_shape: attr.ints([PATCH, PATCH]), strides: attr.ints([PATCH, PATCH]) });
  g.node('Reshape', ['patches', 'tokens_shape'], ['patches_flat']).node('Transpose', ['patches_flat'], ['patch_tokens'], {
    perm: attr.ints([0, 2, 1]),
  });
  // The class token, broadcast to the batch by adding it to a zero row taken from the patch tokens.
  g.initializer('cls', weights(WIDTH, WIDTH, seed++), [1, 1, WIDTH]);
  g.initializer('zero', new Float32Array([0]), []);
  g.initializer('first', BigInt64Array.from([0n]), [1]);
  g.initializer('one', BigInt64Array.from([1n]), [1]);
  g.initializer('axis1', BigInt64Array.from([1n]), [1]);
  g.node('Slice', ['patch_tokens', 'first', 'one', 'axis1'], ['row0'])
    .node('Mul', ['row0', 'zero'], ['row0_zero'])
    .node('Add', ['row0_zero', 'cls'], ['cls_tokens'])
    .node('Concat', ['cls_tokens', 'patch_tokens'], ['tokens'], { axis: attr.int(1) });
  g.initializer('positions', weights(TOKENS * WIDTH, WIDTH, seed++), [TOKENS, WIDTH]);
  g.node('Add', ['tokens', 'positions'], ['x_pos']);
  let x = layerNorm('x_pos', 'ln_pre');

  for (let l = 0; l < LAYERS; l++) {
    const p = `l${l}`;
    const h = layerNorm(x, `${p}_ln1`);
    const split = (which: string) => {
      const t = linear(h, `${p}_${which}`, WIDTH, WIDTH);
      g.node('Reshape', [t, 'heads_shape'], [`${t}_h`]).node('Transpose', [`${t}_h`], [`${t}_t`], { perm: attr.ints([0, 2, 1, 3]) });
      return `${t}_t`;
    };
    const q = split('q');
    const k = split('k');
    const v = split('v');
    g.node('Transpose', [k], [`${p}_kT`], { perm: attr.ints([0, 1, 3, 2]) })
      .node('MatMul', [q, `${p}_kT`], [`${p}_scores0`])
      .node('Mul', [`${p}_scores0`, 'attn_scale'], [`${p}_scores`])
      .node('Softmax', [`${p}_scores`], [`${p}_probs`], { axis: attr.int(-1) })
      .node('MatMul', [`${p}_probs`, v], [`${p}_ctx`])
      .node('Transpose', [`${p}_ctx`], [`${p}_ctx_t`], { perm: attr.ints([0, 2, 1, 3]) })
      .node('Reshape', [`${p}_ctx_t`, 'merge_shape'], [`${p}_ctx_m`]);
    const attn = linear(`${p}_ctx_m`, `${p}_out`, WIDTH, WIDTH);
    g.node('Add', [x, attn], [`${p}_res1`]);
    const h2 = layerNorm(`${p}_res1`, `${p}_ln2`);
    const fc = linear(h2, `${p}_fc`, WIDTH, MLP);
    // QuickGELU, as OpenAI's CLIP: x·σ(1.702x).
    g.node('Mul', [fc, 'gelu_k'], [`${p}_gk`])
      .node('Sigmoid', [`${p}_gk`], [`${p}_gs`])
      .node('Mul', [fc, `${p}_gs`], [`${p}_gelu`]);
    const proj = linear(`${p}_gelu`, `${p}_proj`, MLP, WIDTH);
    g.node('Add', [`${p}_res1`, proj], [`${p}_res2`]);
    x = `${p}_res2`;
  }
  // ln_post on the class token, then the projection to the embedding.
  g.node('Slice', [x, 'first', 'one', 'axis1'], ['cls_out']);
  g.initializer('squeeze_axis', BigInt64Array.from([1n]), [1]);
  g.node('Squeeze', ['cls_out', 'squeeze_axis'], ['cls_flat']);
  const post = layerNorm('cls_flat', 'ln_post');
  g.initializer('visual_proj', weights(WIDTH * EMBED, WIDTH, seed++), [WIDTH, EMBED]);
  g.node('MatMul', [post, 'visual_proj'], ['embedding']);
  g.output('embedding', 'float32', ['batch', EMBED]);
  return g.toBytes();
}

function images(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n * src * src * 3);
  for (let i = 0; i < out.length; i++) out[i] = (i * 131 + seed * 17 + ((i * i) % 251)) % 256;
  return out;
}

async function time(fn: () => Promise<unknown>, batches: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < batches; i++) await fn();
  return (performance.now() - t0) / 1000;
}

const model = clipVitB32Sized();
const spec = {
  inputSize: INPUT,
  normalization: 'imagenet' as const,
  preprocessing: 'pil-bicubic' as const,
  names: { images: 'images', pool: 'embedding' },
};
console.log(
  `CLIP image-embedding benchmark: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), provider ${ep}, ${threads} intra-op threads, ` +
    `ViT-B/32-sized encoder (${LAYERS} layers, ${(model.length / 2 ** 20).toFixed(0)} MiB), ${src}×${src} uint8 → ${INPUT} pil-bicubic; ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
const bare = await openSession(model, ep, threads);
const pipeline = await FeatureExtractor.fromModel(model, spec, ep, 'the benchmark CLIP image encoder', { threads });
for (const w of [...bare.warnings, ...pipeline.warnings]) console.log(`  warning: ${w}`);
console.log(`  bare session on ${bare.executionProvider}, pipeline on ${pipeline.executionProvider}`);

for (const batch of batchSizes) {
  const pixels = images(batch, batch);
  const tensor = new ort.Tensor('float32', preprocess(pixels, batch, src, 'pil-bicubic', INPUT, 'imagenet'), [batch, 3, INPUT, INPUT]);
  const runBare = () => bare.session.run({ images: tensor }, ['embedding']);
  // As ClipModelSession.embedImages: the pipeline's features, L2-normalised.
  const runPipeline = async () => {
    const f = await pipeline.extract(pixels, batch, src);
    return l2NormalizeRows(f.pool, batch, f.poolDim);
  };
  await runBare();
  await runPipeline();
  const best = { bare: Infinity, pipeline: Infinity };
  for (let r = 0; r < rounds; r++) {
    best.bare = Math.min(best.bare, await time(runBare, batchesPerRound));
    best.pipeline = Math.min(best.pipeline, await time(runPipeline, batchesPerRound));
  }
  const rate = (s: number) => (batch * batchesPerRound) / s;
  console.log(`batch ${batch} (best of ${rounds} rounds of ${batchesPerRound} batches):`);
  console.log(`  bare onnxruntime session: ${rate(best.bare).toFixed(1)} img/s`);
  console.log(`  pipeline (uint8 → pil-bicubic resize, normalisation, encoder, L2 normalisation): ${rate(best.pipeline).toFixed(1)} img/s`);
  console.log(`  pipeline / bare: ${(best.bare / best.pipeline).toFixed(3)} (target ≥ 0.90)`);
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await bare.session.release();
await pipeline.close();
