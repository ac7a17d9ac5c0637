import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { isImageConditionedSuite } from '../contracts/suites/image-conditioned-suite.schemas.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAssetDirs, type AssetDirs } from '../contracts/assets/asset-dirs.js';
import { METRICS } from '../contracts/metrics/registry.js';
import { availability, suiteAssets } from '../runner/src/suites/availability.js';
import { isSegmentationSuite } from '../contracts/suites/segmentation-suite.schemas.js';
import { isTextToImageSuite } from '../contracts/suites/text-to-image-suite.schemas.js';
import { isVideoSuite } from '../contracts/suites/video-suite.schemas.js';
import { type SamplerModel, planSampling } from '../contracts/sampling/sampler-plan.js';
import { FileExtractor, type GenerationSuiteDefinition, SuiteDefinition } from '../contracts/suites/suite.schemas.js';
import { DINOV2_VITL14 } from './extractors/dinov2.js';
import { planShards } from '../runner/src/sharding/shard-plan.js';
import { SUITES, findSuite } from './index.js';

const KNOWN_METRICS = new Set<string>(METRICS.map((m) => m.id));
const IMAGENET = SUITES.filter(
  (s): s is GenerationSuiteDefinition =>
    s.id.startsWith('imagenet-') && !isSegmentationSuite(s) && !isTextToImageSuite(s) && !isVideoSuite(s) && !isImageConditionedSuite(s),
);

function generationSuite(id: string): GenerationSuiteDefinition {
  const s = findSuite(id);
  if (!s || isSegmentationSuite(s) || isTextToImageSuite(s) || isVideoSuite(s) || isImageConditionedSuite(s))
    throw new Error(`${id} is not a generation suite`);
  return s;
}

