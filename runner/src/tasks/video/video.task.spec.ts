import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import smokeVideo from '../../../../benchmarks/video/smoke-video-16x32.suite.js';
import { exampleVideoManifest, writeExampleVideoBatch } from '../../../../benchmarks/video/example-models.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
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
});
