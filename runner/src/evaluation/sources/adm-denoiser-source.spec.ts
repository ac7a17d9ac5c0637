import { afterAll, describe, expect, it } from 'vitest';
import { inspectModel } from '../../inspect/inspect-model.js';
import { DenoiserManifest } from '../../../../contracts/manifest/denoiser-manifest.schemas.js';
import { buildLearnedVarianceDenoiser, buildLinearClassifier } from '../../../../test/support/onnx-models/adm-test-models.js';
import { classLabels } from '../../sampling/noise.js';
import { type Denoiser, sample } from '../../sampling/samplers.js';
import { SamplerParams } from '../../../../contracts/sampling/sampler-plan.js';
import { openSession } from '../onnx-session.js';
import { ClassifierGradientModel } from './classifier-gradient.js';
import { DenoiserSource, OnnxDenoiser } from './denoiser-source.js';

/*
 * An ADM-style submission — 2C-channel output with learned-range variances, and a classifier-gradient graph —
 * through the runner's ONNX path (inspection, OnnxDenoiser, ClassifierGradientModel, DenoiserSource), checked
 * against the sampling core called directly with the same affine functions written in TypeScript.
 */

const SHAPE = [3, 8, 8] as const;
const CLASSES = 4;
const K = 0.3;
const V0 = 0.25;
const A = -0.5;
const B = 0.2;
const manifest = DenoiserManifest.parse({
  name: 'adm-like',
  kind: 'denoiser',
  resolution: 8,
  classes: CLASSES,
  channels: 3,
  inputs: { x: 'x_t', t: 't', class: 'y' },
  outputs: { prediction: 'out' },
  prediction: 'eps',
  schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
  time_input: 'index',
  output_range: [-1, 1],
  variance: 'learned-range',
  classifier: { inputs: { x: 'x', t: 't', class: 'y' }, outputs: { gradient: 'grad' } },
});
const denoiser = buildLearnedVarianceDenoiser({ shape: SHAPE, classes: CLASSES, k: K, v0: V0 });
const classifier = buildLinearClassifier({ shape: SHAPE, a: A, b: B });

describe('inspection of an ADM-style submission', () => {
  it('accepts a 2C-channel denoiser declared with learned variances and its classifier, after a dry run of both', async () => {
    expect(await inspectModel(denoiser, manifest, { classifier })).toMatchObject({ ok: true });
  });

  it('says what is wrong: no classifier, a stray one, a mis-declared classifier input, undeclared variance channels', async () => {
    expect(await inspectModel(denoiser, manifest)).toMatchObject({
      ok: false,
      field: 'classifier',
      problem: expect.stringMatching(/multipart field "classifier"/),
    });
    const { classifier: _, ...unguided } = manifest;
    expect(await inspectModel(denoiser, DenoiserManifest.parse(unguided), { classifier })).toMatchObject({
      ok: false,
      field: 'classifier',
      problem: expect.stringMatching(/declares none/),
    });
    const wrongShape = buildLinearClassifier({ shape: SHAPE, a: A, b: B, declaredShape: [3, 16, 16] });
    expect(await inspectModel(denoiser, manifest, { classifier: wrongShape })).toMatchObject({
      ok: false,
      field: 'classifier.inputs.x',
      problem: 'the classifier\'s input "x" is declared [batch, 3, 16, 16], but the sampler feeds it x_t of shape [2, 3, 8, 8]',
    });
    const renamed = DenoiserManifest.parse({ ...manifest, classifier: { ...manifest.classifier, outputs: { gradient: 'dlogp' } } });
    expect(await inspectModel(denoiser, renamed, { classifier })).toMatchObject({ ok: false, field: 'classifier.outputs.gradient' });
    const { variance: __, ...fixed } = unguided;
    expect(await inspectModel(denoiser, DenoiserManifest.parse(fixed))).toMatchObject({
      ok: false,
      field: 'resolution',
      problem: expect.stringMatching(/declare variance "learned-range"/),
    });
  });

  it('refuses learned variances on a continuous schedule and a classifier on an unconditional model', () => {
    expect(
      DenoiserManifest.safeParse({ ...manifest, schedule: { ...manifest.schedule, continuous: true }, time_input: 't' }).error?.issues[0],
    ).toMatchObject({ path: ['variance'] });
    expect(
      DenoiserManifest.safeParse({ ...manifest, classes: 0, inputs: { x: 'x_t', t: 't' } }).error?.issues.map((i) => i.path.join('.')),
    ).toContain('classifier');
  });
});

describe('sampling an ADM-style submission through onnxruntime', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('gives what the sampling core gives with the same functions: ddpm, respaced 25, learned variance, classifier scale 2, clipped x̂0', async () => {
    const sampler = SamplerParams.parse({ solver: 'ddpm', steps: 25, respacing: '25', classifier_scale: 2, clip_denoised: true });
    const opened = await openSession(denoiser);
    const grad = await ClassifierGradientModel.open(classifier, manifest);
    closers.push(
      () => opened.session.release(),
      () => grad.close(),
    );
    const source = new DenoiserSource(new OnnxDenoiser(opened.session, manifest), manifest, {
      n: 6,
      seed: 3,
      batchSize: 6,
      sampler,
      classifier: grad,
    });
    const viaOnnx = await source.sampleRange(0, 6);

    const per = SHAPE[0] * SHAPE[1] * SHAPE[2];
    const indices = Int32Array.from({ length: 6 }, (_, i) => i);
    const labels = classLabels(3, indices, CLASSES);
    expect(viaOnnx.labels).toEqual(labels);
    // ε̂ = k·x and v = v0 on 2C channels per sample, as the graph computes them (float32 k).
    const network: Denoiser = async (x) => {
      const out = new Float32Array(2 * x.length);
      for (let r = 0; r < x.length / per; r++) {
        for (let j = 0; j < per; j++) {
          out[2 * r * per + j] = Math.fround(K) * x[r * per + j]!;
          out[(2 * r + 1) * per + j] = V0;
        }
      }
      return out;
    };
    const common = {
      schedule: manifest.schedule,
      prediction: 'eps',
      timeInput: 'index',
      shape: SHAPE,
      seed: 3,
      indices,
      classes: labels,
      learnedVariance: true,
    } as const;
    const direct = await sample({
      ...sampler,
      ...common,
      denoise: network,
      classifierGradient: async (x, _t, y) => Float32Array.from(x, (v, i) => Math.fround(A) * v + Math.fround(B) * y[Math.floor(i / per)]!),
    });
    let worst = 0;
    for (let i = 0; i < direct.images.length; i++) worst = Math.max(worst, Math.abs(direct.images[i]! - viaOnnx.images[i]!));
    expect(worst).toBeLessThan(1e-5);
    // The guidance did something: the same run unguided differs.
    const unguided = await sample({ ...sampler, classifier_scale: undefined, ...common, denoise: network });
    expect(Math.max(...direct.images.map((v, i) => Math.abs(v - unguided.images[i]!)))).toBeGreaterThan(0.01);
    expect(source.protocol()).toMatchObject({
      solver: 'ddpm',
      spacing: 'respaced',
      respacing: '25',
      variance: 'learned-range',
      classifierScale: 2,
      clipDenoised: true,
      timeInputs: expect.arrayContaining([999, 0]),
    });
  });
});
