import { describe, expect, it } from 'vitest';
import smokeDenoiser from '../../../benchmarks/smoke/smoke-32-denoiser.suite.js';
import { buildExampleDenoiser, exampleDenoiserManifest } from '../../../benchmarks/smoke/example-denoisers.js';
import { DenoiserManifest } from '../../../contracts/manifest/denoiser-manifest.schemas.js';
import { parseManifest } from '../../../contracts/manifest/manifest.schemas.js';
import { buildConvDenoiser, convDenoiserManifest } from '../onnx/models/conv-denoiser.js';
import { type ExecutionProvider, openSession } from './onnx-session.js';
import { runEvaluation } from '../tasks/evaluate.js';
import { DenoiserSource, OnnxDenoiser } from './sources/denoiser-source.js';
import { loadAssetDirs } from '../../../contracts/assets/asset-dirs.js';

/** These suites read no files: directories under an empty environment's defaults, never the machine's. */
const NO_ASSET_FILES = loadAssetDirs({});

/*
 * GENBENCH_EP=webgpu on a real WebGPU adapter. No GPU is lent to this machine, but onnxruntime-node's bundled
 * WebGPU provider (Dawn over Vulkan) runs on Mesa's software Vulkan driver (lavapipe, mesa-vulkan-drivers ≥ 24;
 * scripts/test-env.sh installs it on Debian), so the provider, its shaders and our recording of it are
 * exercised for real: only the speed is not a GPU's. Where no adapter exists the suite is skipped, saying why,
 * unless GENBENCH_REQUIRE_WEBGPU=1 (CI sets it), where it fails instead.
 */

const RES = 16;
const convModel = buildConvDenoiser({ resolution: RES, channels: 16, timeWeight: 0.01 });
const probe = await openSession(convModel, 'webgpu');
await probe.session.release();
const webgpu = probe.executionProvider === 'webgpu';
const required = process.env.GENBENCH_REQUIRE_WEBGPU === '1';
if (!webgpu && !required) console.warn(`webgpu.spec.ts skipped: ${probe.warnings.join('; ')}`);

async function sampleImages(ep: ExecutionProvider, batchSize: number, n: number): Promise<{ ep: ExecutionProvider; images: Uint8Array }> {
  const { session, executionProvider } = await openSession(convModel, ep);
  const manifest = DenoiserManifest.parse(convDenoiserManifest(RES));
  const source = new DenoiserSource(new OnnxDenoiser(session, manifest), manifest, {
    n,
    seed: 3,
    batchSize,
    sampler: { solver: 'heun', steps: 6, guidance: 1, eta: 0 },
  });
  const images = new Uint8Array(n * RES * RES * 3);
  for await (const b of source.batches()) images.set(b.images, b.start * RES * RES * 3);
  await session.release();
  return { ep: executionProvider, images };
}

describe.skipIf(!webgpu && !required)('the WebGPU execution provider (Dawn over Vulkan)', () => {
  it('finds a WebGPU adapter', () => {
    expect(probe.warnings, 'scripts/test-env.sh installs a software Vulkan driver on Debian 12').toEqual([]);
    expect(probe.executionProvider).toBe('webgpu');
  });

  it('samples a conv denoiser with images identical across batch sizes 1, 7 and 16, and within one level of the CPU', async () => {
    const n = 16;
    const cpu = await sampleImages('cpu', 16, n);
    const runs = [await sampleImages('webgpu', 1, n), await sampleImages('webgpu', 7, n), await sampleImages('webgpu', 16, n)];
    for (const run of runs) {
      expect(run.ep).toBe('webgpu');
      expect(Buffer.from(run.images).equals(Buffer.from(runs[2]!.images))).toBe(true);
    }
    // Different kernels round differently: the uint8 images may differ from the CPU's where a value lands
    // on a quantization boundary, by one level, rarely. Results record the provider for that reason.
    let differing = 0;
    for (let i = 0; i < cpu.images.length; i++) {
      const d = Math.abs(cpu.images[i]! - runs[2]!.images[i]!);
      expect(d).toBeLessThanOrEqual(1);
      if (d > 0) differing++;
    }
    expect(differing / cpu.images.length).toBeLessThan(1e-3);
  }, 120_000);

  it('scores a denoiser suite end to end on WebGPU, records the provider, and agrees with the CPU score', async () => {
    const suite = { ...smokeDenoiser, samples: 64, reference: { type: 'synthetic-shapes' as const, n: 64, seed: 1 } };
    const run = (executionProvider: ExecutionProvider) =>
      runEvaluation({
        assetDirs: NO_ASSET_FILES,
        model: buildExampleDenoiser({ fit: 1, std: 0.4 }),
        manifest: parseManifest(exampleDenoiserManifest('ep-webgpu')),
        suite,
        executionProvider,
      });
    const gpu = await run('webgpu');
    const cpu = await run('cpu');
    expect(gpu.warnings).toEqual([]);
    expect(gpu.executionProvider).toBe('webgpu');
    expect(gpu.protocol.extractor).toMatchObject({ executionProvider: 'webgpu' });
    expect(cpu.executionProvider).toBe('cpu');
    const fid = (o: typeof gpu) => o.metrics.find((m) => m.id === 'fid')!.value;
    expect(Math.abs(fid(gpu) - fid(cpu)) / fid(cpu)).toBeLessThan(1e-4);
  }, 180_000);
});
