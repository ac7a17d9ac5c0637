import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExampleTextEncoder, exampleTokenizerJson } from '../../benchmarks/text-to-image/example-models.js';
import {
  buildExampleVideoDecoder,
  buildExampleVideoTextDenoiser,
  exampleVideoTextDenoiserManifest,
  examplePromptVideoManifest,
  examplePromptVideos,
  exampleVideoManifest,
  writeExamplePromptVideoBatch,
  writeExampleVideoBatch,
} from '../../benchmarks/video/example-models.js';
import { writeNpz } from '../../runner/src/io/npz.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { getJson, type TestStack, startStack, waitForEvaluation } from '../support/stack.js';
import { storedFiles, submit, uploadLeftovers } from '../support/submissions.js';

/**
 * Video sample batches through the API, the queue and a runner on smoke-video-16x32: a coherent mover and
 * per-frame noise are scored and ranked (coherent first on FVD and temporal consistency), and batches no video
 * suite can score are refused with a 400, storing nothing. A database of its own: the spec reads the whole board.
 */
describe('video generation (smoke-video-16x32)', () => {
  let stack: TestStack;
  let scratch: ScratchDatabase | undefined;
  let dir: string;
  beforeAll(async () => {
    scratch = await migratedScratchDatabase('video');
    stack = await startStack({ databaseUrl: scratch.url });
    dir = await mkdtemp(join(tmpdir(), 'video-int-'));
  });
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes each named batch, submits it, expects it queued on `suiteId` alone, and returns each one's metrics. */
  async function scoreBatches(
    suiteId: string,
    batches: Record<string, (path: string) => Promise<unknown>>,
  ): Promise<Record<string, Record<string, number>>> {
    const ids: Record<string, string> = {};
    for (const [name, write] of Object.entries(batches)) {
      const path = join(dir, `${name}.npz`);
      const manifest = await write(path);
      const r = await submit(stack, stack.submitterToken, { file: await readFile(path), manifest });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.evaluations.map((e: any) => e.suite.id)).toEqual([suiteId]);
      ids[name] = r.body.evaluations[0].id;
    }
    const scores: Record<string, Record<string, number>> = {};
    for (const [name, id] of Object.entries(ids)) {
      const { final } = await waitForEvaluation(stack, id, 120_000);
      expect(final.status, final.failureReason).toBe('succeeded');
      scores[name] = final.metrics;
    }
    return scores;
  }

  it('scores a coherent mover and per-frame noise and ranks the coherent one first', async () => {
    const scores = await scoreBatches('smoke-video-16x32', {
      'coherent-mover': async (path) => {
        await writeExampleVideoBatch(path);
        return exampleVideoManifest('coherent-mover');
      },
      'per-frame-noise': async (path) => {
        await writeExampleVideoBatch(path, { perFrameNoise: true });
        return exampleVideoManifest('per-frame-noise');
      },
    });
    expect(scores['coherent-mover']!.fvd).toBeLessThan(scores['per-frame-noise']!.fvd);
    expect(scores['coherent-mover']!.temporal_consistency).toBeGreaterThan(scores['per-frame-noise']!.temporal_consistency);
    const all = await getJson(stack, '/api/leaderboards?task=video-generation&resolution=32');
    expect(all.boards.map((b: any) => [b.suite.id, b.suite.frames])).toEqual([
      ['smoke-t2v-12x32', 12],
      ['smoke-video-16x32', 16],
    ]);
    const lb = await getJson(stack, '/api/leaderboards?task=video-generation&resolution=32&frames=16');
    expect(lb.boards.map((b: any) => [b.suite.id, b.suite.frames])).toEqual([['smoke-video-16x32', 16]]);
    expect(lb.boards[0].entries.map((e: any) => e.model.name)).toEqual(['coherent-mover', 'per-frame-noise']);
    const other = await getJson(stack, '/api/leaderboards?task=video-generation&resolution=32&frames=8');
    expect(other.boards).toEqual([]);
  });

  it('refuses with 400, storing nothing, a wrong frame count, an image batch sent as video and a video batch no suite scores', async () => {
    const before = await storedFiles(stack);
    const eight = join(dir, 'eight.npz');
    await writeExampleVideoBatch(eight, { frames: 8, videos: 64 });
    const declared16 = await submit(stack, stack.submitterToken, { file: await readFile(eight), manifest: exampleVideoManifest('v16') });
    expect(declared16.status).toBe(400);
    expect(declared16.body.message).toMatch(/videos of 8 frames, the manifest declares frames 16/);
    const declared8 = await submit(stack, stack.submitterToken, {
      file: await readFile(eight),
      manifest: exampleVideoManifest('v8', { frames: 8 }),
    });
    expect(declared8.status).toBe(400);
    expect(declared8.body.message).toMatch(
      /no video suite can score this batch of 8-frame videos at 32×32: smoke-t2v-12x32 v1: the videos have 8 frames; .*smoke-video-16x32 v1: the videos have 8 frames; smoke-video-16x32 scores videos of 16 frames/,
    );
    expect(declared8.body.issues).toEqual([expect.objectContaining({ path: 'manifest.frames' })]);
    const images = join(dir, 'images.npz');
    await writeNpz(images, { arr_0: { dtype: 'uint8', shape: [64, 32, 32, 3], data: new Uint8Array(64 * 32 * 32 * 3) } });
    const asVideo = await submit(stack, stack.submitterToken, { file: await readFile(images), manifest: exampleVideoManifest('img') });
    expect(asVideo.status).toBe(400);
    expect(asVideo.body.message).toMatch(/image batch \[N, H, W, 3\].*video suites score videos/);
    const few = join(dir, 'few.npz');
    await writeExampleVideoBatch(few, { videos: 10 });
    const short = await submit(stack, stack.submitterToken, { file: await readFile(few), manifest: exampleVideoManifest('few') });
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/holds 10 videos; this suite scores 64/);
    expect(await storedFiles(stack)).toEqual(before);
    expect(await uploadLeftovers(stack)).toEqual([]);
  });

  it('scores prompted videos on the text-to-video board (smoke-t2v-12x32), following ranked above ignoring, after publishing the prompts', async () => {
    const published = await getJson(stack, '/api/suites/smoke-t2v-12x32/prompts');
    expect(published.count).toBe(224);
    expect(published.prompts[0]).toMatch(/^a [a-z]+ [a-z]+ on a [a-z]+ background$/);
    const scores = await scoreBatches('smoke-t2v-12x32', {
      'prompt-following': async (path) => {
        await writeExamplePromptVideoBatch(path);
        return examplePromptVideoManifest('prompt-following');
      },
      'prompt-ignoring': async (path) => {
        await writeExamplePromptVideoBatch(path, { ignorePrompts: true });
        return examplePromptVideoManifest('prompt-ignoring');
      },
    });
    expect(scores['prompt-following']!.clip_score_frames).toBeGreaterThan(scores['prompt-ignoring']!.clip_score_frames);
    const lb = await getJson(stack, '/api/leaderboards?task=video-generation&resolution=32&frames=12');
    expect(lb.boards.map((b: any) => b.suite.id)).toEqual(['smoke-t2v-12x32']);
    expect(lb.boards[0].entries.map((e: any) => e.model.name)).toEqual(['prompt-following', 'prompt-ignoring']);
  });

  it('refuses with 400, storing nothing, a prompted video batch of another count than the prompt list', async () => {
    const before = await storedFiles(stack);
    const { data, shape } = examplePromptVideos();
    const path = join(dir, 'short-prompted.npz');
    await writeNpz(path, { arr_0: { dtype: 'uint8', shape: [200, ...shape.slice(1)], data: data.subarray(0, 200 * 12 * 32 * 32 * 3) } });
    const r = await submit(stack, stack.submitterToken, { file: await readFile(path), manifest: examplePromptVideoManifest('short') });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/200 .*224 prompts/);
    expect(await storedFiles(stack)).toEqual(before);
    expect(await uploadLeftovers(stack)).toEqual([]);
  });

  it('scores a text-to-video denoiser (with its encoder and tokenizer) sampled by the suite, and refuses with 400 a decoder of another frame count', async () => {
    const text = { text_encoder: buildExampleTextEncoder(), tokenizer: new TextEncoder().encode(exampleTokenizerJson()) };
    const r = await submit(stack, stack.submitterToken, {
      file: buildExampleVideoTextDenoiser(true),
      manifest: exampleVideoTextDenoiserManifest('video-denoiser'),
      ...text,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.evaluations.map((e: any) => e.suite.id)).toEqual(['smoke-t2v-12x32']);
    const { final } = await waitForEvaluation(stack, r.body.evaluations[0].id, 120_000);
    expect(final.status, final.failureReason).toBe('succeeded');
    expect(final.metrics.clip_score_frames).toBeGreaterThan(90);

    const before = await storedFiles(stack);
    const bad = await submit(stack, stack.submitterToken, {
      file: buildExampleVideoTextDenoiser(true),
      manifest: exampleVideoTextDenoiserManifest('video-latent', { latent: true }),
      decoder: buildExampleVideoDecoder(12, 11),
      ...text,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/decoder's output "videos" has 11 frames .* but the manifest declares frames 12/);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'manifest.frames' })]);
    expect(await storedFiles(stack)).toEqual(before);
    expect(await uploadLeftovers(stack)).toEqual([]);
  });
});
