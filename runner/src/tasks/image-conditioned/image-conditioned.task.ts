import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  conditionSize,
  imageConditionedHigherIsBetter,
  isImageConditionedSuite,
  type ImageConditionedSuiteDefinition,
} from '../../../../contracts/suites/image-conditioned-suite.schemas.js';
import type { ImageToImageManifest } from '../../../../contracts/manifest/image-to-image-manifest.schemas.js';
import { canny, rgbToGray } from '../../conditions/canny.js';
import { quantiseNchw, suiteInputs, type SuiteInputs } from '../../conditions/suite-inputs.js';
import { FeatureExtractor } from '../../evaluation/features.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { firstNonFinite, openSession, runModel } from '../../evaluation/onnx-session.js';
import { FeatureSetAccumulator, type MetricResult, needsOf, scoreFeatureSets } from '../../evaluation/scoring.js';
import { StageClock } from '../../evaluation/stage-clock.js';
import { ADM_IMAGES, requireAdmImagesOr } from '../../io/adm-batch.js';
import { openNpz } from '../../io/npz.js';
import { edgeF1 } from '../../metrics/edge-f1.js';
import { clipScores } from './clip-metrics.js';
import { LpipsNetwork } from '../../metrics/lpips-network.js';
import { imageFidelity } from '../../metrics/image-fidelity.js';
import { batchNormals } from '../../sampling/noise.js';
import type { EvaluationInput, TaskFamily, TaskResult } from '../task-family.js';
import { openConditionedDenoiser } from './conditioned-denoiser.js';
import { ConditionText } from './condition-text.js';

/**
 * Image-conditioned suites (issue #17): the harness computes condition i from target i (conditions/suite-inputs.ts),
 * the model answers it (an `image_to_image` ONNX run here, or a sample batch answering the published inputs in
 * order), and output i is scored against target i (PSNR, SSIM), the outputs against the targets (FID, KID with
 * the suite's extractor) and, for Canny control, the output's re-extracted Canny map against the control map
 * (edge F1).
 */
export const imageConditionedTask: TaskFamily = {
  id: 'image-conditioned',
  serves: (suite) => isImageConditionedSuite(suite),
  evaluate: evaluateImageConditioned,
};

/** The submission against the suite; its mismatches are the model's fault, found before anything runs. */
function checkInput(input: EvaluationInput): ImageConditionedSuiteDefinition {
  const { manifest, suite } = input;
  if (!isImageConditionedSuite(suite)) throw new Error(`suite ${suite.id} is not an image-conditioned suite`);
  if (!(suite.kinds as readonly string[]).includes(manifest.kind))
    throw new ModelFailure(`suite ${suite.id} scores ${suite.kinds.join('/')} models, not ${manifest.kind}`);
  if (!('resolution' in manifest) || manifest.resolution !== suite.resolution)
    throw new ModelFailure(`suite ${suite.id} is at ${suite.resolution}×${suite.resolution}; the model declares another resolution`);
  if (manifest.kind === 'image_to_image') {
    if (manifest.task !== suite.task)
      throw new ModelFailure(`suite ${suite.id} is a ${suite.task} suite; the model competes in ${manifest.task}`);
    if (manifest.condition_resolution !== conditionSize(suite))
      throw new ModelFailure(
        `suite ${suite.id} feeds conditions of ${conditionSize(suite)}×${conditionSize(suite)}; the model declares condition_resolution ${manifest.condition_resolution}`,
      );
  }
  if (manifest.kind === 'samples' && manifest.conditions !== suite.id)
    throw new ModelFailure(`the sample batch answers the inputs of ${manifest.conditions ?? 'no suite'}, not those of ${suite.id}`);
  return suite;
}

/** Outputs of an `image_to_image` model, batch by batch, as uint8 NHWC. */
async function* modelOutputs(
  input: EvaluationInput,
  manifest: ImageToImageManifest,
  suite: ImageConditionedSuiteDefinition,
  inputs: SuiteInputs,
  session: ort.InferenceSession,
  text: ConditionText | undefined,
): AsyncGenerator<Uint8Array> {
  const { count, side, resolution: R } = inputs;
  const per = 3 * side * side;
  for (let at = 0; at < count; at += suite.batch_size) {
    const n = Math.min(suite.batch_size, count - at);
    const idx = Array.from({ length: n }, (_, k) => at + k);
    const feeds: Record<string, ort.Tensor> = {
      [manifest.inputs.condition]: new ort.Tensor('float32', inputs.conditions.slice(at * per, (at + n) * per), [n, 3, side, side]),
    };
    if (manifest.inputs.noise && manifest.noise_dim) {
      feeds[manifest.inputs.noise] = new ort.Tensor('float32', batchNormals(suite.seed, idx, manifest.noise_dim, 0), [
        n,
        manifest.noise_dim,
      ]);
    }
    if (text && manifest.inputs.context)
      feeds[manifest.inputs.context] = new ort.Tensor('float32', await text.encode(idx), [n, ...text.rowShape]);
    const out = (await runModel(session, feeds, [manifest.outputs.images], `answering conditions ${at}..${at + n - 1}`))[
      manifest.outputs.images
    ]!;
    const want = [n, 3, R, R];
    if (out.type !== 'float32' || out.dims.length !== 4 || out.dims.some((d, k) => d !== want[k]))
      throw new ModelFailure(
        `the model answered ${out.type} [${out.dims.join(', ')}] for ${n} conditions of 3×${side}×${side}; the targets need float32 [${want.join(', ')}]`,
      );
    let data = out.data as Float32Array;
    const bad = firstNonFinite(data);
    if (bad >= 0) throw new ModelFailure(`the model's output holds ${data[bad]} (condition ${at + Math.floor(bad / (3 * R * R))})`);
    if (manifest.output_range[0] === 0) data = data.map((v) => v * 2 - 1);
    yield quantiseNchw(data, n, R);
  }
}

