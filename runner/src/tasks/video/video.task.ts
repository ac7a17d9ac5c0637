import type { AssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { isVideoSuite, type VideoSuiteDefinition } from '../../../../contracts/suites/video-suite.schemas.js';
import { verifyAsset } from '../../assets/assets.js';
import { SuiteFailure } from '../../evaluation/evaluation-failure.js';
import { FeatureExtractor } from '../../evaluation/features.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import type { MetricResult } from '../../evaluation/scoring.js';
import { StageClock } from '../../evaluation/stage-clock.js';
import { AdmBatchError, ADM_IMAGES, requireAdmVideos } from '../../io/adm-batch.js';
import { openNpz } from '../../io/npz.js';
import { computeFeatureStats } from '../../metrics/feature-stats.js';
import { frameClipScore } from '../../metrics/frame-clip-score.js';
import { frechetDistance } from '../../metrics/frechet-distance.js';
import { fvd } from '../../metrics/fvd.js';
import type { FeatureSet } from '../../metrics/precision-recall.js';
import { temporalConsistency } from '../../metrics/temporal-consistency.js';
import { clipStart, frameIndices } from '../../metrics/video-sampling.js';
import { createRng } from '../../random/prng.js';
import { streamSeed } from '../../random/prng.js';
import { ClipModelSession } from '../text-to-image/clip-model.js';
import { loadPrompts } from '../text-to-image/prompt-list.js';
import type { EvaluationInput, TaskFamily, TaskResult } from '../task-family.js';
import { movingShapesVideo } from './moving-shapes.js';
import { promptVideo } from './prompt-videos.js';
import { syntheticPrompts } from '../../text/synthetic-prompts.js';
import { VideoNetworkSession } from './video-network.js';
import { openVideoDenoiser, type VideoBatch } from './video-denoiser-source.js';

/** Video suites: video sample batches scored by FVD, FID of frames, temporal consistency and per-frame CLIP score. */
export const videoTask: TaskFamily = {
  id: 'video',
  serves: (suite) => isVideoSuite(suite),
  evaluate: evaluateVideo,
};

/** Grows one feature set batch by batch. */
class Rows {
  private readonly parts: Float32Array[] = [];
  rows = 0;
  private dim = 0;

  add(data: Float32Array, rows: number, dim: number): void {
    this.parts.push(data.slice(0, rows * dim));
    this.rows += rows;
    this.dim = dim;
  }

  set(): FeatureSet {
    const data = new Float32Array(this.rows * this.dim);
    let at = 0;
    for (const p of this.parts) {
      data.set(p, at);
      at += p.length;
    }
    return { data, rows: this.rows, dim: this.dim };
  }
}

/** Frames `indices` of each video of a batch, uint8 [count·k, R, R, 3] (video-major). */
function pickFrames(b: VideoBatch, indices: readonly number[]): Uint8Array {
  const frame = b.resolution * b.resolution * 3;
  const out = new Uint8Array(b.count * indices.length * frame);
  for (let v = 0; v < b.count; v++)
    indices.forEach((f, k) =>
      out.set(b.videos.subarray((v * b.frames + f) * frame, (v * b.frames + f + 1) * frame), (v * indices.length + k) * frame),
    );
  return out;
}

/** The videos of an npz `arr_0` [N, T, R, R, 3], the first `limit`, `batchSize` at a time; its faults are `fault`'s. */
async function* npzVideos(
  path: string,
  label: string,
  limit: number,
  batchSize: number,
  fault: (message: string, cause: unknown) => Error,
  frames?: number,
): AsyncGenerator<VideoBatch> {
  const reader = await openNpz(path);
  try {
    let layout;
    try {
      layout = requireAdmVideos(reader, label, frames);
    } catch (err) {
      throw err instanceof AdmBatchError ? fault(err.message, err) : err;
    }
    let start = 0;
    for await (const rows of reader.rows(ADM_IMAGES, { batchRows: batchSize })) {
      const count = Math.min(rows.shape[0]!, limit - start);
      if (count <= 0) break;
      yield {
        start,
        count,
        frames: layout.frames,
        resolution: layout.resolution,
        videos: (rows.data as Uint8Array).subarray(0, (count * rows.data.length) / rows.shape[0]!),
      };
      start += count;
      if (start >= limit) break;
    }
  } finally {
    await reader.close();
  }
}

/** The reference videos: seeded coherent movers or prompted videos drawn by the project, or an npz of real videos. */
async function* referenceVideos(suite: VideoSuiteDefinition, dirs: AssetDirs): AsyncGenerator<VideoBatch> {
  const ref = suite.reference;
  const R = suite.resolution;
  if (ref.type === 'synthetic-moving-shapes') {
    const T = suite.frames;
    for (let start = 0; start < ref.n; start += suite.batch_size) {
      const count = Math.min(suite.batch_size, ref.n - start);
      const videos = new Uint8Array(count * T * R * R * 3);
      for (let k = 0; k < count; k++)
        videos.set(movingShapesVideo(start + k, { seed: ref.seed, frames: T, resolution: R }), k * T * R * R * 3);
      yield { start, count, frames: T, resolution: R, videos };
    }
    return;
  }
  if (ref.type === 'synthetic-prompt-videos') {
    if (suite.prompts?.type !== 'synthetic-colour-shapes')
      throw new SuiteFailure(`suite ${suite.id}: prompt videos need synthetic prompts`);
    const prompts = syntheticPrompts(suite.prompts.seed).slice(0, suite.samples);
    const T = suite.frames;
    for (let start = 0; start < prompts.length; start += suite.batch_size) {
      const count = Math.min(suite.batch_size, prompts.length - start);
      const videos = new Uint8Array(count * T * R * R * 3);
      for (let k = 0; k < count; k++)
        videos.set(promptVideo(prompts[start + k]!, { seed: ref.seed, frames: T, size: R }, start + k), k * T * R * R * 3);
      yield { start, count, frames: T, resolution: R, videos };
    }
    return;
  }
  const path = await verifyAsset(dirs.referenceDir, ref, 'reference');
  const suiteFault = (message: string, cause: unknown) => new SuiteFailure(`suite ${suite.id}'s reference videos: ${message}`, { cause });
  for await (const b of npzVideos(path, ref.file, Number.MAX_SAFE_INTEGER, suite.batch_size, suiteFault)) {
    if (b.resolution !== R) throw new SuiteFailure(`suite ${suite.id}'s reference videos are ${b.resolution}², the suite is ${R}²`);
    yield b;
  }
}

async function evaluateVideo(input: EvaluationInput): Promise<TaskResult> {
  const { manifest, suite } = input;
  if (!isVideoSuite(suite)) throw new Error(`suite ${suite.id} is not a video suite`);
  if ((manifest.kind !== 'samples' && manifest.kind !== 'denoiser') || manifest.frames === undefined)
    throw new ModelFailure(
      `suite ${suite.id} scores video sample batches and video denoisers (a samples or denoiser manifest with frames), not ${manifest.kind === 'samples' ? 'image batches' : manifest.kind === 'denoiser' ? 'image denoisers' : manifest.kind}`,
    );
  if (manifest.frames !== suite.frames)
    throw new ModelFailure(`suite ${suite.id} scores videos of ${suite.frames} frames; the batch declares ${manifest.frames}`);
  if (manifest.resolution !== suite.resolution)
    throw new ModelFailure(
      `suite ${suite.id} is at ${suite.resolution}×${suite.resolution}; the batch declares resolution ${manifest.resolution}`,
    );
  if (manifest.kind === 'samples' && !input.modelPath) throw new Error('a video sample batch is read from its file: modelPath is required');
  const ep = input.executionProvider ?? 'cpu';
  const dirs = input.assetDirs;
  const t0 = performance.now();
  const clock = new StageClock();
  const n = suite.samples;
  const T = suite.frames;
  const R = suite.resolution;
  const clipFrames = suite.fvd.clip_frames;
  const fidFrames = frameIndices(T, suite.frames_per_video ?? T);
  const allFrames = frameIndices(T, T);
  const want = (id: (typeof suite.metrics)[number]) => suite.metrics.includes(id);

  const opened: { close(): Promise<void> }[] = [];
  try {
    const network = await VideoNetworkSession.open(suite.fvd.network, clipFrames, R, ep, dirs.modelsDir);
    opened.push(network);
    const fid = await FeatureExtractor.open(suite.extractor, ep, { modelsDir: dirs.modelsDir });
    opened.push(fid);
    let consistency = fid;
    if (suite.consistency) {
      consistency = await FeatureExtractor.open(suite.consistency, ep, { modelsDir: dirs.modelsDir });
      opened.push(consistency);
    }
    const prompts = suite.prompts ? await loadPrompts({ id: suite.id, samples: n, prompts: suite.prompts }, dirs) : undefined;
    const clip = want('clip_score_frames') && suite.clip ? await ClipModelSession.open(suite.clip, R, ep, dirs) : undefined;
    if (clip) opened.push(clip);

    const samples = { clips: new Rows(), frames: new Rows(), consistency: new Rows(), clip: new Rows() };
    clock.startLoop();
    const modelFault = (message: string, cause: unknown) => new ModelFailure(message, { cause });
    // A video denoiser is sampled here (its progress counts sampled videos); a batch is read from its file.
    const model =
      manifest.kind === 'denoiser' ? await openVideoDenoiser(input, suite, prompts, (done) => input.onProgress?.(done / n)) : undefined;
    if (model) opened.push(model);
    const videos = model ? model.batches() : npzVideos(input.modelPath!, 'the sample batch', n, suite.batch_size, modelFault, T);
    for await (const b of videos) {
      if (b.resolution !== R) throw new ModelFailure(`the sample batch holds ${b.resolution}² frames; suite ${suite.id} is ${R}²`);
      // The first frame of every video, for the evaluation's sample grid; the whole videos, for the kept previews.
      await input.onSamples?.({
        start: b.start,
        count: b.count,
        resolution: R,
        images: pickFrames(b, [0]),
        videos: { frames: T, fps: suite.fps, pixels: b.videos },
        // A prompted suite's videos are kept beside the prompt each answers.
        ...(prompts ? { conditions: prompts.slice(b.start, b.start + b.count).map((prompt) => ({ prompt })) } : {}),
      });
      await clock.time('features', async () => {
        if (want('fvd')) {
          const c = await network.clipFeatures(b.videos, b.count, new Array<number>(b.count).fill(clipStart(T, clipFrames, 'first')));
          samples.clips.add(c.data, b.count, c.dim);
        }
        if (want('fid_frames')) {
          const f = await fid.extract(pickFrames(b, fidFrames), b.count * fidFrames.length, R);
          samples.frames.add(f.pool, b.count * fidFrames.length, f.poolDim);
        }
        if (want('temporal_consistency')) {
          const f = await consistency.extract(b.videos, b.count * T, R);
          samples.consistency.add(f.pool, b.count * T, f.poolDim);
        }
        if (clip) {
          const e = await clip.embedImages(pickFrames(b, allFrames), b.count * T, R);
          samples.clip.add(e.data, b.count * T, e.dim);
        }
      });
      const done = b.start + b.count;
      input.onProgress?.(done / n);
      input.onStage?.(clock.progress(done, n, 'features'));
    }
    const scored = Math.max(
      samples.clips.rows,
      samples.frames.rows / fidFrames.length,
      samples.consistency.rows / T,
      samples.clip.rows / T,
    );
    if (scored !== n) throw new ModelFailure(`the sample batch holds ${scored} videos; suite ${suite.id} scores ${n}`);

    // Real clips start at a seeded random frame (StyleGAN-V), one draw per video in file order.
    const rng = createRng(streamSeed(suite.seed, 'fvd-reference-clip-starts'));
    const reference = { clips: new Rows(), frames: new Rows() };
    let referenceVideoCount = 0;
    let referenceFrames = T;
    await clock.time('reference', async () => {
      for await (const b of referenceVideos(suite, dirs)) {
        referenceFrames = b.frames;
        if (want('fvd')) {
          const starts = Array.from({ length: b.count }, () => clipStart(b.frames, clipFrames, 'random', rng));
          const c = await network.clipFeatures(b.videos, b.count, starts);
          reference.clips.add(c.data, b.count, c.dim);
        }
        if (want('fid_frames')) {
          const idx = frameIndices(b.frames, Math.min(fidFrames.length, b.frames));
          const f = await fid.extract(pickFrames(b, idx), b.count * idx.length, R);
          reference.frames.add(f.pool, b.count * idx.length, f.poolDim);
        }
        referenceVideoCount += b.count;
        input.onStage?.(clock.progress(n, n, 'reference'));
      }
    });

    input.onStage?.(clock.progress(n, n, 'metrics'));
    const values: Record<string, number> = {};
    await clock.time('metrics', async () => {
      if (want('fvd')) values.fvd = await fvd(reference.clips.set(), samples.clips.set());
      if (want('fid_frames')) {
        const [a, b] = [reference.frames.set(), samples.frames.set()];
        values.fid_frames = await frechetDistance(
          await computeFeatureStats(a.data, a.rows, a.dim),
          await computeFeatureStats(b.data, b.rows, b.dim),
        );
      }
      if (want('temporal_consistency')) {
        const f = samples.consistency.set();
        values.temporal_consistency = temporalConsistency(f.data, n, T, f.dim).temporal_consistency;
      }
      if (clip && prompts) {
        const promptRows = new Rows();
        for (let start = 0; start < n; start += suite.batch_size) {
          const e = await clip.embedPrompts(prompts.slice(start, start + suite.batch_size));
          promptRows.add(e.data, Math.min(suite.batch_size, n - start), e.dim);
        }
        values.clip_score_frames = frameClipScore(samples.clip.set(), promptRows.set(), T).clip_score;
      }
    });
    const metrics: MetricResult[] = suite.metrics.map((id) => {
      const value = values[id];
      if (value === undefined || !Number.isFinite(value)) throw new Error(`metric ${id} could not be computed`);
      return { id, value };
    });
    return {
      metrics,
      protocol: {
        samples: n,
        frames: T,
        fps: suite.fps,
        resolution: R,
        batchSize: suite.batch_size,
        fvd: {
          clipFrames,
          network: suite.fvd.network,
          sampleClips: 'first frame (StyleGAN-V generated clips)',
          referenceClips: `seeded random start (seed ${suite.seed}), one per video`,
          executionProvider: network.executionProvider,
        },
        fidFrames: { frameIndices: fidFrames, referenceFramesPerVideo: referenceFrames },
        temporalConsistency: { network: suite.consistency ? 'consistency' : 'extractor', definition: 'VBench subject consistency' },
        reference: { ...suite.reference, videos: referenceVideoCount },
        extractor: { ...suite.extractor, executionProvider: fid.executionProvider },
        ...(suite.consistency ? { consistency: suite.consistency } : {}),
        ...(suite.prompts ? { prompts: { ...suite.prompts, count: prompts?.length } } : {}),
        ...(suite.clip ? { clip: suite.clip } : {}),
        ...(model ? model.protocol() : {}),
      },
      executionProvider: fid.executionProvider,
      warnings: [
        ...(model?.warnings.map((w) => `model: ${w}`) ?? []),
        ...network.warnings.map((w) => `video network: ${w}`),
        ...fid.warnings.map((w) => `feature extractor: ${w}`),
      ],
      durationsMs: {
        ...Object.fromEntries(Object.entries(clock.wallMs).map(([k, v]) => [k, Math.round(v)])),
        total: Math.round(performance.now() - t0),
      },
    };
  } finally {
    for (const o of opened.reverse()) await o.close();
  }
}
