import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NpzWriter, writeNpz } from '../io/npz.js';
import { DenoiserManifest } from '../../../contracts/manifest/denoiser-manifest.schemas.js';
import { SamplesManifest } from '../../../contracts/manifest/samples-manifest.schemas.js';
import { buildCrashingDenoiser } from '../../../test/support/onnx-models/broken-denoisers.js';
import { buildGaussianDenoiser, buildLatentDecoder, type GaussianDenoiserGraphOptions } from '../onnx/models/gaussian-denoiser.js';
import { inspectModel } from './inspect-model.js';
import { inspectSampleBatch } from './inspect-samples.js';

const schedule = { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 } as const;
const base = DenoiserManifest.parse({
  name: 'g',
  kind: 'denoiser',
  resolution: 16,
  classes: 0,
  channels: 3,
  inputs: { x: 'x_t', t: 't' },
  outputs: { prediction: 'out' },
  prediction: 'eps',
  schedule,
  time_input: 'index',
  output_range: [-1, 1],
});
const pixel = (extra: Partial<GaussianDenoiserGraphOptions> = {}) =>
  buildGaussianDenoiser({
    schedule,
    timeInput: 'index',
    prediction: 'eps',
    shape: [3, 16, 16],
    mean: new Float32Array(768),
    std: 0.5,
    ...extra,
  });

describe('denoiser inspection', () => {
  it('accepts a denoiser whose graph matches its manifest, with float or integer time inputs', async () => {
    expect(await inspectModel(pixel(), base)).toMatchObject({ ok: true });
    expect(await inspectModel(pixel({ timeType: 'int64' }), base)).toMatchObject({ ok: true });
    expect(await inspectModel(pixel({ timeShape: 'scalar' }), base)).toMatchObject({ ok: true });
  });

  it('names the field that disagrees with the graph', async () => {
    expect(await inspectModel(pixel(), { ...base, inputs: { x: 'x', t: 't' } })).toMatchObject({
      ok: false,
      field: 'inputs.x',
      problem: expect.stringContaining('no input named "x"'),
    });
    expect(await inspectModel(pixel(), { ...base, outputs: { prediction: 'eps' } })).toMatchObject({
      ok: false,
      field: 'outputs.prediction',
    });
    expect(await inspectModel(pixel({ timeType: 'int64' }), { ...base, time_input: 'sigma' })).toMatchObject({
      ok: false,
      field: 'time_input',
    });
    expect(await inspectModel(pixel(), { ...base, resolution: 32 })).toMatchObject({
      ok: false,
      field: 'resolution',
      problem: expect.stringContaining('[2, 3, 32, 32]'),
    });
  });

  it('passes a model that only fails for larger batches (values are judged at evaluation)', async () => {
    expect(await inspectModel(buildCrashingDenoiser({ shape: [3, 16, 16] }), base)).toMatchObject({ ok: true });
  });

  it('checks the decoder of a latent denoiser', async () => {
    const latent = {
      shape: [4, 4, 4] as [number, number, number],
      scale_factor: 0.18215,
      decoder: { inputs: { latent: 'z' }, outputs: { images: 'images' } },
    };
    const manifest = { ...base, latent };
    const denoiser = pixel({ shape: [4, 4, 4], mean: new Float32Array(64) });
    const decoder = buildLatentDecoder({ latentShape: [4, 4, 4], resolution: 16, seed: 1 });
    expect(await inspectModel(denoiser, manifest, { decoder })).toMatchObject({ ok: true });
    expect(await inspectModel(denoiser, manifest)).toMatchObject({
      ok: false,
      field: 'decoder',
      problem: expect.stringContaining('multipart field "decoder"'),
    });
    const small = buildLatentDecoder({ latentShape: [4, 4, 4], resolution: 8, seed: 1 });
    expect(await inspectModel(denoiser, manifest, { decoder: small })).toMatchObject({
      ok: false,
      field: 'resolution',
      problem: expect.stringContaining('[2, 3, 8, 8]'),
    });
    expect(await inspectModel(denoiser, manifest, { decoder: new TextEncoder().encode('not onnx') })).toMatchObject({
      ok: false,
      field: 'decoder',
    });
    expect(await inspectModel(pixel(), base, { decoder })).toMatchObject({
      ok: false,
      field: 'decoder',
      problem: expect.stringContaining('no latent space'),
    });
  });
});

