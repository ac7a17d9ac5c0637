import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { PrismaService } from '../../api/src/database/prisma.service.js';
import { exampleSampleBatchManifest, writeExampleSampleBatch } from '../../benchmarks/text-to-image/example-models.js';
import { syntheticPrompts } from '../../runner/src/text/synthetic-prompts.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { type TestStack, startStack, waitForEvaluation } from '../support/stack.js';
import { submit } from '../support/submissions.js';

/**
 * Kept samples (issues #20.1, #15.4): a scored text-to-image evaluation keeps its first K = 64 samples as PNGs
 * with the prompt each answered, served under the evaluation's visibility; a retried record stores nothing twice.
 */
describe('kept samples of a scored evaluation (smoke-t2i-32)', () => {
  let stack: TestStack;
  let scratch: ScratchDatabase | undefined;
  let dir: string;
  let publicId: string;
  let privateId: string;
  let otherToken: string;

  async function scoreBatch(name: string, visibility: 'public' | 'private'): Promise<string> {
    const npz = join(dir, `${name}.npz`);
    await writeExampleSampleBatch(npz);
    const r = await submit(stack, stack.submitterToken, {
      file: await readFile(npz),
      manifest: exampleSampleBatchManifest(`${stack.owner}-${name}`),
      visibility,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.evaluations[0].id as string;
    // As the owner: anonymous readers do not see the private one.
    const { final } = await waitForEvaluation(stack, id, 120_000, stack.submitterToken);
    expect(final.status, final.failureReason).toBe('succeeded');
    return id;
  }
  const get = (path: string, token?: string) =>
    fetch(`${stack.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    // A database of its own: the test counts the evaluation_samples rows of its evaluations.
    scratch = await migratedScratchDatabase('samples');
    stack = await startStack({ databaseUrl: scratch.url });
    dir = await mkdtemp(join(tmpdir(), 'kept-samples-'));
    otherToken = (await issueToken(stack.config, { name: 'other', role: 'submitter', owner: `${stack.owner}-other` })).secret;
    publicId = await scoreBatch('public', 'public');
    privateId = await scoreBatch('private', 'private');
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps K = 64 samples, each a 32×32 PNG beside the prompt it answered', async () => {
    const res = await get(`/api/evaluations/${publicId}/samples`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<{ index: number; condition: { prompt: string }; image: string; width: number }> };
    const prompts = syntheticPrompts(0).map((p) => p.text);
    expect(body.items.map((s) => s.index)).toEqual([...Array(64).keys()]);
    expect(body.items.map((s) => s.condition)).toEqual(prompts.slice(0, 64).map((prompt) => ({ prompt })));
    const rows = await stack.app.get(PrismaService).evaluationSample.count({ where: { evaluationId: publicId } });
    expect(rows).toBe(64);
    for (const s of [body.items[0]!, body.items[63]!]) {
      const png = await get(s.image);
      expect(png.status).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
      const { data, info } = await sharp(Buffer.from(await png.arrayBuffer()))
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([32, 32, 3]);
      // Not a blank tile: the example batch draws the prompt's shape on its background.
      expect(new Set(data).size).toBeGreaterThan(1);
    }
    expect((await get(`/api/evaluations/${publicId}/samples/64.png`)).status).toBe(404);
  });

  it('stores nothing twice when the runner records the same indices again, and refuses indices beyond K', async () => {
    const prisma = stack.app.get(PrismaService);
    const first = await prisma.evaluationSample.findUniqueOrThrow({
      where: { evaluationId_sampleIndex: { evaluationId: publicId, sampleIndex: 0 } },
    });
    const post = (samples: unknown) =>
      fetch(`${stack.baseUrl}/api/runner/evaluations/${publicId}/samples`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.runnerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ samples }),
      });
    const again = await post([{ index: 0, sha256: first.imageSha256, condition: first.condition }]);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ inserted: 0, total: 64, keep: 64 });
    const beyond = await post([{ index: 64, sha256: first.imageSha256, condition: {} }]);
    expect(beyond.status).toBe(400);
    const unknown = await post([{ index: 1, sha256: 'a'.repeat(64), condition: {} }]);
    expect(unknown.status).toBe(400);
    expect(await prisma.evaluationSample.count({ where: { evaluationId: publicId } })).toBe(64);
  });

  it("shows a private version's samples to its owner and admins only: another submitter and anonymous get 404", async () => {
    for (const token of [stack.submitterToken, stack.adminToken]) {
      const res = await get(`/api/evaluations/${privateId}/samples`, token);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(64);
      expect((await get(`/api/evaluations/${privateId}/samples/0.png`, token)).status).toBe(200);
    }
    for (const token of [otherToken, undefined]) {
      const list = await get(`/api/evaluations/${privateId}/samples`, token);
      expect(list.status).toBe(404);
      expect(((await list.json()) as { message: string }).message).toMatch(/not found or private/);
      expect((await get(`/api/evaluations/${privateId}/samples/0.png`, token)).status).toBe(404);
    }
  });
});
