import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDenoiserManifest } from '../../../benchmarks/smoke/example-denoisers.js';
import { exampleManifest } from '../../../benchmarks/smoke/example-models.js';
import smoke32Denoiser from '../../../benchmarks/smoke/smoke-32-denoiser.suite.js';
import smoke32 from '../../../benchmarks/smoke/smoke-32.suite.js';
import { buildSlowDenoiser } from '../../../test/support/onnx-models/broken-denoisers.js';
import { buildTinyGenerator } from '../onnx/models/tiny-generator.js';
import { largestNetworkBatch, networkBatchSize } from '../../../contracts/inspection/inspection.js';
import { inspectInChild } from './run-inspection.js';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/** Real inspection children (tsx + onnxruntime), as the API runs them for an upload. */
describe('inspectInChild: the dry run at the suites’ batch size, under the memory limit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-inspect-mem-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, bytes: Uint8Array): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return path;
  }

  it('runs the network at the largest batch the suites feed it: twice the batch size under classifier-free guidance', () => {
    expect(networkBatchSize(smoke32)).toBe(64);
    const guided = { ...smoke32Denoiser, sampler: { ...smoke32Denoiser.sampler!, guidance: 1.5 } };
    expect(networkBatchSize(guided)).toBe(128);
    expect(largestNetworkBatch([smoke32, guided])).toBe(128);
    expect(largestNetworkBatch([])).toBeUndefined();
  });

  it('refuses a generator tiny at batch 2 that passes the limit at the batch size the suite runs', async () => {
    // 12 MiB per sample: 24 MiB at batch 2, 768 MiB at 64.
    const path = await file(
      'hungry.onnx',
      buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, scratchBytesPerSample: 12 * MIB }),
    );
    const manifest = exampleManifest('hungry');
    const limits = { timeoutMs: 60_000, memoryLimitBytes: 512 * MIB };
    // The batch-2 shape checks alone let it through (what the inspection did before).
    expect(await inspectInChild(path, manifest, limits)).toMatchObject({ ok: true });
    const report = await inspectInChild(path, manifest, { ...limits, batchSize: 64 });
    expect(report).toMatchObject({ ok: false, field: 'file' });
    expect(!report.ok && report.problem).toMatch(
      /^the model exceeded the memory limit of 0\.5 GiB at batch size 64: its process reached 0\.\d+ GiB of resident memory and was stopped/,
    );
  });

  it('accepts a model under the limit at the full batch', async () => {
    const path = await file('modest.onnx', buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 2 }));
    const report = await inspectInChild(path, exampleManifest('modest'), { timeoutMs: 60_000, memoryLimitBytes: 512 * MIB, batchSize: 64 });
    expect(report).toMatchObject({ ok: true });
    expect(report.ok && report.fullBatchNote).toBeUndefined();
  });

  it('accepts a model too slow to finish the full batch in time on its batch-2 checks, saying so', async () => {
    // 1,500 chained 32×32 MatMuls per row: a batch of 2 takes milliseconds, one of 8192 well over a minute on
    // this machine, quiet or loaded, so it cannot finish within the 8 s limit (300 did on a quiet machine).
    const path = await file('slow.onnx', buildSlowDenoiser({ shape: [3, 32, 32], matmuls: 1500 }));
    const report = await inspectInChild(path, exampleDenoiserManifest('slow'), {
      timeoutMs: 8_000,
      memoryLimitBytes: 4 * GIB,
      batchSize: 8192,
    });
    expect(report).toMatchObject({ ok: true });
    expect(report.ok && report.fullBatchNote).toBe(
      'the dry run at batch size 8192 did not finish within 8 s here, so its memory was not checked at submission; evaluations stop a model that passes the memory limit',
    );
  });
});
