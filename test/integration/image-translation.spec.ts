import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_ROTATE_TARGET_OF } from '../../runner/src/conditions/paired-sources.js';
import { readNpz, writeNpz } from '../../runner/src/io/npz.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { getJson, type TestStack, startStack, waitForEvaluation } from '../support/stack.js';
import { storedFiles, submit, uploadLeftovers } from '../support/submissions.js';

/**
 * Paired translation (issue #17, DDBM-style) through the API, the queue and a runner on smoke-translate-32: the
 * published sources fetched from the API, two sample batches answering them in order (the sources with the
 * suite's colour remap undone, and the sources returned unchanged) scored and ranked, and a batch answering
 * another number of inputs refused at submission. A database of its own: the test reads the suite's whole board.
 */
describe('paired translation submissions (smoke-translate-32)', () => {
  let scratch: ScratchDatabase;
  let stack: TestStack;
  let dir: string;
  beforeAll(async () => {
    scratch = await migratedScratchDatabase('imgtranslate');
    stack = await startStack({ databaseUrl: scratch.url });
    dir = await mkdtemp(join(tmpdir(), 'imgtranslate-int-'));
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const batchManifest = (name: string) => ({ name, kind: 'samples', resolution: 32, classes: 0, conditions: 'smoke-translate-32' });
  /** An ADM batch of `count` 32×32 images, as npz bytes. */
  async function npzBytes(data: Uint8Array, count: number): Promise<Uint8Array> {
    const path = join(dir, `batch-${count}-${Math.random().toString(36).slice(2)}.npz`);
    await writeNpz(path, { arr_0: { dtype: 'uint8', shape: [count, 32, 32, 3], data } });
    return new Uint8Array(await readFile(path));
  }

  it('scores a batch undoing the remap above one returning the published sources unchanged, ranked on the board', async () => {
    const res = await fetch(`${stack.baseUrl}/api/suites/smoke-translate-32/inputs`);
    expect(res.status).toBe(200);
    const inputsPath = join(dir, 'inputs.npz');
    await writeFile(inputsPath, new Uint8Array(await res.arrayBuffer()));
    const sources = (await readNpz(inputsPath)).arr_0!;
    expect([sources.dtype, sources.shape]).toEqual(['uint8', [64, 32, 32, 3]]);
    const published = sources.data as Uint8Array;
    const inverted = new Uint8Array(published.length);
    for (let p = 0; p < published.length; p += 3)
      for (let c = 0; c < 3; c++) inverted[p + c] = published[p + CHANNEL_ROTATE_TARGET_OF[c]!]!;

    const ids: Record<string, string> = {};
    for (const [name, data] of [
      ['inverted', inverted],
      ['identity', published],
    ] as const) {
      const r = await submit(stack, stack.submitterToken, {
        file: await npzBytes(data, 64),
        manifest: batchManifest(`${stack.owner}-${name}`),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.evaluations.map((e: any) => e.suite.id)).toEqual(['smoke-translate-32']);
      ids[name] = r.body.evaluations[0].id;
    }
    const metrics: Record<string, Record<string, number>> = {};
    for (const [name, id] of Object.entries(ids)) {
      const { final } = await waitForEvaluation(stack, id, 120_000);
      expect(final.status, final.failureReason).toBe('succeeded');
      metrics[name] = final.metrics;
    }
    expect(metrics.inverted!.psnr).toBeGreaterThan(metrics.identity!.psnr! + 10);
    expect(metrics.inverted!.ssim).toBeGreaterThan(metrics.identity!.ssim!);
    expect(metrics.inverted!.fid).toBeLessThan(metrics.identity!.fid!);
    const board = await getJson(stack, '/api/leaderboards?suite=smoke-translate-32');
    expect(board.boards[0].entries.map((e: any) => e.model.name)).toEqual([`${stack.owner}-inverted`, `${stack.owner}-identity`]);
  }, 240_000);

  it('refuses with 400, storing nothing, a batch answering another number of inputs than the suite publishes', async () => {
    const before = await storedFiles(stack);
    const long = await submit(stack, stack.submitterToken, {
      file: await npzBytes(new Uint8Array(65 * 32 * 32 * 3), 65),
      manifest: batchManifest(`${stack.owner}-long`),
    });
    expect(long.status).toBe(400);
    expect(long.body.message).toMatch(/holds 65 images but smoke-translate-32 publishes 64 inputs/);
    expect(await storedFiles(stack)).toEqual(before);
    expect(await uploadLeftovers(stack)).toEqual([]);
  });
});