describe('benchmarks/ suites', () => {
  it('are valid definitions with unique ids', () => {
    for (const s of SUITES) expect(SuiteDefinition.safeParse(s).success, s.id).toBe(true);
    expect(new Set(SUITES.map((s) => s.id)).size).toBe(SUITES.length);
  });

  it.each(SUITES.map((s) => [s.id, s] as const))('%s names only registered metrics, its primary among them', (_id, s) => {
    for (const m of s.metrics) expect(KNOWN_METRICS.has(m), `${s.id}: unknown metric ${m}`).toBe(true);
    expect(s.metrics).toContain(s.primary);
  });

  it('include ImageNet 64, 128, 256 and 512, class-conditional and unconditional, on the ADM protocol', () => {
    const denoiserBoards = [
      'imagenet-64-cond-ddpm-250',
      'imagenet-256-cond-ddpm-250',
      'imagenet-256-cond-ddpm-250-cfg-1-5',
      'imagenet-512-cond-heun-32',
      'imagenet-128-cond-adm-g-250',
      'imagenet-128-cond-adm-g-25',
      'imagenet-256-cond-adm-g-250',
      'imagenet-512-cond-adm-g-250',
    ];
    for (const res of [64, 128, 256, 512]) {
      const cond = generationSuite(`imagenet-${res}-cond`);
      const uncond = generationSuite(`imagenet-${res}-uncond`);
      expect(cond.task).toBe('class-conditional-generation');
      expect(uncond.task).toBe('unconditional-generation');
      // Images made without the harness's sampler: one-step generators and uploaded ADM sample batches.
      for (const s of [cond, uncond]) expect(s).toMatchObject({ version: 2, kinds: ['generator', 'samples'] });
      expect(cond.sampler).toBeUndefined();
      const denoisers = denoiserBoards.filter((id) => id.startsWith(`imagenet-${res}-`)).map(generationSuite);
      for (const s of denoisers) expect(s).toMatchObject({ kinds: ['denoiser'], task: 'class-conditional-generation', resolution: res });
      for (const s of [cond, uncond, ...denoisers]) {
        expect(s).toMatchObject({
          resolution: res,
          samples: 50_000,
          primary: 'fid',
          metrics: ['fid', 'sfid', 'inception_score', 'precision', 'recall'],
        });
        expect(s.reference).toMatchObject({ type: 'adm-reference-batch' });
        expect(s.extractor).toMatchObject({ type: 'onnx-file', input_size: 299, preprocessing: 'tf1-bilinear', normalization: 'adm' });
        if (s.reference.type !== 'adm-reference-batch') continue;
        expect(s.reference.source).toBe(
          `https://openaipublic.blob.core.windows.net/diffusion/jul-2021/ref_batches/imagenet/${res}/${s.reference.file}`,
        );
      }
    }
    expect(IMAGENET).toHaveLength(16);
  });

  it('let the ImageNet 512 Heun board (50,000 samples, 63 network evaluations each) be split into shards of whole batches', () => {
    expect(SUITES.filter((s) => 'sharding' in s && s.sharding !== undefined).map((s) => s.id)).toEqual(['imagenet-512-cond-heun-32']);
    const s = generationSuite('imagenet-512-cond-heun-32');
    const plan = planShards(s.samples, s.batch_size, s.sharding!.max_shards);
    expect(plan).toHaveLength(64);
    expect(plan.every((r, i) => r.start % s.batch_size === 0 && r.start === (i === 0 ? 0 : plan[i - 1]!.end))).toBe(true);
    expect(plan.at(-1)!.end).toBe(50_000);
  });

  it('declare the sampler of each ImageNet denoiser board, and it can drive the usual model families', () => {
    expect(generationSuite('imagenet-64-cond-ddpm-250').sampler).toEqual({ solver: 'ddim', steps: 250, guidance: 1, eta: 1 });
    expect(generationSuite('imagenet-256-cond-ddpm-250').sampler).toEqual({ solver: 'ddim', steps: 250, guidance: 1, eta: 1 });
    expect(generationSuite('imagenet-256-cond-ddpm-250-cfg-1-5').sampler).toEqual({ solver: 'ddim', steps: 250, guidance: 1.5, eta: 1 });
    expect(generationSuite('imagenet-512-cond-heun-32').sampler).toEqual({ solver: 'heun', steps: 32, guidance: 1, eta: 0 });
    // DDPM/ADM/DiT (discrete VP, ε, integer step index), EDM/EDM2 (σ, x0), SiT / flow matching (velocity).
    const families: SamplerModel[] = [
      {
        schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
        prediction: 'eps',
        timeInput: 'index',
        conditional: true,
        nullClass: 1000,
      },
      {
        schedule: { kind: 'edm', sigma_min: 0.002, sigma_max: 80, sigma_data: 0.5 },
        prediction: 'x0',
        timeInput: 'log_sigma',
        conditional: true,
        nullClass: 1000,
      },
      { schedule: { kind: 'linear-interpolant' }, prediction: 'velocity', timeInput: 't', conditional: true, nullClass: 1000 },
    ];
    for (const s of IMAGENET.filter((x) => x.kinds.includes('denoiser') && x.sampler?.classifier_scale === undefined)) {
      for (const model of families) expect(() => planSampling(s.sampler!, model), `${s.id} on ${model.schedule.kind}`).not.toThrow();
    }
  });

  it("declare ADM-G's sampling at 128, 256 and 512 (guided-diffusion README's flags), which needs a classifier and learned variances", () => {
    const adm: SamplerModel = {
      schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
      prediction: 'eps',
      timeInput: 'index',
      conditional: true,
      learnedVariance: true,
      classifier: true,
    };
    for (const [res, scale] of [
      [128, 0.5],
      [256, 1],
      [512, 4],
    ] as const) {
      const s = generationSuite(`imagenet-${res}-cond-adm-g-250`);
      expect(s.sampler).toEqual({
        solver: 'ddpm',
        steps: 250,
        respacing: '250',
        guidance: 1,
        eta: 0,
        variance: 'learned-range',
        classifier_scale: scale,
        clip_denoised: true,
      });
      const plan = planSampling(s.sampler!, adm);
      expect(plan.nodes.map((n) => n.time).slice(0, 3)).toEqual([999, 995, 991]);
      expect(() => planSampling(s.sampler!, { ...adm, classifier: false })).toThrow(/classifier/);
      expect(() => planSampling(s.sampler!, { ...adm, learnedVariance: false })).toThrow(/learned variances/);
    }
  });

  it("sample ADM-G's 25-step row as guided-diffusion's README does: ddim25, use_ddim, classifier scale 1.0 at 128", () => {
    const adm: SamplerModel = {
      schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
      prediction: 'eps',
      timeInput: 'index',
      conditional: true,
      learnedVariance: true,
      classifier: true,
    };
    const s = generationSuite('imagenet-128-cond-adm-g-25');
    expect(s.sampler).toEqual({
      solver: 'ddim',
      steps: 25,
      respacing: 'ddim25',
      guidance: 1,
      eta: 0,
      classifier_scale: 1,
      clip_denoised: true,
    });
    const plan = planSampling(s.sampler!, adm);
    // ddim25 of 1000 keeps every 40th step: 960, 920, … 0, walked from the largest.
    expect(plan.nodes.map((n) => n.time).slice(0, 3)).toEqual([960, 920, 880]);
    expect(plan.nodes).toHaveLength(26);
    expect(() => planSampling(s.sampler!, { ...adm, classifier: false })).toThrow(/classifier/);
  });
});

