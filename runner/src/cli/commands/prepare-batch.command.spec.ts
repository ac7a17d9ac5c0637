// `genbench prepare-batch` against Pillow's own output on committed JPEG/PNG files
// (runner/src/preprocessing/fixtures/make_prepare_batch_references.py), on synthetic images the test writes with
// sharp, and through bin/genbench.js for its errors.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpz, type NdArray } from '../../io/npz.js';
import { makeSyntheticImages } from '../../onnx/models/synthetic-images.js';
import { resizePilUint8, type PilFilter } from '../../preprocessing/pil-bicubic.js';
import { decodePilRgb, prepareBatch, type PrepareBatchOptions } from './prepare-batch.command.js';

const BIN = join(import.meta.dirname, '../../../../bin/genbench.js');
const FIXTURES = join(import.meta.dirname, '../../preprocessing/fixtures');
const FILES = join(FIXTURES, 'prepare-batch');
const FILTERS: PilFilter[] = ['bicubic', 'bilinear', 'lanczos'];

const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'prepare-batch', ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

let dir: string;
let ref: Record<string, NdArray>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genbench-prepare-batch-'));
  ref = await readNpz(join(FIXTURES, 'prepare-batch-references.npz'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const bytesEqual = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

/** Runs the command in process on `names` (a --list) and returns arr_0's images. */
async function batch(names: string[], opts: Omit<PrepareBatchOptions, 'images' | 'out' | 'list'>, images = FILES) {
  const tag = createHash('sha1')
    .update(JSON.stringify([names, opts, images]))
    .digest('hex')
    .slice(0, 12);
  const list = join(dir, `${tag}.txt`);
  await writeFile(list, `${names.join('\n')}\n`);
  const out = join(dir, `${tag}.npz`);
  const r = await prepareBatch({ images, list, out, ...opts });
  const a = (await readNpz(out)).arr_0!;
  expect(a.shape).toEqual([names.length, opts.size, opts.size, 3]);
  return { ...r, out, image: (i: number) => (a.data as Uint8Array).subarray(i * opts.size ** 2 * 3, (i + 1) * opts.size ** 2 * 3) };
}

describe('genbench prepare-batch against Pillow 9.4 (libjpeg-turbo 2.1.5)', () => {
  it('decodes JPEG (4:2:0, 4:2:2, 4:4:4, grey) and PNG (RGB, grey, grey+alpha, RGBA, palette, 1-bit) to the RGB that convert("RGB") gives, tolerance 0', async () => {
    const names = (await readdir(FILES)).sort();
    expect(names).toHaveLength(11);
    for (const name of names) {
      const img = await decodePilRgb(join(FILES, name));
      const expected = ref[`decoded/${name}`]!;
      expect([img.height, img.width, 3], name).toEqual(expected.shape);
      expect(bytesEqual(img.data, expected.data as Uint8Array), name).toBe(true);
    }
  });

  it.each(FILTERS)(
    'the AB halves resized to 16 and 64 with %s equal Pillow exactly, tolerance 0 (DDBM EdgesDataset: AB.crop, then Image.resize)',
    async (resample) => {
      const names = ['ab-1.jpg', 'ab-0.jpg'];
      for (const half of ['left', 'right'] as const)
        for (const size of [16, 64]) {
          const b = await batch(names, { size, crop: 'none', splitAb: half, resample });
          for (const [i, name] of names.entries())
            expect(
              bytesEqual(b.image(i), ref[`${name}/${half}/none/${resample}/${size}`]!.data as Uint8Array),
              `${name} ${half} ${size}`,
            ).toBe(true);
        }
    },
  );

  it.each(FILTERS)(
    'whole images, centre-cropped or not, resized to 24 with %s equal Pillow exactly, tolerance 0 (torchvision center_crop, then Image.resize)',
    async (resample) => {
      const names = [
        'wide.jpg',
        'tall.png',
        'full-chroma.jpg',
        'grey.jpg',
        'grey.png',
        'grey-alpha.png',
        'rgba.png',
        'palette.png',
        'bilevel.png',
      ];
      for (const crop of ['center', 'none'] as const) {
        const b = await batch(names, { size: 24, crop, resample });
        for (const [i, name] of names.entries())
          expect(bytesEqual(b.image(i), ref[`${name}/whole/${crop}/${resample}/24`]!.data as Uint8Array), `${name} ${crop}`).toBe(true);
      }
    },
  );

  it.each([
    ['wide.jpg', 75, 52],
    ['tall.png', 40, 57],
    ['rgba.png', 30, 31],
  ])(
    "--crop adm equals guided-diffusion's center_crop_arr on %s (%i×%i) at 24, 16, 12 and 7 (0 to 3 box halvings), tolerance 0",
    async (name) => {
      for (const size of [24, 16, 12, 7]) {
        const b = await batch([name], { size, crop: 'adm', resample: 'bicubic' });
        expect(bytesEqual(b.image(0), ref[`${name}/whole/adm/bicubic/${size}`]!.data as Uint8Array), `${size}`).toBe(true);
      }
    },
  );

  it("crops 75×52 at x = 12 (Python's round(11.5), half to even), not at guided-diffusion's floor 11", async () => {
    const img = await decodePilRgb(join(FILES, 'wide.jpg'));
    const at = (x0: number) => {
      const sq = new Uint8Array(52 * 52 * 3);
      for (let y = 0; y < 52; y++) sq.set(img.data.subarray((y * 75 + x0) * 3, (y * 75 + x0 + 52) * 3), y * 52 * 3);
      return resizePilUint8(sq, { count: 1, height: 52, width: 52, channels: 3 }, 24, 24, 'bicubic');
    };
    const expected = ref['wide.jpg/whole/center/bicubic/24']!.data as Uint8Array;
    expect(bytesEqual(at(12), expected)).toBe(true);
    expect(bytesEqual(at(11), expected)).toBe(false);
  });
});

describe('genbench prepare-batch on synthetic images', () => {
  const SIDE = 20;
  const images = makeSyntheticImages({ n: 6, resolution: SIDE, seed: 3 });
  const image = (i: number) => images.subarray(i * SIDE * SIDE * 3, (i + 1) * SIDE * SIDE * 3);
  const png = (data: Uint8Array, width: number, height: number) =>
    sharp(Buffer.from(data), { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
  let folder: string;
  beforeAll(async () => {
    folder = join(dir, 'synthetic');
    await mkdir(join(folder, 'sub'), { recursive: true });
    // Names whose code-point order (Python's sorted()) is neither numeric nor case-insensitive order.
    const names = ['b.png', 'a.png', 'B.png', '10.png', '9.png'];
    for (const [i, name] of names.entries()) await writeFile(join(folder, name), await png(image(i), SIDE, SIDE));
    await writeFile(join(folder, 'sub', 'x.png'), await png(image(5), SIDE, SIDE));
    await writeFile(join(folder, 'notes.txt'), 'not an image');
  });

  it('without --list reads the .jpg/.jpeg/.png files in code-point order (10, 9, B, a, b), skipping other files and folders', async () => {
    const out = join(dir, 'sorted.npz');
    const r = await prepareBatch({ images: folder, out, size: SIDE, crop: 'none', resample: 'bicubic' });
    expect(r.count).toBe(5);
    expect(r.sha256).toBe(
      createHash('sha256')
        .update(await readFile(out))
        .digest('hex'),
    );
    const got = (await readNpz(out)).arr_0!.data as Uint8Array;
    // Lossless PNG at the same size: the batch is the images themselves, in sorted order.
    const order = [3, 4, 2, 1, 0];
    for (const [k, i] of order.entries())
      expect(bytesEqual(got.subarray(k * SIDE * SIDE * 3, (k + 1) * SIDE * SIDE * 3), image(i)), `${k}`).toBe(true);
  });

  it('--list sets the images and their order, paths relative to --images (a subfolder, a repeat, CRLF line ends)', async () => {
    const list = join(dir, 'order.txt');
    await writeFile(list, 'sub/x.png\r\na.png\r\nb.png\r\na.png\r\n');
    const out = join(dir, 'listed.npz');
    expect((await prepareBatch({ images: folder, list, out, size: SIDE, crop: 'none', resample: 'bicubic' })).count).toBe(4);
    const got = (await readNpz(out)).arr_0!.data as Uint8Array;
    for (const [k, i] of [5, 1, 0, 1].entries())
      expect(bytesEqual(got.subarray(k * SIDE * SIDE * 3, (k + 1) * SIDE * SIDE * 3), image(i)), `${k}`).toBe(true);
  });

  it('--split-ab keeps the left w // 2 columns or the other ones (an odd-width 41×20 AB: 20 and 21 columns), then resizes each', async () => {
    const ab = new Uint8Array(20 * 41 * 3);
    for (let y = 0; y < 20; y++) {
      ab.set(image(0).subarray(y * 60, (y + 1) * 60), y * 123);
      ab.set(image(1).subarray(y * 60, (y + 1) * 60), y * 123 + 60);
      ab.set(image(2).subarray(y * 3, y * 3 + 3), y * 123 + 120);
    }
    const abDir = join(dir, 'ab');
    await mkdir(abDir, { recursive: true });
    await writeFile(join(abDir, '1_AB.png'), await png(ab, 41, 20));
    const left = await batch(['1_AB.png'], { size: SIDE, crop: 'none', splitAb: 'left', resample: 'bicubic' }, abDir);
    expect(bytesEqual(left.image(0), image(0))).toBe(true);
    const right = await batch(['1_AB.png'], { size: 12, crop: 'none', splitAb: 'right', resample: 'bicubic' }, abDir);
    const rightHalf = new Uint8Array(20 * 21 * 3);
    for (let y = 0; y < 20; y++) rightHalf.set(ab.subarray(y * 123 + 60, (y + 1) * 123), y * 63);
    expect(bytesEqual(right.image(0), resizePilUint8(rightHalf, { count: 1, height: 20, width: 21, channels: 3 }, 12, 12, 'bicubic'))).toBe(
      true,
    );
  });

  it('streams: 300 images of 48×48 written row by row read back as the images in order', async () => {
    const n = 300;
    const many = makeSyntheticImages({ n, resolution: 48, seed: 9 });
    const manyDir = join(dir, 'many');
    await mkdir(manyDir, { recursive: true });
    for (let i = 0; i < n; i++)
      await writeFile(
        join(manyDir, `${String(i).padStart(4, '0')}.png`),
        await png(many.subarray(i * 48 * 48 * 3, (i + 1) * 48 * 48 * 3), 48, 48),
      );
    const out = join(dir, 'many.npz');
    expect((await prepareBatch({ images: manyDir, out, size: 48, crop: 'none', resample: 'bicubic' })).count).toBe(n);
    expect(bytesEqual((await readNpz(out)).arr_0!.data as Uint8Array, many)).toBe(true);
  });
});

describe('genbench prepare-batch: bad input is a one-line error and exit code 2, nothing written', () => {
  let bad: string;
  beforeAll(async () => {
    bad = join(dir, 'bad');
    await mkdir(join(bad, 'empty'), { recursive: true });
    await mkdir(join(bad, 'imgs'), { recursive: true });
    const rgb = makeSyntheticImages({ n: 1, resolution: 16, seed: 1 });
    const raw = { raw: { width: 16, height: 16, channels: 3 as const } };
    await writeFile(join(bad, 'imgs', 'ok.png'), await sharp(Buffer.from(rgb), raw).png().toBuffer());
    await writeFile(join(bad, 'imgs', 'broken.jpg'), Buffer.from('not a jpeg at all'));
    await writeFile(join(bad, 'imgs', 'cmyk.jpg'), await sharp(Buffer.from(rgb), raw).toColourspace('cmyk').jpeg().toBuffer());
    await writeFile(join(bad, 'imgs', 'deep.png'), await sharp(Buffer.from(rgb), raw).toColourspace('rgb16').png().toBuffer());
    await writeFile(join(bad, 'imgs', 'flat.webp'), await sharp(Buffer.from(rgb), raw).webp().toBuffer());
    await writeFile(join(bad, 'missing.txt'), 'ok.png\nnope.png\n');
    await writeFile(join(bad, 'gap.txt'), 'ok.png\n\nok.png\n');
    for (const f of ['broken.jpg', 'cmyk.jpg', 'deep.png', 'flat.webp']) await writeFile(join(bad, `${f}.txt`), `ok.png\n${f}\n`);
  });

  const base = (out: string) => ['--size', '8', '--crop', 'none', '--out', join(dir, out)];
  it.each([
    ['an empty folder', () => ['--images', join(bad, 'empty'), ...base('e1.npz')], /holds no \.jpg, \.jpeg or \.png files/],
    ['a missing folder', () => ['--images', join(bad, 'absent'), ...base('e2.npz')], /absent: cannot open \(ENOENT\)/],
    [
      'a file missing from the list',
      () => ['--images', join(bad, 'imgs'), '--list', join(bad, 'missing.txt'), ...base('e3.npz')],
      /nope\.png \(line 2 of .*missing\.txt\) is not a file/,
    ],
    [
      'an absent list',
      () => ['--images', join(bad, 'imgs'), '--list', join(bad, 'absent.txt'), ...base('e11.npz')],
      /absent\.txt: cannot read \(ENOENT\)/,
    ],
    [
      'an empty line in the list',
      () => ['--images', join(bad, 'imgs'), '--list', join(bad, 'gap.txt'), ...base('e4.npz')],
      /gap\.txt: line 2 is empty/,
    ],
    [
      'an unreadable image',
      () => ['--images', join(bad, 'imgs'), '--list', join(bad, 'broken.jpg.txt'), ...base('e5.npz')],
      /cannot decode .*broken\.jpg/,
    ],
    [
      'a CMYK JPEG',
      () => ['--images', join(bad, 'imgs'), '--list', join(bad, 'cmyk.jpg.txt'), ...base('e6.npz')],
      /cmyk\.jpg is not 8-bit RGB or greyscale \(colour space cmyk/,
    ],
    [
      'a 16-bit PNG',
      () => ['--images', join(bad, 'imgs'), '--list', join(bad, 'deep.png.txt'), ...base('e7.npz')],
      /deep\.png is not 8-bit RGB or greyscale .*depth ushort/,
    ],
    [
      'a WebP file',
      () => ['--images', join(bad, 'imgs'), '--list', join(bad, 'flat.webp.txt'), ...base('e8.npz')],
      /flat\.webp is webp, not a JPEG or PNG/,
    ],
    [
      'size 0',
      () => ['--images', join(bad, 'imgs'), '--size', '0', '--crop', 'none', '--out', join(dir, 'e9.npz')],
      /--size must be an integer ≥ 1, not "0"/,
    ],
    [
      'an unknown crop',
      () => ['--images', join(bad, 'imgs'), '--size', '8', '--crop', 'middle', '--out', join(dir, 'e10.npz')],
      /--crop must be one of center, none, adm, not "middle"/,
    ],
  ])('refuses %s', async (_what, args, message) => {
    const argv = args();
    const r = await cli(...argv);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const out = argv[argv.indexOf('--out') + 1]!;
    expect(existsSync(out)).toBe(false);
    // Nor a partial file left beside it.
    expect((await readdir(dir)).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('prints the count and the sha256 of the file it wrote', async () => {
    const out = join(dir, 'ok.npz');
    await writeFile(join(bad, 'ok-only.txt'), 'ok.png\nok.png\n');
    const ok = await cli(
      '--images',
      join(bad, 'imgs'),
      '--list',
      join(bad, 'ok-only.txt'),
      '--size',
      '8',
      '--crop',
      'center',
      '--out',
      out,
    );
    expect(ok.code, ok.stderr).toBe(0);
    const sha = createHash('sha256')
      .update(await readFile(out))
      .digest('hex');
    expect(ok.stdout).toBe(`wrote 2 images to ${out}\nsha256 ${sha}\n`);
  });
});
