// The real edges2handbags-64 suite's code path on data in its real layout: a val/ folder of pix2pix AB JPEGs
// (edges left, photo right, named 1_AB.jpg …) made from the project's synthetic images, both batches built by
// `genbench prepare-batch` as README.md says, pinned by the sha256 it prints in a copy of the suite definition,
// and scored through runEvaluation. Only what cannot run offline is swapped: the sample count (the synthetic
// folder's size), the Inception for the tiny conv extractor and the VGG LPIPS for the random-weight stand-in.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import edges2handbags from '../../../../benchmarks/image-conditioned/edges2handbags-64.suite.js';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { defineSuite } from '../../../../contracts/suites/suite.schemas.js';
import { canny, rgbToGray } from '../../conditions/canny.js';
import { suiteInputs, toModelSpace } from '../../conditions/suite-inputs.js';
import { readNpz } from '../../io/npz.js';
import { makeSyntheticImages } from '../../onnx/models/synthetic-images.js';
import { runEvaluation } from '../../tasks/evaluate.js';
import type { EvaluationOutput } from '../../tasks/task-family.js';

const BIN = join(import.meta.dirname, '../../../../bin/genbench.js');
const N = 64;
const SIDE = 128;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genbench-prepared-suite-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** `genbench prepare-batch ARGS`; returns the sha256 it printed. */
async function prepare(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'prepare-batch', ...args]);
  const m = /^wrote (\d+) images to .*\nsha256 ([0-9a-f]{64})\n$/.exec(stdout);
  expect(m, stdout).not.toBeNull();
  expect(Number(m![1])).toBe(N);
  return m![2]!;
}