describe('zero-shot segmentation suites', () => {
  it('keep the generation suites exactly as they were defined (smoke-32 v1)', () => {
    expect(JSON.parse(JSON.stringify(findSuite('smoke-32')))).toEqual({
      id: 'smoke-32',
      version: 1,
      title: 'Smoke 32×32 (synthetic shapes)',
      description: '1,024 samples vs 1,024 synthetic shape images, tiny conv features; runs offline in seconds.',
      task: 'unconditional-generation',
      resolution: 32,
      kinds: ['generator'],
      samples: 1024,
      seed: 0,
      batch_size: 64,
      quantization: 'adm-truncate',
      reference: { type: 'synthetic-shapes', n: 1024, seed: 1 },
      extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
      metrics: ['fid'],
      primary: 'fid',
      drift_tolerance: 1e-6,
      time_limit_s: 300,
    });
  });

  it.each([
    ['smoke-seg-dataset', 'synthetic-shapes', 5, 'dataset-hungarian', 64],
    ['smoke-seg-per-image', 'synthetic-shapes', 5, 'per-image-hungarian', 64],
    ['cocostuff27-dataset', 'cocostuff27', 27, 'dataset-hungarian', 512],
    ['cocostuff27-per-image', 'cocostuff27', 27, 'per-image-hungarian', 512],
    ['cityscapes27-dataset', 'cityscapes27', 27, 'dataset-hungarian', 512],
    ['cityscapes27-per-image', 'cityscapes27', 27, 'per-image-hungarian', 512],
  ] as const)('%s: %s, K = %i, %s, %i×%i, mIoU and pixel accuracy, ranked by mIoU', (id, dataset, classes, protocol, resolution) => {
    const s = findSuite(id)!;
    if (!isSegmentationSuite(s)) throw new Error(`${id} is not a segmentation suite`);
    expect(s).toMatchObject({
      task: 'zero-shot-segmentation',
      classes,
      protocol,
      resolution,
      kinds: ['extractor', 'segmenter'],
      metrics: ['miou', 'pixel_accuracy'],
      primary: 'miou',
    });
    expect(s.dataset.type).toBe(dataset);
    if (s.dataset.type === 'cocostuff27')
      expect(s.dataset).toEqual({ type: 'cocostuff27', split: 'val2017', list: 'Coco164kFull_Stuff_Coarse_7.txt', images: 2175 });
    if (s.dataset.type === 'cityscapes27') expect(s.dataset).toEqual({ type: 'cityscapes27', split: 'val', images: 500 });
    for (const m of s.metrics) expect(METRICS.find((x) => x.id === m)?.higherIsBetter).toBe(true);
  });

  it('survive storage: each definition, stored as JSON and parsed again, is unchanged (the API compares them at start)', () => {
    for (const def of SUITES) {
      const stored = JSON.parse(JSON.stringify(def));
      const reparsed = SuiteDefinition.parse(stored);
      expect(JSON.parse(JSON.stringify(reparsed)), def.id).toEqual(stored);
    }
  });

  it('report the synthetic smoke suites as available, and refuse definitions that mix the tasks', async () => {
    const dirs = loadAssetDirs({ GENBENCH_DATASETS_DIR: '/nonexistent' });
    expect(await availability(findSuite('smoke-seg-dataset')!, dirs)).toEqual({ available: true });
    expect(SuiteDefinition.safeParse({ ...findSuite('smoke-seg-dataset')!, samples: 10 }).success).toBe(false);
    expect(SuiteDefinition.safeParse({ ...findSuite('smoke-32')!, task: 'zero-shot-segmentation' }).success).toBe(false);
  });
});

