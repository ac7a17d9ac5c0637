import { execFile } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildWrongResolutionGenerator, truncateBytes } from '../support/onnx-models/broken-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { getJson, type TestStack, startStack, submitModel, waitForEvaluation } from '../support/stack.js';

const run = promisify(execFile);

/** Walking skeleton: submit → queued → running → succeeded → ranked, on real PostgreSQL, Redis and onnxruntime. */
describe('submit, score and rank a generator', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('scores a submitted generator through the queue and ranks it with the metric the CLI computes', async () => {
    const good = buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, quality: 1 });
    const bad = buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 3, quality: 0 });
    const a = await submitModel(stack, stack.submitterToken, good, exampleManifest('skeleton-good'));
    const b = await submitModel(stack, stack.submitterToken, bad, exampleManifest('skeleton-noisy'));
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    expect(a.body.evaluations.map((e: any) => e.suite.id)).toEqual(['smoke-32']);
    expect(a.body.evaluations[0].status).toBe('queued');

    const [ea, eb] = await Promise.all([
      waitForEvaluation(stack, a.body.evaluations[0].id),
      waitForEvaluation(stack, b.body.evaluations[0].id),
    ]);
    for (const { final } of [ea, eb]) {
      expect(final.status, final.failureReason).toBe('succeeded');
      expect(final.progress).toBe(1);
      expect(final.attempts).toBe(1);
      expect(new Date(final.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(final.queuedAt).getTime());
      expect(new Date(final.finishedAt).getTime()).toBeGreaterThan(new Date(final.startedAt).getTime());
      expect(final.provenance).toMatchObject({ executionProvider: 'cpu', seed: 0, suite: { id: 'smoke-32', version: 1 } });
      expect(final.provenance.onnxruntimeVersion).toMatch(/^1\.\d+/);
      expect(Number.isFinite(final.metrics.fid)).toBe(true);
    }
    expect(ea.final.metrics.fid).toBeLessThan(eb.final.metrics.fid);

    // The CLI, with no server, computes the very same number for the same model and suite.
    const modelPath = join(stack.dataDir, 'good.onnx');
    const manifestPath = join(stack.dataDir, 'good.json');
    await writeFile(modelPath, good);
    await writeFile(manifestPath, JSON.stringify(exampleManifest('skeleton-good')));
    const cli = await run(process.execPath, [
      'bin/genbench.js',
      'evaluate',
      '--model',
      modelPath,
      '--manifest',
      manifestPath,
      '--suite',
      'smoke-32',
      '--json',
    ]);
    const local = JSON.parse(cli.stdout);
    expect(local.metrics.fid).toBe(ea.final.metrics.fid);

    const lb = await getJson(stack, '/api/leaderboards?task=unconditional-generation&resolution=32');
    const board = lb.boards.find((x: any) => x.suite.id === 'smoke-32');
    expect(board.suite).toMatchObject({ primaryMetric: 'fid', higherIsBetter: false });
    const mine = board.entries.filter((e: any) => e.model.owner === stack.owner);
    expect(mine.map((e: any) => e.model.name)).toEqual(['skeleton-good', 'skeleton-noisy']);
    expect(mine[0].rank).toBeLessThan(mine[1].rank);
    expect(mine[0].metrics.fid).toBe(ea.final.metrics.fid);
  });
});