describe('edges2handbags-64 on batches built by genbench prepare-batch', () => {
  it('runs through runEvaluation: the photos themselves score PSNR 100, the edge maps far less', async () => {
    // val/{i}_AB.jpg, i = 1 … N: a 128×128 edge map (black Canny edges on white, as pix2pix's HED maps are
    // drawn) left, the 128×128 photo right, JPEG quality 90 with 4:2:0 chroma like the dataset's files.
    const photos = makeSyntheticImages({ n: N, resolution: SIDE, seed: 5 });
    const val = join(dir, 'edges2handbags', 'val');
    await mkdir(val, { recursive: true });
    const px = SIDE * SIDE * 3;
    for (let i = 0; i < N; i++) {
      const photo = photos.subarray(i * px, (i + 1) * px);
      const edges = canny(rgbToGray(photo, SIDE, SIDE), SIDE, SIDE);
      const ab = new Uint8Array(SIDE * 2 * SIDE * 3);
      for (let y = 0; y < SIDE; y++)
        for (let x = 0; x < SIDE; x++) {
          const e = edges[y * SIDE + x] ? 0 : 255;
          ab.fill(e, (y * 2 * SIDE + x) * 3, (y * 2 * SIDE + x) * 3 + 3);
          ab.set(photo.subarray((y * SIDE + x) * 3, (y * SIDE + x) * 3 + 3), (y * 2 * SIDE + SIDE + x) * 3);
        }
      const jpeg = await sharp(Buffer.from(ab), { raw: { width: 2 * SIDE, height: SIDE, channels: 3 } })
        .jpeg({ quality: 90, chromaSubsampling: '4:2:0' })
        .toBuffer();
      await writeFile(join(val, `${i + 1}_AB.jpg`), jpeg);
    }

    // README.md, "Suites": the two batches, under the file names the suite names, in the reference directory.
    const refDir = join(dir, 'reference');
    await mkdir(refDir);
    const sources = edges2handbags.condition.kind === 'paired-source' ? edges2handbags.condition.sources : undefined;
    if (sources?.type !== 'adm-reference-batch' || edges2handbags.targets.type !== 'adm-reference-batch')
      throw new Error('edges2handbags-64 no longer reads its batches from files');
    const common = ['--images', val, '--size', '64', '--crop', 'none'];
    const edgesSha = await prepare(...common, '--split-ab', 'left', '--out', join(refDir, sources.file));
    const photosSha = await prepare(...common, '--split-ab', 'right', '--out', join(refDir, edges2handbags.targets.file));

    const suite = defineSuite({
      ...edges2handbags,
      id: 'edges2handbags-64-prepared',
      samples: N,
      condition: { kind: 'paired-source', sources: { ...sources, sha256: edgesSha } },
      targets: { ...edges2handbags.targets, sha256: photosSha },
      extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 64, normalization: 'minus-one-one' },
      lpips: { type: 'builtin-tiny-lpips', seed: 7 },
    });
    const assetDirs = { ...loadAssetDirs({}), referenceDir: refDir };

    // The published inputs are the left halves, the targets the right halves, in Python's sorted() order of the
    // file names ('0' < '_': 10_AB.jpg … 19_AB.jpg, 1_AB.jpg, 20_AB.jpg …): image k of both is the same file.
    const inputs = await suiteInputs(suite, assetDirs);
    const edgesBatch = (await readNpz(join(refDir, sources.file))).arr_0!.data as Uint8Array;
    const photosBatch = (await readNpz(join(refDir, edges2handbags.targets.file))).arr_0!.data as Uint8Array;
    expect(Buffer.from(inputs.targets).equals(Buffer.from(photosBatch))).toBe(true);
    expect(Buffer.from(inputs.conditions.buffer).equals(Buffer.from(toModelSpace(edgesBatch, N, 64).buffer))).toBe(true);
    const order = Array.from({ length: N }, (_, i) => i + 1).sort((a, b) => Buffer.compare(Buffer.from(`${a}_AB`), Buffer.from(`${b}_AB`)));
    expect(order.slice(0, 12)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 1, 20]);
    // Each target, JPEG-compressed and bicubic-resized, is far closer to its own file's photo (subsampled 2×)
    // than to the photo of the next file in that order.
    const subsampled = (i: number) =>
      Uint8Array.from({ length: 64 * 64 * 3 }, (_, k) => {
        const c = k % 3;
        const x = Math.floor(k / 3) % 64;
        const y = Math.floor(k / 192);
        return photos[i * px + (2 * y * SIDE + 2 * x) * 3 + c]!;
      });
    const meanAbs = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, k) => s + Math.abs(v - b[k]!), 0) / a.length;
    for (let k = 0; k < N; k++) {
      const target = photosBatch.subarray(k * 64 * 64 * 3, (k + 1) * 64 * 64 * 3);
      const own = meanAbs(target, subsampled(order[k]! - 1));
      expect(own, `image ${k}`).toBeLessThan(meanAbs(target, subsampled(order[(k + 1) % N]! - 1)) / 2);
    }

    const score = (out: EvaluationOutput, id: string) => out.metrics.find((m) => m.id === id)!.value;
    const evaluate = async (name: string, batchFile: string) =>
      runEvaluation({
        model: new Uint8Array(),
        manifest: { name, kind: 'samples', resolution: 64, classes: 0, conditions: suite.id },
        suite,
        assetDirs,
        modelPath: batchFile,
      });
    const exact = await evaluate('photos', join(refDir, edges2handbags.targets.file));
    const identity = await evaluate('edges', join(refDir, sources.file));
    expect(exact.metrics.map((m) => m.id)).toEqual(['fid', 'kid', 'psnr', 'ssim', 'lpips']);
    expect(score(exact, 'psnr')).toBe(100);
    expect(score(exact, 'ssim')).toBe(1);
    expect(score(exact, 'lpips')).toBe(0);
    expect(score(identity, 'psnr')).toBeLessThan(score(exact, 'psnr') - 50);
    expect(score(identity, 'fid')).toBeGreaterThan(score(exact, 'fid'));
  });
});