/** Outputs of a sample batch: `arr_0`, exactly one image per published input. */
async function* batchOutputs(path: string, suite: ImageConditionedSuiteDefinition): AsyncGenerator<Uint8Array> {
  const reader = await openNpz(path);
  try {
    const layout = requireAdmImagesOr(reader, path, (m, o) => new ModelFailure(m, o));
    if (layout.resolution !== suite.resolution)
      throw new ModelFailure(
        `the sample batch holds ${layout.resolution}×${layout.resolution} images; the targets are ${suite.resolution}×${suite.resolution}`,
      );
    if (layout.count !== suite.samples)
      throw new ModelFailure(
        `the sample batch holds ${layout.count} images; ${suite.id} publishes ${suite.samples} inputs, one output each`,
      );
    for await (const rows of reader.rows(ADM_IMAGES, { batchRows: suite.batch_size })) yield rows.data as Uint8Array;
  } finally {
    await reader.close();
  }
}

async function evaluateImageConditioned(input: EvaluationInput): Promise<TaskResult> {
  const suite = checkInput(input);
  const { manifest } = input;
  const ep = input.executionProvider ?? 'cpu';
  const t0 = performance.now();
  const clock = new StageClock();
  const inputs = await clock.time('reference', () => suiteInputs(suite, input.assetDirs));
  const { count, resolution: R } = inputs;
  const outputs = new Uint8Array(count * R * R * 3);
  const warnings: string[] = [];
  let executionProvider = ep;

  // A text-and-image model's encoder (instruction i or caption i with condition i); refused before anything runs
  // where the suite's text and the model's do not fit.
  const text = manifest.kind === 'image_to_image' ? await ConditionText.open(input, manifest.text_encoder, suite, inputs, ep) : undefined;
  let opened: Awaited<ReturnType<typeof openSession>> | undefined;
  let denoiser: Awaited<ReturnType<typeof openConditionedDenoiser>> | undefined;
  try {
    opened = manifest.kind === 'image_to_image' ? await openSession(input.model, ep) : undefined;
    if (text && opened && manifest.kind === 'image_to_image') {
      text.checkFits(opened.session, manifest.inputs.context!, 'model');
      warnings.push(...text.text.warnings);
    }
    denoiser = manifest.kind === 'denoiser' ? await openConditionedDenoiser(input, manifest, suite, inputs) : undefined;
    for (const o of [opened, denoiser]) {
      if (!o) continue;
      warnings.push(...o.warnings);
      executionProvider = o.executionProvider;
    }
    let source: AsyncGenerator<Uint8Array>;
    if (manifest.kind === 'image_to_image') source = modelOutputs(input, manifest, suite, inputs, opened!.session, text);
    else if (denoiser) source = denoiser.outputs;
    else if (manifest.kind === 'samples' && input.modelPath) source = batchOutputs(input.modelPath, suite);
    else throw new ModelFailure(`suite ${suite.id} scores image_to_image models, denoisers and sample batches, not ${manifest.kind}`);
    const stage = manifest.kind === 'samples' ? 'decoding' : 'sampling';
    clock.startLoop();
    let done = 0;
    for (;;) {
      const next = await clock.time(stage, () => source.next());
      if (next.done) break;
      const images = next.value;
      const n = images.length / (R * R * 3);
      outputs.set(images, done * R * R * 3);
      // Each output is kept with the condition it answered and its target: the evaluation page's input | output | target.
      const m = inputs.side;
      const shown = quantiseNchw(inputs.conditions.subarray(done * 3 * m * m, (done + n) * 3 * m * m), n, m);
      const attached = Array.from({ length: n }, (_, k) => ({
        input: { pixels: shown.subarray(k * m * m * 3, (k + 1) * m * m * 3), side: m },
        target: { pixels: inputs.targets.subarray((done + k) * R * R * 3, (done + k + 1) * R * R * 3), side: R },
      }));
      // And, where the suite feeds text, the instruction or caption it was given with the input image.
      const said = inputs.text;
      const conditions = said
        ? Array.from({ length: n }, (_, k) => ({ [said.field === 'instructions' ? 'instruction' : 'caption']: said.lines[done + k]! }))
        : undefined;
      await input.onSamples?.({ start: done, count: n, resolution: R, images, attached, ...(conditions ? { conditions } : {}) });
      done += n;
      input.onProgress?.(done / count);
      input.onStage?.(clock.progress(done, count, stage));
    }
    if (done !== count) throw new ModelFailure(`the submission answered ${done} of the ${count} inputs`);
  } finally {
    await opened?.session.release();
    await denoiser?.close();
    await text?.close();
  }

  const metrics: MetricResult[] = [];
  const protocol: Record<string, unknown> = {
    condition: suite.condition,
    conditionSize: inputs.side,
    targets: { ...suite.targets, images: count },
    samples: count,
    seed: suite.seed,
    batchSize: suite.batch_size,
    quantization: suite.quantization,
    ...(denoiser ? { sampler: denoiser.protocol() } : {}),
    ...(text ? { text: { fed: inputs.text!.field, ...text.text.record() } } : {}),
    ...(denoiser?.text ? { text: { fed: inputs.text!.field, ...denoiser.text() } } : {}),
  };
  const batch = (data: Uint8Array) => ({ data, count, height: R, width: R });
  const want = new Set<string>(suite.metrics);
  await clock.time('metrics', async () => {
    if (want.has('psnr') || want.has('ssim')) {
      const f = imageFidelity(batch(outputs), batch(inputs.targets));
      if (want.has('psnr')) metrics.push({ id: 'psnr', value: f.psnr });
      if (want.has('ssim')) metrics.push({ id: 'ssim', value: f.ssim });
    }
    if (want.has('edge_f1')) {
      const n = R * R;
      const predicted = new Uint8Array(count * n);
      const control = new Uint8Array(count * n);
      for (let i = 0; i < count; i++) {
        predicted.set(canny(rgbToGray(outputs, R, R, i * n * 3), R, R), i * n);
        for (let p = 0; p < n; p++) control[i * n + p] = inputs.conditions[i * 3 * n + p]! > 0 ? 1 : 0;
      }
      metrics.push({ id: 'edge_f1', value: edgeF1(predicted, control, count, n).edge_f1 });
    }
  });
  metrics.push(...(await clock.time('metrics', () => clipScores(suite, inputs, outputs, ep, input.assetDirs))));
  if (want.has('lpips')) {
    // The network by path as FID's Inception is: an absent manifest or file is an LpipsConfigError naming what to download.
    const ref = suite.lpips!;
    const network =
      ref.type === 'builtin-tiny-lpips'
        ? await LpipsNetwork.builtin(ref.seed, ep)
        : await LpipsNetwork.open(join(input.assetDirs.modelsDir, ref.file), ep);
    try {
      const d = await clock.time('metrics', () => network.distances(batch(outputs), batch(inputs.targets), suite.batch_size));
      metrics.push({ id: 'lpips', value: d.reduce((a, b) => a + b, 0) / d.length });
      protocol.lpips = ref;
    } finally {
      await network.close();
    }
  }
  const featureIds = suite.metrics.filter((m) => m === 'fid' || m === 'kid');
  if (featureIds.length > 0) {
    const extractor = await FeatureExtractor.open(suite.extractor, ep, { modelsDir: input.assetDirs.modelsDir });
    try {
      const needs = needsOf(featureIds);
      const samples = new FeatureSetAccumulator(needs);
      const reference = new FeatureSetAccumulator(needs);
      for (let at = 0; at < count; at += suite.batch_size) {
        const n = Math.min(suite.batch_size, count - at);
        const slice = (a: Uint8Array) => a.subarray(at * R * R * 3, (at + n) * R * R * 3);
        await clock.time('features', async () => samples.add(await extractor.extract(slice(outputs), n, R)));
        await clock.time('reference', async () => reference.add(await extractor.extract(slice(inputs.targets), n, R)));
      }
      // KID's subsets cannot be larger than the sets: a smoke suite's few images are one subset of all of them.
      const scored = await clock.time('metrics', () => scoreFeatureSets(samples, { activations: reference }, featureIds));
      Object.assign(protocol, scored.protocol, { extractor: { ...suite.extractor, executionProvider: extractor.executionProvider } });
      metrics.push(...scored.metrics);
      warnings.push(...extractor.warnings.map((w) => `feature extractor: ${w}`));
    } finally {
      await extractor.close();
    }
  }
  const order = new Map(suite.metrics.map((m, i) => [m as string, i]));
  metrics.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  protocol.higherIsBetter = Object.fromEntries(suite.metrics.map((m) => [m, imageConditionedHigherIsBetter(m)]));
  return {
    metrics,
    protocol,
    executionProvider,
    warnings,
    durationsMs: {
      ...Object.fromEntries(Object.entries(clock.wallMs).map(([k, v]) => [k, Math.round(v)])),
      total: Math.round(performance.now() - t0),
    },
  };
}
