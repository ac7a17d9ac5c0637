import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticEdits } from '../../runner/src/conditions/synthetic-edits.js';
import { readNpz, writeNpz } from '../../runner/src/io/npz.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { getJson, type TestStack, startStack, waitForEvaluation } from '../support/stack.js';
import { storedFiles, submit, uploadLeftovers } from '../support/submissions.js';

/**
 * Instruction editing (issue #17, InstructPix2Pix-style) through the API, the queue and a runner on smoke-edit-32:
 * the published sources and instructions, two sample batches answering them in order (the edits performed, and
 * the sources returned unchanged) scored by CLIP directional similarity and CLIP-I, which rank them in opposite
 * orders, and a batch answering another number of inputs refused at submission. A database of its own.
 */
describe('instruction editing submissions (smoke-edit-32)', () => {
  let scratch: ScratchDatabase;
  let stack: TestStack;
  let dir: string;
  beforeAll(async () => {
    scratch = await migratedScratchDatabase('imgedit');
    stack = await startStack({ databaseUrl: scratch.url });
    dir = await mkdtemp(join(tmpdir(), 'imgedit-int-'));
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const batchManifest = (name: string) => ({ name, kind: 'samples', resolution: 32, classes: 0, conditions: 'smoke-edit-32' });
  async function npzBytes(data: Uint8Array, count: number, name: string): Promise<Uint8Array> {
    const path = join(dir, `${name}.npz`);
    await writeNpz(path, { arr_0: { dtype: 'uint8', shape: [count, 32, 32, 3], data } });
    return new Uint8Array(await readFile(path));
  }

  it('publishes sources with instructions; the edits win CLIP directional similarity and the unchanged sources CLIP-I', async () => {
    const res = await fetch(`${stack.baseUrl}/api/suites/smoke-edit-32/inputs`);
    expect(res.status).toBe(200);
    const path = join(dir, 'inputs.npz');
    await writeFile(path, new Uint8Array(await res.arrayBuffer()));
    const npz = await readNpz(path);
    expect([npz.arr_0!.dtype, npz.arr_0!.shape]).toEqual(['uint8', [64, 32, 32, 3]]);
    const instructions = new TextDecoder().decode(npz.instructions!.data).split('\n');
    expect(instructions).toHaveLength(64);
    expect(instructions[0]).toMatch(/^make the (circle|square|diamond|cross) [a-z]+$/);
    // A submitter performing the edits: here the harness's own edited drawings (generated elsewhere, as a batch).
    const edits = syntheticEdits(64, 32, 0, 1);
    expect(edits.instructions).toEqual(instructions);

    const ids: Record<string, string> = {};
    for (const [name, data] of [
      ['edited', edits.targets],
      ['unchanged', npz.arr_0!.data as Uint8Array],
    ] as const) {
      const r = await submit(stack, stack.submitterToken, {
        file: await npzBytes(data, 64, name),
        manifest: batchManifest(`${stack.owner}-${name}`),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.evaluations.map((e: any) => e.suite.id)).toEqual(['smoke-edit-32']);
      ids[name] = r.body.evaluations[0].id;
    }
    const m: Record<string, Record<string, number>> = {};
    for (const [name, id] of Object.entries(ids)) {
      const { final } = await waitForEvaluation(stack, id, 120_000);
      expect(final.status, final.failureReason).toBe('succeeded');
      m[name] = final.metrics;
    }
    expect(m.edited!.clip_directional).toBeGreaterThan(m.unchanged!.clip_directional! + 0.3);
    expect(m.unchanged!.clip_i).toBeGreaterThan(m.edited!.clip_i!);
    const board = await getJson(stack, '/api/leaderboards?suite=smoke-edit-32');
    expect(board.boards[0].entries.map((e: any) => e.model.name)).toEqual([`${stack.owner}-edited`, `${stack.owner}-unchanged`]);
  }, 240_000);

  it('refuses with 400, storing nothing, a batch answering another number of inputs than the suite publishes', async () => {
    const before = await storedFiles(stack);
    const short = await submit(stack, stack.submitterToken, {
      file: await npzBytes(new Uint8Array(63 * 32 * 32 * 3), 63, 'short'),
      manifest: batchManifest(`${stack.owner}-short`),
    });
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/holds 63 images but smoke-edit-32 publishes 64 inputs/);
    expect(await storedFiles(stack)).toEqual(before);
    expect(await uploadLeftovers(stack)).toEqual([]);
  });
});