describe('sample batch inspection (headers only)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-inspect-samples-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const manifest = (classes = 0) => SamplesManifest.parse({ name: 's', kind: 'samples', resolution: 8, classes });

  it('accepts ADM-style batches, stored or compressed, with labels when class-conditional', async () => {
    const path = join(dir, 'ok.npz');
    await writeNpz(
      path,
      {
        arr_0: { dtype: 'uint8', shape: [5, 8, 8, 3], data: new Uint8Array(5 * 192) },
        arr_1: { dtype: 'int64', shape: [5], data: new BigInt64Array(5) },
      },
      { compress: true },
    );
    expect(await inspectSampleBatch(path, manifest(10))).toMatchObject({
      ok: true,
      outputs: [{ name: 'arr_0', shape: [5, 8, 8, 3] }, { name: 'arr_1' }],
    });
    expect(await inspectSampleBatch(path, manifest(0))).toMatchObject({ ok: true });
  });

  it('explains what is wrong, naming the field', async () => {
    const cases: Array<[string, Record<string, { dtype: 'uint8' | 'float32' | 'int64'; shape: number[] }>, number, RegExp, string]> = [
      ['float.npz', { arr_0: { dtype: 'float32', shape: [2, 8, 8, 3] } }, 0, /must be uint8/, 'file'],
      ['nchw.npz', { arr_0: { dtype: 'uint8', shape: [2, 3, 8, 8] } }, 0, /\[N, H, W, 3\]/, 'file'],
      [
        'res.npz',
        { arr_0: { dtype: 'uint8', shape: [2, 16, 16, 3] } },
        0,
        /16×16 images, the manifest declares resolution 8/,
        'resolution',
      ],
      ['nolabels.npz', { arr_0: { dtype: 'uint8', shape: [2, 8, 8, 3] } }, 10, /needs arr_1/, 'classes'],
      [
        'badlabels.npz',
        { arr_0: { dtype: 'uint8', shape: [2, 8, 8, 3] }, arr_1: { dtype: 'int64', shape: [3] } },
        10,
        /one label per image/,
        'file',
      ],
      ['other.npz', { images: { dtype: 'uint8', shape: [2, 8, 8, 3] } }, 0, /no arr_0.*images/, 'file'],
    ];
    for (const [name, arrays, classes, problem, field] of cases) {
      const path = join(dir, name);
      const w = await NpzWriter.create(path);
      for (const [key, a] of Object.entries(arrays)) {
        const n = a.shape.reduce((x, y) => x * y, 1);
        await w.add(key, {
          dtype: a.dtype,
          shape: a.shape,
          data: a.dtype === 'uint8' ? new Uint8Array(n) : a.dtype === 'int64' ? new BigInt64Array(n) : new Float32Array(n),
        });
      }
      await w.close();
      const report = await inspectSampleBatch(path, manifest(classes));
      expect(report, name).toMatchObject({ ok: false, field });
      if (!report.ok) expect(report.problem, name).toMatch(problem);
    }
    expect(await inspectSampleBatch(join(dir, 'absent.npz'), manifest())).toMatchObject({ ok: false, field: 'file' });
  });

  it('checks a video batch (frames declared) as [N, T, H, W, 3]: frame count, image batches and videos sent as images refused', async () => {
    const video = (frames: number) => SamplesManifest.parse({ name: 'v', kind: 'samples', resolution: 8, classes: 0, frames });
    const write = async (name: string, shape: number[]) => {
      const path = join(dir, name);
      await writeNpz(path, { arr_0: { dtype: 'uint8', shape, data: new Uint8Array(shape.reduce((x, y) => x * y, 1)) } });
      return path;
    };
    const videos = await write('videos.npz', [3, 4, 8, 8, 3]);
    expect(await inspectSampleBatch(videos, video(4))).toMatchObject({ ok: true, outputs: [{ name: 'arr_0', shape: [3, 4, 8, 8, 3] }] });
    expect(await inspectSampleBatch(videos, video(16))).toEqual({
      ok: false,
      field: 'frames',
      problem: 'arr_0 holds videos of 4 frames, the manifest declares frames 16',
    });
    expect(await inspectSampleBatch(videos, manifest())).toMatchObject({
      ok: false,
      field: 'file',
      problem: expect.stringMatching(/holds videos/),
    });
    const images = await write('images-as-video.npz', [3, 8, 8, 3]);
    expect(await inspectSampleBatch(images, video(4))).toMatchObject({
      ok: false,
      field: 'file',
      problem: expect.stringMatching(/is an image batch/),
    });
  });
});
