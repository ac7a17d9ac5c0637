import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../assets/assets.js';
import { register as registerFeatures } from '../cli/commands/features.command.js';
import { CliError } from '../cli/cli-error.js';
import { runCommand } from '../../../test/support/run-command.js';
import { runEvaluation } from '../tasks/evaluate.js';
import { SamplesSource } from '../evaluation/sources/samples-source.js';
import { inspectSampleBatch } from '../inspect/inspect-samples.js';
import type { GeneratorManifest } from '../../../contracts/manifest/manifest.schemas.js';
import type { SamplesManifest } from '../../../contracts/manifest/samples-manifest.schemas.js';
import { buildTinyExtractor } from '../onnx/models/tiny-extractor.js';
import { buildTinyGenerator } from '../onnx/models/tiny-generator.js';
import { defineSuite } from '../../../contracts/suites/suite.schemas.js';
import { AdmBatchError, checkAdmImages, checkAdmVideos } from './adm-batch.js';
import { encodeNpy, openNpz, writeNpz, type NdArray } from './npz.js';

const R = 8;
const N = 4;
const FORTRAN = /arr_0 is stored in Fortran order and cannot be streamed; save it C-contiguous/;

/** `npy` (as encodeNpy writes it, C order) with its header saying `fortran_order: True`, bytes unchanged. */
function asFortranOrder(npy: Uint8Array): Uint8Array {
  const out = npy.slice();
  const headerLength = new DataView(out.buffer).getUint16(8, true);
  const text = new TextDecoder().decode(out.subarray(10, 10 + headerLength));
  const flipped =
    text
      .replace("'fortran_order': False", "'fortran_order': True")
      .trimEnd()
      .padEnd(headerLength - 1, ' ') + '\n';
  out.set(new TextEncoder().encode(flipped), 10);
  return out;
}

/** An ADM-layout batch (uint8 [N, R, R, 3]) whose `arr_0` is stored in Fortran order, plus `extra` arrays in C order. */
async function writeFortranBatch(path: string, extra: Record<string, NdArray> = {}): Promise<void> {
  const images: NdArray = { dtype: 'uint8', shape: [N, R, R, 3], data: new Uint8Array(N * R * R * 3).map((_, i) => i % 251) };
  const files: Record<string, Uint8Array> = { 'arr_0.npy': asFortranOrder(encodeNpy(images)) };
  for (const [key, a] of Object.entries(extra)) files[`${key}.npy`] = encodeNpy(a);
  await writeFile(path, zipSync(files, { level: 0 }));
}

const samplesManifest: SamplesManifest = { name: 's', kind: 'samples', resolution: R, classes: 0 };

