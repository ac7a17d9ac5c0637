// Benchmark (not a test): the feature pipeline (FeatureExtractor.extract: uint8 NHWC images at their native
// size → resize by the suite's protocol → normalize → extractor → features) against a bare onnxruntime
// session running the same extractor on tensors that are already resized and normalized, with the same
// thread count and provider, in the same process. Prints img/s of each and their ratio; the target is
// ≥ 0.90. Also times the pipeline with the preprocessing in JavaScript (as before issue 16), for reference.
//
// The extractor is a conv net of Inception-v3's size (about 6 GFLOPs per 299² image, random weights, three
// outputs: pool 2048, a 768-channel spatial map of 19², logits 1008), since the real Inception's weights are
// not in the repository. Images are 64×64 uint8, resized to 299 with tf1-bilinear, normalized `adm`.
//   npm run bench:features                          (CPU, batch 32, every core)
//   npm run bench:features -- --batch 32,128 --batches 2 --rounds 3 --threads 2
//   npm run bench:features -- --ep webgpu --batch 32,128      (npm run bench:features:gpu: one short GPU run)
// Bare and pipeline runs alternate, round by round, and the best round of each counts (the machine may be
// shared: the load average is printed with the results). Start-up (session creation) is excluded.

import { availableParallelism, cpus, loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { FeatureExtractor } from '../src/evaluation/features.js';
import type { ExecutionProvider } from '../src/evaluation/onnx-session.js';
import { openSession } from '../src/evaluation/onnx-session.js';
import { GraphBuilder, attr } from '../src/onnx/graph-builder.js';
import { preprocess } from '../src/preprocessing/preprocess.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const batchSizes = option('batch', '32').split(',').map(Number);
const batchesPerRound = Number(option('batches', '2'));
const rounds = Number(option('rounds', '3'));
const threads = Number(option('threads', String(availableParallelism())));
const ep = option('ep', 'cpu') as ExecutionProvider;
const src = Number(option('src', '64'));
const withJs = !process.argv.includes('--no-js');
const INPUT = 299;

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

/** Conv/Relu stack of about Inception-v3's cost at 299² (≈ 6 GFLOPs), with its three outputs. */
function inceptionSized(): Uint8Array {
  const g = new GraphBuilder({ name: 'inception-sized' });
  g.input('images', 'float32', ['batch', 3, INPUT, INPUT]);
  // [in, out, kernel, stride]
  const layers: Array<[number, number, number, number]> = [
    [3, 32, 3, 2], // 149²
    [32, 64, 3, 1],
    [64, 128, 3, 2], // 75²
    [128, 256, 3, 2], // 38²
    [256, 512, 3, 2], // 19²
    [512, 768, 3, 1], // spatial
    [768, 2048, 1, 2], // 10²
  ];
  let x = 'images';
  layers.forEach(([cin, cout, k, stride], i) => {
    g.initializer(`w${i}`, weights(cout * cin * k * k, cin * k * k, i + 1), [cout, cin, k, k]);
    g.initializer(`b${i}`, new Float32Array(cout), [cout]);
    const p = (k - 1) / 2;
    g.node('Conv', [x, `w${i}`, `b${i}`], [`c${i}`], {
      kernel_shape: attr.ints([k, k]),
      strides: attr.ints([stride, stride]),
      pads: attr.ints([p, p, p, p]),
    });
    g.node('Relu', [`c${i}`], [`r${i}`]);
    x = `r${i}`;
  });
  g.node('Identity', ['r5'], ['spatial']);
  g.node('GlobalAveragePool', [x], ['pool']);
  g.initializer('shape', BigInt64Array.from([-1n, 2048n]), [2]);
  g.node('Reshape', ['pool', 'shape'], ['flat']);
  g.initializer('fc', weights(2048 * 1008, 2048, 99), [2048, 1008]);
  g.node('MatMul', ['flat', 'fc'], ['logits']);
  g.output('pool', 'float32', ['batch', 2048, 1, 1]);
  g.output('spatial', 'float32', ['batch', 768, 19, 19]);
  g.output('logits', 'float32', ['batch', 1008]);
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

const model = inceptionSized();
const spec = {
  inputSize: INPUT,
  normalization: 'adm' as const,
  preprocessing: 'tf1-bilinear' as const,
  names: { images: 'images', pool: 'pool', spatial: 'spatial', logits: 'logits' },
};
console.log(
  `features benchmark: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), provider ${ep}, ${threads} intra-op threads, ` +
    `${src}×${src} uint8 → ${INPUT} tf1-bilinear, adm; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
const bare = await openSession(model, ep, threads);
const pipeline = await FeatureExtractor.fromModel(model, spec, ep, 'the benchmark extractor', { threads });
const js = withJs
  ? await FeatureExtractor.fromModel(model, spec, ep, 'the benchmark extractor', { threads, preprocessIn: 'javascript' })
  : undefined;
for (const w of [...bare.warnings, ...pipeline.warnings]) console.log(`  warning: ${w}`);
console.log(`  bare session on ${bare.executionProvider}, pipeline on ${pipeline.executionProvider}`);

for (const batch of batchSizes) {
  const pixels = images(batch, batch);
  const tensor = new ort.Tensor('float32', preprocess(pixels, batch, src, 'tf1-bilinear', INPUT, 'adm'), [batch, 3, INPUT, INPUT]);
  const runBare = () => bare.session.run({ images: tensor }, ['pool', 'spatial', 'logits']);
  const runPipeline = () => pipeline.extract(pixels, batch, src);
  const runJs = () => js!.extract(pixels, batch, src);
  // Warm-up: the first runs allocate arenas (and, for the pipeline, open its session with the preprocessing).
  await runBare();
  await runPipeline();
  if (js) await runJs();
  const best = { bare: Infinity, pipeline: Infinity, js: Infinity };
  for (let r = 0; r < rounds; r++) {
    best.bare = Math.min(best.bare, await time(runBare, batchesPerRound));
    best.pipeline = Math.min(best.pipeline, await time(runPipeline, batchesPerRound));
    if (js) best.js = Math.min(best.js, await time(runJs, batchesPerRound));
  }
  const rate = (s: number) => (batch * batchesPerRound) / s;
  console.log(`batch ${batch} (best of ${rounds} rounds of ${batchesPerRound} batches):`);
  console.log(`  bare onnxruntime session: ${rate(best.bare).toFixed(1)} img/s`);
  console.log(`  pipeline (preprocessing in the session): ${rate(best.pipeline).toFixed(1)} img/s`);
  if (js) console.log(`  pipeline with preprocessing in JavaScript (before): ${rate(best.js).toFixed(1)} img/s`);
  console.log(
    `  pipeline / bare: ${(best.bare / best.pipeline).toFixed(3)} (target ≥ 0.90)` +
      (js ? `; JavaScript preprocessing / bare: ${(best.bare / best.js).toFixed(3)}` : ''),
  );
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await bare.session.release();
await pipeline.close();
await js?.close();
