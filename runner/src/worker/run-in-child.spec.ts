import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../../benchmarks/smoke/example-models.js';
import smoke32 from '../../../benchmarks/smoke/smoke-32.suite.js';
import { buildTinyGenerator } from '../onnx/models/tiny-generator.js';
import { loadAssetDirs } from '../../../contracts/assets/asset-dirs.js';
import { runEvaluationInChild } from './run-in-child.js';

const MIB = 1024 ** 2;
/** Small enough for a 12 MiB-per-sample intermediate to pass it at the suite's batch of 64 (768 MiB), not at 2. */
const LIMIT = 512 * MIB;

/** A real evaluation child (tsx + onnxruntime) on the smoke suite, under a 512 MiB memory limit. */
describe('runEvaluationInChild: memory limit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-mem-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function evaluate(name: string, scratchBytesPerSample: number) {
    const path = join(dir, `${name}.onnx`);
    await writeFile(path, buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, scratchBytesPerSample }));
    return runEvaluationInChild(
      {
        artifactPath: path,
        manifest: exampleManifest(name),
        suite: smoke32,
        executionProvider: 'cpu',
        noiseThreads: 0,
        assetDirs: loadAssetDirs({}),
      },
      { timeoutMs: 60_000, memoryLimitBytes: LIMIT },
    );
  }

  it('stops a model whose memory grows with the batch, as its failure, naming the limit and the batch size', async () => {
    const started = Date.now();
    const result = await evaluate('hungry', 12 * MIB);
    expect(result.kind === 'failed' && result.failure.kind).toBe('model');
    const reason = result.kind === 'failed' ? result.failure.reason : '';
    expect(reason).toMatch(
      /^the model exceeded the memory limit of 0\.5 GiB at batch size 64: its process reached (0\.[5-9]\d*|1(\.\d+)?) GiB/,
    );
    // Stopped as it grew, not after running the whole suite (16 batches of 64 at ≈ 4 s each here).
    expect(Date.now() - started).toBeLessThan(45_000);
  });

  it('a model under the limit is scored', async () => {
    const result = await evaluate('modest', 0);
    expect(result.kind, JSON.stringify(result)).toBe('done');
    if (result.kind === 'done') expect(result.output.metrics.find((m) => m.id === 'fid')?.value).toBeGreaterThan(0);
  });
});