describe('ranking', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('gives equal scores one rank (competition ranking), pages a board and counts it whole', async () => {
    const same = buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, quality: 1 });
    const worse = buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 3, quality: 0 });
    const ids: string[] = [];
    for (const [bytes, name] of [
      [same, 'tie-a'],
      [same, 'tie-b'],
      [worse, 'tie-worse'],
    ] as const) {
      const r = await submitModel(stack, stack.submitterToken, bytes, exampleManifest(name));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(r.body.evaluations[0].id);
    }
    for (const id of ids) expect((await waitForEvaluation(stack, id)).final.status).toBe('succeeded');
    // Filtered to this stack's owner: other files' rows may share the board.
    const all = await getJson(stack, '/api/leaderboards?suite=smoke-32&limit=1000');
    const mine = all.boards[0].entries.filter((e: any) => e.model.owner === stack.owner);
    expect(mine.map((e: any) => e.model.name)).toEqual(['tie-a', 'tie-b', 'tie-worse']);
    expect(mine[0].metrics.fid).toBe(mine[1].metrics.fid);
    expect(mine[0].rank).toBe(mine[1].rank);
    expect(mine[2].rank).toBeGreaterThan(mine[1].rank + 1);
    expect(all.boards[0].total).toBe(all.boards[0].entries.length);
    const page = await getJson(stack, '/api/leaderboards?suite=smoke-32&limit=1&offset=1');
    expect(page.boards[0].entries).toHaveLength(1);
    expect(page.boards[0].entries[0]).toEqual(all.boards[0].entries[1]);
    expect(page.boards[0].total).toBe(all.boards[0].total);
    const past = await getJson(stack, '/api/leaderboards?suite=smoke-32&limit=10&offset=100000');
    expect(past.boards[0]).toMatchObject({ entries: [], total: all.boards[0].total });
  });
});

describe('rejected submissions', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function nothingStored(): Promise<void> {
    const models = await getJson(stack, `/api/models?owner=${stack.owner}`);
    expect(models.total).toBe(0);
    const artifacts = await readdir(stack.config.artifactDir).catch(() => []);
    expect(artifacts).toEqual([]);
    expect(await readdir(stack.config.uploadTmpDir)).toEqual([]);
  }

  it('answers 400 naming the problem for a garbage file', async () => {
    const r = await submitModel(
      stack,
      stack.submitterToken,
      new TextEncoder().encode('this is not an onnx model at all'),
      exampleManifest('garbage'),
    );
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/could not load the file as an ONNX model.*protobuf/i);
    await nothingStored();
  });

  it('answers 400 for a truncated ONNX file', async () => {
    const bytes = truncateBytes(buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1 }));
    const r = await submitModel(stack, stack.submitterToken, bytes, exampleManifest('truncated'));
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/could not load the file as an ONNX model/);
    await nothingStored();
  });

  it('rejects a model whose output shape contradicts its manifest', async () => {
    const bytes = buildWrongResolutionGenerator({ noiseDim: 64, classes: 0, seed: 1, actualResolution: 16 });
    const r = await submitModel(stack, stack.submitterToken, bytes, exampleManifest('wrong-shape'));
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('[2, 3, 16, 16]');
    expect(r.body.message).toContain('[2, 3, 32, 32]');
    expect(r.body.issues[0].path).toBe('manifest.resolution');
    await nothingStored();
  });

  it('rejects a manifest naming a tensor the graph does not have, and one with unknown keys', async () => {
    const bytes = buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1 });
    const wrongName = { ...exampleManifest('wrong-name'), inputs: { noise: 'latent' } };
    const r1 = await submitModel(stack, stack.submitterToken, bytes, wrongName);
    expect(r1.status).toBe(400);
    expect(r1.body.message).toContain('no input named "latent"');
    const r2 = await submitModel(stack, stack.submitterToken, bytes, { ...exampleManifest('extra'), temperature: 1 });
    expect(r2.status).toBe(400);
    expect(r2.body.message).toContain('Unrecognized key: "temperature"');
    const r3 = await submitModel(stack, stack.submitterToken, bytes, '{"name": ');
    expect(r3.status).toBe(400);
    expect(r3.body.message).toMatch(/not valid JSON/);
    await nothingStored();
  });

  it('answers 401 without a token or with a wrong one, 403 for a runner token', async () => {
    const bytes = buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1 });
    const none = await submitModel(stack, undefined, bytes, exampleManifest('no-token'));
    expect(none.status).toBe(401);
    expect(none.body.message).toMatch(/this endpoint needs a submitter( or admin)? token: send "Authorization: Bearer <token>"/);
    const wrong = await submitModel(stack, 'gb_submitter_not-a-real-token', bytes, exampleManifest('wrong-token'));
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toMatch(/not valid/);
    const runner = await submitModel(stack, stack.runnerToken, bytes, exampleManifest('runner-token'));
    expect(runner.status).toBe(403);
    await nothingStored();
  });
});
