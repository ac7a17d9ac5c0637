import { describe, expect, it } from 'vitest';
import { temporalConsistency } from '../../metrics/temporal-consistency.js';
import { movingShapesVideo } from './moving-shapes.js';

const R = 16;
const T = 8;

/** Frame features without any network: the frame's pixels, centred per frame (so a flat frame is not "similar" to every other). */
function pixelFeatures(videos: Uint8Array[]): Float32Array {
  const d = R * R * 3;
  const out = new Float32Array(videos.length * T * d);
  videos.forEach((v, i) => {
    for (let f = 0; f < T; f++) {
      const frame = v.subarray(f * d, (f + 1) * d);
      const mean = frame.reduce((a, b) => a + b, 0) / d;
      for (let k = 0; k < d; k++) out[(i * T + f) * d + k] = frame[k] - mean;
    }
  });
  return out;
}

describe('synthetic moving shapes', () => {
  it('are deterministic per (seed, index) and differ across indices and seeds', () => {
    const a = movingShapesVideo(3, { seed: 0, frames: T, resolution: R });
    expect(movingShapesVideo(3, { seed: 0, frames: T, resolution: R })).toEqual(a);
    expect(movingShapesVideo(4, { seed: 0, frames: T, resolution: R })).not.toEqual(a);
    expect(movingShapesVideo(3, { seed: 1, frames: T, resolution: R })).not.toEqual(a);
    expect(a.length).toBe(T * R * R * 3);
  });

  it('a coherent mover keeps its colours from frame to frame; independent frames do not', () => {
    const colours = (v: Uint8Array, f: number) =>
      new Set(Array.from({ length: R * R }, (_, p) => v.subarray((f * R * R + p) * 3, (f * R * R + p) * 3 + 3).join(',')));
    const mover = movingShapesVideo(0, { seed: 0, frames: T, resolution: R });
    expect(colours(mover, T - 1)).toEqual(colours(mover, 0));
    const noise = movingShapesVideo(0, { seed: 0, frames: T, resolution: R, independentFrames: true });
    expect(colours(noise, 1)).not.toEqual(colours(noise, 0));
  });

  it('temporal consistency (VBench definition, on centred pixels) ranks coherent movers above independent frames', () => {
    const n = 8;
    const movers = Array.from({ length: n }, (_, i) => movingShapesVideo(i, { seed: 0, frames: T, resolution: R }));
    const noise = Array.from({ length: n }, (_, i) => movingShapesVideo(i, { seed: 0, frames: T, resolution: R, independentFrames: true }));
    const good = temporalConsistency(pixelFeatures(movers), n, T, R * R * 3).temporal_consistency;
    const bad = temporalConsistency(pixelFeatures(noise), n, T, R * R * 3).temporal_consistency;
    expect(good).toBeGreaterThan(bad + 0.2);
  });
});
