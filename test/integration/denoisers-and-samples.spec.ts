import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExampleDenoiser, exampleDenoiserManifest } from '../../benchmarks/smoke/example-denoisers.js';
import { writeNpz } from '../../runner/src/io/npz.js';
import { buildGaussianDenoiser, buildLatentDecoder } from '../../runner/src/onnx/models/gaussian-denoiser.js';
import { getJson, type TestStack, startStack, waitForEvaluation } from '../support/stack.js';

const run = promisify(execFile);

/** POST /api/models with any of the multipart parts (file, decoder, manifest, visibility). */
async function submit(
  stack: TestStack,
  parts: { file?: Uint8Array; decoder?: Uint8Array; manifest: unknown; visibility?: 'public' | 'private' },
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  if (parts.file) form.append('file', new Blob([parts.file]), 'model');
  if (parts.decoder) form.append('decoder', new Blob([parts.decoder]), 'decoder.onnx');
  form.append('manifest', JSON.stringify(parts.manifest));
  if (parts.visibility) form.append('visibility', parts.visibility);
  const res = await fetch(`${stack.baseUrl}/api/models`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${stack.submitterToken}` },
  });
  return { status: res.status, body: await res.json() };
}

const LATENT = {
  shape: [4, 8, 8] as [number, number, number],
  scale_factor: 0.5,
  decoder: { inputs: { latent: 'z' }, outputs: { images: 'images' } },
};
const samplesManifest = (name: string) => ({ name, kind: 'samples', resolution: 32, classes: 0 });

/** Denoisers sampled by the harness and uploaded sample batches, through the API, the queue and a runner. */
describe('denoisers and sample batches, submitted, scored and ranked', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('samples submitted denoisers with the suite sampler, records it, ranks them and serves a sample grid', async () => {
    const good = await submit(stack, { file: buildExampleDenoiser({ fit: 1, std: 0.4 }), manifest: exampleDenoiserManifest('ddpm-good') });
    const bad = await submit(stack, { file: buildExampleDenoiser({ fit: 0, std: 0.8 }), manifest: exampleDenoiserManifest('ddpm-grey') });
    expect(good.status, JSON.stringify(good.body)).toBe(201);
    expect(bad.status, JSON.stringify(bad.body)).toBe(201);
    expect(good.body.evaluations.map((e: any) => e.suite.id)).toEqual(['smoke-32-denoiser']);

    const [g, b] = await Promise.all([
      waitForEvaluation(stack, good.body.evaluations[0].id),
      waitForEvaluation(stack, bad.body.evaluations[0].id),
    ]);
    for (const { final } of [g, b]) {
      expect(final.status, final.failureReason).toBe('succeeded');
      expect(final.provenance).toMatchObject({
        executionProvider: 'cpu',
        suite: { id: 'smoke-32-denoiser', version: 1 },
        protocol: {
          sampler: {
            solver: 'heun',
            steps: 8,
            nfe: 15,
            networkEvaluations: 15,
            guidance: 1,
            spacing: 'karras',
            classifierFreeGuidance: false,
          },
        },
      });
      expect(final.provenance.protocol.sampler.times).toHaveLength(9);
    }
    expect(g.final.metrics.fid).toBeLessThan(b.final.metrics.fid);

    const lb = await getJson(stack, '/api/leaderboards?task=unconditional-generation&resolution=32');
    const board = lb.boards.find((x: any) => x.suite.id === 'smoke-32-denoiser');
    const mine = board.entries.filter((e: any) => e.model.owner === stack.owner);
    expect(mine.map((e: any) => e.model.name)).toEqual(['ddpm-good', 'ddpm-grey']);
    expect(mine[0].rank).toBeLessThan(mine[1].rank);

    expect(g.final.sampleGrid).toBe(`/api/evaluations/${g.final.id}/samples.png`);
    const png = await fetch(`${stack.baseUrl}${g.final.sampleGrid}`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([256, 256, 'png']);
  });

  it('scores the sample batch `genbench sample` draws exactly as the runner scored the denoiser itself', async () => {
    const model = join(stack.dataDir, 'good.onnx');
    const manifest = join(stack.dataDir, 'good.json');
    const out = join(stack.dataDir, 'good-samples.npz');
    await writeFile(model, buildExampleDenoiser({ fit: 1, std: 0.4 }));
    await writeFile(manifest, JSON.stringify(exampleDenoiserManifest('ddpm-good')));
    await run(process.execPath, [
      'bin/genbench.js',
      'sample',
      '--model',
      model,
      '--manifest',
      manifest,
      '--n',
      '1024',
      '--seed',
      '0',
      '--solver',
      'heun',
      '--steps',
      '8',
      '--batch-size',
      '100',
      '--out',
      out,
    ]);

    const r = await submit(stack, { file: await readFile(out), manifest: samplesManifest('ddpm-good-samples') });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.evaluations.map((e: any) => e.suite.id)).toEqual(['smoke-32-samples']);
    const { final } = await waitForEvaluation(stack, r.body.evaluations[0].id);
    expect(final.status, final.failureReason).toBe('succeeded');
    expect(final.provenance.protocol.sampleBatch).toEqual({
      source: 'uploaded sample batch',
      imagesInBatch: 1024,
      imagesScored: 1024,
      labels: false,
    });

    // Same images (seed 0, Heun 8 steps, whatever the batch size) → the same FID to the last bit.
    const denoiserEvals = await getJson(stack, `/api/evaluations?suiteId=smoke-32-denoiser&status=succeeded`, stack.submitterToken);
    const denoiser = denoiserEvals.items.find((e: any) => e.model.name === 'ddpm-good' && e.model.owner === stack.owner);
    expect(final.metrics.fid).toBe(denoiser.metrics.fid);

    const lb = await getJson(stack, '/api/leaderboards?task=unconditional-generation&resolution=32');
    const board = lb.boards.find((x: any) => x.suite.id === 'smoke-32-samples');
    expect(board.entries.some((e: any) => e.model.name === 'ddpm-good-samples' && e.rank >= 1)).toBe(true);
  });

  it('stores a latent denoiser with its decoder, samples in latent space and decodes; its grid follows visibility', async () => {
    const mean = Float32Array.from({ length: 256 }, (_, i) => 0.5 * Math.sin(i * 0.05));
    const denoiser = buildGaussianDenoiser({
      schedule: { kind: 'linear-interpolant' },
      timeInput: 't',
      prediction: 'velocity',
      shape: LATENT.shape,
      mean,
      std: 0.5,
    });
    const decoder = buildLatentDecoder({ latentShape: LATENT.shape, resolution: 32, seed: 4 });
    const manifest = exampleDenoiserManifest('latent-flow', {
      prediction: 'velocity',
      schedule: { kind: 'linear-interpolant' },
      time_input: 't',
      latent: LATENT,
    });
    const r = await submit(stack, { file: denoiser, decoder, manifest, visibility: 'private' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.version.extraArtifacts).toEqual([
      { role: 'decoder', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: decoder.length },
    ]);
    // A private entry: only its owner sees it, so poll with the owner's token.
    const id = r.body.evaluations[0].id;
    let final: any;
    for (const deadline = Date.now() + 90_000; ; await new Promise((res) => setTimeout(res, 100))) {
      final = await getJson(stack, `/api/evaluations/${id}`, stack.submitterToken);
      if (!['queued', 'running'].includes(final.status) || Date.now() > deadline) break;
    }
    expect(final.status, final.failureReason).toBe('succeeded');
    expect(final.provenance.protocol.sampler).toMatchObject({
      latent: { shape: [4, 8, 8], scale_factor: 0.5 },
      frame: 'flow',
      spacing: 'uniform',
    });

    const anonymous = await fetch(`${stack.baseUrl}/api/evaluations/${final.id}/samples.png`);
    expect(anonymous.status).toBe(404);
    const owner = await fetch(`${stack.baseUrl}/api/evaluations/${final.id}/samples.png`, {
      headers: { authorization: `Bearer ${stack.submitterToken}` },
    });
    expect(owner.status).toBe(200);
  });

  it('queues a denoiser only on the boards whose sampler can drive it, and a sample batch only where it holds enough images, saying why not', async () => {
    // A class-conditional latent flow model at 256×256 without a null class: the guided ImageNet 256 board
    // cannot sample it; the unguided one could, but this server has no ImageNet reference batch.
    const classes = 10;
    const denoiser = (labels: number) =>
      buildGaussianDenoiser({
        schedule: { kind: 'linear-interpolant' },
        timeInput: 't',
        prediction: 'velocity',
        shape: LATENT.shape,
        classes: labels,
        mean: Float32Array.from({ length: 256 * labels }, (_, i) => 0.5 * Math.sin(i * 0.05)),
        std: 0.5,
      });
    const decoder = buildLatentDecoder({ latentShape: LATENT.shape, resolution: 256, seed: 4 });
    const manifest = (nullClass?: number) =>
      exampleDenoiserManifest(`dit-like-${nullClass ?? 'no-null'}`, {
        resolution: 256,
        classes: nullClass === undefined ? classes : classes + 1,
        ...(nullClass === undefined ? {} : { null_class: nullClass }),
        inputs: { x: 'x_t', t: 't', class: 'y' },
        prediction: 'velocity',
        schedule: { kind: 'linear-interpolant' },
        time_input: 't',
        latent: LATENT,
      });
    const r = await submit(stack, { file: denoiser(classes), decoder, manifest: manifest() });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.evaluations).toEqual([]);
    expect(r.body.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^not queued on imagenet-256-cond-ddpm-250-cfg-1-5 v1: its sampler \(ddim η=1, 250 steps, 250 NFE, guidance 1\.5\) cannot drive this model: .*null_class/,
        ),
        expect.stringMatching(/^not queued on imagenet-256-cond-ddpm-250 v1, which is unavailable on this server: /),
      ]),
    );
    // Declaring the null class makes the guided board applicable (and, here, unavailable for lack of files).
    const withNull = await submit(stack, { file: denoiser(classes + 1), decoder, manifest: manifest(classes) });
    expect(withNull.status, JSON.stringify(withNull.body)).toBe(201);
    expect(withNull.body.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^not queued on imagenet-256-cond-ddpm-250-cfg-1-5 v1, which is unavailable on this server: /),
      ]),
    );

    // An ADM-style sample batch at 64×64 matches the ImageNet 64 board of its task, which scores 50,000 images:
    // four are not enough, and the submission says so rather than queue an evaluation that can only fail.
    const npz = join(stack.dataDir, 'adm-64.npz');
    await writeNpz(npz, {
      arr_0: { dtype: 'uint8', shape: [4, 64, 64, 3], data: new Uint8Array(4 * 64 * 64 * 3) },
      arr_1: { dtype: 'int64', shape: [4], data: BigInt64Array.from([1n, 2n, 3n, 999n]) },
    });
    const batch = await submit(stack, {
      file: await readFile(npz),
      manifest: { name: 'adm-batch', kind: 'samples', resolution: 64, classes: 1000 },
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(201);
    expect(batch.body.warnings).toEqual(['not queued on imagenet-64-cond v2: the sample batch holds 4 images; this suite scores 50000']);
  });

  it('accepts sample grids only as PNG, within the size limit, from runners, for running or succeeded evaluations', async () => {
    const evaluations = await getJson(stack, `/api/evaluations?suiteId=smoke-32-denoiser&status=succeeded`, stack.submitterToken);
    const id = evaluations.items[0].id;
    const put = (body: Uint8Array, type: string, token = stack.runnerToken) =>
      fetch(`${stack.baseUrl}/api/runner/evaluations/${id}/sample-grid`, {
        method: 'PUT',
        body,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
      });
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    expect((await put(png, 'image/png', stack.submitterToken)).status).toBe(403);
    expect((await put(png, 'application/octet-stream')).status).toBe(415);
    expect((await put(new TextEncoder().encode('not a png'), 'image/png')).status).toBe(400);
    expect((await put(new Uint8Array(16 * 1024 * 1024 + 1), 'image/png')).status).toBe(413);
    const ok = await put(png, 'image/png');
    expect(ok.status).toBe(200);
    const served = await fetch(`${stack.baseUrl}/api/evaluations/${id}/samples.png`, {
      headers: { authorization: `Bearer ${stack.submitterToken}` },
    });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
  });

  it('rejects a latent denoiser without its decoder, a decoder without a latent space and a mis-shaped sample batch, storing nothing', async () => {
    const before = await readdir(stack.config.artifactDir, { recursive: true });
    const denoiser = buildExampleDenoiser({ fit: 1, std: 0.4 });
    const noDecoder = await submit(stack, { file: denoiser, manifest: exampleDenoiserManifest('no-decoder', { latent: LATENT }) });
    expect(noDecoder.status).toBe(400);
    expect(noDecoder.body.issues).toEqual([{ path: 'decoder', message: 'required' }]);
    const stray = await submit(stack, { file: denoiser, decoder: denoiser, manifest: exampleDenoiserManifest('stray-decoder') });
    expect(stray.status).toBe(400);
    expect(stray.body.message).toMatch(/no latent space/);

    const npz = join(stack.dataDir, 'nchw.npz');
    await writeNpz(npz, { arr_0: { dtype: 'uint8', shape: [4, 3, 32, 32], data: new Uint8Array(4 * 3072) } });
    const nchw = await submit(stack, { file: await readFile(npz), manifest: samplesManifest('nchw') });
    expect(nchw.status).toBe(400);
    expect(nchw.body.message).toBe('arr_0 must be [N, H, W, 3] (NHWC RGB), it is [4, 3, 32, 32]');
    const onnxAsSamples = await submit(stack, { file: denoiser, manifest: samplesManifest('not-npz') });
    expect(onnxAsSamples.status).toBe(400);
    expect(onnxAsSamples.body.message).toMatch(/not a readable \.npz sample batch/);

    expect(await readdir(stack.config.artifactDir, { recursive: true })).toEqual(before);
    expect(await readdir(stack.config.uploadTmpDir)).toEqual([]);
  });
});
