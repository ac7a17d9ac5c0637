// Prompted synthetic videos for the offline text-to-video smoke data: video i draws prompt i of the
// synthetic list ("a red circle on a blue background", runner/src/text/synthetic-prompts.ts) as its image
// (drawPrompt, with the same seed and index), then moves it sideways: a triangle wave of amplitude
// AMPLITUDE pixels and period PERIOD frames, at a phase and direction drawn from (seed, i) through the pinned
// protocol stream syntheticVideoStream. The motion stays small enough that every shape keeps covering the
// central patch the tiny CLIP-like encoder reads the foreground colour from (clip-like-encoders.ts: within
// size/16 of the centre; the narrowest part, the cross's horizontal bar, spans ±r with r ≥ 0.28·size), and
// far enough from the border that the shift needs no clipping at 32² and above.

import { syntheticVideoStream } from '../../random/protocol-streams.js';
import { drawPrompt, type SyntheticPrompt } from '../../text/synthetic-prompts.js';

/** Largest sideways offset, in pixels. */
export const AMPLITUDE = 3;
/** Frames of one back-and-forth. */
export const PERIOD = 8;

/** Horizontal offset at frame f: a triangle wave in [−AMPLITUDE, AMPLITUDE]. */
function offset(f: number, phase: number, direction: number): number {
  const t = (((f + phase) / PERIOD) % 1) * 4; // 0..4
  const tri = t < 1 ? t : t < 3 ? 2 - t : t - 4; // 0 → 1 → −1 → 0
  return direction * Math.round(AMPLITUDE * tri);
}

/** Video `index` answering `prompt`: uint8 [frames, size, size, 3], row-major. */
export function promptVideo(prompt: SyntheticPrompt, options: { seed: number; frames: number; size: number }, index: number): Uint8Array {
  const { seed, frames, size } = options;
  const still = drawPrompt(prompt, size, seed, index);
  const u = syntheticVideoStream(seed, index);
  const phase = u() * PERIOD;
  const direction = u() < 0.5 ? -1 : 1;
  const background = still.subarray(0, 3); // the corner pixel: the background colour
  const row = size * 3;
  const out = new Uint8Array(frames * size * row);
  for (let f = 0; f < frames; f++) {
    const dx = offset(f, phase, direction);
    const frame = out.subarray(f * size * row, (f + 1) * size * row);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const from = x - dx;
        const rgb = from >= 0 && from < size ? still.subarray(y * row + from * 3, y * row + from * 3 + 3) : background;
        frame.set(rgb, y * row + x * 3);
      }
    }
  }
  return out;
}
