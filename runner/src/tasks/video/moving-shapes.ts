// Synthetic moving-shapes videos for the offline video smoke data: one filled square of a seeded colour on a
// seeded background, moving at a constant velocity and bouncing off the borders. Deterministic per
// (seed, index) through the pinned protocol stream syntheticVideoStream. `independentFrames` draws every
// frame as a fresh scene (its own colours and position): the "per-frame noise" a temporally incoherent model
// produces, with frames individually as plausible as a coherent mover's.

import { syntheticVideoStream } from '../../random/protocol-streams.js';

export interface MovingShapesOptions {
  seed: number;
  frames: number;
  resolution: number;
  /** Every frame a new scene instead of one shape moving. Default false. */
  independentFrames?: boolean;
}

interface Scene {
  background: [number, number, number];
  colour: [number, number, number];
  x: number;
  y: number;
  vx: number;
  vy: number;
  size: number;
}

function drawScene(u: () => number, resolution: number): Scene {
  const c = (): [number, number, number] => [Math.floor(u() * 256), Math.floor(u() * 256), Math.floor(u() * 256)];
  const size = Math.max(2, Math.floor(resolution * (0.2 + 0.2 * u())));
  const speed = resolution / 16;
  return {
    background: c(),
    colour: c(),
    x: u() * (resolution - size),
    y: u() * (resolution - size),
    vx: (u() * 2 - 1) * speed,
    vy: (u() * 2 - 1) * speed,
    size,
  };
}

/** Position at frame f of a point starting at p with velocity v, reflected at 0 and `limit`. */
function bounce(p: number, v: number, f: number, limit: number): number {
  if (limit <= 0) return 0;
  const period = 2 * limit;
  const q = (((p + v * f) % period) + period) % period;
  return q <= limit ? q : period - q;
}

/** Video `index`: uint8 [frames, resolution, resolution, 3], row-major. */
export function movingShapesVideo(index: number, options: MovingShapesOptions): Uint8Array {
  const { frames, resolution: r } = options;
  const u = syntheticVideoStream(options.seed, index);
  const out = new Uint8Array(frames * r * r * 3);
  let scene = drawScene(u, r);
  for (let f = 0; f < frames; f++) {
    if (options.independentFrames && f > 0) scene = drawScene(u, r);
    const step = options.independentFrames ? 0 : f;
    const x0 = Math.round(bounce(scene.x, scene.vx, step, r - scene.size));
    const y0 = Math.round(bounce(scene.y, scene.vy, step, r - scene.size));
    for (let y = 0; y < r; y++) {
      for (let x = 0; x < r; x++) {
        const inside = x >= x0 && x < x0 + scene.size && y >= y0 && y < y0 + scene.size;
        const rgb = inside ? scene.colour : scene.background;
        out.set(rgb, ((f * r + y) * r + x) * 3);
      }
    }
  }
  return out;
}
