import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { i3dClip } from '../../metrics/video-sampling.js';
import { movingShapesVideo } from '../../tasks/video/moving-shapes.js';
import { buildMotionStandinI3d, motionStandinDim } from './motion-standin-i3d.js';

const T = 16;
const R = 32;

async function features(videos: Uint8Array[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(buildMotionStandinI3d({ seed: 21, frames: T, size: R }));
  const size = 3 * T * R * R;
  const x = new Float32Array(videos.length * size);
  videos.forEach((v, i) => i3dClip(v, R, R, 0, T, x.subarray(i * size, (i + 1) * size)));
  const out = await session.run({ clips: new ort.Tensor('float32', x, [videos.length, 3, T, R, R]) });
  await session.release();
  const data = out.features!.data as Float32Array;
  const d = motionStandinDim({});
  expect(out.features!.dims).toEqual([videos.length, d]);
  return videos.map((_, i) => data.slice(i * d, (i + 1) * d));
}

describe('motion stand-in for I3D (smoke suites only)', () => {
  it('sees time: a still video has zero frame-difference energy, a mover little, per-frame noise much', async () => {
    const mover = movingShapesVideo(0, { seed: 0, frames: T, resolution: R });
    const still = new Uint8Array(mover.length);
    for (let f = 0; f < T; f++) still.set(mover.subarray(0, R * R * 3), f * R * R * 3);
    const noise = movingShapesVideo(0, { seed: 0, frames: T, resolution: R, independentFrames: true });
    const [s, m, n] = await features([still, mover, noise]);
    const energy = (f: Float32Array) => f.slice(16).reduce((a, b) => a + b, 0);
    expect(energy(s!)).toBeCloseTo(0, 6);
    expect(energy(m!)).toBeGreaterThan(0);
    expect(energy(n!)).toBeGreaterThan(5 * energy(m!));
  });

  it('reverses in time differently from forward: the 3-D filters see the order of frames', async () => {
    const mover = movingShapesVideo(1, { seed: 0, frames: T, resolution: R });
    const reversed = new Uint8Array(mover.length);
    const frame = R * R * 3;
    for (let f = 0; f < T; f++) reversed.set(mover.subarray((T - 1 - f) * frame, (T - f) * frame), f * frame);
    const [a, b] = await features([mover, reversed]);
    // Frame-difference energies are symmetric in time; the convolution features are not.
    for (let i = 16; i < a!.length; i++) expect(b![i]).toBeCloseTo(a![i]!, 5);
    const gap = a!.slice(0, 16).reduce((m, v, i) => Math.max(m, Math.abs(v - b![i]!)), 0);
    expect(gap).toBeGreaterThan(1e-3);
  });

  it('refuses clips too short for its lag-4 differences', () => {
    expect(() => buildMotionStandinI3d({ seed: 0, frames: 4, size: 32 })).toThrow(/at least 5 frames/);
  });
});
