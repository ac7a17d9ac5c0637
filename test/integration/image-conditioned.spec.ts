import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/src/auth/issue-token.js';
import {
  buildResizeRestorer,
  buildResizeRestorerDenoiser,
  exampleRestorerDenoiserManifest,
  exampleRestorerManifest,
} from '../../benchmarks/image-conditioned/example-models.js';
import { readNpz, writeNpz } from '../../runner/src/io/npz.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { getJson, type TestStack, startStack, waitForEvaluation } from '../support/stack.js';
import { storedFiles, uploadLeftovers } from '../support/submissions.js';

async function submit(
  stack: TestStack,
  file: Uint8Array,
  manifest: unknown,
  visibility?: 'public' | 'private',
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([file]), 'model');
  form.append('manifest', JSON.stringify(manifest));
  if (visibility) form.append('visibility', visibility);
  const res = await fetch(`${stack.baseUrl}/api/models`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${stack.submitterToken}` },
  });
  return { status: res.status, body: await res.json() };
}

/**
 * Image restoration (issue #17) through the API, the queue and a runner on smoke-sr4-32: the published inputs, a
 * bilinear and a nearest restorer scored and ranked, kept outputs with their input and target, and the refusals
 * at submission. A database of its own: the test reads the suite's whole board.
 */
describe('image-conditioned submissions (smoke-sr4-32)', () => {
  let scratch: ScratchDatabase;
  let stack: TestStack;
  let dir: string;
  beforeAll(async () => {
    scratch = await migratedScratchDatabase('imgcond');
    stack = await startStack({ databaseUrl: scratch.url });
    dir = await mkdtemp(join(tmpdir(), 'imgcond-int-'));
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('publishes the suite inputs as an ADM-style npz, and 404s for a suite without inputs', async () => {
    const res = await fetch(`${stack.baseUrl}/api/suites/smoke-sr4-32/inputs`);
    expect(res.status).toBe(200);
    const path = join(dir, 'inputs.npz');
    await writeFile(path, new Uint8Array(await res.arrayBuffer()));
    const npz = await readNpz(path);
    expect([npz.arr_0!.dtype, npz.arr_0!.shape]).toEqual(['uint8', [64, 8, 8, 3]]);
    expect([npz.arr_1!.dtype, npz.arr_1!.shape]).toEqual(['float32', [64, 3, 8, 8]]);
    const none = await fetch(`${stack.baseUrl}/api/suites/smoke-32/inputs`);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { message: string }).message).toMatch(/publishes no inputs/);
  });

  it('scores a bilinear and a nearest restorer and ranks the bilinear one first, keeping input | output | target', async () => {
    const ids: Record<string, string> = {};
    for (const [name, mode] of [
      ['bilinear', 'linear'],
      ['nearest', 'nearest'],
    ] as const) {
      const r = await submit(stack, buildResizeRestorer(mode), exampleRestorerManifest(`${stack.owner}-${name}`));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.evaluations.map((e: any) => e.suite.id)).toEqual(['smoke-sr4-32']);
      ids[name] = r.body.evaluations[0].id;
    }
    const psnr: Record<string, number> = {};
    const lpips: Record<string, number> = {};
    for (const [name, id] of Object.entries(ids)) {
      const { final } = await waitForEvaluation(stack, id, 120_000);
      expect(final.status, final.failureReason).toBe('succeeded');
      psnr[name] = final.metrics.psnr;
      lpips[name] = final.metrics.lpips;
      expect(final.metrics.ssim).toBeGreaterThan(0);
    }
    expect(psnr.bilinear).toBeGreaterThan(psnr.nearest! + 0.5);
    // Stand-in LPIPS, a distance: the bilinear outputs are nearer their targets.
    expect(lpips.bilinear).toBeLessThan(lpips.nearest!);
    console.log(
      `smoke-sr4-32: bilinear psnr ${psnr.bilinear} lpips ${lpips.bilinear}; nearest psnr ${psnr.nearest} lpips ${lpips.nearest}`,
    );
    const board = await getJson(stack, '/api/leaderboards?suite=smoke-sr4-32');
    const names = board.boards[0].entries.map((e: any) => e.model.name);
    expect(names).toEqual([`${stack.owner}-bilinear`, `${stack.owner}-nearest`]);
    const kept = await getJson(stack, `/api/evaluations/${ids.bilinear}/samples`, stack.submitterToken);
    expect(kept.items).toHaveLength(64);
    expect(kept.items[0].condition.images).toEqual({
      input: expect.stringMatching(/^[0-9a-f]{64}$/),
      target: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(kept.items[3].conditionImages).toEqual({
      input: `/api/evaluations/${ids.bilinear}/samples/3/input.png`,
      target: `/api/evaluations/${ids.bilinear}/samples/3/target.png`,
    });
    // ×4 super-resolution: an 8 px input and a 32 px target beside the 32 px output.
    for (const [role, side] of [
      ['input', 8],
      ['target', 32],
    ] as const) {
      const res = await fetch(`${stack.baseUrl}${kept.items[3].conditionImages[role]}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([side, side]);
    }
    const none = await fetch(`${stack.baseUrl}/api/evaluations/${ids.bilinear}/samples/3/mask.png`);
    expect(none.status).toBe(404);
  }, 240_000);

  it("serves a private evaluation's inputs and targets to its owner and admins only: another submitter and anonymous get 404", async () => {
    const r = await submit(stack, buildResizeRestorer('linear'), exampleRestorerManifest(`${stack.owner}-private`), 'private');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.evaluations[0].id as string;
    // As the owner: anonymous readers do not see the private one.
    const { final } = await waitForEvaluation(stack, id, 120_000, stack.submitterToken);
    expect(final.status, final.failureReason).toBe('succeeded');
    const other = (await issueToken(stack.config, { name: 'other', role: 'submitter', owner: `${stack.owner}-other` })).secret;
    const get = (path: string, token?: string) =>
      fetch(`${stack.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    for (const role of ['input', 'target']) {
      const path = `/api/evaluations/${id}/samples/0/${role}.png`;
      for (const token of [stack.submitterToken, stack.adminToken]) expect((await get(path, token)).status).toBe(200);
      for (const token of [other, undefined]) {
        const res = await get(path, token);
        expect(res.status).toBe(404);
        expect(((await res.json()) as { message: string }).message).toMatch(/not found or private/);
      }
    }
  }, 240_000);

  it('refuses with 400, storing nothing, an output of another size than the targets and a batch of another count', async () => {
    const before = await storedFiles(stack);
    const x2 = await submit(stack, buildResizeRestorer('linear', 2), exampleRestorerManifest(`${stack.owner}-x2`));
    expect(x2.status).toBe(400);
    expect(x2.body.message).toMatch(/output "x" has shape \[2, 3, 16, 16\], but the targets \(resolution 32\) need \[2, 3, 32, 32\]/);
    expect(x2.body.issues).toEqual([expect.objectContaining({ path: 'manifest.resolution' })]);
    const npz = join(dir, 'short.npz');
    await writeNpz(npz, { arr_0: { dtype: 'uint8', shape: [63, 32, 32, 3], data: new Uint8Array(63 * 32 * 32 * 3) } });
    const batch = { name: `${stack.owner}-short`, kind: 'samples', resolution: 32, classes: 0, conditions: 'smoke-sr4-32' };
    const short = await submit(stack, await readFile(npz), batch);
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/holds 63 images but smoke-sr4-32 publishes 64 inputs/);
    const nowhere = await submit(stack, await readFile(npz), { ...batch, name: `${stack.owner}-nowhere`, conditions: 'smoke-32' });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.message).toMatch(/suite "smoke-32" publishes no inputs/);
    expect(await storedFiles(stack)).toEqual(before);
    expect(await uploadLeftovers(stack)).toEqual([]);
  });

  it('samples an image-conditioned denoiser on its own board (smoke-sr4-32-denoiser), and refuses one whose condition input has another size', async () => {
    const r = await submit(stack, buildResizeRestorerDenoiser('linear'), exampleRestorerDenoiserManifest(`${stack.owner}-sr-denoiser`));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.evaluations.map((e: any) => e.suite.id)).toEqual(['smoke-sr4-32-denoiser']);
    const { final } = await waitForEvaluation(stack, r.body.evaluations[0].id, 120_000);
    expect(final.status, final.failureReason).toBe('succeeded');
    expect(final.metrics.psnr).toBeGreaterThan(24);

    const before = await storedFiles(stack);
    const wrong = {
      ...exampleRestorerDenoiserManifest(`${stack.owner}-sr-denoiser-16`),
      condition: { task: 'image-restoration', resolution: 16 },
    };
    const bad = await submit(stack, buildResizeRestorerDenoiser('linear'), wrong);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(
      /condition input "y" is declared \[batch, 3, 8, 8\], but the manifest \(condition.resolution 16\) feeds \[2, 3, 16, 16\]/,
    );
    expect(await storedFiles(stack)).toEqual(before);
    expect(await uploadLeftovers(stack)).toEqual([]);
  });
});
