import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { exampleVideoManifest, exampleVideos, writeExampleVideoBatch } from '../../benchmarks/video/example-models.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { type TestStack, startStack, waitForEvaluation } from '../support/stack.js';
import { submit } from '../support/submissions.js';

const T = 16;
const R = 32;

/**
 * Animated previews of a video evaluation (issue #21.4): a scored smoke-video-16x32 evaluation keeps its first
 * 8 videos as lossless animated WebPs (16 frames of 125 ms at 8 fps), content-addressed in the artifact
 * store and served under the evaluation's visibility, like an image evaluation's kept PNGs.
 */
describe('animated previews of a video evaluation (smoke-video-16x32)', () => {
  let stack: TestStack;
  let scratch: ScratchDatabase | undefined;
  let dir: string;
  let id: string;
  let otherToken: string;
  const get = (path: string, token?: string) =>
    fetch(`${stack.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    scratch = await migratedScratchDatabase('video_previews');
    stack = await startStack({ databaseUrl: scratch.url });
    dir = await mkdtemp(join(tmpdir(), 'video-previews-'));
    otherToken = (await issueToken(stack.config, { name: 'other', role: 'submitter', owner: `${stack.owner}-other` })).secret;
    const npz = join(dir, 'coherent.npz');
    await writeExampleVideoBatch(npz);
    const r = await submit(stack, stack.submitterToken, {
      file: await readFile(npz),
      manifest: exampleVideoManifest(`${stack.owner}-coherent`),
      visibility: 'private',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    id = r.body.evaluations[0].id as string;
    const { final } = await waitForEvaluation(stack, id, 120_000, stack.submitterToken);
    expect(final.status, final.failureReason).toBe('succeeded');
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps the first 8 videos as animated WebPs whose frames, played for their delays, are the submitted 16 frames exactly (lossless, tolerance 0)', async () => {
    const res = await get(`/api/evaluations/${id}/samples`, stack.submitterToken);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      items: Array<{ index: number; mediaType: string; frames: number | null; width: number; height: number; image: string }>;
    };
    expect(body.items.map((s) => [s.index, s.mediaType, s.width, s.height])).toEqual(
      [...Array(8).keys()].map((i) => [i, 'image/webp', R, R]),
    );
    const submitted = exampleVideos().data;
    const video = T * R * R * 3;
    const frame = R * R * 3;
    for (const s of body.items) {
      expect(s.image).toBe(`/api/evaluations/${id}/samples/${s.index}.webp`);
      const webp = await get(s.image, stack.submitterToken);
      expect(webp.status).toBe(200);
      expect(webp.headers.get('content-type')).toBe('image/webp');
      const bytes = Buffer.from(await webp.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      // libwebp's animation encoder stores a run of identical consecutive frames once, shown for the run's
      // length: pages × delays add up to 16 frames of 125 ms (8 fps), and the API counts the pages stored.
      expect([meta.format, meta.width, meta.height, meta.loop, meta.pages]).toEqual(['webp', R, R, 0, s.frames]);
      const delays = meta.delay!;
      expect(delays.every((d) => d > 0 && d % 125 === 0)).toBe(true);
      expect(delays.reduce((a, d) => a + d, 0)).toBe(T * 125);
      // All pages stacked vertically; each page repeated for its delay is the submitted video, byte for byte.
      const { data, info } = await sharp(bytes, { pages: -1 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([R, meta.pages! * R, 3]);
      const played = Buffer.concat(
        delays.flatMap((d, p) => new Array<Buffer>(d / 125).fill(Buffer.from(data.subarray(p * frame, (p + 1) * frame)))),
      );
      const expected = Buffer.from(submitted.subarray(s.index * video, (s.index + 1) * video));
      expect(played.subarray(0, frame).equals(expected.subarray(0, frame))).toBe(true);
      expect(played.equals(expected)).toBe(true);
      // An animation, not one still: the last frame differs from the first.
      expect(played.subarray(0, frame).equals(played.subarray((T - 1) * frame))).toBe(false);
    }
    // A video's kept sample is only at .webp; index 8 was not kept.
    expect((await get(`/api/evaluations/${id}/samples/0.png`, stack.submitterToken)).status).toBe(404);
    expect((await get(`/api/evaluations/${id}/samples/8.webp`, stack.submitterToken)).status).toBe(404);
  });

  it("shows a private version's previews to its owner and admins only: another submitter and anonymous get 404", async () => {
    for (const token of [stack.submitterToken, stack.adminToken])
      expect((await get(`/api/evaluations/${id}/samples/0.webp`, token)).status).toBe(200);
    for (const token of [otherToken, undefined]) {
      expect((await get(`/api/evaluations/${id}/samples`, token)).status).toBe(404);
      const webp = await get(`/api/evaluations/${id}/samples/0.webp`, token);
      expect(webp.status).toBe(404);
      expect(((await webp.json()) as { message: string }).message).toMatch(/not found or private/);
    }
  });

  it('refuses a sample image whose bytes are not the media type it is sent as', async () => {
    const put = (bytes: Uint8Array, type: string) =>
      fetch(`${stack.baseUrl}/api/runner/evaluations/${id}/sample-images`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${stack.runnerToken}`, 'content-type': type },
        body: bytes,
      });
    const still = await sharp(Buffer.alloc(R * R * 3, 7), { raw: { width: R, height: R, channels: 3 } })
      .png()
      .toBuffer();
    expect((await put(still, 'image/webp')).status).toBe(400);
    const stillWebp = await sharp(still).webp({ lossless: true }).toBuffer();
    expect((await put(stillWebp, 'image/webp')).status).toBe(400);
    expect((await put(still, 'image/gif')).status).toBe(415);
  });
});