describe('availability', () => {
  let dir: string;
  let dirs: AssetDirs;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-availability-'));
    dirs = loadAssetDirs({ GENBENCH_REFERENCE_DIR: join(dir, 'reference'), GENBENCH_MODELS_DIR: join(dir, 'models') });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults to .genbench/reference and .genbench/models', () => {
    const d = loadAssetDirs({});
    expect(d.referenceDir).toBe(join(process.cwd(), '.genbench/reference'));
    expect(d.modelsDir).toBe(join(process.cwd(), '.genbench/models'));
  });

  it('reports synthetic suites as available', async () => {
    expect(await availability(findSuite('smoke-32')!, dirs)).toEqual({ available: true });
  });

  it.each(IMAGENET.map((s) => [s.id, s] as const))(
    'reports %s as unavailable, with paths and sources, when its files are absent',
    async (_id, s) => {
      const a = await availability(s, dirs);
      expect(a.available).toBe(false);
      if (a.available) return;
      if (s.reference.type !== 'adm-reference-batch' || s.extractor.type !== 'onnx-file') throw new Error('expected file assets');
      const refPath = join(dirs.referenceDir, s.reference.file);
      const modelPath = join(dirs.modelsDir, s.extractor.file);
      expect(a.missing).toEqual([
        {
          file: s.reference.file,
          expectedPath: refPath,
          source: s.reference.source,
          sha256: s.reference.sha256,
          kind: 'reference',
          problem: 'absent',
        },
        {
          file: s.extractor.file,
          expectedPath: modelPath,
          source: s.extractor.source,
          sha256: s.extractor.sha256,
          kind: 'model',
          problem: 'absent',
        },
      ]);
      expect(a.message).toContain(s.id);
      expect(a.message).toContain(refPath);
      expect(a.message).toContain(s.reference.source);
      expect(a.message).toContain(modelPath);
    },
  );

  it.each(['ucf101-16f-128', 'ucf101-16f-256'])(
    'reports %s as unavailable until its reference videos, I3D, Inception and DINO are present, and the smoke video suite as available',
    async (id) => {
      const s = findSuite(id)!;
      if (!isVideoSuite(s)) throw new Error(`${id} is not a video suite`);
      expect(s).toMatchObject({ frames: 16, samples: 2048, fvd: { clip_frames: 16, network: { id: 'i3d-kinetics-400' } } });
      const a = await availability(s, dirs);
      if (a.available) throw new Error('expected unavailable');
      expect(a.missing.map((m) => [m.file, m.problem, m.sha256])).toEqual([
        [`ucf101-2048x32f-${s.resolution}.npz`, 'absent', '0'.repeat(64)],
        ['i3d_torchscript_kinetics400.onnx', 'absent', '0'.repeat(64)],
        ['inception-2015-12-05.onnx', 'absent', expect.any(String)],
        ['dino_vitb16.onnx', 'absent', '0'.repeat(64)],
      ]);
      expect(a.message).toContain('crcv.ucf.edu');
      expect(a.message).toContain('i3d_torchscript.pt');
      expect(await availability(findSuite('smoke-video-16x32')!, dirs)).toEqual({ available: true });
    },
  );

  it('lists only what is still missing, and needs no hashing to say a file is there', async () => {
    const s = generationSuite('imagenet-64-cond');
    if (s.reference.type !== 'adm-reference-batch') throw new Error('expected a file reference');
    await mkdir(dirs.referenceDir, { recursive: true });
    await writeFile(join(dirs.referenceDir, s.reference.file), 'not really a reference batch');
    const a = await availability(s, dirs);
    expect(a.available).toBe(false);
    if (a.available) return;
    expect(a.missing.map((m) => m.file)).toEqual(['inception-2015-12-05.onnx']);
  });

  it('with verify, reports a file whose checksum is not pinned or differs', async () => {
    const s = generationSuite('imagenet-64-cond');
    if (s.reference.type !== 'adm-reference-batch' || s.extractor.type !== 'onnx-file') throw new Error('expected file assets');
    await mkdir(dirs.referenceDir, { recursive: true });
    await mkdir(dirs.modelsDir, { recursive: true });
    await writeFile(join(dirs.referenceDir, s.reference.file), 'x');
    await writeFile(join(dirs.modelsDir, s.extractor.file), 'y');
    const pinned = { ...s, extractor: { ...s.extractor, sha256: 'f'.repeat(64) } };
    const a = await availability(pinned, dirs, { verify: true });
    if (a.available) throw new Error('expected unavailable');
    expect(a.missing.map((m) => m.problem)).toEqual(['sha256-not-pinned', 'sha256-mismatch']);
    expect(a.message).toMatch(/no pinned sha256/);
    expect(a.message).toMatch(/wrong sha256/);
  });

  // DDRM's paper reports LPIPS for its ImageNet tasks (AlexNet, the lpips default: its code names none); DDBM's
  // evaluator uses torchmetrics' VGG LPIPS (evaluations/evaluator.py). The suite files say where each comes from.
  it.each([
    ['imagenet-1k-sr4-256', 'alex'],
    ['imagenet-1k-deblur-256', 'alex'],
    ['imagenet-1k-inpaint-256', 'alex'],
    ['edges2handbags-64', 'vgg'],
    ['diode-outdoor-256', 'vgg'],
  ])('%s scores LPIPS (%s) by path, and is unavailable, saying how to export it, while that is all it lacks', async (id, net) => {
    const s = findSuite(id)!;
    if (!isImageConditionedSuite(s)) throw new Error(`${id} is not image-conditioned`);
    const file = `lpips/lpips_${net}.json`;
    expect(s).toMatchObject({ version: 2, lpips: { type: 'manifest', file } });
    expect(s.metrics).toContain('lpips');
    for (const { asset, kind } of suiteAssets(s)) {
      const d = kind === 'reference' ? dirs.referenceDir : dirs.modelsDir;
      await mkdir(join(d, asset.file, '..'), { recursive: true });
      await writeFile(join(d, asset.file), 'present: availability checks presence only');
    }
    const a = await availability(s, dirs);
    if (a.available) throw new Error(`${id} is available without its LPIPS network`);
    expect(a.missing.map((m) => [m.file, m.kind, m.problem])).toEqual([[file, 'model', 'absent']]);
    expect(a.message).toContain(`python scripts/export_lpips.py --net ${net} --out-dir ${join(dirs.modelsDir, 'lpips')}`);
  });

  it('does not throw when the directories themselves do not exist or are files', async () => {
    await writeFile(join(dir, 'file'), '');
    const weird = { referenceDir: join(dir, 'file'), modelsDir: join(dir, 'nope', 'deeper'), datasetsDir: join(dir, 'file') };
    const a = await availability(findSuite('imagenet-512-uncond')!, weird);
    expect(a.available).toBe(false);
  });
});

describe('FD-DINOv2 extractor', () => {
  it('is an extractor by path with dgm-eval preprocessing: Pillow uint8 bicubic to 224, ImageNet normalisation, the CLS output', () => {
    const e = FileExtractor.parse(DINOV2_VITL14);
    expect(e).toMatchObject({ input_size: 224, preprocessing: 'pil-bicubic-uint8', normalization: 'imagenet', outputs: { pool: 'cls' } });
    expect(KNOWN_METRICS.has('fd_dinov2')).toBe(true);
  });
});
