// End-to-end tests of `genbench features` with the project's tiny conv extractor standing in for Inception.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readNpz, writeNpz, type NdArray } from '../../io/npz.js';
import { buildTinyExtractor } from '../../onnx/models/tiny-extractor.js';
import { preprocess } from '../../preprocessing/preprocess.js';
import { CliError } from '../cli-error.js';
import { register } from './features.command.js';
import { runCommand } from '../../../../test/support/run-command.js';

const INPUT = 16; // the extractor's input size; images are 12×12 and get resized
const SIZE = 12;
const N = 70; // 64 + 6: a partial last batch at every batch size tried

function images(n: number, size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n * size * size * 3 }, (_, i) => (i * 31 + seed * 17 + ((i * i) % 29) + Math.floor(i / 97)) % 256);
}

const manifest = {
  name: 'tiny-extractor',
  kind: 'feature-extractor',
  input_size: INPUT,
  inputs: { images: 'images' },
  outputs: { pool: 'pool', spatial: 'spatial', logits: 'logits' },
  preprocessing: 'tf1-bilinear',
  normalization: 'adm',
};

const run = (...args: string[]): Promise<string> => runCommand(register, 'features', ...args);

describe('genbench features', () => {
  let dir: string;
  let extractor: string;
  let manifestPath: string;
  let pixels: Uint8Array;
  let npz: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-features-cli-'));
    extractor = join(dir, 'tiny.onnx');
    manifestPath = join(dir, 'tiny.json');
    await writeFile(extractor, buildTinyExtractor({ inputSize: INPUT, seed: 3 }));
    await writeFile(manifestPath, JSON.stringify(manifest));
    pixels = images(N, SIZE, 1);
    npz = join(dir, 'samples.npz');
    await writeNpz(
      npz,
      {
        arr_0: { dtype: 'uint8', shape: [N, SIZE, SIZE, 3], data: pixels },
        arr_1: { dtype: 'int64', shape: [N], data: BigInt64Array.from({ length: N }, (_, i) => BigInt(i % 10)) },
      },
      { compress: true },
    );
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const features = (images: string, out: string, ...extra: string[]) =>
    run('--images', images, '--extractor', extractor, '--manifest', manifestPath, '--out', out, ...extra);

  it('writes pool, spatial (in h, w, c order) and logits of an ADM sample batch, resized by the manifest protocol', async () => {
    const out = join(dir, 'acts.npz');
    const printed = await features(npz, out);
    expect(printed).toBe(`wrote ${out}: pool [70, 64], spatial [70, 112], logits [70, 10] from 70 images (resized 12→16)\n`);
    const acts = await readNpz(out);
    expect(Object.keys(acts).sort()).toEqual(['logits', 'pool', 'spatial']);
    expect(acts.pool).toMatchObject({ dtype: 'float32', shape: [N, 64] });
    expect(acts.spatial).toMatchObject({ dtype: 'float32', shape: [N, 7 * 4 * 4] });
    expect(acts.logits).toMatchObject({ dtype: 'float32', shape: [N, 10] });

    // The graph's own outputs for the first 5 images, fed by preprocess() directly.
    const session = await ort.InferenceSession.create(buildTinyExtractor({ inputSize: INPUT, seed: 3 }));
    const input = preprocess(pixels.subarray(0, 5 * SIZE * SIZE * 3), 5, SIZE, 'tf1-bilinear', INPUT, 'adm');
    const raw = await session.run({ images: new ort.Tensor('float32', input, [5, 3, INPUT, INPUT]) });
    await session.release();
    expect(Array.from(acts.pool!.data.subarray(0, 5 * 64) as Float32Array)).toEqual(Array.from(raw.pool!.data as Float32Array));
    const [, c, h, w] = raw.spatial!.dims as number[];
    expect([c, h, w]).toEqual([32, 4, 4]);
    const rawSpatial = raw.spatial!.data as Float32Array;
    const spatial = acts.spatial!.data as Float32Array;
    for (let n = 0; n < 5; n++) {
      for (let y = 0; y < h!; y++) {
        for (let x = 0; x < w!; x++) {
          for (let k = 0; k < 7; k++) {
            expect(spatial[n * 112 + (y * w! + x) * 7 + k]).toBe(rawSpatial[((n * c! + k) * h! + y) * w! + x]);
          }
        }
      }
    }
  });

  it('gives identical activations for batch sizes 1, 7 and 64', async () => {
    const results: Record<string, NdArray>[] = [];
    for (const bs of ['1', '7', '64']) {
      const out = join(dir, `acts-${bs}.npz`);
      await features(npz, out, '--batch-size', bs);
      results.push(await readNpz(out));
    }
    for (const key of ['pool', 'spatial', 'logits']) {
      expect(results[1]![key]!.data).toEqual(results[0]![key]!.data);
      expect(results[2]![key]!.data).toEqual(results[0]![key]!.data);
    }
  });

  it('reads a folder of PNG images in file-name order, ignoring other files', async () => {
    const folder = join(dir, 'pngs');
    await mkdir(folder);
    const names = ['img-10.png', 'img-02.png', 'img-01.PNG', 'b.png', 'a.png']; // sorted: a, b, img-01, img-02, img-10
    const order = ['a.png', 'b.png', 'img-01.PNG', 'img-02.png', 'img-10.png'];
    const plane = SIZE * SIZE * 3;
    for (const name of names) {
      const i = order.indexOf(name);
      const rgb = Buffer.from(pixels.subarray(i * plane, (i + 1) * plane));
      await sharp(rgb, { raw: { width: SIZE, height: SIZE, channels: 3 } })
        .png()
        .toFile(join(folder, name));
    }
    await writeFile(join(folder, 'notes.txt'), 'not an image');
    const fromFolder = join(dir, 'folder.npz');
    const fromNpz = join(dir, 'npz.npz');
    expect(await features(folder, fromFolder, '--batch-size', '2')).toContain('from 5 images');
    await writeNpz(join(dir, 'five.npz'), { arr_0: { dtype: 'uint8', shape: [5, SIZE, SIZE, 3], data: pixels.slice(0, 5 * plane) } });
    await features(join(dir, 'five.npz'), fromNpz);
    const a = await readNpz(fromFolder);
    const b = await readNpz(fromNpz);
    for (const key of ['pool', 'spatial', 'logits']) expect(a[key]).toEqual(b[key]);
  });

  it('reads RGBA PNG and JPEG files as RGB', async () => {
    const folder = join(dir, 'mixed');
    await mkdir(folder);
    const rgba = Buffer.alloc(INPUT * INPUT * 4, 200);
    await sharp(rgba, { raw: { width: INPUT, height: INPUT, channels: 4 } })
      .png()
      .toFile(join(folder, '0.png'));
    await sharp(Buffer.from(images(1, INPUT, 4)), { raw: { width: INPUT, height: INPUT, channels: 3 } })
      .jpeg()
      .toFile(join(folder, '1.jpg'));
    const out = join(dir, 'mixed.npz');
    expect(await features(folder, out)).toBe(`wrote ${out}: pool [2, 64], spatial [2, 112], logits [2, 10] from 2 images\n`);
  });

  describe('bad input', () => {
    async function failure(images: string, ...extra: string[]): Promise<CliError> {
      const out = join(dir, 'never.npz');
      const err = await features(images, out, ...extra).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CliError);
      // Nothing is left behind: no output, no scratch files.
      expect((await readdir(dir)).filter((f) => f.startsWith('never.npz'))).toEqual([]);
      return err as CliError;
    }

    it('names a missing images path', async () => {
      expect((await failure(join(dir, 'nope.npz'))).message).toBe(`cannot read images ${join(dir, 'nope.npz')}: ENOENT`);
    });

    it('names a file that is not an npz archive', async () => {
      const path = join(dir, 'text.npz');
      await writeFile(path, 'hello');
      expect((await failure(path)).message).toMatch(new RegExp(`^${path}: `));
    });

    it.each([
      [
        'no arr_0',
        { images: { dtype: 'uint8', shape: [2, 4, 4, 3], data: new Uint8Array(96) } },
        /no arr_0 \(images\); the archive holds: images/,
      ],
      [
        'float pixels',
        { arr_0: { dtype: 'float32', shape: [2, 4, 4, 3], data: new Float32Array(96) } },
        /arr_0 must be uint8 \(as ADM sample batches are\), it is float32/,
      ],
      [
        '3-d images',
        { arr_0: { dtype: 'uint8', shape: [2, 4, 12], data: new Uint8Array(96) } },
        /arr_0 must be \[N, H, W, 3\] \(NHWC RGB\), it is \[2, 4, 12\]/,
      ],
      ['grey images', { arr_0: { dtype: 'uint8', shape: [2, 4, 4, 1], data: new Uint8Array(32) } }, /must be \[N, H, W, 3\]/],
      [
        'non-square images',
        { arr_0: { dtype: 'uint8', shape: [2, 4, 8, 3], data: new Uint8Array(192) } },
        /arr_0 holds 4×8 images; images must be square/,
      ],
      ['no images', { arr_0: { dtype: 'uint8', shape: [0, 4, 4, 3], data: new Uint8Array(0) } }, /arr_0 holds no images/],
    ] as const)('refuses an npz with %s, naming the file', async (_what, arrays, pattern) => {
      const path = join(dir, 'bad.npz');
      await writeNpz(path, arrays as unknown as Record<string, NdArray>);
      const err = await failure(path);
      expect(err.message.startsWith(`${path}: `)).toBe(true);
      expect(err.message).toMatch(pattern);
    });

    it('refuses a folder of images of different sizes, naming the odd file', async () => {
      const folder = join(dir, 'sizes');
      await mkdir(folder);
      await sharp(Buffer.alloc(8 * 8 * 3), { raw: { width: 8, height: 8, channels: 3 } })
        .png()
        .toFile(join(folder, 'a.png'));
      await sharp(Buffer.alloc(9 * 9 * 3), { raw: { width: 9, height: 9, channels: 3 } })
        .png()
        .toFile(join(folder, 'b.png'));
      expect((await failure(folder)).message).toBe(
        `${join(folder, 'b.png')}: is 9×9, but a.png (the first image) is 8×8; all images must have the same size`,
      );
    });

    it('refuses an empty folder, a non-square image and an undecodable file', async () => {
      const empty = join(dir, 'empty');
      await mkdir(empty);
      expect((await failure(empty)).message).toBe(`${empty}: no PNG or JPEG images in this folder`);
      const wide = join(dir, 'wide');
      await mkdir(wide);
      await sharp(Buffer.alloc(8 * 6 * 3), { raw: { width: 8, height: 6, channels: 3 } })
        .png()
        .toFile(join(wide, 'a.png'));
      expect((await failure(wide)).message).toMatch(/a\.png: images must be square, this one is 8×6/);
      const broken = join(dir, 'broken');
      await mkdir(broken);
      await writeFile(join(broken, 'a.png'), 'not a png');
      expect((await failure(broken)).message).toMatch(new RegExp(`^${join(broken, 'a.png')}: cannot decode as an image`));
    });

    it('refuses a bad manifest, naming the manifest and the field', async () => {
      await writeFile(manifestPath, JSON.stringify({ ...manifest, resize: 'bilinear' }));
      const err = await failure(npz);
      expect(err.message.startsWith(`${manifestPath}: invalid extractor manifest`)).toBe(true);
      expect(err.message).toMatch(/resize/);
    });

    it('refuses an extractor that lacks an output the manifest names', async () => {
      await writeFile(manifestPath, JSON.stringify({ ...manifest, outputs: { pool: 'pool_3' } }));
      expect((await failure(npz)).message).toBe(
        `${extractor}: the extractor has no output "pool_3" for pool (its outputs: spatial, pool, logits)`,
      );
    });

    it('refuses an extractor file that is not an ONNX model', async () => {
      await writeFile(extractor, 'not a model');
      expect((await failure(npz)).message).toMatch(new RegExp(`^${extractor}: .*onnxruntime could not load`));
    });

    it('refuses a batch size that is not a positive integer', async () => {
      expect((await failure(npz, '--batch-size', '0')).message).toBe(`--batch-size must be a positive integer, got '0'`);
      expect((await failure(npz, '--batch-size', '2.5')).message).toMatch(/--batch-size/);
    });
  });
});
