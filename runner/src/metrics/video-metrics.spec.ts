import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpz } from '../io/npz.js';
import { createRng } from '../random/prng.js';
import { frameClipScore } from './frame-clip-score.js';
import { fvd } from './fvd.js';
import { MetricInputError } from './metric-input-error.js';
import type { FeatureSet } from './precision-recall.js';
import { temporalConsistency } from './temporal-consistency.js';
import { clipStart, FVD_CLIP_FRAMES, frameIndices, i3dClip } from './video-sampling.js';

// Fixtures from fixtures/video/make_video_references.py (numpy/scipy, committed beside them).
const DIR = join(import.meta.dirname, 'fixtures/video');
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'video-references.json'), 'utf8')) as Record<string, number & number[]>;
const arrays = () => readNpz(join(DIR, 'video-references.npz'));
const rows = (a: { data: unknown; shape: number[] }): FeatureSet => ({
  data: a.data as Float32Array,
  rows: a.shape.slice(0, -1).reduce((x, y) => x * y, 1),
  dim: a.shape[a.shape.length - 1],
});
const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('FVD', () => {
  it('equals the numpy/scipy.linalg.sqrtm reference on 300 clips × 64 features within 1e-6 relative', async () => {
    const a = await arrays();
    expect(relErr(await fvd(rows(a.fvd_real), rows(a.fvd_gen)), EXPECTED.fvd)).toBeLessThan(1e-6);
  });

  it('is 0 for a set against itself (within 1e-9 absolute) and symmetric (within 1e-9 relative)', async () => {
    const a = await arrays();
    expect(Math.abs(await fvd(rows(a.fvd_real), rows(a.fvd_real)))).toBeLessThan(1e-9);
    expect(relErr(await fvd(rows(a.fvd_gen), rows(a.fvd_real)), EXPECTED.fvd)).toBeLessThan(1e-6);
  });

  it('refuses features of different networks and a single clip', async () => {
    const two = { data: new Float32Array(8), rows: 2, dim: 4 };
    await expect(fvd(two, { data: new Float32Array(6), rows: 2, dim: 3 })).rejects.toThrow(/4 dimensions but sample clip features 3/);
    await expect(fvd({ data: new Float32Array(4), rows: 1, dim: 4 }, two)).rejects.toThrow(MetricInputError);
  });
});

describe('temporal consistency (VBench subject consistency)', () => {
  it.each(['smooth', 'noise'])(
    '%s frame features equal the VBench-loop numpy reference within 1e-12 absolute, per video too',
    async (name) => {
      const a = (await arrays())[`tc_${name}`];
      const [videos, frames, dim] = a.shape;
      const got = temporalConsistency(a.data as Float32Array, videos, frames, dim);
      expect(Math.abs(got.temporal_consistency - EXPECTED[`temporal_consistency_${name}`])).toBeLessThan(1e-12);
      const perVideo = EXPECTED[`temporal_consistency_${name}_per_video`];
      perVideo.forEach((want, v) => expect(Math.abs(got.perVideo[v] - want)).toBeLessThan(1e-12));
    },
  );

  it('is 1 for a still video, (1 + 0)/2·… closed forms for orthogonal and opposite frames (1e-15)', () => {
    // frames e0, e0, e0 → 1; frames e0, e1, e1 → i=1: (0 + 0)/2, i=2: (1 + 0)/2 → 0.25; frames e0, −e0 → 0 (clamped).
    const still = Float32Array.from([1, 0, 1, 0, 1, 0]);
    expect(temporalConsistency(still, 1, 3, 2).temporal_consistency).toBe(1);
    const turn = Float32Array.from([1, 0, 0, 1, 0, 2]);
    expect(Math.abs(temporalConsistency(turn, 1, 3, 2).temporal_consistency - 0.25)).toBeLessThan(1e-15);
    expect(temporalConsistency(Float32Array.from([1, 0, -1, 0]), 1, 2, 2).temporal_consistency).toBe(0);
  });

  it('refuses single frames, a wrong layout and zero features', () => {
    expect(() => temporalConsistency(new Float32Array(4), 2, 1, 2)).toThrow(/compares consecutive frames/);
    expect(() => temporalConsistency(new Float32Array(5), 1, 2, 2)).toThrow(/not 1 videos × 2 frames × 2 features/);
    expect(() => temporalConsistency(Float32Array.from([1, 0, 0, 0]), 1, 2, 2)).toThrow(/frame 1 of video 0/);
  });
});

describe('CLIP score per frame', () => {
  it('equals the numpy reference (every frame against its video prompt, clamp per frame) within 1e-9 relative', async () => {
    const a = await arrays();
    const frames = a.clip_frames.shape[1];
    const got = frameClipScore(rows(a.clip_frames), rows(a.clip_prompts), frames);
    expect(relErr(got.clip_score, EXPECTED.clip_score_frames)).toBeLessThan(1e-9);
    expect(got.negativeCosines).toBe(EXPECTED.clip_score_frames_negative);
    expect(got.samples).toBe(a.clip_frames.shape[0] * frames);
  });

  it('refuses frame counts that do not pair with the prompts', () => {
    const unit = { data: Float32Array.from([1, 0, 1, 0, 1, 0]), rows: 3, dim: 2 };
    expect(() => frameClipScore(unit, { data: Float32Array.from([1, 0, 0, 1]), rows: 2, dim: 2 }, 2)).toThrow(
      /3 frame embeddings are not 2 videos × 2 frames/,
    );
  });
});

describe('video sampling protocol', () => {
  it('StyleGAN-V clips: generated from frame 0, real uniformly among the starts, too-short videos refused', () => {
    expect(clipStart(24, FVD_CLIP_FRAMES, 'first')).toBe(0);
    const rng = createRng(0);
    const starts = new Set(Array.from({ length: 400 }, () => clipStart(20, 16, 'random', rng)));
    expect([...starts].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(() => clipStart(15, 16, 'first')).toThrow(/15 frames are shorter than the 16-frame clips/);
  });

  it('frames for FID: ⌊i·T/k⌋, all frames when k = T, refused beyond T', () => {
    expect(frameIndices(16, 4)).toEqual([0, 4, 8, 12]);
    expect(frameIndices(10, 3)).toEqual([0, 3, 6]);
    expect(frameIndices(5, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(() => frameIndices(4, 5)).toThrow(/cannot read 5 frames/);
  });

  it('i3dClip lays a uint8 [T, H, W, 3] clip out as [3, T, H, W] in [−1, 1] (x/127.5 − 1)', () => {
    // 3 frames of 1×2 pixels; value = 10·frame + 3·pixel + channel
    const video = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => 10 * Math.floor(i / 6) + 3 * (Math.floor(i / 3) % 2) + (i % 3));
    const x = i3dClip(video, 1, 2, 1, 2);
    // channel 2, frame 1 of the clip (video frame 2), pixel 1: value 20 + 3 + 2 = 25
    expect(x[(2 * 2 + 1) * 2 + 1]).toBeCloseTo(25 / 127.5 - 1, 7);
    expect(x[0]).toBeCloseTo(10 / 127.5 - 1, 7);
    expect(() => i3dClip(video, 1, 2, 2, 2)).toThrow(/frames 2 … 3 are not in a video of 3 frames/);
  });
});
