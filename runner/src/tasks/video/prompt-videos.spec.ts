import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import smokeT2v from '../../../../benchmarks/video/smoke-t2v-12x32.suite.js';
import { examplePromptVideoManifest, writeExamplePromptVideoBatch } from '../../../../benchmarks/video/example-models.js';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { drawPrompt, PALETTE, syntheticPrompts } from '../../text/synthetic-prompts.js';
import { familyFor, runEvaluation } from '../evaluate.js';
import type { EvaluationOutput } from '../task-family.js';
import { AMPLITUDE, promptVideo } from './prompt-videos.js';

describe('prompt videos (text-to-video smoke data)', () => {
  const prompts = syntheticPrompts(0);
  const [T, R] = [12, 32];

  it('frame by frame the prompt image shifted sideways by at most AMPLITUDE pixels, moving in every video', () => {
    for (const i of [0, 1, 57, 223]) {
      const still = drawPrompt(prompts[i]!, R, 1, i);
      const video = promptVideo(prompts[i]!, { seed: 1, frames: T, size: R }, i);
      const shifts = new Set<number>();
      for (let f = 0; f < T; f++) {
        const frame = video.subarray(f * R * R * 3, (f + 1) * R * R * 3);
        // Find the shift that maps the still onto this frame.
        const match = [...Array(2 * AMPLITUDE + 1).keys()]
          .map((k) => k - AMPLITUDE)
          .filter((dx) => {
            for (let y = 0; y < R; y++)
              for (let x = Math.max(0, dx); x < Math.min(R, R + dx); x++)
                for (let c = 0; c < 3; c++) if (frame[(y * R + x) * 3 + c] !== still[(y * R + x - dx) * 3 + c]) return false;
            return true;
          });
        expect(match.length, `video ${i} frame ${f}`).toBeGreaterThan(0);
        shifts.add(match[0]!);
      }
      expect(shifts.size, `video ${i} moves`).toBeGreaterThan(2);
    }
  });

  it("keeps the foreground colour on the encoder's central patch in every frame of all 224 prompts", () => {
    const c0 = R / 2 - R / 16;
    const c1 = R / 2 + R / 16;
    prompts.forEach((p, i) => {
      const video = promptVideo(p, { seed: 1, frames: T, size: R }, i);
      const fg = PALETTE[p.foreground]!.rgb;
      for (let f = 0; f < T; f++)
        for (let y = c0; y < c1; y++)
          for (let x = c0; x < c1; x++) {
            const at = ((f * R + y) * R + x) * 3;
            expect([video[at], video[at + 1], video[at + 2]], `prompt ${i} frame ${f} (${x}, ${y})`).toEqual([...fg]);
          }
    });
  });
});

describe('smoke-t2v-12x32: a text-to-video board', () => {
  let dir: string;
  const assetDirs = loadAssetDirs({});
  const score = (out: EvaluationOutput, id: string) => out.metrics.find((m) => m.id === id)!.value;
  const run = (name: string) =>
    runEvaluation({
      model: new Uint8Array(),
      modelPath: join(dir, `${name}.npz`),
      manifest: examplePromptVideoManifest(name),
      suite: smokeT2v,
      assetDirs,
    });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 't2v-task-'));
    await writeExamplePromptVideoBatch(join(dir, 'following.npz'));
    await writeExamplePromptVideoBatch(join(dir, 'ignoring.npz'), { ignorePrompts: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ranks videos that draw their prompts above prompt-ignoring ones on per-frame CLIP score, both coherent in time', async () => {
    expect(familyFor(smokeT2v).id).toBe('video');
    const following = await run('following');
    const ignoring = await run('ignoring');
    expect(following.metrics.map((m) => m.id)).toEqual(['clip_score_frames', 'fvd', 'fid_frames', 'temporal_consistency']);
    expect(score(following, 'clip_score_frames')).toBeGreaterThan(score(ignoring, 'clip_score_frames') + 10);
    // Same kind of videos: the distribution metrics barely tell them apart, and both move smoothly.
    expect(score(following, 'temporal_consistency')).toBeGreaterThan(0.95);
    expect(score(ignoring, 'temporal_consistency')).toBeGreaterThan(0.95);
    expect(following.protocol).toMatchObject({
      frames: 12,
      reference: { type: 'synthetic-prompt-videos', seed: 1, videos: 224 },
      prompts: { type: 'synthetic-colour-shapes', seed: 0, count: 224 },
    });
  });
});
