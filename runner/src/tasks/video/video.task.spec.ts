import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import smokeVideo from '../../../../benchmarks/video/smoke-video-16x32.suite.js';
import { exampleVideoManifest, writeExampleVideoBatch } from '../../../../benchmarks/video/example-models.js';
import { defineSuite } from '../../../../contracts/suites/suite.schemas.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { writeNpz } from '../../io/npz.js';
import { drawPrompt, syntheticPrompts } from '../../text/synthetic-prompts.js';
import { movingShapesVideo } from './moving-shapes.js';
import { familyFor, runEvaluation } from '../evaluate.js';
import type { EvaluationOutput } from '../task-family.js';

const assetDirs = loadAssetDirs({});
const score = (out: EvaluationOutput, id: string) => out.metrics.find((m) => m.id === id)!.value;

describe('video task family (smoke-video-16x32)', () => {
  let dir: string;
  const run = (name: string, path: string, manifest = exampleVideoManifest(name)) =>
    runEvaluation({ model: new Uint8Array(), modelPath: path, manifest, suite: smokeVideo, assetDirs });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'video-task-'));
    await writeExampleVideoBatch(join(dir, 'coherent.npz'));
    await writeExampleVideoBatch(join(dir, 'noise.npz'), { perFrameNoise: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves video suites', () => {
    expect(familyFor(smokeVideo).id).toBe('video');
  });

  it('ranks coherent movers above per-frame noise on FVD and temporal consistency, the same numbers twice', async () => {
    const coherent = await run('coherent', join(dir, 'coherent.npz'));
    const noise = await run('noise', join(dir, 'noise.npz'));
    expect(coherent.metrics.map((m) => m.id)).toEqual(['fvd', 'fid_frames', 'temporal_consistency']);
    expect(score(coherent, 'fvd')).toBeLessThan(score(noise, 'fvd') / 5);
    expect(score(coherent, 'temporal_consistency')).toBeGreaterThan(score(noise, 'temporal_consistency'));
    expect(coherent.protocol).toMatchObject({
      frames: 16,
      fvd: { clipFrames: 16, network: { type: 'builtin-motion-standin' } },
      reference: { type: 'synthetic-moving-shapes', videos: 128 },
    });
    const again = await run('coherent', join(dir, 'coherent.npz'));
    expect(again.metrics).toEqual(coherent.metrics);
  });

  it('refuses, as the model fault, a batch of another frame count and an image batch', async () => {
    await writeExampleVideoBatch(join(dir, 'eight.npz'), { frames: 8 });
    await expect(run('eight', join(dir, 'eight.npz'))).rejects.toThrow(/holds videos of 8 frames, 16 are expected/);
    await expect(run('eight', join(dir, 'eight.npz'), exampleVideoManifest('eight', { frames: 8 }))).rejects.toThrow(ModelFailure);
    const { name, kind, resolution, classes } = exampleVideoManifest('images');
    await expect(run('images', join(dir, 'coherent.npz'), { name, kind, resolution, classes })).rejects.toThrow(
      /scores video sample batches/,
    );
  });

  it('scores a prompted suite by CLIP score per frame: videos drawing their prompts beat prompt-ignoring ones', async () => {
    const suite = defineSuite({
      id: 'prompted-video-test',
      version: 1,
      title: 'prompted video (test only)',
      task: 'video-generation',
      resolution: 32,
      frames: 8,
      fps: 8,
      kinds: ['samples'],
      prompts: { type: 'synthetic-colour-shapes', seed: 0 },
      samples: 224,
      seed: 0,
      batch_size: 32,
      reference: { type: 'synthetic-moving-shapes', n: 8, seed: 1 },
      fvd: { clip_frames: 8, network: { type: 'builtin-motion-standin', seed: 21 } },
      extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
      clip: { type: 'builtin-clip-like', context_length: 16 },
      metrics: ['clip_score_frames', 'temporal_consistency'],
      primary: 'clip_score_frames',
    });
    const T = 8;
    const R = 32;
    const frame = R * R * 3;
    const prompts = syntheticPrompts(0);
    const following = new Uint8Array(prompts.length * T * frame);
    const ignoring = new Uint8Array(prompts.length * T * frame);
    prompts.forEach((p, i) => {
      // The prompt's picture, drifting right by a pixel per frame; or a moving square of seeded colours.
      const still = drawPrompt(p, R, 5, i);
      for (let f = 0; f < T; f++)
        for (let y = 0; y < R; y++)
          for (let x = 0; x < R; x++)
            following.set(
              still.subarray((y * R + Math.max(0, x - f)) * 3, (y * R + Math.max(0, x - f)) * 3 + 3),
              (i * T + f) * frame + (y * R + x) * 3,
            );
      ignoring.set(movingShapesVideo(i, { seed: 3, frames: T, resolution: R }), i * T * frame);
    });
    const manifest = { name: 'p', kind: 'samples' as const, resolution: R, classes: 0, frames: T, prompts: suite.id };
    const scores: number[] = [];
    for (const [name, data] of [
      ['following', following],
      ['ignoring', ignoring],
    ] as const) {
      const path = join(dir, `${name}.npz`);
      await writeNpz(path, { arr_0: { dtype: 'uint8', shape: [prompts.length, T, R, R, 3], data } });
      const out = await runEvaluation({ model: new Uint8Array(), modelPath: path, manifest, suite, assetDirs });
      expect(out.metrics.map((m) => m.id)).toEqual(['clip_score_frames', 'temporal_consistency']);
      expect(out.protocol.prompts).toMatchObject({ type: 'synthetic-colour-shapes', count: 224 });
      scores.push(score(out, 'clip_score_frames'));
    }
    expect(scores[0]).toBeGreaterThan(80);
    expect(scores[0]).toBeGreaterThan(scores[1]! + 20);
  });
});