describe('the ADM batch layout (arr_0 uint8 [N, H, W, 3], C order)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-adm-batch-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function check(arrays: Record<string, NdArray>) {
    const path = join(dir, 'check.npz');
    await writeNpz(path, arrays);
    const reader = await openNpz(path);
    try {
      return checkAdmImages(reader);
    } finally {
      await reader.close();
    }
  }
  const u8 = (shape: number[]): NdArray => ({ dtype: 'uint8', shape, data: new Uint8Array(shape.reduce((a, b) => a * b, 1)) });

  it('accepts a C-order batch and returns its count and resolution', async () => {
    expect(await check({ arr_0: u8([3, R, R, 3]) })).toEqual({ count: 3, resolution: R });
  });

  it.each<[string, Record<string, NdArray>, string]>([
    ['no arr_0', { images: u8([2, R, R, 3]) }, 'no arr_0 (images); the archive holds: images'],
    [
      'float pixels',
      { arr_0: { dtype: 'float32', shape: [1, R, R, 3], data: new Float32Array(R * R * 3) } },
      'arr_0 must be uint8 (as ADM sample batches are), it is float32',
    ],
    ['NCHW', { arr_0: u8([2, 3, R, R]) }, `arr_0 must be [N, H, W, 3] (NHWC RGB), it is [2, 3, ${R}, ${R}]`],
    ['grey', { arr_0: u8([2, R, R, 1]) }, `arr_0 must be [N, H, W, 3] (NHWC RGB), it is [2, ${R}, ${R}, 1]`],
    ['non-square images', { arr_0: u8([2, 4, 8, 3]) }, 'arr_0 holds 4×8 images; images must be square'],
    ['no images', { arr_0: u8([0, R, R, 3]) }, 'arr_0 holds no images'],
  ])('refuses a batch with %s', async (_what, arrays, problem) => {
    expect(await check(arrays)).toEqual({ problem });
  });

  it('refuses a video batch submitted as images, naming the image layout', async () => {
    expect(await check({ arr_0: u8([2, 16, R, R, 3]) })).toEqual({
      problem: `arr_0 holds videos [N, T, H, W, 3] = [2, 16, ${R}, ${R}, 3]; image suites score image batches [N, H, W, 3]`,
    });
  });

  describe('video batches (arr_0 uint8 [N, T, H, W, 3])', () => {
    async function checkVideos(arrays: Record<string, NdArray>, frames?: number) {
      const path = join(dir, 'videos.npz');
      await writeNpz(path, arrays);
      const reader = await openNpz(path);
      try {
        return checkAdmVideos(reader, frames);
      } finally {
        await reader.close();
      }
    }

    it('accepts [N, T, H, W, 3] and returns count, frames and resolution, reading 5-D arrays through the npz reader', async () => {
      const shape = [3, 5, R, R, 3];
      const data = new Uint8Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => (i * 7) % 256);
      expect(await checkVideos({ arr_0: { dtype: 'uint8', shape, data } }, 5)).toEqual({ count: 3, frames: 5, resolution: R });
      const path = join(dir, 'videos.npz');
      const reader = await openNpz(path);
      try {
        const back = await reader.read('arr_0');
        expect(back.shape).toEqual(shape);
        expect(Buffer.from(back.data as Uint8Array).equals(Buffer.from(data))).toBe(true);
      } finally {
        await reader.close();
      }
    });

    it.each<[string, Record<string, NdArray>, number | undefined, string]>([
      [
        'an image batch',
        { arr_0: u8([2, R, R, 3]) },
        16,
        `arr_0 is an image batch [N, H, W, 3] = [2, ${R}, ${R}, 3]; video suites score videos: save arr_0 as [N, T, H, W, 3] (T frames per video)`,
      ],
      ['the wrong frame count', { arr_0: u8([2, 8, R, R, 3]) }, 16, 'arr_0 holds videos of 8 frames, 16 are expected'],
      [
        'channels first',
        { arr_0: u8([2, 16, 3, R, R]) },
        16,
        `arr_0 must be [N, T, H, W, 3] (videos of NHWC RGB frames), it is [2, 16, 3, ${R}, ${R}]`,
      ],
      ['non-square frames', { arr_0: u8([2, 16, 4, 8, 3]) }, undefined, 'arr_0 holds 4×8 frames; frames must be square'],
      ['no videos', { arr_0: u8([0, 16, R, R, 3]) }, undefined, 'arr_0 holds no videos'],
    ])('refuses %s', async (_what, arrays, frames, problem) => {
      expect(await checkVideos(arrays, frames)).toEqual({ problem });
    });
  });

  describe('a Fortran-order arr_0 is refused on every path that reads an ADM batch', () => {
    let path: string;
    beforeAll(async () => {
      path = join(dir, 'fortran.npz');
      await writeFortranBatch(path);
    });

    it('the layout check itself', async () => {
      const reader = await openNpz(path);
      try {
        expect(reader.entry('arr_0')).toMatchObject({ fortranOrder: true, shape: [N, R, R, 3] });
        expect(checkAdmImages(reader)).toEqual({ problem: expect.stringMatching(FORTRAN) });
      } finally {
        await reader.close();
      }
    });

    it('the submission-time inspection of an uploaded sample batch', async () => {
      expect(await inspectSampleBatch(path, samplesManifest)).toEqual({
        ok: false,
        field: 'file',
        problem: expect.stringMatching(FORTRAN),
      });
    });

    it('scoring an uploaded sample batch', async () => {
      await expect(SamplesSource.open(path, samplesManifest, { n: 2, batchSize: 2 })).rejects.toThrow(FORTRAN);
    });

    it('genbench features --images', async () => {
      const extractor = join(dir, 'tiny.onnx');
      const manifest = join(dir, 'tiny.json');
      await writeFile(extractor, buildTinyExtractor({ inputSize: 16, seed: 3 }));
      await writeFile(
        manifest,
        JSON.stringify({
          name: 'tiny-extractor',
          kind: 'feature-extractor',
          input_size: 16,
          inputs: { images: 'images' },
          outputs: { pool: 'pool' },
          preprocessing: 'tf1-bilinear',
          normalization: 'adm',
        }),
      );
      const err = await runCommand(
        registerFeatures,
        'features',
        '--images',
        path,
        '--extractor',
        extractor,
        '--manifest',
        manifest,
        '--out',
        join(dir, 'acts.npz'),
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).message).toMatch(new RegExp(`^${path}: ${FORTRAN.source}`));
    });

    it('an ADM reference batch read for reference activations', async () => {
      const referenceDir = join(dir, 'reference');
      await mkdir(referenceDir, { recursive: true });
      const file = 'VIRTUAL_fortran.npz';
      const D = 64;
      // Statistics as ADM ships them; the images are read because precision needs reference activations.
      await writeFortranBatch(join(referenceDir, file), {
        mu: { dtype: 'float64', shape: [D], data: new Float64Array(D) },
        sigma: { dtype: 'float64', shape: [D, D], data: new Float64Array(D * D).map((_, i) => (i % (D + 1) === 0 ? 1 : 0)) },
      });
      const manifest: GeneratorManifest = {
        name: 'g',
        kind: 'generator',
        resolution: R,
        classes: 0,
        inputs: { noise: 'z' },
        outputs: { images: 'images' },
        noise_dim: 16,
        output_range: [-1, 1],
      };
      const run = runEvaluation({
        model: buildTinyGenerator({ noiseDim: 16, resolution: R, classes: 0, seed: 1, quality: 0.5 }),
        manifest,
        suite: defineSuite({
          id: 'test-fortran-reference',
          version: 1,
          title: 'test',
          task: 'unconditional-generation',
          resolution: R,
          kinds: ['generator'],
          samples: 8,
          seed: 0,
          batch_size: 4,
          reference: {
            type: 'adm-reference-batch',
            file,
            sha256: await sha256File(join(referenceDir, file)),
            source: 'https://example.invalid/r.npz',
          },
          extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 16, normalization: 'minus-one-one', preprocessing: 'tf1-bilinear' },
          metrics: ['fid', 'precision'],
          primary: 'fid',
        }),
        assetDirs: { referenceDir, modelsDir: join(dir, 'models'), datasetsDir: join(dir, 'datasets') },
      });
      // A pinned reference batch with a bad layout is the suite's fault (an admin must act): not retried.
      await expect(run).rejects.toMatchObject({ kind: 'suite', cause: expect.any(AdmBatchError) });
      await expect(run).rejects.toThrow(new RegExp(`${file}: ${FORTRAN.source}`));
    });
  });
});
